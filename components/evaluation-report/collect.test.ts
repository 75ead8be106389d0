// The collector against the in-process emulator holding the sandbox test set (uploaded as the training-data
// library packages it): service totals, per-file texts, the transcription fallback, caps, and secrets kept out.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { packagedFolder } from "../../emulator/testing";
import { SpeechClient, type SpeechClientOptions } from "../speech-api/client";
import { idFromSelf, ref } from "../speech-api/ids";
import { DYNAMIC_TYPE_PREFIX } from "../domain/vocabulary";
import { align, sumCounts } from "./alignment";
import { collectEvaluation, heardFromScoringResult, parseScoreFile, parseTranscriptionFile } from "./collect";
import { evaluationsFromStackExport } from "./stack-export";

const TEST_SET = path.resolve(__dirname, "../../examples/sandbox/en-US/callcenter-test");
const quick: SpeechClientOptions = { rateLimit: false, retryDelayInMs: 5, maxRetryDelayInMs: 20, maxRetries: 0 };
const references = new Map(
  fs
    .readFileSync(path.join(TEST_SET, "trans.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split("\t") as [string, string]),
);

let emu: RunningEmulator;
let client: SpeechClient;

async function testSet(kind: "Acoustic" | "AudioFiles" = "Acoustic"): Promise<string> {
  const dataset = await client.createDataset({ displayName: `callcenter-test ${kind}`, locale: "en-US", kind });
  await client.uploadDatasetContent(idFromSelf(dataset.self!), await packagedFolder(TEST_SET, kind));
  return dataset.self!;
}

async function evaluation(datasetSelf: string): Promise<string> {
  const text = await client.createDataset({ displayName: "product-names", locale: "en-US", kind: "Language" });
  await client.uploadDatasetContent(idFromSelf(text.self!), Buffer.from("reset my password\n"));
  const model = await client.createModel({ displayName: "callcenter candidate", locale: "en-US", datasets: [ref(text.self!)] });
  const base = (await client.listBaseModels({ filter: "locale eq 'en-US'" }))[0];
  const e = await client.createEvaluation({ displayName: "gate", locale: "en-US", model1: ref(base.self!), model2: ref(model.self!), dataset: ref(datasetSelf) });
  return e.self!;
}

beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
  client = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, quick);
});
afterAll(() => emu?.stop());
afterEach(() => emu.setEvaluationDetails("served"));

