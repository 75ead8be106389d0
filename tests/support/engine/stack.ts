// One stack on the real Pulumi engine: a project folder, its stack file, and the commands users run, as they type them
// (`pulumi up --yes`, `refresh --run-program`, `config set --secret`, `stack export/import`, `cancel`, …), with the
// engine's event log for the steps. The Automation API (LocalWorkspace, a local program) creates the stack; it also
// runs `npm run sandbox` (tests/sandbox-command.test.ts). Its up/refresh/destroy are not used here: each adds CLI
// runs the scenarios do not need (stack outputs twice and the history after every update, ~1.4 s).
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PulumiBackend, runCli, type CliResult } from "./cli";
import { parseState, type StackState, type StateResource } from "./state";
import { StepRecorder, type Diagnostic, type Step } from "./steps";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
/** Project folders live under the repository (git-ignored), so the program finds node_modules as it does in a checkout. */
const SCRATCH = path.join(ROOT, ".scratch", "engine");

/**
 * Which program the project folder holds:
 * - "repository": this repository's project itself — Pulumi.yaml, index.ts and the tsconfigs, linked, so the CLI
 *   reads and runs exactly what users run, in a folder of the test's own (manifests, stack file);
 * - a module of tests that exports `program()`: a small project named `name` whose outputs are what it returns.
 */
export type ProjectSource = "repository" | { name: string; module: string };

export interface RunResult {
  kind: "preview" | "up" | "refresh" | "destroy";
  steps: Step[];
  /** Stack outputs after an up (secrets unwrapped; see secretOutputs). */
  outputs: Record<string, any>;
  secretOutputs: string[];
  /** Set when the command failed: the engine's error diagnostics, then what the CLI printed on stderr. */
  error?: Error;
  diagnostics: Diagnostic[];
  /** Everything the CLI printed (its progress display included). */
  output: string;
  seconds: number;
}

export interface BackgroundRun {
  pid: number;
  exited: Promise<number | null>;
  /** Pids of the CLI and every process under it, with their command lines. */
  processes(): { pid: number; command: string }[];
}

/** The process tree under `root` (Linux /proc). */
export function processTree(root: number): { pid: number; command: string }[] {
  const all = fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return [{ pid: Number(p), ppid, command: fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").join(" ").trim() }];
      } catch {
        return [];
      }
    });
  const tree = all.filter((x) => x.pid === root);
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((x) => x.ppid === tree[i].pid));
  return tree.map(({ pid, command }) => ({ pid, command }));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const policyFlags = (o: { policyPacks?: string[]; policyPackConfigs?: string[] }) => [
  ...(o.policyPacks ?? []).flatMap((p) => ["--policy-pack", p]),
  ...(o.policyPackConfigs ?? []).flatMap((p) => ["--policy-pack-config", p]),
];

export interface EngineStackOptions {
  backend: PulumiBackend;
  project?: ProjectSource;
  stack: string;
  /** Bare keys of the project's namespace (or namespaced ones) → values, written into Pulumi.<stack>.yaml as YAML. */
  config?: Record<string, unknown>;
  /** Keys set with `pulumi config set --secret`. */
  secretConfig?: string[];
  /** The project folder (default: a new one under .scratch/engine). */
  dir?: string;
}

const link = (target: string, at: string) => fs.symlinkSync(path.relative(path.dirname(at), target), at);

function prepareProject(dir: string, source: ProjectSource): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ["tsconfig.json", "tsconfig.pulumi.json"]) link(path.join(ROOT, f), path.join(dir, f));
  if (source === "repository") {
    for (const f of ["Pulumi.yaml", "index.ts"]) link(path.join(ROOT, f), path.join(dir, f));
    return (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  }
  const project = { name: source.name, main: "index.ts", runtime: { name: "nodejs", options: { typescript: true, tsconfig: "tsconfig.pulumi.json" } } };
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(project));
  const rel = path.relative(dir, source.module).split(path.sep).join("/").replace(/\.ts$/, "");
  fs.writeFileSync(path.join(dir, "index.ts"), `// The outputs of ${path.basename(source.module)}'s program().\nmodule.exports = require("${rel}").program();\n`);
  return source.name;
}

export class EngineStack {
  readonly dir: string;
  readonly project: string;
  readonly name: string;
  /** What `pulumi stack export --show-secrets` showed after the last command. */
  state: StackState = { resources: [], pendingOperations: [] };
  private config: Record<string, unknown>;
  private secretKeys: Set<string>;
  private writtenSecrets = new Map<string, string>();
  private stack?: Stack;
  private readonly ownsDir: boolean;

  constructor(private readonly o: EngineStackOptions) {
    this.ownsDir = !o.dir;
    this.dir = o.dir ?? path.join(SCRATCH, `${o.stack}-${randomBytes(4).toString("hex")}`);
    this.project = prepareProject(this.dir, o.project ?? "repository");
    this.name = o.stack;
    this.config = { ...(o.config ?? {}) };
    this.secretKeys = new Set(o.secretConfig ?? []);
  }

