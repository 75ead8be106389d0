// The sandbox stack (index.ts with Pulumi.sandbox.yaml) on the real Pulumi engine, across runs: the Speech emulator,
// a real Azurite, the example data synced by the real training-data library into a project folder of the test's own,
// and the Pulumi CLI deploying the repository's program there.
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { SpeechClient } from "../../components/speech-api";
import { mergeManifest, readManifest, syncDatasets, writeManifest, type DatasetSpec } from "../../components/training-data";
import { startAzurite, type RunningAzurite } from "./azurite";
import { EngineStack, PulumiBackend, type RunResult, type StateResource } from "./engine";
import { FAST_DURATIONS, FAST_TUNING, PROJECT, ROOT, stackFileConfig, stackFileValues } from "./stack-files";

const MANIFEST = "training-data.sandbox.manifest.json";
export { FAST_DURATIONS, FAST_TUNING, PROJECT, ROOT, stackFileConfig, stackFileValues };

export interface SandboxStack {
  emu: RunningEmulator;
  azurite: RunningAzurite;
  backend: PulumiBackend;
  /** The stack on the engine; its project folder holds the manifest and a copy of the example data. */
  stack: EngineStack;
  dir: string;
  /** A client of the emulated Speech resource (with the key it has now). */
  client(): SpeechClient;
  /** Syncs the data folder to Azurite with the training-data library and updates the manifest. */
  sync(): Promise<void>;
  /** Takes the Speech service down for `ms` (connections refused), then back up on the same port with its state. */
  outage(ms: number): Promise<void>;
  /** Appends a line to a dataset's text (or a clip's transcript) and re-syncs: a new content hash. */
  changeData(dataset: "product-names" | "callcenter-train" | "callcenter-test", line: string): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxStackOptions {
  emulator?: EmulatorOptions;
  /** Bare config keys over Pulumi.sandbox.yaml's. */
  config?: Record<string, unknown>;
  stack?: string;
  /** Share a backend (stacks that reference each other). */
  backend?: PulumiBackend;
}

export async function sandboxStack(o: SandboxStackOptions = {}): Promise<SandboxStack> {
  const backend = o.backend ?? (await PulumiBackend.create());
  const stack = new EngineStack({ backend, stack: o.stack ?? "sandbox" });
  const dir = stack.dir;
  const emulatorOptions: EmulatorOptions = { durations: FAST_DURATIONS, statePath: path.join(dir, "speech-emulator.json"), ...o.emulator };
  const [emu, azurite] = await Promise.all([startEmulator(emulatorOptions), startAzurite()]);
  fs.cpSync(path.join(ROOT, "examples/sandbox"), path.join(dir, "data"), { recursive: true });
  const specs = (JSON.parse(fs.readFileSync(path.join(dir, "data/datasets.json"), "utf8")) as { datasets: DatasetSpec[] }).datasets.map((d) => ({ ...d, dir: path.join(dir, "data", d.dir) }));
  const manifest = path.join(dir, MANIFEST);
  const sync = async () => {
    const previous = await readManifest(manifest).catch(() => undefined);
    const results = await syncDatasets(specs, { storage: { connectionString: azurite.connectionString }, previous: previous?.datasets, cachePath: path.join(dir, ".sync-cache.json") });
    await writeManifest(manifest, mergeManifest(previous, results.map((r) => r.entry)));
  };
  await sync();

  const speech = emu.resources.speech;
  const config: Record<string, unknown> = {
    ...stackFileValues("sandbox"),
    existingSpeech: { endpoint: speech.endpoint, region: speech.region, resourceId: speech.resourceId },
    existingSpeechKey: speech.key,
    existingStorage: { blobEndpoint: azurite.blobEndpoint },
    tuning: FAST_TUNING,
    ...o.config,
  };
  for (const [k, v] of Object.entries(config)) stack.setConfig(k, v, { secret: k === "existingSpeechKey" });
  const folders: Record<string, string> = { "product-names": "en-US/product-names/corpus.txt", "callcenter-train": "en-US/callcenter-train/trans.txt", "callcenter-test": "en-US/callcenter-test/trans.txt" };
  const s: SandboxStack = {
    emu,
    azurite,
    backend,
    stack,
    dir,
    client: () => new SpeechClient({ endpoint: speech.endpoint, key: s.emu.resources.speech.key }, { rateLimit: false }),
    sync,
    async outage(ms) {
      const port = Number(new URL(s.emu.url).port);
      await s.emu.stop();
      await new Promise((r) => setTimeout(r, ms));
      s.emu = await startEmulator({ ...emulatorOptions, port });
    },
    async changeData(dataset, line) {
      const file = path.join(dir, "data", folders[dataset]);
      if (dataset === "product-names") fs.appendFileSync(file, `${line}\n`);
      else {
        // A transcript line per clip: change the words of the first clip, not the set of clips.
        const lines = fs.readFileSync(file, "utf8").split("\n");
        lines[0] = `${lines[0].split("\t")[0]}\t${line}`;
        fs.writeFileSync(file, lines.join("\n"));
      }
      await sync();
    },
    async stop() {
      await Promise.all([s.emu.stop(), azurite.stop()]);
      stack.dispose();
      if (!o.backend) await backend.dispose();
    },
  };
  return s;
}

/**
 * A small program of tests' own (a module exporting `program()`) as a stack on the sandbox's backend, next to the
 * sandbox stack: its project folder is its own; the emulator and Azurite are the sandbox's.
 */
export function programStack(s: SandboxStack, o: { name: string; module: string; stack?: string; config: Record<string, unknown>; secretConfig?: string[] }): EngineStack {
  const stack = new EngineStack({ backend: s.backend, project: { name: o.name, module: o.module }, stack: o.stack ?? "dev", config: o.config, secretConfig: o.secretConfig });
  const stop = s.stop;
  s.stop = async () => {
    stack.dispose();
    await stop();
  };
  return stack;
}

/** A sandbox stack after its first successful `up`. */
export async function deployedSandboxStack(o: SandboxStackOptions = {}): Promise<SandboxStack> {
  const s = await sandboxStack(o);
  const first = await s.stack.up();
  if (first.error) {
    await s.stop();
    throw first.error;
  }
  return s;
}

/** Entities of each kind on the emulated resource that this stack tagged as its own. */
export async function entitiesOf(client: SpeechClient, stack = "sandbox"): Promise<Record<"projects" | "datasets" | "models" | "evaluations" | "endpoints", number>> {
  const mine = (e: { customProperties?: Record<string, string> }) => e.customProperties?.["pulumi-resource"]?.startsWith(`${PROJECT}/${stack}/`) ?? false;
  const [projects, datasets, models, evaluations, endpoints] = await Promise.all([client.listProjects(), client.listDatasets(), client.listModels(), client.listEvaluations(), client.listEndpoints()]);
  return {
    projects: projects.filter(mine).length,
    datasets: datasets.filter(mine).length,
    models: models.filter(mine).length,
    evaluations: evaluations.filter(mine).length,
    endpoints: endpoints.filter(mine).length,
  };
}

/** Each resource's steps in a run, by resource name, comma-joined in order. */
export function opsOf(r: RunResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of r.steps) out[s.name] = out[s.name] ? `${out[s.name]},${s.op}` : s.op;
  return out;
}

/** Requests the emulator answered since `mark` (an index into its request log), optionally only writes. */
export function requestsSince(emu: RunningEmulator, mark: number, o: { writes?: boolean; method?: string; path?: RegExp } = {}) {
  return emu.requestLog
    .slice(mark)
    .filter((r) => !o.writes || r.method !== "GET")
    .filter((r) => !o.method || r.method === o.method)
    .filter((r) => !o.path || o.path.test(r.path.split("?")[0]));
}

/** The live (not pending-delete) state of the pipeline's resource, e.g. live(s.stack, "model"). */
export function live(stack: EngineStack, part: string, locale = "en-us"): StateResource {
  return stack.live(`speech-${locale}-${part}`);
}