describe("collectEvaluation", () => {
  let acoustic: string;
  let self: string;
  beforeAll(async () => {
    acoustic = await testSet();
    self = await evaluation(acoustic);
  });

  it("gives the service's totals, and per audio file the reference, both hypotheses and the audio; summed counts equal the totals", async () => {
    const inputs = await collectEvaluation(client, self);
    expect(inputs.sources).toEqual({ hypotheses: "evaluation-details", references: "dataset-files", audio: "dataset-files" });
    expect(inputs.names).toMatchObject({ model2: "callcenter candidate", dataset: "callcenter-test Acoustic" });
    expect(inputs.names?.model1).toEqual(expect.any(String));
    expect(inputs.files.map((f) => f.name)).toEqual([...references.keys()].sort());
    for (const f of inputs.files) {
      expect(f.reference).toBe(references.get(f.name));
      expect(f.audio).toEqual({ mimeType: "audio/wav", bytes: fs.readFileSync(path.join(TEST_SET, f.name)) });
    }
    const p = inputs.evaluation.properties!;
    for (const n of [1, 2] as const) {
      const total = sumCounts(inputs.files.map((f) => align(f.reference!, f[`hypothesis${n}`]!)));
      expect(total).toEqual({ words: p[`wordCount${n}`], correct: p[`correctWordCount${n}`], substitutions: p[`wordSubstitutionCount${n}`], deletions: p[`wordDeletionCount${n}`], insertions: p[`wordInsertionCount${n}`] });
    }
    expect(inputs.notes).toEqual([]);
  });

  it("accepts the evaluation's id as well as its self URI", async () => {
    const byId = await collectEvaluation(client, idFromSelf(self), { audio: false });
    expect(byId.evaluation.self).toBe(self);
    expect(byId.files.every((f) => f.audio === undefined)).toBe(true);
    expect(byId.sources.audio).toBe("none");
  });

  it("falls back to the transcription files when the evaluation lists no score files, and says so", async () => {
    const details = await collectEvaluation(client, self, { audio: false });
    emu.setEvaluationDetails("omitted");
    const fallback = await collectEvaluation(client, self, { audio: false });
    expect(fallback.sources.hypotheses).toBe("transcriptions");
    expect(fallback.files.map((f) => [f.name, f.hypothesis1, f.hypothesis2])).toEqual(details.files.map((f) => [f.name, f.hypothesis1, f.hypothesis2]));
    expect(fallback.notes.join("\n")).toMatch(/no score files \(EvaluationDetails\).*transcription files/);
  });

  it("an unparseable score file gives a note naming the files and why, and the transcription fallback", async () => {
    emu.setEvaluationDetails("unparseable");
    const inputs = await collectEvaluation(client, self, { audio: false });
    expect(inputs.sources.hypotheses).toBe("transcriptions");
    expect(inputs.files.every((f) => f.hypothesis1 && f.hypothesis2)).toBe(true);
    const note = inputs.notes.find((n) => n.includes("could not be read"))!;
    expect(note).toMatch(/^20 of 20 score files \(EvaluationDetails\) could not be read, so what the models heard comes from the transcription files: model1\/test-\d+\.wav\.json \(not JSON\)/);
  });

  it("leaves out audio over the cap per file, and once the total cap is reached, with the reason", async () => {
    const sizes = new Map([...references.keys()].map((n) => [n, fs.statSync(path.join(TEST_SET, n)).size]));
    const cap = 20_000;
    const inputs = await collectEvaluation(client, self, { maxAudioBytes: cap, maxTotalAudioBytes: 40_000 });
    const embedded = inputs.files.filter((f) => f.audio && "bytes" in f.audio);
    for (const f of inputs.files) {
      if (sizes.get(f.name)! > cap) expect(f.audio).toEqual({ omitted: `${Math.round(sizes.get(f.name)! / 1024)} KiB is over the 20 KiB cap per file` });
    }
    expect(embedded.length).toBe(2); // two clips under 20,000 bytes fit in 40,000
    expect(inputs.files.some((f) => f.audio && "omitted" in f.audio && /audio cap was reached/.test(f.audio.omitted))).toBe(true);
    expect(inputs.notes.join("\n")).toMatch(/^Audio of 4 file\(s\) over the 20 KiB cap per file was left out: test-003\.wav, /m);
  });

  it("reads references and audio from the local data folder when given", async () => {
    const inputs = await collectEvaluation(client, self, { localData: TEST_SET });
    expect(inputs.sources).toEqual({ hypotheses: "evaluation-details", references: "local-data", audio: "local-data" });
    expect(inputs.files.find((f) => f.name === "test-003.wav")?.reference).toBe(references.get("test-003.wav"));
  });

  it("an audio-only test set: both models' hypotheses, no references", async () => {
    const inputs = await collectEvaluation(client, await evaluation(await testSet("AudioFiles")), { audio: false });
    expect(inputs.sources).toEqual({ hypotheses: "evaluation-details", references: "none", audio: "none" });
    expect(inputs.files).toHaveLength(10);
    for (const f of inputs.files) {
      expect(f.reference).toBeUndefined();
      expect(f.hypothesis1).toEqual(expect.any(String));
      expect(f.hypothesis2).toEqual(expect.any(String));
    }
    expect(inputs.evaluation.properties?.wordErrorRate2).toBeUndefined();
  });

  it("puts no SAS query string in any note when downloads fail", async () => {
    // A transport that fails every download quoting the whole URL, as low-level errors do.
    const real = createDefaultHttpClient();
    const failing: HttpClient = {
      sendRequest: (request) => (request.url.includes("/_emulator/files/") ? Promise.reject(Object.assign(new Error(`socket hang up at ${request.url}`), { code: "ECONNRESET" })) : real.sendRequest(request)),
    };
    const broken = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, { ...quick, httpClient: failing });
    const inputs = await collectEvaluation(broken, self);
    expect(inputs.sources).toEqual({ hypotheses: "none", references: "none", audio: "none" });
    const notes = inputs.notes.join("\n");
    expect(notes).toMatch(/could not be read/);
    expect(notes).toContain("/_emulator/files/");
    expect(notes).not.toMatch(/[?&](se|sp|sig)=/);
  });

  it("an evaluation that has not succeeded gives no files and says why", async () => {
    const slow = await startEmulator({ rateLimit: false, durations: { evaluation: 60_000 } });
    try {
      const c = new SpeechClient({ endpoint: slow.resources.speech.endpoint, key: slow.resources.speech.key }, quick);
      const base = (await c.listBaseModels({ filter: "locale eq 'en-US'" }))[0];
      const d = await c.createDataset({ displayName: "t", locale: "en-US", kind: "Acoustic", contentUrl: "https://data.example/t.zip" });
      const e = await c.createEvaluation({ displayName: "e", locale: "en-US", model1: ref(base.self!), model2: ref(base.self!), dataset: ref(d.self!) });
      const inputs = await collectEvaluation(c, e.self!);
      expect(inputs.files).toEqual([]);
      expect(inputs.notes[0]).toMatch(/^The evaluation is (NotStarted|Running): the service has no per-file results/);
    } finally {
      await slow.stop();
    }
  });
});

