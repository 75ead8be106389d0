// The status machine with a controllable clock, failure conventions, and the base-model expiry rule.
import { adaptationDeadline, endOfQuarter, transcriptionDeadline } from "./catalogue";
import { startEmulator } from "./index";
import type { RunningEmulator } from "./types";
import { acousticDataset, FakeClock, idOf, speech, type SpeechApi } from "./testing";

describe("quarterly deprecation rule", () => {
  it("ends quarters on Jan 15, Apr 15, Jul 15 and Oct 15", () => {
    expect(new Date(endOfQuarter(Date.UTC(2024, 2, 1))).toISOString()).toBe("2024-04-15T00:00:00.000Z");
    expect(new Date(endOfQuarter(Date.UTC(2024, 3, 14, 23))).toISOString()).toBe("2024-04-15T00:00:00.000Z");
    expect(new Date(endOfQuarter(Date.UTC(2024, 3, 15))).toISOString()).toBe("2024-07-15T00:00:00.000Z");
    expect(new Date(endOfQuarter(Date.UTC(2024, 11, 1))).toISOString()).toBe("2025-01-15T00:00:00.000Z");
  });

  it("allows adaptation 1 year and transcription 2 years after the end of the creation quarter", () => {
    const created = Date.UTC(2023, 7, 20); // quarter ends 2023-10-15
    expect(new Date(adaptationDeadline(created)).toISOString()).toBe("2024-10-15T00:00:00.000Z");
    expect(new Date(transcriptionDeadline(created)).toISOString()).toBe("2025-10-15T00:00:00.000Z");
  });
});

describe("with durations and a fake clock", () => {
  const clock = new FakeClock(Date.UTC(2025, 10, 20, 12, 0, 0));
  let emu: RunningEmulator;
  let api: SpeechApi;
  const durations = { dataset: 10_000, model: 60_000, endpoint: 20_000, evaluation: 30_000, copy: 5_000 };

  beforeAll(async () => {
    emu = await startEmulator({ now: clock.now, durations, rateLimit: false });
    api = speech(emu);
  });
  afterAll(() => emu.stop());

  it("a Dataset goes NotStarted → Running → Succeeded, lastActionDateTime moving with each change and Retry-After while running", async () => {
    const created = await api.post("/datasets", { displayName: "d", locale: "en-US", kind: "Language", contentUrl: "https://d/x" });
    expect(created.body.status).toBe("NotStarted");
    const id = idOf(created.body.self);
    const started = created.body.lastActionDateTime;
    expect(created.body.createdDateTime).toBe(started);

    clock.advance(500);
    let got = await api.get(`/datasets/${id}`);
    expect(got.body.status).toBe("NotStarted");
    expect(got.headers.get("retry-after")).toBe("10");

    clock.advance(2_000);
    got = await api.get(`/datasets/${id}`);
    expect(got.body.status).toBe("Running");
    expect(Date.parse(got.body.lastActionDateTime)).toBeGreaterThan(Date.parse(started));
    expect(Number(got.headers.get("retry-after"))).toBe(8);
    expect(got.body).not.toHaveProperty("properties");

    clock.advance(8_000);
    got = await api.get(`/datasets/${id}`);
    expect(got.body.status).toBe("Succeeded");
    expect(got.body.lastActionDateTime).toBe(new Date(Date.parse(started) + 10_000).toISOString().replace(".000", ""));
    expect(got.headers.get("retry-after")).toBeNull();
  });

  it("a Dataset whose contentUrl contains emulator-fail-import ends Failed with properties.error", async () => {
    const created = await api.post("/datasets", { displayName: "d", locale: "en-US", kind: "Acoustic", contentUrl: "https://d/emulator-fail-import/x.zip" });
    clock.advance(durations.dataset);
    const got = (await api.get(`/datasets/${idOf(created.body.self)}`)).body;
    expect(got.status).toBe("Failed");
    expect(got.properties.error).toEqual({ code: "DataImportFailed", message: expect.stringContaining("emulator-fail-import") });
    const model = await api.post("/models", { displayName: "m", locale: "en-US", datasets: [{ self: got.self }] });
    expect(model.status).toBe(400);
    expect(model.body.innerError.code).toBe("FailedDataset");
  });

  async function readyDataset(kind = "Language"): Promise<any> {
    const d = (await api.post("/datasets", { displayName: "d", locale: "en-US", kind, contentUrl: "https://d/x" })).body;
    clock.advance(durations.dataset);
    return d;
  }

  it("a Model fails training when a dataset it uses is marked bad before training ends", async () => {
    const good = await readyDataset();
    const bad = await readyDataset();
    const earlier = (await api.post("/models", { displayName: "earlier", locale: "en-US", datasets: [{ self: bad.self }] })).body;
    clock.advance(durations.model);
    expect((await api.get(`/models/${idOf(earlier.self)}`)).body.status).toBe("Succeeded");
    const model = (await api.post("/models", { displayName: "m", locale: "en-US", datasets: [{ self: good.self }, { self: bad.self }] })).body;
    clock.advance(10_000);
    emu.markDatasetBad("speech", idOf(bad.self), "Transcripts do not match the audio.");
    expect((await api.get(`/models/${idOf(model.self)}`)).body.status).toBe("Running");
    const refused = await api.del(`/datasets/${idOf(bad.self)}`);
    expect(refused.status).toBe(409);
    expect(refused.body.innerError.code).toBe("InUseViolation");
    clock.advance(durations.model);
    const failed = (await api.get(`/models/${idOf(model.self)}`)).body;
    expect(failed.status).toBe("Failed");
    expect(failed.properties.error).toEqual({ code: "FailedDataset", message: expect.stringContaining("Transcripts do not match") });
    // A model that had already finished keeps its result.
    expect((await api.get(`/models/${idOf(earlier.self)}`)).body.status).toBe("Succeeded");
    expect(() => emu.markDatasetBad("speech", "00000000-0000-0000-0000-000000000000")).toThrow(/no dataset/);
  });

  it("an Endpoint model swap redeploys in place; a second swap while deploying is EndpointNotUpdatable", async () => {
    const data = await readyDataset();
    const m1 = (await api.post("/models", { displayName: "m1", locale: "en-US", datasets: [{ self: data.self }] })).body;
    const m2 = (await api.post("/models", { displayName: "m2", locale: "en-US", datasets: [{ self: data.self }] })).body;
    const notReady = await api.post("/endpoints", { displayName: "e", locale: "en-US", model: { self: m1.self } });
    expect(notReady.status).toBe(400);
    expect(notReady.body.innerError.code).toBe("ModelNotDeployable");
    clock.advance(durations.model);

    const endpoint = (await api.post("/endpoints", { displayName: "e", locale: "en-US", model: { self: m1.self } })).body;
    const id = idOf(endpoint.self);
    clock.advance(durations.endpoint);
    expect((await api.get(`/endpoints/${id}`)).body.status).toBe("Succeeded");

    const swap = await api.patch(`/endpoints/${id}`, { model: { self: m2.self } });
    expect(swap.status).toBe(200);
    expect(swap.body).toMatchObject({ status: "Running", lastActionDateTime: new Date(clock.t).toISOString().replace(".000", "") });
    clock.advance(durations.endpoint / 2);
    const running = await api.get(`/endpoints/${id}`);
    expect(running.body).toMatchObject({ status: "Running", self: endpoint.self, links: endpoint.links, model: { self: m2.self } });
    expect(running.headers.get("retry-after")).toBe("10");

    const busy = await api.patch(`/endpoints/${id}`, { model: { self: m1.self }, displayName: "not applied" });
    expect(busy.status).toBe(409);
    expect(busy.body.innerError.code).toBe("EndpointNotUpdatable");
    expect((await api.patch(`/endpoints/${id}`, { displayName: "renamed" })).status).toBe(200);
    clock.advance(durations.endpoint / 2);
    const done = (await api.get(`/endpoints/${id}`)).body;
    expect(done).toMatchObject({ status: "Succeeded", displayName: "renamed", model: { self: m2.self } });
  });

  it("an Evaluation runs for its duration before showing figures", async () => {
    const data = await readyDataset();
    const model = (await api.post("/models", { displayName: "m", locale: "en-US", datasets: [{ self: data.self }] })).body;
    clock.advance(durations.model);
    const audio = await acousticDataset(api);
    clock.advance(durations.dataset);
    const e = (await api.post("/evaluations", { displayName: "e", locale: "en-US", model1: { self: model.baseModel.self }, model2: { self: model.self }, dataset: { self: audio.self } })).body;
    expect(e.status).toBe("NotStarted");
    expect(e).not.toHaveProperty("properties");
    clock.advance(durations.evaluation);
    const done = (await api.get(`/evaluations/${idOf(e.self)}`)).body;
    expect(done.status).toBe("Succeeded");
    expect(done.properties.wordErrorRate2).toBe(0.08); // 8 % reported as a fraction, like the spec example
  });

  it("custom models get their transcription deprecation date from their own creation quarter", async () => {
    const data = await readyDataset();
    const model = (await api.post("/models", { displayName: "m", locale: "en-US", datasets: [{ self: data.self }] })).body;
    expect(model.properties.deprecationDates.transcriptionDateTime).toBe(new Date(transcriptionDeadline(clock.t)).toISOString().replace(".000", ""));
  });
});

