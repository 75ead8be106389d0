// The real Pulumi CLI the engine scenarios run on: the `pulumi` on PATH (users and contributors have one; `.ci/run`
// puts ../shared/pulumi-engine/bin first when there is none), and a hermetic backend per test: a file backend,
// PULUMI_HOME in a temporary folder, a passphrase, no update check, no plugin download, nothing beyond loopback.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { atLeast, locatePulumiCli, MIN_PULUMI_CLI, RECOMMENDED_PULUMI_CLI } from "../../../scripts/sandbox/pulumi-cli";

export interface PulumiEngine {
  /** Absolute path of the `pulumi` executable. */
  path: string;
  /** Its folder, put first on PATH of every command (the language host and the dynamic-provider launcher sit beside it). */
  bin: string;
  version: string;
  command: PulumiCommand;
}

/** One paragraph: why the engine scenarios cannot run, and how to get a CLI. Never a silent skip. */
export function missingEngineMessage(found?: string): string {
  return (
    `${found ? `The Pulumi CLI on PATH (${found}) is too old` : "No Pulumi CLI on PATH"}: the deployment scenarios run on the real Pulumi ` +
    `engine, as users run this project, and need \`pulumi\` ${MIN_PULUMI_CLI} or newer on PATH (with its language host ` +
    "`pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` beside it, as every Pulumi install has). Install one with " +
    `\`curl -fsSL https://get.pulumi.com | sh -s -- --version ${RECOMMENDED_PULUMI_CLI}\` (or see ` +
    "https://www.pulumi.com/docs/iac/download-install/) and open a new shell; no Pulumi account is needed, the tests use " +
    "a local file backend. CI (.ci/run) uses the engine in ../shared/pulumi-engine/bin when PATH has none."
  );
}

let located: Promise<PulumiEngine> | undefined;

/** The engine on PATH, found once per process; rejects with missingEngineMessage() when there is none (or too old). */
export function pulumiEngine(): Promise<PulumiEngine> {
  located ??= (async () => {
    const cli = await locatePulumiCli(process.env);
    if (!cli) throw new Error(missingEngineMessage());
    if (!cli.version || !atLeast(cli.version, MIN_PULUMI_CLI)) throw new Error(missingEngineMessage(`${cli.path}, ${cli.version?.text ?? "unknown version"}`));
    const bin = path.dirname(cli.path);
    const root = path.basename(bin) === "bin" ? path.dirname(bin) : undefined;
    const command = await PulumiCommand.get({ ...(root ? { root } : {}), skipVersionCheck: true });
    return { path: cli.path, bin, version: cli.version.text, command };
  })();
  return located;
}

/** A file backend and a PULUMI_HOME of its own: stacks that reference each other share one. */
export class PulumiBackend {
  private constructor(
    readonly home: string,
    readonly stateDir: string,
    readonly engine: PulumiEngine,
    private readonly compileCache: boolean,
  ) {}

  /**
   * `compileCache` (default on): Node's compile cache (NODE_COMPILE_CACHE, Node 22+) for the program and provider
   * processes, shared by every test: each loads @pulumi/pulumi and more, ~0.2 s less each. The bench turns it off,
   * to measure what users get.
   */
  static async create(o: { compileCache?: boolean } = {}): Promise<PulumiBackend> {
    const engine = await pulumiEngine();
    const [home, stateDir] = await Promise.all(["pulumi-home-", "pulumi-state-"].map((p) => fs.promises.mkdtemp(path.join(os.tmpdir(), p))));
    return new PulumiBackend(home, stateDir, engine, o.compileCache ?? true);
  }

  get url(): string {
    return `file://${this.stateDir}`;
  }

  /** What every command of this backend runs with. */
  get env(): Record<string, string> {
    return {
      PATH: `${this.engine.bin}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: this.url,
      PULUMI_CONFIG_PASSPHRASE: "engine-scenarios",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      // Nothing of the developer's own Pulumi setup: no cloud token, no other backend, no colours in what tests read.
      PULUMI_ACCESS_TOKEN: "",
      PULUMI_CONFIG_PASSPHRASE_FILE: "",
      NO_COLOR: "1",
      ...(this.compileCache ? { NODE_COMPILE_CACHE: path.join(os.tmpdir(), "custom-speech-tests-node-compile-cache") } : {}),
    };
  }

  /** Lock files the file backend holds for a stack (a run that died keeps its lock). */
  locks(project: string, stack: string): string[] {
    const dir = path.join(this.stateDir, ".pulumi", "locks", "organization", project, stack);
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  }

  async dispose(): Promise<void> {
    await Promise.all([this.home, this.stateDir].map((d) => fs.promises.rm(d, { recursive: true, force: true })));
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A plain CLI command, as a user types it, in `cwd` with the backend's environment. */
export async function runCli(backend: PulumiBackend, cwd: string, args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  try {
    const r = await promisify(execFile)(backend.engine.path, args, {
      cwd,
      env: { ...process.env, ...backend.env, ...o.env },
      timeout: o.timeoutMs ?? 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof x.code !== "number") throw e;
    return { code: x.code, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}
