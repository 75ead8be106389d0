import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { startEmulator } from "../../emulator";
import type { RunningEmulator } from "../../emulator";
import { blockIdFor, SpeechClient, type SpeechClientOptions } from "./client";
import { isInUse, isNotFound, isThrottled, SpeechApiError } from "./errors";
import { idFromSelf, ref } from "./ids";
import type * as m from "./models";
import { PollDeadlineExceededError } from "./polling";
import { budgetKey } from "./rate-budget";

// Integration: the real client against the real emulator (HTTP and HTTPS), two emulated Speech resources.
const fast = { initialDelayMs: 20, maxDelayMs: 100 };
const quick: SpeechClientOptions = { rateLimit: false, retryDelayInMs: 5, maxRetryDelayInMs: 20 };

/** Records what actually goes on the wire (the SDK's last hop) while the real HTTP client sends it. */
function recordingTransport(): HttpClient & { sent: PipelineRequest[] } {
  const real = createDefaultHttpClient();
  const sent: PipelineRequest[] = [];
  return { sent, sendRequest: (request) => (sent.push(request), real.sendRequest(request)) };
}

let emu: RunningEmulator;
let speech: SpeechClient;
let target: SpeechClient;

beforeAll(async () => {
  emu = await startEmulator({
    rateLimit: false,
    resources: [
      { name: "speech", region: "eastus", key: "source-key-0001" },
      { name: "target", region: "westeurope", key: "target-key-0002" },
    ],
    durations: { dataset: 150, model: 300, endpoint: 150, evaluation: 150, copy: 200 },
  });
  speech = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, quick);
  target = new SpeechClient({ endpoint: `${emu.resources.target.endpoint}/`, key: emu.resources.target.key }, quick);
});
afterAll(() => emu?.stop());

const logSince = (n: number, resource = "speech") => emu.requestLog.slice(n).filter((e) => e.resource === resource);

/** A trained custom Model over a Language dataset uploaded by blocks. */
async function trainedModel(c: SpeechClient, name: string): Promise<{ model: m.CustomModel; dataset: m.Dataset; id: string }> {
  const dataset = await c.createDataset({ displayName: `${name}-text`, locale: "en-US", kind: "Language" });
  await c.uploadDatasetContent(idFromSelf(dataset.self!), Buffer.from("hello custom speech\n".repeat(50)));
  await c.waitForDataset(idFromSelf(dataset.self!), fast);
  const model = await c.createModel({ displayName: name, locale: "en-US", datasets: [ref(dataset.self!)] });
  const id = idFromSelf(model.self!);
  return { model: await c.waitForModel(id, fast), dataset, id };
}

