// Finding the Pulumi CLI on PATH and the version the sandbox needs, before anything is started.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

export interface CliVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export interface PulumiCli {
  /** Absolute path of the `pulumi` executable. */
  path: string;
  /** What `pulumi version` printed, parsed; undefined when it printed something else. */
  version?: CliVersion;
}

/**
 * The oldest CLI the sandbox works with. @pulumi/pulumi 3.270.0's Automation API itself accepts any CLI from
 * 3.2.0-alpha (node_modules/@pulumi/pulumi/automation/minimumVersion.js). The sandbox needs more, because it keeps the
 * tracked Pulumi.sandbox.yaml unchanged and gives the CLI a copy with --config-file (see automation.ts): it relies on
 * `pulumi stack init` storing the secrets manager in the new stack's state (CLI 3.135.0, pulumi/pulumi#17387) and on
 * PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER (3.134.0, #17236) to bring that salt into the copy.
 */
export const MIN_PULUMI_CLI = "3.135.0";
/** The CLI release matching the @pulumi/pulumi SDK in package.json: what to install. */
export const RECOMMENDED_PULUMI_CLI = "3.270.0";

export function parseCliVersion(text: string): CliVersion | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)(\S*)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}${m[4]}` } : undefined;
}

/** True when `v` is at least `min` (major.minor.patch; a pre-release of the minimum counts as older). */
export function atLeast(v: CliVersion, min: string): boolean {
  const m = parseCliVersion(min)!;
  const a = [v.major, v.minor, v.patch];
  const b = [m.major, m.minor, m.patch];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return !v.text.includes("-");
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first `pulumi` on `env.PATH` and its version (`pulumi version`), or undefined when there is none. */
export async function locatePulumiCli(env: NodeJS.ProcessEnv): Promise<PulumiCli | undefined> {
  const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const name of names) {
      const file = path.resolve(dir, name);
      if (!executable(file)) continue;
      const out = await promisify(execFile)(file, ["version"], { env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 60_000 }).catch(() => undefined);
      return { path: file, version: out ? parseCliVersion(out.stdout) : undefined };
    }
  }
  return undefined;
}

const INSTALL =
  `Install it with \`curl -fsSL https://get.pulumi.com | sh -s -- --version ${RECOMMENDED_PULUMI_CLI}\` (Linux, macOS), ` +
  "`brew install pulumi/tap/pulumi` (macOS) or `winget install pulumi` (Windows), or see https://www.pulumi.com/docs/iac/download-install/; " +
  "then open a new shell so that `pulumi version` works and run `npm run sandbox` again.";

/** One paragraph: what is missing, which version, how to install it, and that nothing was started. */
export function noCliMessage(): string {
  return (
    "No Pulumi CLI found on PATH. `npm run sandbox` deploys the sandbox stack with the Pulumi CLI, driven through the " +
    `Automation API of @pulumi/pulumi, so it needs one: version ${MIN_PULUMI_CLI} or newer (${RECOMMENDED_PULUMI_CLI}, the ` +
    `release of the @pulumi/pulumi SDK this project uses, is the one to pick). ${INSTALL} No Pulumi account is needed: the ` +
    "sandbox keeps its state in a local file backend under .sandbox/. Nothing was started.\n"
  );
}

export function oldCliMessage(cli: PulumiCli): string {
  const found = cli.version ? `version ${cli.version.text}` : "a version that `pulumi version` did not report";
  return (
    `The Pulumi CLI at ${cli.path} is ${found}; \`npm run sandbox\` needs ${MIN_PULUMI_CLI} or newer (${RECOMMENDED_PULUMI_CLI}, ` +
    `the release of the @pulumi/pulumi SDK this project uses, is the one to pick). ${INSTALL} Nothing was started.\n`
  );
}
