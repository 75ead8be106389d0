// A test driver that runs a stack program through `preview`, `up`, `refresh`, `destroy` and `up --replace`,
// following the Pulumi engine's step order and checkpoint rules, and keeping a checkpoint between runs.
// The rules are taken from pulumi/pulumi at 1b59498 (pkg/resource/deploy/…); each is cited where it is applied.
//
// Dynamic resources go through the real provider server (provider-server.ts) in its own process, started per
// run as the engine starts plugins, with the provider the program serialized. azure-native resources get
// ARM-like fake outputs (azure-fakes.ts). A preview never calls Create, Update or Delete.
import { canonicalJson } from "../../../components/custom-speech/spec";
import { fakeAzureInvoke, fakeAzureResource } from "../azure-fakes";
import { Checkpoint, type StateResource } from "./checkpoint";
import { ProgramHost, type Program, type ReadRequest, type RegisterRequest } from "./program";
import { ProviderCallError, ProviderServer, SECRET_SIG, type DiffOutcome, type Props } from "./provider-server";

export type StepOp = "same" | "create" | "update" | "replace" | "delete" | "refresh" | "discard";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** Create-only inputs that force the replace, as Diff reported them (["id"] for a replace target). */
  replaces?: string[];
  /** Set when the step failed; `initFailed` when the provider kept the entity (a partial failure). */
  error?: string;
  initFailed?: boolean;
}

export interface Diagnostic {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

export interface RunResult {
  kind: "preview" | "up" | "refresh" | "destroy";
  steps: Step[];
  /** Stack outputs (secrets unwrapped; see `secretOutputs`). */
  outputs: Record<string, any>;
  secretOutputs: string[];
  /** The first failure: a failed step, or the program's own error. */
  error?: Error;
  diagnostics: Diagnostic[];
  /** stderr of the provider process (empty when no dynamic resource was touched). */
  providerLog: string;
}

export interface DeploymentOptions {
  program: Program;
  project: string;
  stack: string;
  /** Bare config keys of the project namespace → values (objects are written as JSON, as the CLI does). */
  config?: Record<string, unknown>;
  secretConfig?: string[];
  /** The project directory: the program runs there and the engine starts the provider there. */
  cwd: string;
  /** Modules the program imports, loaded into the next run's language host ahead of time (speed only). */
  preload?: string[];
  /**
   * Run the program (and so the providers it serializes) as TypeScript through ts-node, as `pulumi up` runs this
   * project, even when dist/ holds an up-to-date compiled copy (which the driver uses otherwise: compiled.ts).
   */
  typescript?: boolean;
  /** Other stacks a `pulumi.StackReference` may name ("<org>/<project>/<stack>"): their last stack outputs. */
  stacks?: Record<string, { stackOutputs(): { outputs: Props; secretOutputs: string[] } }>;
}

const DYNAMIC = "pulumi-nodejs:dynamic/";
const STACK_TYPE = "pulumi:pulumi:Stack";
const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
const isDynamic = (type: string) => type.startsWith(DYNAMIC);
const isSecret = (v: unknown): v is { value: unknown } => typeof v === "object" && v !== null && (v as Props)[SECRET_SIG.key] === SECRET_SIG.value;

/** The provider sees plain values (it answers Configure with acceptSecrets=false); the engine remembers which top-level keys were secret. */
function unwrapSecrets(props: Props): { plain: Props; secret: string[] } {
  const secret: string[] = [];
  const strip = (v: unknown, top?: string): unknown => {
    if (isSecret(v)) {
      if (top) secret.push(top);
      return strip(v.value);
    }
    if (Array.isArray(v)) return v.map((x) => strip(x, undefined));
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x, undefined)]));
    return v;
  };
  const plain: Props = {};
  for (const [k, v] of Object.entries(props)) {
    const before = secret.length;
    plain[k] = strip(v, k);
    if (secret.length === before && JSON.stringify(v ?? null).includes(SECRET_SIG.value)) secret.push(k); // a secret nested deeper
  }
  return { plain, secret: [...new Set(secret)] };
}

export class Deployment {
  checkpoint = new Checkpoint();
  private config: Record<string, unknown>;
  private secretConfig: Set<string>;
  private current?: Run;
  private spareHost?: ProgramHost;

