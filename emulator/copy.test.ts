// Model copy between two emulated Speech resources: authorize on the target, copy on the source, poll.
import { startEmulator } from "./index";
import type { RunningEmulator } from "./types";
import { expectSchema, FakeClock, idOf, speech, trainedModel, UUID_RE, type SpeechApi } from "./testing";

const clock = new FakeClock();
let emu: RunningEmulator;
let source: SpeechApi;
let target: SpeechApi;

beforeAll(async () => {
  emu = await startEmulator({
    now: clock.now,
    rateLimit: false,
    durations: { copy: 4_000 },
    resources: [
      { name: "train-eastus", region: "eastus", key: "k1", subscriptionId: "sub-a", resourceGroup: "rg-train" },
      { name: "serve-westeurope", region: "westeurope", key: "k2" },
    ],
  });
  source = speech(emu, "train-eastus");
  target = speech(emu, "serve-westeurope");
});
afterAll(() => emu.stop());

it("exposes each resource's endpoint, region and ARM resource id", () => {
  expect(emu.resources["train-eastus"]).toEqual({
    endpoint: `${emu.url}/train-eastus`,
    region: "eastus",
    key: "k1",
    resourceId: "/subscriptions/sub-a/resourceGroups/rg-train/providers/Microsoft.CognitiveServices/accounts/train-eastus",
  });
});

it("copies a custom Model to another resource: new id there, same locale and base model, its own dates", async () => {
  const { model } = await trainedModel(source, "de-DE", { properties: { customModelWeightPercent: 30 } });
  const auth = await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["train-eastus"].resourceId });
  expect(auth.status).toBe(200);
  expectSchema(auth.body, "ModelCopyAuthorization");
  expect(auth.body).toMatchObject({
    targetResourceRegion: "westeurope",
    targetResourceId: emu.resources["serve-westeurope"].resourceId,
    targetResourceEndpoint: emu.resources["serve-westeurope"].endpoint,
  });
  expect(Date.parse(auth.body.expirationDateTime) - clock.t).toBe(24 * 3600_000);

  clock.advance(60_000);
  const copy = await source.post(model.links.copy, auth.body);
  expect(copy.status).toBe(202);
  expectSchema(copy.body, "Operation");
  expect(copy.body.status).toBe("NotStarted");
  expect(copy.headers.get("operation-location")).toBe(copy.body.self);
  expect(copy.headers.get("operation-location")).toMatch(/\/train-eastus\/speechtotext\/operations\/models\/copy\/[0-9a-f-]{36}\?api-version=2025-10-15$/);
  expect(copy.headers.get("retry-after")).toBe("4");

  const before = (await target.get("/models")).body.values.length;
  clock.advance(2_000);
  const running = await source.get(copy.headers.get("operation-location")!);
  expect(running.body.status).toBe("Running");
  expect(running.body).not.toHaveProperty("result");
  expect(running.headers.get("retry-after")).toBe("2");
  // Until the operation succeeds, the target shows no new model.
  expect((await target.get("/models")).body.values).toHaveLength(before);
  clock.advance(2_000);
  const done = (await source.get(`/operations/models/copy/${copy.body.id}`)).body;
  expect(done.status).toBe("Succeeded");
  expect(done.result.link).toMatch(new RegExp(`^${emu.resources["serve-westeurope"].endpoint}/speechtotext/models/[0-9a-f-]{36}\\?api-version=2025-10-15$`));

  const copied = await target.get(done.result.link);
  expect(copied.status).toBe(200);
  expect((await target.get("/models")).body.values).toHaveLength(before + 1);
  expect(idOf(copied.body.self)).toMatch(UUID_RE);
  expect(idOf(copied.body.self)).not.toBe(idOf(model.self));
  expect(copied.body).toMatchObject({ status: "Succeeded", locale: "de-DE", properties: { customModelWeightPercent: 30 } });
  expect(idOf(copied.body.baseModel.self)).toBe(idOf(model.baseModel.self));
  expect(copied.body.baseModel.self).toContain("/serve-westeurope/");
  expect(Date.parse(copied.body.createdDateTime)).toBe(Math.floor((clock.t - 4_000) / 1000) * 1000);
  // The copy can now be deployed in the target.
  const endpoint = await target.post("/endpoints", { displayName: "served", locale: "de-DE", model: { self: copied.body.self } });
  expect(endpoint.status).toBe(201);
  expect(endpoint.body.links.webSocket).toContain("wss://westeurope.stt.speech.microsoft.com/");
});

