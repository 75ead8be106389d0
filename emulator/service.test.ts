// Service-level behaviour: auth, api-version, routing errors, throttling, fault injection and the request log,
// persistence across restarts, and HTTPS.
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { startEmulator } from "./index";
import type { RunningEmulator } from "./types";
import { expectSchema, FakeClock, idOf, speech, trainedModel } from "./testing";

describe("requests", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: false, resources: [{ name: "one", region: "eastus", key: "k1" }, { name: "two", region: "westus2", key: "k2" }] });
  });
  afterAll(() => emu.stop());

  it("need the resource's key or a bearer token, else 401 with the Error body", async () => {
    const api = speech(emu, "one");
    const anonymous = await api.get("/projects", { anonymous: true });
    expect(anonymous.status).toBe(401);
    expectSchema(anonymous.body, "Error");
    expect(anonymous.body.code).toBe("Unauthorized");
    expect((await api.get("/projects", { headers: { "Ocp-Apim-Subscription-Key": "k2" } })).status).toBe(401);
    expect((await api.get("/projects", { anonymous: true, headers: { Authorization: "Basic abc" } })).status).toBe(401);
    expect((await api.get("/projects", { anonymous: true, headers: { Authorization: "Bearer eyJ0eXAi.any.token" } })).status).toBe(200);
    expect((await api.get("/projects")).status).toBe(200);
  });

  it("need api-version=2025-10-15, else 400 naming the supported version", async () => {
    const api = speech(emu, "one");
    const missing = await api.get("/projects", { noVersion: true });
    expect(missing.status).toBe(400);
    expectSchema(missing.body, "Error");
    expect(missing.body.message).toContain("2025-10-15");
    const old = await api.get("/projects?api-version=2024-11-15");
    expect(old.status).toBe(400);
    expect(old.body.message).toContain("2024-11-15");
  });

  it("answer 404 for unknown resources, paths and ids, 405 for a wrong method, 400/415 for bad bodies", async () => {
    const api = speech(emu, "one");
    expect((await fetch(`${emu.url}/nope/speechtotext/projects?api-version=2025-10-15`)).status).toBe(404);
    expect((await api.get("/transcriptionz")).status).toBe(404);
    expect((await api.get("/datasets/5a3bb4b3-9e7c-4c66-8f0e-1b6f1a2b3c4d")).status).toBe(404);
    const method = await api.call("PUT", "/projects");
    expect(method.status).toBe(405);
    expectSchema(method.body, "Error");
    const notJson = await api.post("/projects", undefined, { raw: Buffer.from("{oops"), headers: { "Content-Type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.innerError.code).toBe("InvalidRequestBodyFormat");
    const text = await api.post("/projects", undefined, { raw: Buffer.from("x"), headers: { "Content-Type": "text/plain" } });
    expect(text.status).toBe(415);
  });

  it("keep resources apart: a reference to another resource's entity is rejected", async () => {
    const { dataset } = await trainedModel(speech(emu, "one"));
    const res = await speech(emu, "two").post("/models", { displayName: "m", locale: "en-US", datasets: [{ self: dataset.self }] });
    expect(res.status).toBe(400);
    expect(res.body.innerError.code).toBe("InvalidDataset");
    expect((await speech(emu, "two").get(`/datasets/${idOf(dataset.self)}`)).status).toBe(404);
  });
});

describe("throttling", () => {
  it("allows 100 requests per 10 s per resource, then 429 with a Retry-After that gets back under the limit", async () => {
    const clock = new FakeClock();
    const emu = await startEmulator({ now: clock.now, resources: [{ name: "a", region: "eastus", key: "k" }, { name: "b", region: "eastus", key: "k" }] });
    try {
      const a = speech(emu, "a");
      for (let i = 0; i < 60; i++) await a.get("/projects/locales");
      clock.advance(4_000);
      const statuses = [];
      for (let i = 0; i < 40; i++) statuses.push((await a.get("/projects/locales")).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const throttled = await a.get("/projects/locales");
      expect(throttled.status).toBe(429);
      expectSchema(throttled.body, "Error");
      expect(throttled.body.code).toBe("TooManyRequests");
      expect(throttled.headers.get("retry-after")).toBe("6");
      expect((await speech(emu, "b").get("/projects/locales")).status).toBe(200);
      clock.advance(6_000);
      expect((await a.get("/projects/locales")).status).toBe(200);
      expect(emu.requestLog.filter((e) => e.status === 429)).toHaveLength(1);
    } finally {
      await emu.stop();
    }
  });
});

describe("fault injection", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: false });
  });
  afterAll(() => emu.stop());
  afterEach(() => emu.setFaults({}));

  it("answers seeded 500/503 with the Error body, the same requests for the same seed", async () => {
    const api = speech(emu);
    const run = async (): Promise<number[]> => {
      emu.setFaults({ serverErrorRate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await api.get("/models/locales")).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s === 500 || s === 503)).toBe(true);
    emu.setFaults({ serverErrorRate: 1 });
    const failed = await api.get("/models/locales");
    expectSchema(failed.body, "Error");
    expect(["InternalServerError", "ServiceUnavailable"]).toContain(failed.body.code);
  });

  it("resets connections without a response, and logs every call with resource, method, path and status", async () => {
    const api = speech(emu);
    const before = emu.requestLog.length;
    emu.setFaults({ resetRate: 1 });
    await expect(api.get("/projects")).rejects.toThrow();
    emu.setFaults({});
    await api.post("/projects", { displayName: "p", locale: "en-US" });
    const entries = emu.requestLog.slice(before);
    expect(entries).toEqual([
      { resource: "speech", method: "GET", path: "/speechtotext/projects", status: 0, time: expect.any(Number) },
      { resource: "speech", method: "POST", path: "/speechtotext/projects", status: 201, time: expect.any(Number) },
    ]);
  });

  it("adds latency", async () => {
    emu.setFaults({ latencyMs: 200 });
    const started = Date.now();
    expect((await speech(emu).get("/projects")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe("persistence", () => {
  it("restores entities, ids and the base-model catalogue from the state file after a restart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "speech-emulator-"));
    const statePath = path.join(dir, "state.json");
    const clock = new FakeClock();
    const first = await startEmulator({ statePath, now: clock.now, durations: { model: 60_000 }, rateLimit: false, resources: [{ name: "speech", region: "eastus", key: "secret-key-1" }] });
    const api = speech(first);
    const project = (await api.post("/projects", { displayName: "kept", locale: "en-US" })).body;
    const { model } = await trainedModel(api);
    const bases = (await api.get("/models/base")).body.values.map((b: any) => b.self.split("/speechtotext")[1]);
    await first.stop();
    const saved = fs.readFileSync(statePath, "utf8");
    expect(saved).not.toContain("secret-key-1");
    expect(fs.readdirSync(dir)).toEqual(["state.json"]);

    clock.advance(90 * 86_400_000);
    const second = await startEmulator({ statePath, now: clock.now, rateLimit: false, resources: [{ name: "speech", region: "eastus", key: "secret-key-1" }] });
    try {
      const again = speech(second);
      expect((await again.get(`/projects/${idOf(project.self)}`)).body.displayName).toBe("kept");
      const restored = (await again.get(`/models/${idOf(model.self)}`)).body;
      expect(restored.status).toBe("Succeeded");
      expect(restored.createdDateTime).toBe(model.createdDateTime);
      expect((await again.get("/models/base")).body.values.map((b: any) => b.self.split("/speechtotext")[1])).toEqual(bases);
      await again.del(`/projects/${idOf(project.self)}`);
      expect(JSON.parse(fs.readFileSync(statePath, "utf8")).resources.speech.projects).toEqual({});
    } finally {
      await second.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("TLS", () => {
  it("serves HTTPS with a self-signed certificate for 127.0.0.1 and localhost, exposed as ca", async () => {
    const emu = await startEmulator({ tls: true, rateLimit: false });
    try {
      expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.ca).toContain("BEGIN CERTIFICATE");
      const get = (host: string, ca?: string): Promise<{ status: number; body: any }> =>
        new Promise((resolve, reject) => {
          const req = https.get(
            { host, port: new URL(emu.url).port, path: "/speech/speechtotext/projects?api-version=2025-10-15", headers: { Authorization: "Bearer token" }, ca },
            (res) => {
              let text = "";
              res.on("data", (c) => (text += c));
              res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
            },
          );
          req.on("error", reject);
        });
      expect(await get("127.0.0.1", emu.ca)).toEqual({ status: 200, body: { values: [] } });
      expect((await get("localhost", emu.ca)).status).toBe(200);
      await expect(get("127.0.0.1")).rejects.toThrow(/self[- ]signed/i);
    } finally {
      await emu.stop();
    }
  });
});
