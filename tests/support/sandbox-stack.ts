// The sandbox stack (index.ts with Pulumi.sandbox.yaml) as a deployment across runs: the Speech emulator, a real
// Azurite, the example data synced by the real training-data library into a project folder of its own, and the
// deployment driver running the program there.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { SpeechClient } from "../../components/speech-api";
import { mergeManifest, readManifest, syncDatasets, writeManifest, type DatasetSpec } from "../../components/training-data";
import { startAzurite, type RunningAzurite } from "./azurite";
import { Deployment, type RunResult, type StateResource } from "./deployment";
import { FAST_DURATIONS, FAST_TUNING, PROJECT, ROOT, stackFileConfig } from "./stack-files";

const MANIFEST = "training-data.sandbox.manifest.json";
export { FAST_DURATIONS, FAST_TUNING, PROJECT, ROOT, stackFileConfig };

export interface SandboxStack {
  emu: RunningEmulator;
  azurite: RunningAzurite;
  /** The project folder: the manifest and a copy of the example data live here; the program runs here. */
  dir: string;
  deployment: Deployment;
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

export async function sandboxStack(o: { emulator?: EmulatorOptions; config?: Record<string, unknown>; stack?: string; typescript?: boolean } = {}): Promise<SandboxStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-stack-"));
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
  const deployment = new Deployment({
    program: { file: path.join(ROOT, "index.ts") },
    project: PROJECT,
    stack: o.stack ?? "sandbox",
    cwd: dir,
    config: {
      ...stackFileConfig("sandbox"),
      existingSpeech: { endpoint: speech.endpoint, region: speech.region, resourceId: speech.resourceId },
      existingSpeechKey: speech.key,
      existingStorage: { blobEndpoint: azurite.blobEndpoint },
      tuning: FAST_TUNING,
      ...o.config,
    },
    secretConfig: ["existingSpeechKey"],
    typescript: o.typescript,
    preload: ["components/locale-pipeline.ts", "components/speech-account.ts", "components/training-data-store.ts", "components/stack-config.ts", "@pulumi/azure-native/resources"].map((m) =>
      m.startsWith("components/") ? path.join(ROOT, m) : m,
    ),
  });
  const folders: Record<string, string> = { "product-names": "en-US/product-names/corpus.txt", "callcenter-train": "en-US/callcenter-train/trans.txt", "callcenter-test": "en-US/callcenter-test/trans.txt" };
  const stack: SandboxStack = {
    emu,
    azurite,
    dir,
    deployment,
    client: () => new SpeechClient({ endpoint: speech.endpoint, key: stack.emu.resources.speech.key }, { rateLimit: false }),
    sync,
    async outage(ms) {
      const port = Number(new URL(stack.emu.url).port);
      const scenario = stack.emu;
      await scenario.stop();
      await new Promise((r) => setTimeout(r, ms));
      stack.emu = await startEmulator({ ...emulatorOptions, port });
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
      deployment.close();
      await Promise.all([stack.emu.stop(), azurite.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A sandbox stack after its first successful `up`. */
export async function deployedSandboxStack(o: Parameters<typeof sandboxStack>[0] = {}): Promise<SandboxStack> {
  const s = await sandboxStack(o);
  const first = await s.deployment.up();
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

/** Each resource's step of a run, by resource name (the component and stack included). */
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

/** The live (not pending-delete) state of the pipeline's resource, e.g. live(d, "model"). */
export function live(d: Deployment, part: string, locale = "en-us"): StateResource {
  const r = d.checkpoint.resources.find((x) => x.name === `speech-${locale}-${part}` && !x.delete);
  if (!r) throw new Error(`no live speech-${locale}-${part} in the checkpoint`);
  return r;
}