describe("score and transcription files, parsed defensively", () => {
  it("reads the heard words from nBest[0]: lexical, else scoringResult without deletions, else display", () => {
    expect(heardFromScoringResult("can you <substitution>rest</substitution> my <deletion>password</deletion> please <insertion>uh</insertion>")).toBe("can you rest my please uh");
    expect(parseScoreFile(JSON.stringify({ source: "https://x/c/a.wav?sig=1", recognizedPhrases: [{ nBest: [{ scoringResult: "a <deletion>b</deletion> c" }] }, { nBest: [{ display: "D." }] }] }))).toEqual({ source: "a.wav", text: "a c D." });
    expect(parseScoreFile("[]")).toEqual({ problem: "not a JSON object" });
    expect(parseScoreFile("{}")).toEqual({ problem: "no recognizedPhrases array" });
    expect(parseScoreFile(JSON.stringify({ recognizedPhrases: [{ nBest: [] }] }))).toEqual({ problem: "recognizedPhrases[0].nBest[0] has no lexical, scoringResult or display text" });
    expect(parseTranscriptionFile(JSON.stringify({ source: "b.wav", recognizedPhrases: [{ nBest: [{ lexical: "x y" }] }] }))).toEqual({ source: "b.wav", text: "x y" });
    expect(parseTranscriptionFile(JSON.stringify({ combinedRecognizedPhrases: [{}] }))).toHaveProperty("problem");
  });
});

describe("evaluationsFromStackExport", () => {
  const endpoint = "https://contoso.cognitiveservices.azure.com";
  const evaluationResource = (name: string, locale: string, extra: Record<string, unknown> = {}) => ({
    urn: `urn:pulumi:prod::custom-speech::${DYNAMIC_TYPE_PREFIX}Evaluation::${name}`,
    type: `${DYNAMIC_TYPE_PREFIX}Evaluation`,
    id: "e",
    outputs: {
      self: `${endpoint}/speechtotext/evaluations/${name}?api-version=2025-10-15`,
      locale,
      maxWordErrorRate: 10,
      minWordErrorRateImprovement: 2,
      passed: false,
      speech: { "4dabf18193072939515e22adc298bd5a": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:AAAA" },
      ...extra,
    },
  });
  const exported = {
    version: 3,
    deployment: {
      resources: [
        { urn: "urn:pulumi:prod::custom-speech::pulumi:pulumi:Stack::custom-speech-prod", type: "pulumi:pulumi:Stack" },
        evaluationResource("speech-en-us-evaluation", "en-US"),
        evaluationResource("speech-de-de-evaluation", "de-DE", { maxWordErrorRate: undefined, passed: null }),
        { ...evaluationResource("speech-en-us-old-evaluation", "en-US"), delete: true },
      ],
    },
  };

  it("finds a locale's evaluation with its endpoint and the gate's thresholds, never reading secrets", () => {
    expect(evaluationsFromStackExport(exported, "en-us")).toEqual([
      {
        name: "speech-en-us-evaluation",
        locale: "en-US",
        evaluation: `${endpoint}/speechtotext/evaluations/speech-en-us-evaluation?api-version=2025-10-15`,
        endpoint,
        gate: { maxWordErrorRate: 10, minWordErrorRateImprovement: 2 },
        passed: false,
      },
    ]);
    expect(evaluationsFromStackExport(exported).map((e) => [e.locale, e.gate, e.passed])).toEqual([
      ["en-US", { maxWordErrorRate: 10, minWordErrorRateImprovement: 2 }, false],
      ["de-DE", { minWordErrorRateImprovement: 2 }, null],
    ]);
    expect(JSON.stringify(evaluationsFromStackExport(exported))).not.toMatch(/ciphertext|v1:AAAA/);
    expect(evaluationsFromStackExport(exported, "fr-FR")).toEqual([]);
  });

  it("refuses JSON that is not a stack export", () => {
    expect(() => evaluationsFromStackExport({ resources: [] })).toThrow("not the JSON of `pulumi stack export` (deployment.resources is missing)");
    expect(() => evaluationsFromStackExport(null)).toThrow(/deployment\.resources/);
  });
});

describe("collectEvaluation with a test set the score files do not cover", () => {
  it("names the audio files without a hypothesis", async () => {
    const self = await evaluation(await testSet());
    const extra = fs.mkdtempSync(path.join(os.tmpdir(), "local-set-"));
    try {
      fs.cpSync(TEST_SET, extra, { recursive: true });
      fs.copyFileSync(path.join(TEST_SET, "test-001.wav"), path.join(extra, "test-011.wav"));
      fs.appendFileSync(path.join(extra, "trans.txt"), "test-011.wav\tone more clip\n");
      const inputs = await collectEvaluation(client, self, { localData: extra, audio: false });
      expect(inputs.files).toHaveLength(11);
      expect(inputs.files.find((f) => f.name === "test-011.wav")).toEqual({ name: "test-011.wav", reference: "one more clip" });
      expect(inputs.notes).toEqual(["No hypothesis of model1 for 1 audio file(s): test-011.wav.", "No hypothesis of model2 for 1 audio file(s): test-011.wav.", "Audio was left out on request."]);
    } finally {
      fs.rmSync(extra, { recursive: true, force: true });
    }
  });
});