  get backend(): PulumiBackend {
    return this.o.backend;
  }

  /** organization/<project>/<stack>: how a StackReference names it on a file backend. */
  get fullName(): string {
    return `organization/${this.project}/${this.name}`;
  }

  get stackFile(): string {
    return path.join(this.dir, `Pulumi.${this.name}.yaml`);
  }

  private ns(key: string): string {
    return key.includes(":") ? key : `${this.project}:${key}`;
  }

  /** Sets (or with `undefined` removes) a config key; written to the stack file before the next command. */
  setConfig(key: string, value: unknown, o: { secret?: boolean } = {}): void {
    this.config[key] = value;
    if (o.secret) this.secretKeys.add(key);
  }

  configValue(key: string): unknown {
    return this.config[key];
  }

  /**
   * The stack (created on first use) with the config written: plain values as YAML, secrets through the CLI. Every
   * operation below does this first; cli() does not.
   */
  async init(): Promise<Stack> {
    if (!this.stack) {
      const ws = await LocalWorkspace.create({ workDir: this.dir, pulumiCommand: this.backend.engine.command, envVars: this.backend.env });
      this.stack = await Stack.createOrSelect(this.name, ws);
    }
    const doc = (fs.existsSync(this.stackFile) ? yaml.load(fs.readFileSync(this.stackFile, "utf8")) : {}) as { config?: Record<string, unknown> } & Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.config)) {
      if (v === undefined) continue;
      if (this.secretKeys.has(k)) {
        const previous = doc.config?.[this.ns(k)];
        if (previous !== undefined && this.writtenSecrets.get(k) === JSON.stringify(v)) config[this.ns(k)] = previous;
      } else config[this.ns(k)] = v;
    }
    fs.writeFileSync(this.stackFile, yaml.dump({ ...doc, config }, { lineWidth: -1, skipInvalid: true }));
    for (const k of this.secretKeys) {
      const v = this.config[k];
      if (v === undefined || this.writtenSecrets.get(k) === JSON.stringify(v)) continue;
      await this.cliOk(["config", "set", "--secret", this.ns(k), "--", typeof v === "string" ? v : JSON.stringify(v)]);
      this.writtenSecrets.set(k, JSON.stringify(v));
    }
    return this.stack;
  }

  /**
   * A CLI command in the project folder, as a user types it (`--stack` added). The stack file is left as it is: call
   * init() (or run an operation) first for the config set on this object.
   */
  cli(args: string[], o: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
    const end = args.indexOf("--");
    const [flags, rest] = end < 0 ? [args, []] : [args.slice(0, end), args.slice(end)];
    return runCli(this.backend, this.dir, [...flags, "--stack", this.name, "--non-interactive", ...rest], o);
  }

  private async cliOk(args: string[]): Promise<string> {
    const r = await this.cli(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /** `pulumi stack export` (secrets encrypted, as the backend stores them). */
  async exportState(o: { showSecrets?: boolean } = {}): Promise<string> {
    await this.init();
    return this.cliOk(["stack", "export", ...(o.showSecrets ? ["--show-secrets"] : [])]);
  }

  /** `pulumi stack import --file`. */
  async importState(text: string): Promise<void> {
    await this.init();
    const file = path.join(this.dir, `import-${randomBytes(4).toString("hex")}.json`);
    fs.writeFileSync(file, text);
    try {
      await this.cliOk(["stack", "import", "--file", file]);
    } finally {
      fs.rmSync(file, { force: true });
    }
    this.readState();
  }

  /**
   * What the backend stores now: the file backend's checkpoint, read directly (what `pulumi stack export` prints,
   * without a CLI run). Secret values stay encrypted, listed in `secretOutputs`.
   */
  readState(): StackState {
    const file = this.checkpointFile;
    const checkpoint = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { checkpoint?: { latest?: unknown } }) : {};
    this.state = parseState(JSON.stringify({ deployment: checkpoint.checkpoint?.latest ?? {} }));
    return this.state;
  }

  /** The stack outputs the state holds (what a StackReference to this stack reads); secret values stay encrypted. */
  stackOutputs(): Record<string, any> {
    return this.state.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  }

  /** The file backend's checkpoint of this stack. */
  get checkpointFile(): string {
    return path.join(this.backend.stateDir, ".pulumi", "stacks", this.project, `${this.name}.json`);
  }

  /** Size of the state as the backend stores it (the checkpoint file). */
  stateBytes(): number {
    return fs.statSync(this.checkpointFile).size;
  }

  /**
   * Edits the state as a user would: `pulumi stack export`, change the JSON, `pulumi stack import`. `edit` gets the
   * export's resources (secrets encrypted: edit only plain values).
   */
  async editState(edit: (resources: any[], deployment: any) => void | Promise<void>): Promise<void> {
    const doc = JSON.parse(await this.exportState());
    await edit(doc.deployment.resources, doc.deployment);
    await this.importState(JSON.stringify(doc));
  }

  /** Kills the dynamic-provider process a running command of this stack started (it runs in the project folder). */
  killProvider(): boolean {
    let killed = false;
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (cmd.includes("dynamic-provider") && fs.readlinkSync(`/proc/${pid}/cwd`) === fs.realpathSync(this.dir)) {
          process.kill(Number(pid), "SIGKILL");
          killed = true;
        }
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return killed;
  }

  /** The live (not pending-delete) resource with this name. */
  live(name: string): StateResource {
    const hits = this.state.resources.filter((r) => r.name === name && !r.delete);
    if (hits.length !== 1) throw new Error(`${hits.length} live resources named ${name} in the state of ${this.name}`);
    return hits[0];
  }

  private urnOf(name: string): string {
    return name.startsWith("urn:") ? name : this.live(name).urn;
  }

  preview(o: { replace?: string[]; policyPacks?: string[]; policyPackConfigs?: string[] } = {}): Promise<RunResult> {
    return this.run("preview", ["preview", ...this.replaceFlags(o.replace), ...policyFlags(o)]);
  }

  up(o: { replace?: string[]; refresh?: boolean; policyPacks?: string[]; policyPackConfigs?: string[] } = {}): Promise<RunResult> {
    return this.run("up", ["up", "--yes", "--skip-preview", ...this.replaceFlags(o.replace), ...(o.refresh ? ["--refresh"] : []), ...policyFlags(o)]);
  }

  refresh(o: { runProgram?: boolean; clearPendingCreates?: boolean; expectNoChanges?: boolean } = {}): Promise<RunResult> {
    const flags = [o.runProgram && "--run-program", o.clearPendingCreates && "--clear-pending-creates", o.expectNoChanges && "--expect-no-changes"].filter((f): f is string => !!f);
    return this.run("refresh", ["refresh", "--yes", "--skip-preview", ...flags]);
  }

  destroy(o: { runProgram?: boolean } = {}): Promise<RunResult> {
    return this.run("destroy", ["destroy", "--yes", "--skip-preview", ...(o.runProgram ? ["--run-program"] : [])]);
  }

  private replaceFlags(names: string[] | undefined): string[] {
    return (names ?? []).flatMap((n) => ["--replace", this.urnOf(n)]);
  }

  /**
   * One command as a user types it, with `--event-log` (the engine's event stream, which the Automation API reads
   * too) for the steps. Then the state the backend stored.
   */
  private async run(kind: RunResult["kind"], args: string[]): Promise<RunResult> {
    await this.init();
    const log = path.join(this.dir, `.events-${randomBytes(4).toString("hex")}.jsonl`);
    const started = Date.now();
    // --event-log is one of the CLI's debug flags, which the Automation API enables the same way.
    const r = await this.cli([...args, "--event-log", log], { timeoutMs: 600_000, env: { PULUMI_DEBUG_COMMANDS: "true" } });
    const seconds = (Date.now() - started) / 1000;
    const rec = new StepRecorder();
    const events = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    fs.rmSync(log, { force: true });
    for (const line of events.split("\n")) if (line.trim()) rec.onEvent(JSON.parse(line));
    let error: Error | undefined;
    if (r.code !== 0) {
      // The engine's own error diagnostics (what the CLI prints under Diagnostics); else what it printed on stderr.
      const errors = rec.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
      error = new Error(errors.length ? errors.join("\n") : (r.stderr || r.stdout).trim());
    }
    if (kind !== "preview") this.readState();
    for (const s of rec.steps) if (s.error && this.state.resources.some((x) => x.urn === s.urn && x.initErrors)) s.initFailed = true;
    const root = kind === "destroy" ? undefined : this.state.resources.find((x) => x.type === "pulumi:pulumi:Stack");
    const [outputs, secretOutputs] = [root?.outputs ?? {}, root?.secretOutputs ?? []];
    return { kind, steps: rec.steps, outputs, secretOutputs, error, diagnostics: rec.diagnostics, output: r.stdout + r.stderr, seconds };
  }

  /**
   * `pulumi up` as a process of its own, so a test can kill it the way `kill -9`, a dead machine or a torn-down CI
   * job does. `processes()` lists the run's process tree (the CLI, its language host, its provider) while it lives.
   */
  async upInBackground(): Promise<BackgroundRun> {
    await this.init();
    const child = spawn(this.backend.engine.path, ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", this.name], {
      cwd: this.dir,
      env: { ...process.env, ...this.backend.env },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { pid: child.pid!, exited, processes: () => processTree(child.pid!) };
  }

  /** Removes the project folder (the backend is the caller's). */
  dispose(): void {
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