  constructor(private readonly options: DeploymentOptions) {
    this.config = { ...(options.config ?? {}) };
    this.secretConfig = new Set(options.secretConfig ?? []);
  }

  setConfig(key: string, value: unknown, o: { secret?: boolean } = {}): void {
    this.config[key] = value;
    if (o.secret) this.secretConfig.add(key);
  }

  /** The namespaced config the CLI hands the program and the providers. */
  namespacedConfig(): { values: Record<string, string>; secretKeys: string[] } {
    const ns = (k: string) => (k.includes(":") ? k : `${this.options.project}:${k}`);
    const values = Object.fromEntries(
      Object.entries(this.config)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [ns(k), typeof v === "string" ? v : JSON.stringify(v)]),
    );
    return { values, secretKeys: [...this.secretConfig].map(ns) };
  }

  /** A language host for the next run (each run gets a fresh process). */
  takeHost(): ProgramHost {
    const host = this.spareHost ?? ProgramHost.start(this.options.preload, this.options.typescript);
    this.spareHost = ProgramHost.start(this.options.preload, this.options.typescript);
    return host;
  }

  /** Stops the spare language host. */
  close(): void {
    this.spareHost?.kill();
    this.spareHost = undefined;
  }

  /** Kills the current run's provider process, as a crash would. */
  async killProvider(): Promise<void> {
    await this.current?.killProvider();
  }

  preview(): Promise<RunResult> {
    return this.run("preview", {});
  }

  /** `pulumi up`; `replace` lists URNs (or resource names) to replace as with `--replace`. */
  up(o: { replace?: string[] } = {}): Promise<RunResult> {
    return this.run("up", o);
  }

  refresh(): Promise<RunResult> {
    return this.run("refresh", {});
  }

  destroy(): Promise<RunResult> {
    return this.run("destroy", {});
  }

  /** The stack outputs of the last `up` (what a StackReference to this stack reads), secrets unwrapped. */
  stackOutputs(): { outputs: Props; secretOutputs: string[] } {
    const stack = this.checkpoint.resources.find((r) => r.type === STACK_TYPE);
    return { outputs: stack?.outputs ?? {}, secretOutputs: stack?.secretOutputs ?? [] };
  }

  /** URN of the live resource with this name (and type, when names repeat). */
  urnOf(name: string, type?: string): string {
    const hits = this.checkpoint.resources.filter((r) => r.name === name && !r.delete && (type === undefined || r.type === type));
    if (hits.length !== 1) throw new Error(`urnOf(${name}): ${hits.length} live resources have that name`);
    return hits[0].urn;
  }

  private async run(kind: RunResult["kind"], o: { replace?: string[] }): Promise<RunResult> {
    const replace = new Set((o.replace ?? []).map((t) => (t.startsWith("urn:") ? t : this.urnOf(t))));
    const run = new Run(this, kind, this.checkpoint, replace, this.options);
    this.current = run;
    try {
      const result = await run.execute();
      if (kind !== "preview") this.checkpoint = run.next;
      return result;
    } finally {
      await run.close();
      this.current = undefined;
    }
  }
}

/** One engine run: its own provider process, its own program execution, one resulting checkpoint. */
class Run {
  readonly next: Checkpoint;
  private readonly steps: Step[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly operated = new Set<string>();
  private provider?: Promise<ProviderServer>;
  private failure?: Error;
  private stackOutputs: Props = {};
  private stackSecretOutputs: string[] = [];

  constructor(
    private readonly d: Deployment,
    readonly kind: RunResult["kind"],
    private readonly old: Checkpoint,
    private readonly replaceTargets: Set<string>,
    private readonly options: DeploymentOptions,
  ) {
    this.next = old.clone();
  }

  private get preview(): boolean {
    return this.kind === "preview";
  }

  private server(): Promise<ProviderServer> {
    if (!this.provider) {
      const { values, secretKeys } = this.d.namespacedConfig();
      this.provider = ProviderServer.start({ cwd: this.options.cwd, config: values, secretKeys, project: this.options.project });
    }
    return this.provider;
  }

  async killProvider(): Promise<void> {
    if (this.provider) await (await this.provider).stop(true);
  }

  async close(): Promise<void> {
    if (this.provider) await (await this.provider.catch(() => undefined))?.stop();
  }

  private fail(e: unknown): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    // An error cancels the run: no new steps start, and no deletes run (pkg/resource/deploy/step_executor.go
    // cancelDueToError; deployment_executor.go returns before performPostSteps).
    this.failure ??= err;
    return err;
  }

