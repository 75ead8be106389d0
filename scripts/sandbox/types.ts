// The parts `runSandbox` is given: what deploys the stack (the Automation API, or a stand-in in tests), how the
// Pulumi CLI is found, and where text goes.
import type { DurationKind } from "../../emulator";
import type { PulumiCli } from "./pulumi-cli";

export interface Writer {
  write(text: string): unknown;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}
export type StackOutputs = Record<string, StackOutput>;

/** Deploys one stack: the Automation API over the CLI (automation.ts), or the deployment driver in tests. */
export interface StackRunner {
  /** Creates or selects the stack and sets these namespaced config keys as secrets (in the stack file copy). */
  prepare(secrets: Record<string, string>): Promise<void>;
  /** `pulumi up --yes`; the engine's progress goes to onOutput; rejects when the update fails. */
  up(onOutput: (text: string) => void): Promise<void>;
  /** `pulumi destroy --yes`. */
  destroy(onOutput: (text: string) => void): Promise<void>;
  /** The stack outputs after the last up. */
  outputs(): Promise<StackOutputs>;
  /** `pulumi stack export`: the state, failed resources included (the evaluation of a failing gate). */
  exportState(): Promise<unknown>;
}

export interface RunnerContext {
  cli: PulumiCli;
  /** The environment the CLI runs with (the command's own: PULUMI_HOME and the like come from here). */
  env: NodeJS.ProcessEnv;
  /** Pulumi.yaml and index.ts: the CLI's work dir. */
  projectDir: string;
  stackName: string;
  /** The stack file copy under the state folder (--config-file). */
  configFile: string;
  /** The tracked Pulumi.<stack>.yaml, which must stay as it is. */
  trackedStackFile: string;
  /** file://<state folder>/state */
  backendUrl: string;
  passphrase: string;
  /** Colour the engine's output (stdout is a terminal). */
  color: boolean;
}

export interface SandboxOptions {
  /** Tear the stack down and stop what the sandbox started. */
  destroy?: boolean;
  /** Start the emulator in the WER scenario where the sandbox's gate fails. */
  failGate?: boolean;
  /** The state folder (default <root>/.sandbox, git-ignored). */
  dir?: string;
  /** The repository (Pulumi.yaml, Pulumi.sandbox.yaml, index.ts, examples/sandbox); default: this checkout. */
  root?: string;
  /** Ports to start on or reuse (default 5599 and 10000, the ones Pulumi.sandbox.yaml names); 0 = any free port. */
  speechPort?: number;
  blobPort?: number;
  /** Emulator processing times in ms (default: dataset 5 s, model 30 s, evaluation and endpoint 10 s). */
  durations?: Partial<Record<DurationKind, number>>;
  /** More bare config keys written into the stack file copy (tests: poll knobs scaled to their durations). */
  config?: Record<string, unknown>;
  color?: boolean;
}

export interface SandboxDeps {
  /** Where the Pulumi CLI is looked for (PATH). */
  env: NodeJS.ProcessEnv;
  locateCli(env: NodeJS.ProcessEnv): Promise<PulumiCli | undefined>;
  createRunner(ctx: RunnerContext): Promise<StackRunner>;
  stdout: Writer;
  stderr: Writer;
}