describe("base-model catalogue", () => {
  it("has several models per locale of different ages, including one no longer adaptable, with charging by creation date", async () => {
    const clock = new FakeClock(Date.UTC(2025, 5, 1));
    const emu = await startEmulator({ now: clock.now, rateLimit: false });
    try {
      const api = speech(emu);
      const all: any[] = [];
      for (let next: string | undefined = "/models/base?top=10"; next; ) {
        const page: any = (await api.get(next)).body;
        all.push(...page.values);
        next = page["@nextLink"];
      }
      for (const locale of ["en-US", "de-DE", "fr-FR", "es-ES", "ja-JP"]) {
        const mine = all.filter((m) => m.locale === locale);
        expect(mine.length).toBeGreaterThanOrEqual(3);
        expect(new Set(mine.map((m) => m.createdDateTime)).size).toBe(mine.length);
        expect(mine.some((m) => Date.parse(m.properties.deprecationDates.adaptationDateTime) < clock.t)).toBe(true);
        expect(mine.some((m) => Date.parse(m.properties.deprecationDates.adaptationDateTime) > clock.t)).toBe(true);
        for (const m of mine) {
          const created = Date.parse(m.createdDateTime);
          expect(m.properties.deprecationDates.adaptationDateTime).toBe(new Date(adaptationDeadline(created)).toISOString().replace(".000", ""));
          expect(m.properties.deprecationDates.transcriptionDateTime).toBe(new Date(transcriptionDeadline(created)).toISOString().replace(".000", ""));
          if (m.properties.features.supportsAdaptationsWith.length > 0) {
            expect(m.properties.chargeForAdaptation).toBe(created >= Date.UTC(2023, 9, 1));
          }
        }
      }
      expect(all.some((m) => m.properties.chargeForAdaptation === false && m.properties.features.supportsAdaptationsWith.length > 0)).toBe(true);
      const one = await api.get(`/models/base/${idOf(all[0].self)}`);
      expect(one.body).toEqual(all[0]);
      expect((await api.get("/models/base/00000000-0000-0000-0000-000000000000")).status).toBe(404);
    } finally {
      await emu.stop();
    }
  });
});
