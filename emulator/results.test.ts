// The emulator with real test-set content: per-file results consistent with the WER scenario, the score and
// transcription files, file contents behind SAS-like URLs, contentUrl imports and content across restarts.
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import type { AddressInfo } from "net";
import { startEmulator, type RunningEmulator } from "./index";
import { FakeClock, evaluationOf, idOf, packagedFolder, speech, trainedModel, uploadedDataset, type SpeechApi } from "./testing";
import { align, sumCounts, words } from "../components/evaluation-report/alignment";
import { listDataset, resolveDataset, validateDataset } from "../components/training-data";
import { BlobServiceClient } from "@azure/storage-blob";
import { AZURITE_KEY, startAzurite, type RunningAzurite } from "../tests/support/azurite";
import { startFromArgs } from "./cli";

const TEST_SET = path.resolve(__dirname, "../examples/sandbox/en-US/callcenter-test");
const references = new Map(
  fs
    .readFileSync(path.join(TEST_SET, "trans.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split("\t") as [string, string]),
);

let zip: Buffer;
beforeAll(async () => {
  zip = await packagedFolder(TEST_SET);
});

async function fileContents(api: SpeechApi, listUrl: string): Promise<Map<string, { kind: string; body: string; status: number }>> {
  const out = new Map<string, { kind: string; body: string; status: number }>();
  for (const f of (await api.get(listUrl)).body.values) {
    const res = await fetch(f.links.contentUrl);
    out.set(f.name, { kind: f.kind, body: await res.text(), status: res.status });
  }
  return out;
}

describe("an evaluation on a test set whose content the emulator holds", () => {
  let emu: RunningEmulator;
  let api: SpeechApi;
  const clock = new FakeClock();
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: false, now: clock.now });
    api = speech(emu);
  });
  afterAll(() => emu.stop());

  it("the sandbox test set is valid training data of 10 clips and 200 reference words", async () => {
    const report = await validateDataset(resolveDataset({ name: "callcenter-test", dir: TEST_SET, kind: "Acoustic", locale: "en-US", purpose: "test" }));
    expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect((await listDataset(report.dataset)).files.filter((f) => f.name.endsWith(".wav"))).toHaveLength(10);
    expect([...references.values()].reduce((n, r) => n + words(r).length, 0)).toBe(200);
  });

  it("scores each clip and model so that the totals are the sum of the files and the WERs are the scenario's", async () => {
    const dataset = await uploadedDataset(api, zip);
    const { model } = await trainedModel(api);
    const evaluation = (await api.get(`/evaluations/${idOf((await evaluationOf(api, dataset.self, model.self)).self)}`)).body;
    const p = evaluation.properties;
    expect([p.wordErrorRate1, p.wordErrorRate2]).toEqual([0.12, 0.08]);
    expect([p.wordCount1, p.sentenceCount1]).toEqual([200, 10]);

    const files = await fileContents(api, evaluation.links.files);
    expect([...files.keys()].sort()).toEqual([...references.keys()].flatMap((n) => [`model1/${n}.json`, `model2/${n}.json`]).sort());
    for (const n of [1, 2] as const) {
      const perFile = [...references].map(([name, ref]) => {
        const details = JSON.parse(files.get(`model${n}/${name}.json`)!.body);
        expect(details.source).toBe(name);
        const best = details.recognizedPhrases[0].nBest[0];
        return align(ref, best.lexical);
      });
      const total = sumCounts(perFile);
      expect(total).toEqual({ words: p[`wordCount${n}`], correct: p[`correctWordCount${n}`], substitutions: p[`wordSubstitutionCount${n}`], deletions: p[`wordDeletionCount${n}`], insertions: p[`wordInsertionCount${n}`] });
      expect(total.substitutions).toBeGreaterThan(0);
      expect(total.deletions).toBeGreaterThan(0);
      expect(total.insertions).toBeGreaterThan(0);
    }
  });

  it("tags each error inline in scoringResult: the heard words with substitutions, deletions and insertions marked", async () => {
    const dataset = await uploadedDataset(api, zip);
    const { model } = await trainedModel(api);
    const evaluation = await evaluationOf(api, dataset.self, model.self);
    const degraded = emu.degradedFiles("speech", idOf(evaluation.self)).model2;
    const files = await fileContents(api, `/evaluations/${idOf(evaluation.self)}/files`);
    const best = JSON.parse(files.get(`model2/${degraded[0]}.json`)!.body).recognizedPhrases[0].nBest[0];
    const heard = best.scoringResult.replace(/<deletion>[^<]*<\/deletion>/g, "").replace(/<\/?(substitution|insertion)>/g, "").replace(/\s+/g, " ").trim();
    expect(heard).toBe(best.lexical);
    expect(best.scoringResult).toMatch(/<substitution>\S+<\/substitution>/);
    expect(best.display).toBe(`${best.lexical[0].toUpperCase()}${best.lexical.slice(1)}.`);
  });

  it("gives a model's errors to the clips it degraded, and scores the others exactly (gate-fails: 15 % against 12 %)", async () => {
    emu.setScenario({ customModelWordErrorRate: 15 });
    const dataset = await uploadedDataset(api, zip);
    const { model } = await trainedModel(api);
    emu.setScenario({ customModelWordErrorRate: 8 });
    const evaluation = await evaluationOf(api, dataset.self, model.self);
    const p = (await api.get(`/evaluations/${idOf(evaluation.self)}`)).body.properties;
    expect([p.wordErrorRate1, p.wordErrorRate2]).toEqual([0.12, 0.15]);
    const { model1, model2 } = emu.degradedFiles("speech", idOf(evaluation.self));
    const files = await fileContents(api, `/evaluations/${idOf(evaluation.self)}/files`);
    const wer = (n: 1 | 2, name: string) => align(references.get(name)!, JSON.parse(files.get(`model${n}/${name}.json`)!.body).recognizedPhrases[0].nBest[0].lexical).wordErrorRate!;
    for (const [n, degraded] of [[1, model1], [2, model2]] as const) {
      expect(degraded.length).toBeGreaterThan(0);
      for (const name of references.keys()) expect(wer(n, name) > 0).toBe(degraded.includes(name));
    }
    const worst = [...references.keys()].sort((a, b) => wer(2, b) - wer(2, a)).slice(0, model2.length);
    expect(worst.sort()).toEqual([...model2].sort());
  });

  it("serves the two linked transcriptions' files in the batch transcription shape, and can leave out or spoil the score files", async () => {
    const dataset = await uploadedDataset(api, zip);
    const { model } = await trainedModel(api);
    const evaluation = await evaluationOf(api, dataset.self, model.self);
    const details = await fileContents(api, `/evaluations/${idOf(evaluation.self)}/files`);
    for (const n of [1, 2] as const) {
      const files = await fileContents(api, evaluation[`transcription${n}`].self.replace("?", "/files?"));
      expect([...files.keys()].sort()).toEqual([...references.keys()].map((r) => `${r}.json`).sort());
      for (const name of references.keys()) {
        const t = JSON.parse(files.get(`${name}.json`)!.body);
        expect(files.get(`${name}.json`)!.kind).toBe("Transcription");
        expect(t.source).toBe(name);
        expect(t.combinedRecognizedPhrases[0].lexical).toBe(JSON.parse(details.get(`model${n}/${name}.json`)!.body).recognizedPhrases[0].nBest[0].lexical);
        expect(t.recognizedPhrases[0].nBest[0].display).toBe(t.combinedRecognizedPhrases[0].display);
      }
    }
    emu.setEvaluationDetails("omitted");
    expect((await api.get(`/evaluations/${idOf(evaluation.self)}/files`)).body.values).toEqual([]);
    emu.setEvaluationDetails("unparseable");
    const spoiled = await fileContents(api, `/evaluations/${idOf(evaluation.self)}/files`);
    expect(() => JSON.parse([...spoiled.values()][0].body)).toThrow();
    emu.setEvaluationDetails("served");
    expect((await api.get("/transcriptions/00000000-0000-0000-0000-000000000000/files")).status).toBe(404);
  });

  it("serves a dataset's data.zip as uploaded and a report of the clips it indexed, until the SAS-like URL's se expiry (403 after it)", async () => {
    const dataset = await uploadedDataset(api, zip);
    const files = (await api.get(`/datasets/${idOf(dataset.self)}/files?sasLifetimeMinutes=5`)).body.values;
    const data = files.find((f: any) => f.name === "data.zip");
    expect(data.properties.size).toBe(zip.length);
    const res = await fetch(data.links.contentUrl);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(zip)).toBe(true);
    const report = JSON.parse(await (await fetch(files.find((f: any) => f.name === "report.json").links.contentUrl)).text());
    expect(report).toMatchObject({ kind: "Acoustic", successfulFiles: 10, failedFiles: 0 });
    expect(report.files.map((f: any) => f.name)).toEqual([...references.keys()].sort());
    clock.advance(6 * 60_000);
    const expired = await fetch(data.links.contentUrl);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("AuthenticationFailed");
  });

  it("an audio-only test set gives both models' hypotheses without scoringResult, and no WER figures", async () => {
    const audio = await packagedFolder(TEST_SET, "AudioFiles");
    const dataset = await uploadedDataset(api, audio, "AudioFiles");
    const { model } = await trainedModel(api);
    const evaluation = await evaluationOf(api, dataset.self, model.self);
    const got = (await api.get(`/evaluations/${idOf(evaluation.self)}`)).body;
    expect(got.status).toBe("Succeeded");
    expect(got.properties?.wordErrorRate1).toBeUndefined();
    expect(got.properties?.wordErrorRate2).toBeUndefined();
    const files = await fileContents(api, got.links.files);
    expect(files.size).toBe(20);
    const one = JSON.parse(files.get(`model1/test-001.wav.json`)!.body).recognizedPhrases[0].nBest[0];
    const two = JSON.parse(files.get(`model2/test-001.wav.json`)!.body).recognizedPhrases[0].nBest[0];
    expect(one.lexical.length).toBeGreaterThan(0);
    expect(one).not.toHaveProperty("scoringResult");
    expect(two).not.toHaveProperty("scoringResult");
  });
});