it("refuses an expired authorization with ModelCopyAuthorizationExpired", async () => {
  const { model } = await trainedModel(source);
  const auth = (await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["train-eastus"].resourceId })).body;
  clock.advance(24 * 3600_000 + 1);
  const res = await source.post(`/models/${idOf(model.self)}:copy`, auth);
  expect(res.status).toBe(400);
  expectSchema(res.body, "Error");
  expect(res.body.innerError.code).toBe("ModelCopyAuthorizationExpired");
});

it("validates the source resource id on authorize and on copy", async () => {
  const unknown = await target.post("/models:authorizecopy", { sourceResourceId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.CognitiveServices/accounts/nope" });
  expect(unknown.status).toBe(400);
  expect(unknown.body.innerError.code).toBe("InvalidSourceAzureResourceId");
  expect((await target.post("/models:authorizecopy", {})).body.message).toContain("sourceResourceId");

  // An authorization naming the target as source cannot be used from the source resource.
  const { model } = await trainedModel(source);
  const wrong = (await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["serve-westeurope"].resourceId })).body;
  const res = await source.post(`/models/${idOf(model.self)}:copy`, wrong);
  expect(res.body.innerError.code).toBe("InvalidSourceAzureResourceId");
  const forged = await source.post(`/models/${idOf(model.self)}:copy`, { ...wrong, sourceResourceId: emu.resources["train-eastus"].resourceId });
  expect(forged.status).toBe(400);
});

it("copies only custom models", async () => {
  const base = (await source.get("/models/base?top=1")).body.values[0];
  const auth = (await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["train-eastus"].resourceId })).body;
  const res = await source.post(`/models/${idOf(base.self)}:copy`, auth);
  expect(res.status).toBe(404);
  expect(res.body.code).toBe("NotFound");
});

it("answers 403 Forbidden while a resource denies the caller, and serves again once allowed", async () => {
  emu.setForbidden("serve-westeurope", true);
  const denied = await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["train-eastus"].resourceId });
  expect(denied.status).toBe(403);
  expectSchema(denied.body, "Error");
  expect(denied.body.code).toBe("Forbidden");
  emu.setForbidden("serve-westeurope", false);
  expect((await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["train-eastus"].resourceId })).status).toBe(200);
});

it("a copy failed by failCopies ends Failed with the error, and nothing arrives in the target", async () => {
  const { model } = await trainedModel(source);
  const before = (await target.get("/models")).body.values.length;
  emu.failCopies("train-eastus", "The target region is unavailable.");
  try {
    const auth = (await target.post("/models:authorizecopy", { sourceResourceId: emu.resources["train-eastus"].resourceId })).body;
    const copy = await source.post(`/models/${idOf(model.self)}:copy`, auth);
    expect(copy.status).toBe(202);
    clock.advance(4_000);
    const done = (await source.get(`/operations/models/copy/${copy.body.id}`)).body;
    expectSchema(done, "Operation");
    expect(done).toMatchObject({ status: "Failed", error: { code: "InternalCommunicationFailed", message: "The target region is unavailable." } });
    expect(done).not.toHaveProperty("result");
    expect((await target.get("/models")).body.values).toHaveLength(before);
  } finally {
    emu.failCopies("train-eastus", undefined);
  }
});
