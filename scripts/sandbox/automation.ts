// The real runner: the Pulumi CLI driven through the Automation API (@pulumi/pulumi/automation, 3.270.0), on a local
// file backend in the state folder, with the stack file copy passed as --config-file.
//
// What the installed Automation API offers and what this relies on (node_modules/@pulumi/pulumi/automation):
// - LocalWorkspaceOptions.envVars go to every CLI command: PULUMI_BACKEND_URL (the file backend) and
//   PULUMI_CONFIG_PASSPHRASE (the passphrase secrets manager), so no `pulumi login` and no prompt.
// - UpOptions/DestroyOptions extend GlobalOpts, whose `configFile` becomes `--config-file` (stack.js applyGlobalOpts);
//   `onOutput` streams the engine's own progress display.
// - LocalWorkspace.setConfig has no config-file option (it runs `config set` on Pulumi.<stack>.yaml), so the secret is
//   set by running that same command of the same CLI binary (PulumiCommand.command) with --config-file added.
// - `pulumi stack init` (Stack.createOrSelect → LocalWorkspace.createStack) takes no --config-file and writes the new
//   passphrase salt into Pulumi.<stack>.yaml (pulumi/pulumi pkg/cmd/pulumi/stack: stack_init.go, io.go CreateStack →
//   SaveProjectStack); since CLI 3.135.0 it also stores the secrets manager in the stack's
//   state, and PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER makes later commands take the salt from there into the copy. So
//   the tracked file is put back byte for byte after every CLI command here (preserveFile), when that is all that changed.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { LocalWorkspace, PulumiCommand, Stack, type OutputMap } from "@pulumi/pulumi/automation";
import * as yaml from "js-yaml";
import { canonicalJson } from "../../components/custom-speech/spec";
import type { RunnerContext, StackOutputs, StackRunner } from "./types";

// The stack-file keys of the CLI's secrets manager: the only ones it may add to the tracked file (stack init).
const SECRETS_MANAGER_KEYS = ["encryptionsalt", "secretsprovider", "encryptedkey"];

/** A stack file's content without the secrets manager's keys, key order aside; undefined when absent or unreadable. */
function withoutSecretsManager(content: Buffer | undefined): string | undefined {
  if (content === undefined) return undefined;
  try {
    const doc = (yaml.load(content.toString("utf8")) ?? {}) as Record<string, unknown>;
    for (const k of SECRETS_MANAGER_KEYS) delete doc[k];
    return canonicalJson(doc);
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` (CLI commands), then undoes what the CLI wrote into the tracked stack file: when the file differs from
 * before only by secrets-manager keys, its bytes are put back. Any other change (someone edited it meanwhile) stays.
 */
export async function preserveFile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file) : undefined);
  const before = read();
  try {
    return await fn();
  } finally {
    const after = read();
    if (before !== undefined && after !== undefined && !before.equals(after) && withoutSecretsManager(before) === withoutSecretsManager(after)) {
      fs.writeFileSync(file, before);
    } else if (before === undefined && after !== undefined && withoutSecretsManager(after) === canonicalJson({})) {
      fs.rmSync(file);
    }
  }
}

export async function automationRunner(ctx: RunnerContext): Promise<StackRunner> {
  // The CLI that was located on PATH, by its install root when it sits in a bin/ folder (PulumiCommand.get's `root`).
  const bin = path.dirname(ctx.cli.path);
  const root = process.platform !== "win32" && path.basename(bin) === "bin" ? path.dirname(bin) : undefined;
  const pulumi = await PulumiCommand.get(root ? { root } : {});
  const inherited = Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => typeof e[1] === "string"));
  const envVars: Record<string, string> = {
    ...inherited,
    // The CLI's own folder first: its language host and dynamic-provider launcher sit beside it.
    PATH: `${bin}${path.delimiter}${ctx.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: ctx.backendUrl,
    PULUMI_CONFIG_PASSPHRASE: ctx.passphrase,
    PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const keepTracked = <T>(fn: () => Promise<T>) => preserveFile(ctx.trackedStackFile, fn);
  const ws = await keepTracked(() => LocalWorkspace.create({ workDir: ctx.projectDir, pulumiCommand: pulumi, envVars, secretsProvider: "passphrase" }));
  const stack = await keepTracked(() => Stack.createOrSelect(ctx.stackName, ws));
  const color = ctx.color ? "always" : "never";
  let last: OutputMap | undefined;
  return {
    async prepare(secrets) {
      for (const [key, value] of Object.entries(secrets)) {
        // LocalWorkspace.setConfig's own arguments, plus --config-file.
        const args = ["config", "set", key, "--stack", ctx.stackName, "--secret", "--config-file", ctx.configFile, "--non-interactive", "--", value];
        await keepTracked(() =>
          promisify(execFile)(pulumi.command, args, { cwd: ctx.projectDir, env: { ...process.env, ...envVars } }),
        ).catch((e: Error & { stderr?: string }) => {
          throw new Error(`pulumi config set --secret ${key} failed: ${(e.stderr ?? e.message).trim()}`);
        });
      }
    },
    async up(onOutput) {
      const r = await keepTracked(() => stack.up({ configFile: ctx.configFile, onOutput, color }));
      last = r.outputs;
    },
    async destroy(onOutput) {
      await keepTracked(() => stack.destroy({ configFile: ctx.configFile, onOutput, color }));
      last = undefined;
    },
    async outputs(): Promise<StackOutputs> {
      return last ?? (await keepTracked(() => stack.outputs()));
    },
    async exportState() {
      return keepTracked(() => stack.exportStack());
    },
  };
}