describe("contentUrl datasets", () => {
  let server: http.Server;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => (req.url === "/test-set.zip?sig=secret" ? res.writeHead(200).end(zip) : res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-content-"));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("fetches the content after creation, scores on it, and keeps it beside the state file across a restart", async () => {
    const statePath = path.join(dir, "state.json");
    let emu = await startEmulator({ rateLimit: false, statePath });
    let api = speech(emu);
    const dataset = (await api.post("/datasets", { displayName: "imported", locale: "en-US", kind: "Acoustic", contentUrl: `${url}/test-set.zip?sig=secret` })).body;
    const { model } = await trainedModel(api);
    const evaluation = await evaluationOf(api, dataset.self, model.self);
    expect((await api.get(`/evaluations/${idOf(evaluation.self)}`)).body.properties.wordCount1).toBe(200);
    const degraded = emu.degradedFiles("speech", idOf(evaluation.self));
    expect(fs.statSync(statePath).size).toBeLessThan(zip.length);
    await emu.stop();

    emu = await startEmulator({ rateLimit: false, statePath });
    api = speech(emu);
    try {
      const data = (await api.get(`/datasets/${idOf(dataset.self)}/files`)).body.values.find((f: any) => f.name === "data.zip");
      expect(Buffer.from(await (await fetch(data.links.contentUrl)).arrayBuffer()).equals(zip)).toBe(true);
      expect(emu.degradedFiles("speech", idOf(evaluation.self))).toEqual(degraded);
      expect((await api.get(`/evaluations/${idOf(evaluation.self)}/files`)).body.values).toHaveLength(20);
    } finally {
      await emu.stop();
    }
  });

  it("an unreachable contentUrl leaves the dataset as before: synthetic figures of 2000 words", async () => {
    const emu = await startEmulator({ rateLimit: false });
    const api = speech(emu);
    try {
      const dataset = (await api.post("/datasets", { displayName: "gone", locale: "en-US", kind: "Acoustic", contentUrl: `${url}/missing.zip` })).body;
      const { model } = await trainedModel(api);
      const evaluation = await evaluationOf(api, dataset.self, model.self);
      expect((await api.get(`/evaluations/${idOf(evaluation.self)}`)).body.properties.wordCount1).toBe(2000);
      expect(() => emu.degradedFiles("speech", idOf(evaluation.self))).toThrow(/no per-file results/);
    } finally {
      await emu.stop();
    }
  });
});