describe("SpeechClient against the emulator", () => {
  it("manages a Project: create, read, list, update, delete (twice) and its locales", async () => {
    const created = await speech.createProject({ displayName: "calls", locale: "en-US", description: "v1", customProperties: { team: "voice" } });
    const id = idFromSelf(created.self!);
    expect(created.self).toBe(speech.url(`/projects/${id}`));
    expect(await speech.getProject(id)).toMatchObject({ displayName: "calls", description: "v1", customProperties: { team: "voice" } });
    expect((await speech.updateProject(id, { description: "v2" })).description).toBe("v2");
    expect((await speech.listProjects()).map((p) => p.self)).toContain(created.self);
    expect(await speech.listProjectLocales()).toContain("en-US");
    await speech.deleteProject(id);
    await expect(speech.deleteProject(id)).resolves.toBeUndefined();
    const gone = await speech.getProject(id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(SpeechApiError);
    expect(isNotFound(gone)).toBe(true);
    expect(gone).toMatchObject({ statusCode: 404, code: "NotFound" });
    expect((gone as SpeechApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lists every Project across pages by following @nextLink, with filter and top on the first request", async () => {
    for (let i = 0; i < 5; i++) await speech.createProject({ displayName: `paged-${i}`, locale: "de-DE" });
    const before = emu.requestLog.length;
    const all = await speech.listProjects({ top: 2, filter: "locale eq 'de-DE'" });
    expect(all.map((p) => p.displayName).sort()).toEqual(["paged-0", "paged-1", "paged-2", "paged-3", "paged-4"]);
    const gets = logSince(before).filter((e) => e.method === "GET");
    expect(gets).toHaveLength(3);
    expect(gets.every((e) => e.status === 200)).toBe(true);
    expect((await speech.listProjects({ skip: 4, top: 1, filter: "locale eq 'de-DE'" }))).toHaveLength(1);
  });

  it("uploads a Dataset in blocks from a stream, commits them in order and waits for the import", async () => {
    const ds = await speech.createDataset({ displayName: "corpus", locale: "en-US", kind: "Language", description: "blocks" });
    const id = idFromSelf(ds.self!);
    expect(ds.status).toBe("NotStarted");
    const text = Buffer.from(Array.from({ length: 400 }, (_, i) => `utterance number ${i}\n`).join(""));
    const before = emu.requestLog.length;
    // Uneven stream chunks, re-cut into 1 000-byte blocks.
    const chunks = [text.subarray(0, 333), text.subarray(333, 2500), text.subarray(2500)];
    await speech.uploadDatasetContent(id, Readable.from(chunks), { blockSize: 1000 });
    const puts = logSince(before).filter((e) => e.method === "PUT");
    expect(puts).toHaveLength(Math.ceil(text.length / 1000));
    const blocks = await speech.getDatasetBlocks(id);
    expect(blocks.committedBlocks?.map((b) => b.size)).toEqual(
      Array.from({ length: puts.length }, (_, i) => Math.min(1000, text.length - i * 1000)),
    );
    expect(blocks.committedBlocks?.map((b) => b.name)).toEqual(puts.map((_, i) => blockIdFor(i)));
    const done = await speech.waitForDataset(id, fast);
    expect(done.status).toBe("Succeeded");
    const files = await speech.listDatasetFiles(id);
    expect(files.length).toBeGreaterThan(0);
    expect((await speech.getDatasetFile(id, idFromSelf(files[0].self!))).name).toBe(files[0].name);
    expect((await speech.listDatasetLocales()).Language).toContain("en-US");
    expect((await speech.updateDataset(id, { displayName: "corpus-2" })).displayName).toBe("corpus-2");
    expect((await speech.listDatasets({ filter: "displayName eq 'corpus-2'" })).map((d) => d.self)).toEqual([ds.self]);
    await speech.deleteDataset(id);
    await expect(speech.getDataset(id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("uploads and commits Dataset blocks one by one", async () => {
    const ds = await speech.createDataset({ displayName: "manual", locale: "en-US", kind: "Language" });
    const id = idFromSelf(ds.self!);
    await speech.uploadDatasetBlock(id, blockIdFor(0), Buffer.from("first line\n"));
    await speech.uploadDatasetBlock(id, blockIdFor(1), Buffer.from("second line\n"));
    expect((await speech.getDatasetBlocks(id)).uncommittedBlocks?.map((b) => b.name).sort()).toEqual([blockIdFor(0), blockIdFor(1)]);
    await speech.commitDatasetBlocks(id, [{ kind: "Uncommitted", id: blockIdFor(0) }, { kind: "Uncommitted", id: blockIdFor(1) }]);
    expect((await speech.getDatasetBlocks(id)).committedBlocks?.map((b) => b.size)).toEqual([11, 12]);
    await expect(speech.uploadDatasetContent(id, Buffer.alloc(0))).rejects.toThrow(/content is empty/);
    await expect(speech.uploadDatasetContent(id, Buffer.from("x"), { blockSize: 9 * 1024 * 1024 })).rejects.toThrow(
      /blockSize must be an integer from 1 to 8388608 bytes/,
    );
  });

  it("reports a Dataset whose import failed as Failed with the service's reason", async () => {
    const ds = await speech.createDataset({
      displayName: "broken",
      locale: "en-US",
      kind: "Language",
      contentUrl: "https://example.blob.core.windows.net/data/emulator-fail-import.txt?sv=1&sig=abc",
    });
    const done = await speech.waitForDataset(idFromSelf(ds.self!), fast);
    expect(done.status).toBe("Failed");
    expect(done.properties?.error?.message).toBeTruthy();
  });

  it("trains, reads, renames and lists a Model over base models, with manifests and locales", async () => {
    const base = await speech.listBaseModels({ filter: "locale eq 'en-US'" });
    expect(base.length).toBeGreaterThan(0);
    const baseId = idFromSelf(base[0].self!);
    expect((await speech.getBaseModel(baseId)).self).toBe(base[0].self);
    expect((await speech.getBaseModelManifest(baseId)).modelFiles.length).toBeGreaterThan(0);
    expect(await speech.listModelLocales()).toContain("en-US");

    const { model, id } = await trainedModel(speech, "model-a");
    expect(model.status).toBe("Succeeded");
    expect((await speech.getModel(id)).datasets?.length).toBe(1);
    expect((await speech.updateModel(id, { description: "tuned" })).description).toBe("tuned");
    expect((await speech.listModels()).map((x) => x.self)).toContain(model.self);
    const manifest = await speech.getModelManifest(id, 60);
    expect(manifest.model.self).toBe(model.self);
    await expect(speech.getModelManifest(id, -1)).rejects.toThrow(/sasLifetimeMinutes must be a non-negative integer/);
  });

  it("deploys a Model to an Endpoint, swaps the model keeping the endpoint id, and refuses deleting a Model in use", async () => {
    const first = await trainedModel(speech, "model-e1");
    const second = await trainedModel(speech, "model-e2");
    const created = await speech.createEndpoint({ displayName: "live", locale: "en-US", model: ref(first.model.self!) });
    const id = idFromSelf(created.self!);
    expect((await speech.waitForEndpoint(id, fast)).status).toBe("Succeeded");
    const swapped = await speech.updateEndpoint(id, { model: ref(second.model.self!) });
    expect(swapped.self).toBe(created.self);
    expect(swapped.model?.self).toBe(second.model.self);
    expect((await speech.getEndpoint(id)).model?.self).toBe(second.model.self);
    expect((await speech.listEndpoints()).map((e) => e.self)).toContain(created.self);
    expect(await speech.listEndpointLocales()).toContain("en-US");

    const refused = await speech.deleteModel(second.id).catch((e: unknown) => e);
    expect(isInUse(refused)).toBe(true);
    expect(refused).toMatchObject({ statusCode: 409, innerCode: "InUseViolation" });
    await speech.deleteEndpoint(id);
    await speech.deleteModel(second.id);
    await expect(speech.getModel(second.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("evaluates a custom Model against its base model and reads the word error rates", async () => {
    const { model } = await trainedModel(speech, "model-eval");
    const audio = await speech.createDataset({ displayName: "test-audio", locale: "en-US", kind: "AudioFiles" });
    await speech.uploadDatasetContent(idFromSelf(audio.self!), Buffer.from("RIFF....WAVEfmt fake audio archive"));
    await speech.waitForDataset(idFromSelf(audio.self!), fast);
    const evaluation = await speech.createEvaluation({
      displayName: "gate",
      locale: "en-US",
      model1: model.baseModel!,
      model2: ref(model.self!),
      dataset: ref(audio.self!),
    });
    const id = idFromSelf(evaluation.self!);
    const done = await speech.waitForEvaluation(id, fast);
    expect(done.status).toBe("Succeeded");
    expect(done.properties?.wordErrorRate2).toBeLessThan(done.properties!.wordErrorRate1!);
    expect((await speech.getEvaluation(id)).self).toBe(evaluation.self);
    expect((await speech.updateEvaluation(id, { description: "nightly" })).description).toBe("nightly");
    expect((await speech.listEvaluations()).map((e) => e.self)).toContain(evaluation.self);
    expect((await speech.listEvaluationFiles(id)).length).toBeGreaterThan(0);
    expect(await speech.listEvaluationLocales()).toContain("en-US");
    await speech.deleteEvaluation(id);
    await expect(speech.getEvaluation(id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("copies a Model to another Speech resource: authorize on the target, copy on the source, poll the operation", async () => {
    const { id } = await trainedModel(speech, "model-copy");
    const authorization = await target.authorizeCopy(emu.resources.speech.resourceId);
    expect(authorization).toMatchObject({ sourceResourceId: emu.resources.speech.resourceId, targetResourceId: emu.resources.target.resourceId });
    const started = await speech.copyModel(id, authorization);
    expect(started.operationLocation).toContain("/speechtotext/operations/models/copy/");
    expect(started.retryAfterMs).toBeGreaterThan(0);
    const op = await speech.getModelCopyOperation(started.operation.id);
    expect(op.id).toBe(started.operation.id);
    const done = await speech.waitForModelCopy(started.operationLocation, fast);
    expect(done.status).toBe("Succeeded");
    const copy = await target.getModel(idFromSelf(done.result!.link!));
    expect(copy.self).toBe(target.url(`/models/${idFromSelf(done.result!.link!)}`));
    const foreign = await speech.copyModel(id, { ...authorization, sourceResourceId: emu.resources.target.resourceId }).catch((e: unknown) => e);
    expect(foreign).toMatchObject({ statusCode: 400, innerCode: "InvalidSourceAzureResourceId" });
  });

  it("gives up waiting for a Model at the deadline, carrying the last state", async () => {
    const slow = await startEmulator({ rateLimit: false, durations: { model: 60_000 } });
    try {
      const c = new SpeechClient({ endpoint: slow.resources.speech.endpoint, key: slow.resources.speech.key }, quick);
      const ds = await c.createDataset({ displayName: "d", locale: "en-US", kind: "Language" });
      await c.uploadDatasetContent(idFromSelf(ds.self!), Buffer.from("text\n"));
      const model = await c.createModel({ displayName: "slow", locale: "en-US", datasets: [ref(ds.self!)] });
      const err = await c.waitForModel(idFromSelf(model.self!), { ...fast, deadline: Date.now() + 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PollDeadlineExceededError);
      expect(["NotStarted", "Running"]).toContain(((err as PollDeadlineExceededError).lastValue as m.CustomModel).status);
    } finally {
      await slow.stop();
    }
  });

  it("parses the service's errors: bad input, wrong key", async () => {
    const bad = await speech.createProject({ displayName: "x", locale: "xx-XX" }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ statusCode: 400, innerCode: "InvalidLocale" });
    expect((bad as Error).message).toMatch(/^Speech API POST \/speech\/speechtotext\/projects returned 400 \w+\/InvalidLocale: .*xx-XX/);
    const wrong = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: "wrong-key-9999" }, quick);
    const denied = await wrong.listProjects().catch((e: unknown) => e);
    expect(denied).toMatchObject({ statusCode: 401, code: "Unauthorized" });
    expect((denied as Error).message).not.toContain("wrong-key-9999");
  });

  it("rides out injected server errors and connection resets on reads", async () => {
    const project = await speech.createProject({ displayName: "flaky", locale: "en-US" });
    const id = idFromSelf(project.self!);
    const before = emu.requestLog.length;
    emu.setFaults({ serverErrorRate: 0.3, resetRate: 0.2, seed: 7 });
    try {
      for (let i = 0; i < 15; i++) expect((await speech.getProject(id)).displayName).toBe("flaky");
    } finally {
      emu.setFaults({});
    }
    const statuses = logSince(before).map((e) => e.status);
    expect(statuses.filter((s) => s >= 500).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 0).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(15);
  });
});

describe("SpeechClient and the Speech resource rate limit", () => {
  let limited: RunningEmulator;
  beforeAll(async () => {
    limited = await startEmulator({ rateLimit: { requests: 4, windowMs: 1_000 } });
  });
  afterAll(() => limited?.stop());

  it("waits out 429 Too Many Requests using Retry-After, or reports it when retries are off", async () => {
    const { endpoint, key } = limited.resources.speech;
    const noRetry = new SpeechClient({ endpoint, key }, { ...quick, maxRetries: 0 });
    const burst = await Promise.allSettled(Array.from({ length: 6 }, () => noRetry.listProjectLocales()));
    const throttled = burst.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every(isThrottled)).toBe(true);

    const before = limited.requestLog.length;
    const patient = new SpeechClient({ endpoint, key }, quick);
    const results = await Promise.all(Array.from({ length: 6 }, () => patient.listProjectLocales()));
    expect(results.every((r) => r.includes("en-US"))).toBe(true);
    expect(limited.requestLog.slice(before).filter((e) => e.status === 429).length).toBeGreaterThan(0);
  });

  it("never trips the limit when the client's rate budget matches it", async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // let the previous test's window pass
    const { endpoint, key } = limited.resources.speech;
    const before = limited.requestLog.length;
    const client = new SpeechClient({ endpoint, key }, { rateLimit: { requests: 4, windowMs: 1_000 } });
    await Promise.all(Array.from({ length: 9 }, () => client.listProjectLocales()));
    const log = limited.requestLog.slice(before);
    expect(log).toHaveLength(9);
    expect(log.every((e) => e.status === 200)).toBe(true);
  });
});

describe("SpeechClient with Microsoft Entra ID", () => {
  let secure: RunningEmulator;
  beforeAll(async () => {
    secure = await startEmulator({ tls: true, rateLimit: false });
  });
  afterAll(() => secure?.stop());

  it("sends a Bearer token for the Cognitive Services scope over HTTPS and no key", async () => {
    const scopes: string[][] = [];
    const credential: TokenCredential = {
      async getToken(s): Promise<AccessToken> {
        scopes.push(([] as string[]).concat(s));
        return { token: "fake-entra-token", expiresOnTimestamp: Date.now() + 3600_000 };
      },
    };
    const transport = recordingTransport();
    const client = new SpeechClient({ endpoint: secure.resources.speech.endpoint, credential }, { ...quick, tlsCa: secure.ca, httpClient: transport });
    const project = await client.createProject({ displayName: "keyless", locale: "en-US" });
    expect((await client.listProjects()).map((p) => p.self)).toEqual([project.self]);
    expect(scopes[0]).toEqual(["https://cognitiveservices.azure.com/.default"]);
    expect(transport.sent).toHaveLength(2);
    for (const request of transport.sent) {
      expect(request.url.startsWith("https://127.0.0.1:")).toBe(true);
      expect(request.headers.get("authorization")).toBe("Bearer fake-entra-token");
      expect(request.headers.has("ocp-apim-subscription-key")).toBe(false);
    }
    expect(secure.requestLog.map((e) => e.status)).toEqual([201, 200]);
  });

  it("refuses the emulator's self-signed certificate unless its CA is trusted", async () => {
    const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600_000 }) };
    const untrusting = new SpeechClient({ endpoint: secure.resources.speech.endpoint, credential }, { ...quick, maxRetries: 0 });
    await expect(untrusting.listProjects()).rejects.toThrow(/certificate/i);
  });

  it("refuses to send a Bearer token over plain HTTP", async () => {
    const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600_000 }) };
    const plain = new SpeechClient({ endpoint: emu.resources.speech.endpoint, credential }, quick);
    await expect(plain.listProjects()).rejects.toThrow(/non-TLS|https/i);
  });
});

describe("SpeechClient inside a Pulumi dynamic provider", () => {
  it("survives closure serialization and works from the serialized module, without capturing the key", async () => {
    const project = await speech.createProject({ displayName: "from-provider", locale: "en-US" });
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    const serialized = await pulumi.runtime.serializeFunction(() => async (endpoint: string, key: string) => {
      const c = new SpeechClient({ endpoint, key });
      try {
        return { projects: await c.listProjects() };
      } catch (e) {
        const { name, message, statusCode } = e as SpeechApiError;
        return { error: { name, message, statusCode } };
      }
    });
    expect(serialized.text).not.toContain(emu.resources.speech.key);
    // Written next to this test so the module resolves node_modules like a provider process does.
    const dir = fs.mkdtempSync(path.join(__dirname, ".serialized-"));
    try {
      const file = path.join(dir, "provider.js");
      fs.writeFileSync(file, serialized.text);
      type Result = { projects?: m.Project[]; error?: { name: string; message: string; statusCode?: number } };
      const handler = (require(file) as { handler: () => (endpoint: string, key: string) => Promise<Result> }).handler();
      const { endpoint, key } = emu.resources.speech;
      const listed = await handler(endpoint, key);
      expect(listed.projects?.map((p) => p.self)).toContain(project.self);
      // The serialized copy spends the same process-wide rate budget as every other copy.
      const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[Symbol.for("pulumi-custom-speech/rate-budget")];
      expect(registry.has(budgetKey(endpoint))).toBe(true);
      // Errors keep their message and fields after serialization (Error subclasses are rewritten).
      const denied = await handler(endpoint, "wrong-key-0000");
      expect(denied.error).toEqual({
        name: "SpeechApiError",
        statusCode: 401,
        message: expect.stringMatching(/^Speech API GET \/speech\/speechtotext\/projects returned 401 Unauthorized/),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
