// The local sandbox as README.md describes it, minus the Pulumi CLI: the Speech emulator, a real Azurite, the
// real `sync-data` command over examples/sandbox, then the stack program with Pulumi.sandbox.yaml (under mocks)
// looking up its base model on the emulator and reading the manifest the sync wrote.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { modelSpec } from "../components/custom-speech/model";
import { startEmulator, type RunningEmulator } from "../emulator";
import { SpeechClient } from "../components/speech-api";
import { readManifestSync } from "../components/training-data/manifest";
import { startAzurite, type RunningAzurite } from "./support/azurite";
import { countByType, DYNAMIC, ofType, RecordedResource, ROOT, runStackProgram, valueOf } from "./control-plane/harness";

const TS_NODE = require.resolve("ts-node/dist/bin.js");
const MANIFEST = "training-data.sandbox.manifest.json";

let emu: RunningEmulator;
let azurite: RunningAzurite;
let work: string;
let resources: RecordedResource[];
let outputs: Record<string, any>;
const cwd = process.cwd();

beforeAll(async () => {
  [emu, azurite] = await Promise.all([startEmulator(), startAzurite()]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-"));
  await promisify(execFile)(
    process.execPath,
    [TS_NODE, "--transpile-only", path.join(ROOT, "scripts/sync-training-data.ts"),
      "--config", path.join(ROOT, "examples/sandbox/datasets.json"), "--manifest", path.join(work, MANIFEST), "--no-progress"],
    { cwd: work, env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } },
  );
  process.chdir(work);
  const speech = emu.resources.speech;
  ({ resources, outputs } = await runStackProgram(
    "sandbox",
    { existingSpeech: { endpoint: speech.endpoint, region: speech.region, resourceId: speech.resourceId }, existingSpeechKey: speech.key, existingStorage: { blobEndpoint: azurite.blobEndpoint } },
    ["existingSpeechKey"],
  ));
  await valueOf(outputs.locales["en-US"].endpointId);
}, 120_000);

afterAll(async () => {
  process.chdir(cwd);
  await Promise.all([emu?.stop(), azurite?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("local sandbox (Pulumi.sandbox.yaml)", () => {
  test("creates nothing in Azure: only the locale pipeline's Custom Speech resources", () => {
    expect(countByType(resources)).toEqual({
      "customspeech:index:LocalePipeline": 1,
      [DYNAMIC("Project")]: 1,
      [DYNAMIC("Dataset")]: 3,
      [DYNAMIC("Model")]: 1,
      [DYNAMIC("Evaluation")]: 1,
      [DYNAMIC("Endpoint")]: 1,
    });
  });

  test("datasets point at the blobs sync-data uploaded to Azurite, with their content hashes", () => {
    const manifest = readManifestSync(path.join(work, MANIFEST));
    expect(manifest.datasets.map((d) => d.name).sort()).toEqual(["callcenter-test", "callcenter-train", "product-names"]);
    for (const entry of manifest.datasets) {
      expect(entry.blobUrl.startsWith(`${azurite.blobEndpoint}/`)).toBe(true);
      const d = ofType(resources, DYNAMIC("Dataset")).find((r) => r.inputs.displayName === entry.name)!;
      expect(d.inputs.contentUrl.value).toBe(entry.blobUrl);
      expect(d.inputs.contentHash).toBe(entry.contentHash);
    }
  });

  test("trains on the newest en-US base model the emulator offers for adaptation (chosen at create), and gates", async () => {
    const byProgram = emu.requestLog.filter((r) => r.path.includes("/models/base"));
    const client = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key });
    const now = Date.now();
    const adaptable = (await client.listBaseModels())
      .filter((b) => b.locale === "en-US" && Date.parse(b.properties?.deprecationDates?.adaptationDateTime ?? "") - now > 30 * 86_400_000)
      .filter((b) => ["Acoustic", "Language"].every((k) => b.properties?.features?.supportsAdaptationsWith?.includes(k as never)))
      .sort((a, b) => Date.parse(b.createdDateTime!) - Date.parse(a.createdDateTime!));
    // The program names no base model and asks the service nothing: the Model's create picks it by this policy...
    const [model] = ofType(resources, DYNAMIC("Model"));
    expect(model.inputs.baseModel).toBeUndefined();
    expect(model.inputs.baseModelPolicy).toEqual({ adaptationKinds: ["Acoustic", "Language"], minAdaptationDaysLeft: 30 });
    expect(byProgram).toEqual([]);
    // ...which, at create against the emulator, is its newest en-US base model that adapts with both kinds.
    const decided = await modelSpec.decide!.atCreate(client, model.inputs);
    expect(decided).toMatchObject({ chosenBaseModel: adaptable[0].self, baseModelAdaptationExpiry: adaptable[0].properties!.deprecationDates!.adaptationDateTime });
    const [evaluation] = ofType(resources, DYNAMIC("Evaluation"));
    expect(evaluation.inputs).toMatchObject({ maxWordErrorRate: 10, minWordErrorRateImprovement: 2, baselineEndpoint: "speech-en-us-endpoint" });
  });

  test("never gives a resource the key: they name the stack config key that holds it, and the stack output stays secret", async () => {
    for (const r of resources.filter((r) => r.custom)) {
      expect(JSON.stringify(r.inputs)).not.toContain(emu.resources.speech.key);
      expect(r.inputs.speech).toEqual({ endpoint: emu.resources.speech.endpoint, keyConfig: "custom-speech:existingSpeechKey" });
    }
    expect(await pulumi.isSecret(outputs.speechKey)).toBe(true);
  });
});
