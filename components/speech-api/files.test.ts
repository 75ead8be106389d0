import * as path from "path";
import { createDefaultHttpClient, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { FakeClock, packagedFolder } from "../../emulator/testing";
import { SpeechClient, type SpeechClientOptions } from "./client";
import { SpeechApiError } from "./errors";
import { idFromSelf, ref } from "./ids";

// Integration: the client's file operations and downloads against the emulator holding a real test set.
const TEST_SET = path.resolve(__dirname, "../../examples/sandbox/en-US/callcenter-test");
const quick: SpeechClientOptions = { rateLimit: false, retryDelayInMs: 5, maxRetryDelayInMs: 20, maxRetries: 1 };
const KEY = "files-key-0001";

function recordingTransport(): HttpClient & { sent: PipelineRequest[] } {
  const real = createDefaultHttpClient();
  const sent: PipelineRequest[] = [];
  return { sent, sendRequest: (request) => (sent.push(request), real.sendRequest(request)) };
}

let emu: RunningEmulator;
let client: SpeechClient;
let transport: ReturnType<typeof recordingTransport>;
const clock = new FakeClock(Date.now());
let zip: Buffer;
let datasetId: string;
let evaluationId: string;

beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false, now: clock.now, resources: [{ name: "speech", region: "eastus", key: KEY }] });
  transport = recordingTransport();
  client = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: KEY }, { ...quick, httpClient: transport });
  zip = await packagedFolder(TEST_SET);
  const dataset = await client.createDataset({ displayName: "test set", locale: "en-US", kind: "Acoustic" });
  datasetId = idFromSelf(dataset.self!);
  await client.uploadDatasetContent(datasetId, zip, { blockSize: 50_000 });
  const text = await client.createDataset({ displayName: "text", locale: "en-US", kind: "Language" });
  await client.uploadDatasetContent(idFromSelf(text.self!), Buffer.from("hello\n"));
  const model = await client.createModel({ displayName: "custom", locale: "en-US", datasets: [ref(text.self!)] });
  const base = (await client.listBaseModels({ filter: "locale eq 'en-US'" }))[0];
  const evaluation = await client.createEvaluation({ displayName: "e", locale: "en-US", model1: ref(base.self!), model2: ref(model.self!), dataset: ref(dataset.self!) });
  evaluationId = idFromSelf(evaluation.self!);
});
afterAll(() => emu?.stop());

describe("SpeechClient files and downloads", () => {
  it("lists an evaluation's score files across pages and reads one by id", async () => {
    const files = await client.listEvaluationFiles(evaluationId, { top: 7 });
    expect(files).toHaveLength(20);
    expect(new Set(files.map((f) => f.kind))).toEqual(new Set(["EvaluationDetails"]));
    const one = await client.getEvaluationFile(evaluationId, idFromSelf(files[3].self!));
    expect(one.name).toBe(files[3].name);
    expect(JSON.parse((await client.downloadFile(one.links!.contentUrl!)).toString("utf8")).source).toBe(files[3].name!.replace(/^model\d\//, "").replace(/\.json$/, ""));
  });

  it("lists the files of the transcriptions an evaluation links", async () => {
    const evaluation = await client.getEvaluation(evaluationId);
    const files = await client.listTranscriptionFiles(idFromSelf(evaluation.transcription2!.self!));
    expect(files.map((f) => f.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `test-${String(i + 1).padStart(3, "0")}.wav.json`));
    expect((await client.getTranscriptionFile(idFromSelf(evaluation.transcription2!.self!), idFromSelf(files[0].self!))).kind).toBe("Transcription");
  });

  it("downloads a dataset's data through its SAS URL without sending the Speech key or a bearer token", async () => {
    const data = (await client.listDatasetFiles(datasetId, { sasLifetimeMinutes: 30 })).find((f) => f.kind === "AcousticDataArchive")!;
    expect(new Date(new URL(data.links!.contentUrl!).searchParams.get("se")!).getTime()).toBe(clock.now() + 30 * 60_000);
    const before = transport.sent.length;
    const bytes = await client.downloadFile(data.links!.contentUrl!);
    expect(bytes.equals(zip)).toBe(true);
    const download = transport.sent.slice(before);
    expect(download).toHaveLength(1);
    expect(download[0].headers.has("Ocp-Apim-Subscription-Key")).toBe(false);
    expect(download[0].headers.has("Authorization")).toBe(false);
    await expect(client.downloadFile(data.links!.contentUrl!, { maxBytes: 1000 })).rejects.toMatchObject({ code: "ContentTooLarge" });
  });

  it("says an expired link is expired, and never shows the SAS query in an error", async () => {
    const data = (await client.listDatasetFiles(datasetId, { sasLifetimeMinutes: 1 })).find((f) => f.kind === "AcousticDataArchive")!;
    const url = `${data.links!.contentUrl!}&sig=s3cr3tSignature`;
    clock.advance(2 * 60_000);
    const expired = await client.downloadFile(url).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(SpeechApiError);
    expect(expired).toMatchObject({ statusCode: 403 });
    expect((expired as Error).message).toMatch(/expired/);
    const unreachable = await client.downloadFile("http://127.0.0.1:1/container/data.zip?sv=2024&se=2030-01-01&sig=s3cr3tSignature").catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(SpeechApiError);
    for (const e of [expired, unreachable] as Error[]) {
      expect(e.message).not.toContain("s3cr3tSignature");
      expect(e.message).not.toMatch(/[?&](se|sig|sv)=/);
    }
    await expect(client.downloadFile("http://storage.example.com/c/data.zip?sig=s3cr3tSignature")).rejects.toThrow(/must be an https URL/);
    await expect(client.listDatasetFiles(datasetId, { sasLifetimeMinutes: 0 })).rejects.toThrow(/sasLifetimeMinutes must be a positive integer/);
  });
});