  async execute(): Promise<RunResult> {
    let log = "";
    // Started while the program loads (the engine starts it on first use; only the timing differs).
    if (this.kind === "up" || this.kind === "preview" || this.next.resources.some((r) => isDynamic(r.type))) void this.server().catch(() => undefined);
    if (this.kind === "refresh") await this.refreshAll();
    else if (this.kind === "destroy") await this.deleteAll([...this.next.resources]).catch(() => undefined);
    else {
      const { values, secretKeys } = this.d.namespacedConfig();
      const severities = ["debug", "info", "warning", "error"] as const;
      const host = this.d.takeHost();
      const result = await host.run(
        { program: this.options.program, project: this.options.project, stack: this.options.stack, preview: this.preview, config: values, secretKeys, cwd: this.options.cwd },
        {
          register: (req) => this.register(req),
          read: (req) => this.read(req),
          invoke: async (req) => fakeAzureInvoke(req.tok, req.args),
          outputs: (urn, outputs) => this.registerOutputs(urn, outputs),
          log: (severity, message, urn) => this.diagnostics.push({ severity: severities[severity] ?? "info", message, urn }),
        },
      );
      if (result.error && !this.failure) this.fail(new Error(result.error));
      if (!this.failure) await this.generateDeletes();
    }
    if (this.provider) log = (await this.provider.catch(() => undefined))?.log ?? "";
    return {
      kind: this.kind,
      steps: this.steps,
      outputs: this.stackOutputs,
      secretOutputs: this.stackSecretOutputs,
      error: this.failure,
      diagnostics: this.diagnostics,
      providerLog: log,
    };
  }

  // ---- the engine side of the program's resource monitor ----

  private registerOutputs(urn: string, outputs: Props): void {
    const { plain, secret } = unwrapSecrets(outputs);
    const state = this.next.live(urn);
    if (state && !this.preview) Object.assign(state, { outputs: plain, secretOutputs: secret });
    if (urn.split("::")[2] === STACK_TYPE) [this.stackOutputs, this.stackSecretOutputs] = [plain, secret];
  }

  /** The parent's full qualified type, unless it is the root stack (pkg/resource/deploy/deployment.go generateURN). */
  private urn(req: Pick<RegisterRequest, "type" | "name" | "parent">): string {
    const parentType = req.parent ? req.parent.split("::")[2] : "";
    const type = parentType && parentType !== STACK_TYPE ? `${parentType}$${req.type}` : req.type;
    return `urn:pulumi:${this.options.stack}::${this.options.project}::${type}::${req.name}`;
  }