describe("trusted storage: plain blob URLs read as the service reads a customer's account", () => {
  let azurite: RunningAzurite;
  let blobUrl: string;
  beforeAll(async () => {
    azurite = await startAzurite();
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("test-audio");
    await container.create(); // private: no anonymous reads
    const blob = container.getBlockBlobClient("en-US/callcenter-test/set.zip");
    await blob.uploadData(zip);
    blobUrl = blob.url;
  });
  afterAll(() => azurite?.stop());

  it("imports a plain blob URL of Azurite's development account on this machine without any setting", async () => {
    const emu = await startEmulator({ rateLimit: false });
    const api = speech(emu);
    try {
      const { model } = await trainedModel(api);
      const dataset = (await api.post("/datasets", { displayName: "plain", locale: "en-US", kind: "Acoustic", contentUrl: blobUrl })).body;
      const evaluation = await evaluationOf(api, dataset.self, model.self);
      expect((await api.get(`/evaluations/${idOf(evaluation.self)}`)).body.properties).toMatchObject({ wordCount1: 200, wordErrorRate2: 0.08 });
    } finally {
      await emu.stop();
    }
  });

  it("without the Azurite default, reads an account's plain blob URLs only once trusted by its connection string", async () => {
    const emu = await startEmulator({ rateLimit: false, trustAzurite: false });
    const api = speech(emu);
    try {
      const { model } = await trainedModel(api);
      const wordsOf = async (name: string) => {
        const dataset = (await api.post("/datasets", { displayName: name, locale: "en-US", kind: "Acoustic", contentUrl: blobUrl })).body;
        return (await api.get(`/evaluations/${idOf((await evaluationOf(api, dataset.self, model.self)).self)}`)).body.properties.wordCount1;
      };
      expect(await wordsOf("untrusted")).toBe(2000); // Azurite refused the anonymous read: synthetic figures
      expect(emu.trustStorage(azurite.connectionString)).toEqual({ endpoint: azurite.blobEndpoint });
      expect(await wordsOf("trusted")).toBe(200);
      let refused = "";
      try {
        emu.trustStorage("AccountKey=s3cr3t-not-a-connection-string");
      } catch (e) {
        refused = (e as Error).message;
      }
      expect(refused).toMatch(/not an Azure Storage connection string.*not shown/);
      expect(refused).not.toContain("s3cr3t");
    } finally {
      await emu.stop();
    }
  });

  it("the CLI's --trusted-storage prints the account's endpoint, never its key", async () => {
    const { emu, lines } = await startFromArgs(["--port", "0", "--trusted-storage", azurite.connectionString]);
    try {
      expect(lines).toContain(`trusted storage: ${azurite.blobEndpoint}`);
      expect(lines.join("\n")).not.toContain(AZURITE_KEY);
    } finally {
      await emu.stop();
    }
  });
});