  /**
   * One ReadResource. Only the builtin StackReference is served: its outputs are the named stack's outputs, its
   * secret ones listed in secretOutputNames (pkg/resource/deploy/builtins.go readStackReference); the state
   * records it as external (step.go ReadStep), in previews too the values are real.
   */
  private async read(req: ReadRequest): Promise<{ urn: string; object: Props }> {
    const urn = this.urn(req);
    if (req.type !== STACK_REFERENCE_TYPE) throw this.fail(new Error(`${urn}: the deployment driver reads only StackReference resources`));
    const name = String(req.props.name ?? req.id);
    const stack = this.options.stacks?.[name];
    if (!stack) throw this.fail(new Error(`${urn}: unknown stack "${name}" (the driver knows ${Object.keys(this.options.stacks ?? {}).join(", ") || "none"})`));
    this.operated.add(urn);
    const { outputs, secretOutputs } = stack.stackOutputs();
    const secretOutputNames = [...secretOutputs].sort();
    const wrapped = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secretOutputs.includes(k) ? { [SECRET_SIG.key]: SECRET_SIG.value, value: v } : v]));
    const state: StateResource = {
      urn,
      type: req.type,
      name: req.name,
      custom: true,
      id: name,
      external: true,
      parent: req.parent || undefined,
      dependencies: [],
      inputs: { name },
      outputs: { name, outputs, secretOutputNames },
      secretInputs: [],
      // Nested secrets: the whole map is sealed when any of its values is secret.
      secretOutputs: secretOutputNames.length ? ["outputs"] : [],
    };
    this.record({ op: this.old.live(urn) ? "same" : "create", urn, type: req.type, name: req.name }, state, this.old.live(urn));
    return { urn, object: { name, outputs: wrapped, secretOutputNames } };
  }

  /** One RegisterResource: the step generator's choice, then the step (pkg/resource/deploy/step_generator.go). */
  private async register(req: RegisterRequest): Promise<{ urn: string; id: string; object: Props }> {
    const urn = this.urn(req);
    const { type, name } = req;
    if (this.failure) throw new Error(`${urn}: not registered: the deployment was cancelled after an earlier failure (${this.failure.message})`);
    this.operated.add(urn);
    const { plain: goal, secret: secretInputs } = unwrapSecrets(req.object);
    const base: Omit<StateResource, "inputs" | "outputs" | "secretOutputs"> = {
      urn,
      type,
      name,
      custom: req.custom,
      parent: req.parent || undefined,
      dependencies: req.dependencies,
      propertyDependencies: req.propertyDependencies,
      protect: req.protect || undefined,
      secretInputs,
    };
    let state: StateResource;
    try {
      state = req.custom ? await this.customStep(base, goal, req.additionalSecretOutputs) : this.componentStep(base, goal);
    } catch (e) {
      throw this.fail(e);
    }
    // Outputs go back with the secret ones wrapped; in a preview, unknowns stay the sentinel the SDK reads as unknown.
    const object = Object.fromEntries(Object.entries(state.outputs).map(([k, v]) => [k, state.secretOutputs.includes(k) ? { [SECRET_SIG.key]: SECRET_SIG.value, value: v } : v]));
    return { urn, id: state.id ?? "", object };
  }

  private componentStep(base: Omit<StateResource, "inputs" | "outputs" | "secretOutputs">, goal: Props): StateResource {
    const old = this.old.live(base.urn);
    const state: StateResource = { ...base, inputs: goal, outputs: old?.outputs ?? {}, secretOutputs: old?.secretOutputs ?? [] };
    this.record({ op: old ? "same" : "create", urn: base.urn, type: base.type, name: base.name }, state, old);
    return state;
  }

  private record(step: Step, state: StateResource | undefined, old: StateResource | undefined, replaced = false): void {
    this.steps.push(step);
    if (this.preview || !state) return;
    const i = old ? this.next.resources.findIndex((r) => r.urn === old.urn && !r.delete) : -1;
    if (replaced && i >= 0) {
      this.next.resources[i].delete = true;
      this.next.resources.splice(i + 1, 0, state);
    } else if (i >= 0) this.next.resources[i] = state;
    else this.next.resources.push(state);
  }

  private async customStep(base: Omit<StateResource, "inputs" | "outputs" | "secretOutputs">, goal: Props, additionalSecret: string[]): Promise<StateResource> {
    const { urn, type, name } = base;
    const old = this.old.live(urn);
    const targeted = this.replaceTargets.has(urn);
    const p = isDynamic(type) ? await this.server() : undefined;
    const secretOutputsOf = (outs: Props) => Object.keys(outs).filter((k) => additionalSecret.includes(k) || base.secretInputs.includes(k));
    const stateOf = (id: string | undefined, inputs: Props, outputs: Props, initErrors?: string[]): StateResource => ({
      ...base,
      id,
      inputs,
      outputs,
      secretOutputs: secretOutputsOf(outputs),
      ...(initErrors?.length ? { initErrors } : {}),
    });

    // Check: old inputs as olds, except for a new resource or a replace target (sg.go continueStepsFromImport).
    const check = async (olds: Props) => {
      if (!p) return goal;
      const c = await p.check(olds, goal, urn);
      if (c.failures.length) throw new Error(`${urn}: check failed: ${c.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
      return c.inputs;
    };
    const inputs = await check(old && !targeted ? old.inputs : {});

    // A failure elsewhere cancels the steps not yet started (step_executor.go: chains check ctx.Done()).
    const cancelled = () => this.failure && new Error(`${urn}: not ${old ? "updated" : "created"}: the deployment was cancelled after an earlier failure (${this.failure.message})`);
    if (!old) {
      if (cancelled()) throw cancelled();
      return this.create({ op: "create", urn, type, name }, inputs, undefined, stateOf);
    }

    // Diff: provider Diff with the stored outputs, unless a replace target (sg.go diff: ReplaceKeys ["id"]). The
    // fake azure-native provider has no diff of its own: DIFF_UNKNOWN, the engine compares the inputs (sg.go ~L2996).
    let diff: DiffOutcome;
    if (targeted) diff = { changes: "some", replaces: ["id"], deleteBeforeReplace: false };
    else diff = p ? await p.diff(old.id!, old.outputs, inputs, old.inputs, urn) : { changes: "unknown", replaces: [], deleteBeforeReplace: false };
    if (diff.changes === "unknown") diff = { ...diff, changes: canonicalJson(old.inputs) === canonicalJson(inputs) ? "none" : "some" };

    if ((diff.changes === "some" || old.initErrors?.length) && cancelled()) throw cancelled();
    if (diff.changes === "some" && diff.replaces.length) {
      if (diff.deleteBeforeReplace) throw new Error(`${urn}: the driver does not model delete-before-replace`);
      // A replace checks the inputs again without olds (sg.go ~L2007), except for a replace target.
      const fresh = targeted ? inputs : await check({});
      return this.create({ op: "replace", urn, type, name, replaces: diff.replaces }, fresh, old, stateOf);
    }
    if (diff.changes === "some" || old.initErrors?.length) {
      // A resource with init errors is forced to update (sg.go ~L2180 "hasInitErrors").
      const step: Step = { op: "update", urn, type, name };
      if (this.preview) {
        this.record(step, undefined, old);
        return stateOf(old.id, inputs, inputs); // pp.go Update in preview: the new inputs as outputs
      }
      try {
        const outs = p ? (await p.update({ id: old.id!, outputs: old.outputs }, inputs, old.inputs, urn)).outputs : fakeAzureResource(type, name, inputs).state;
        const state = stateOf(old.id, inputs, outs);
        this.record(step, state, old);
        return state;
      } catch (e) {
        const init = (e as ProviderCallError).initFailed;
        // A partial failure of an update keeps the OLD inputs with the new outputs (pkg/engine/update.go ~L1398).
        if (init) this.record({ ...step, error: (e as Error).message, initFailed: true }, stateOf(old.id, old.inputs, init.properties, init.reasons), old);
        else this.steps.push({ ...step, error: (e as Error).message });
        throw e;
      }
    }
    // Same: the new inputs, the old id and outputs (step.go SameStep.Apply).
    const state = stateOf(old.id, inputs, old.outputs);
    state.secretOutputs = old.secretOutputs;
    this.record({ op: "same", urn, type, name }, state, old);
    return state;
  }

  /** Create, or the create half of a create-before-delete replacement (step.go CreateStep.Apply). */
  private async create(
    step: Step,
    inputs: Props,
    old: StateResource | undefined,
    stateOf: (id: string | undefined, inputs: Props, outputs: Props, initErrors?: string[]) => StateResource,
  ): Promise<StateResource> {
    if (this.preview) {
      this.record(step, undefined, old);
      return stateOf(undefined, inputs, inputs); // pp.go Create in preview: the checked inputs, no id
    }
    const p = isDynamic(step.type) ? await this.server() : undefined;
    try {
      const created = p ? await p.create(inputs, step.urn) : ((f) => ({ id: f.id, outputs: f.state }))(fakeAzureResource(step.type, step.name, inputs));
      const state = stateOf(created.id, inputs, created.outputs);
      // The replaced resource becomes a pending delete once the create returned (step.go ~L466).
      this.record(step, state, old, !!old);
      return state;
    } catch (e) {
      const init = (e as ProviderCallError).initFailed;
      if (init) {
        // A partial failure is recorded: id, checked inputs, the error's properties as outputs, the reasons as init errors.
        this.record({ ...step, error: (e as Error).message, initFailed: true }, stateOf(init.id, inputs, init.properties, init.reasons), old, !!old);
      } else {
        this.steps.push({ ...step, error: (e as Error).message });
      }
      throw e;
    }
  }

  // ---- deletes: at the end of a successful run, dependents first ----

  /** Pending deletes and resources the program no longer declares (sg.go GenerateDeletes). */
  private async generateDeletes(): Promise<void> {
    const condemned = this.next.resources.filter((r) => r.delete || !this.operated.has(r.urn));
    if (this.preview) {
      for (const r of condemned) this.steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name });
      return;
    }
    await this.deleteAll(condemned).catch(() => undefined); // recorded as the run's failure
  }

  /**
   * Deletes in antichains: first what nothing else condemned depends on (via dependencies, property
   * dependencies or parent), each antichain in parallel (sg.go ScheduleDeletes; deployment_executor.go).
   */
  private async deleteAll(entries: StateResource[]): Promise<void> {
    let remaining = [...entries];
    const dependsOn = (r: StateResource, urn: string) =>
      r.parent === urn || r.dependencies.includes(urn) || Object.values(r.propertyDependencies ?? {}).some((l) => l.includes(urn));
    while (remaining.length) {
      const batch = remaining.filter((r) => !remaining.some((o) => o !== r && o.urn !== r.urn && dependsOn(o, r.urn)));
      if (!batch.length) throw this.fail(new Error(`delete cycle among ${remaining.map((r) => r.urn).join(", ")}`));
      const results = await Promise.allSettled(batch.map((r) => this.deleteOne(r)));
      const failed = results.find((x): x is PromiseRejectedResult => x.status === "rejected");
      if (failed) throw this.fail(failed.reason);
      remaining = remaining.filter((r) => !batch.includes(r));
    }
  }

  private async deleteOne(r: StateResource): Promise<void> {
    const step: Step = { op: "delete", urn: r.urn, type: r.type, name: r.name };
    try {
      if (r.protect) throw new Error(`${r.urn} is protected: set protect to false (and run up) before it can be deleted`);
      // Delete sends the stored outputs, and the stored inputs as old inputs (step.go DeleteStep.Apply).
      if (r.custom && isDynamic(r.type) && !r.external) await (await this.server()).delete({ id: r.id!, outputs: r.outputs }, r.inputs, r.urn);
      this.next.resources.splice(this.next.resources.indexOf(r), 1);
      this.steps.push(step);
    } catch (e) {
      this.steps.push({ ...step, error: (e as Error).message });
      throw e;
    }
  }

  // ---- refresh ----

  /**
   * Reads every custom resource, pending deletes included, with its stored outputs and inputs; an empty answer
   * drops it; returned inputs replace the stored ones (step.go RefreshStep.Apply). The engine also diffs the
   * refreshed outputs against the stored inputs for display, which runs the provider's diff too.
   */
  private async refreshAll(): Promise<void> {
    await Promise.all(
      [...this.next.resources].map(async (r) => {
        if (!r.custom) return;
        const step: Step = { op: "refresh", urn: r.urn, type: r.type, name: r.name };
        if (r.type === STACK_REFERENCE_TYPE) {
          const stack = this.options.stacks?.[String(r.id)];
          if (stack) r.outputs = { ...r.outputs, outputs: stack.stackOutputs().outputs };
          return void this.steps.push(step);
        }
        if (!isDynamic(r.type)) return void this.steps.push(step);
        try {
          const p = await this.server();
          const read = await p.read({ id: r.id!, outputs: r.outputs }, r.inputs, r.urn);
          if (!read) {
            this.next.resources.splice(this.next.resources.indexOf(r), 1);
            return void this.steps.push({ ...step, op: "discard" });
          }
          const oldInputs = r.inputs;
          // Read cannot report a partial failure here, so a successful Read clears the init errors (step.go ~L1642).
          Object.assign(r, { id: read.id, outputs: read.outputs, inputs: read.inputs ?? r.inputs });
          delete r.initErrors;
          // The display diff: refreshed outputs as olds, the stored inputs as news (step.go ~L1698).
          await p.diff(r.id!, r.outputs, oldInputs, r.inputs, r.urn);
          this.steps.push(step);
        } catch (e) {
          this.steps.push({ ...step, error: (e as Error).message });
          this.fail(e);
        }
      }),
    );
  }
}

