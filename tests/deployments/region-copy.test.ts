// Two stacks on the real engine, on one file backend: the sandbox stack trains and serves in eastus; a serving stack in swedencentral (no
// training hardware: inferenceOnly) copies the source's served model through a StackReference and serves it.
// Each test starts from the state the last one left.
import { SpeechClient } from "../../components/speech-api";
import { EngineStack, type RunResult } from "../support/engine";
import { FAST_DURATIONS, FAST_TUNING, PROJECT, entitiesOf, opsOf, requestsSince, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

const SOURCE_STACK = "organization/custom-speech/sandbox";
/** The serving stack's locales; `waitMinutes` is the copy's wait budget. */
const servingLocales = (waitMinutes?: number) => [
  { locale: "en-US", copyFrom: { stack: SOURCE_STACK, ...(waitMinutes === undefined ? {} : { waitMinutes }) }, endpoint: { displayName: "callcenter-en-US-sweden" } },
];
jest.setTimeout(300_000); // each test is several runs of two stacks on the real Pulumi CLI
let s: SandboxStack;
let target: EngineStack;
const id = (self: string) => self.split("?")[0].split("/").pop()!;
const serving = () => new SpeechClient({ endpoint: s.emu.resources.serving.endpoint, key: "serve-key" }, { rateLimit: false });

beforeAll(async () => {
  s = await sandboxStack({
    emulator: {
      // A copy takes 1.5 s: long enough to outlive a budget of 0.3 s, and to be killed while it runs.
      durations: { ...FAST_DURATIONS, copy: 1500 },
      resources: [
        { name: "speech", region: "eastus", key: "local-key", subscriptionId: "sub-train", resourceGroup: "rg-train" },
        { name: "serving", region: "swedencentral", key: "serve-key", subscriptionId: "sub-serve", resourceGroup: "rg-serve" },
      ],
    },
  });
  const r = s.emu.resources.serving;
  target = new EngineStack({
    backend: s.backend,
    stack: "serving",
    config: {
      region: "swedencentral",
      inferenceOnly: true,
      existingSpeech: { endpoint: r.endpoint, region: r.region, resourceId: r.resourceId },
      existingSpeechKey: r.key,
      sourceSpeechKey: s.emu.resources.speech.key,
      locales: servingLocales(),
      tuning: FAST_TUNING,
    },
    secretConfig: ["existingSpeechKey", "sourceSpeechKey"],
  });
});
afterAll(async () => {
  target?.dispose();
  await s?.stop();
});

describe("a serving stack in another region, copying from the training stack", () => {
  let endpointId: string;
  let endpointUrl: string;
  let firstCopy: string;

  test("the source trains and serves; the target copies the served model and its endpoint serves the copy", async () => {
    expect((await s.stack.up()).error).toBeUndefined();
    const sourceModel = s.stack.stackOutputs().locales["en-US"].servedModel;
    const r = await target.up();
    expect(r.error).toBeUndefined();
    const ops = opsOf(r);
    for (const part of ["project", "copy", "endpoint"]) expect(ops[`speech-en-us-${part}`]).toBe("create");
    expect(ops["speech-en-us-model"]).toBeUndefined(); // nothing trains here
    const out = r.outputs.locales["en-US"];
    expect(out.copiedFrom).toBe(sourceModel);
    const endpoint = await serving().getEndpoint(out.endpointId);
    expect(endpoint.model?.self).toBe(out.servedModel);
    expect(id(endpoint.model!.self)).toBe(out.modelId);
    expect(endpoint.links?.webSocket).toContain("wss://swedencentral.stt.speech.microsoft.com/");
    const copy = await serving().getModel(out.modelId);
    expect(copy).toMatchObject({ status: "Succeeded", locale: "en-US" });
    expect(copy.customProperties?.["pulumi-resource"]).toBe(`${PROJECT}/serving/ModelCopy/speech-en-us-copy`);
    expect(await entitiesOf(serving(), "serving")).toEqual({ projects: 1, datasets: 0, models: 1, evaluations: 0, endpoints: 1 });
    // The source key reaches the provider from the target's config only: never the state in plaintext.
    expect(await target.exportState()).not.toContain(s.emu.resources.speech.key);
    [endpointId, endpointUrl, firstCopy] = [out.endpointId, out.endpointUrl, out.modelId];
  });

  test("a preview and an up of the target with nothing changed make no Speech call and change nothing", async () => {
    const mark = s.emu.requestLog.length;
    const preview = await target.preview();
    expect(preview.error).toBeUndefined();
    // The StackReference is read again on every run (from the backend, not the service); everything else is the same.
    const changes = (r: RunResult) => Object.entries(opsOf(r)).filter(([, op]) => op !== "same");
    expect(changes(preview)).toEqual([["copy-from-organization-custom-speech-sandbox", "read"]]);
    expect(requestsSince(s.emu, mark)).toHaveLength(0);
    const up = await target.up();
    expect(changes(up)).toEqual([["copy-from-organization-custom-speech-sandbox", "read"]]);
    expect(requestsSince(s.emu, mark, { writes: true })).toHaveLength(0);
  });

  test("the source retrains: the next target up copies the new model, swaps the endpoint in place and deletes the old copy", async () => {
    s.emu.setScenario({ customModelWordErrorRate: 5.5 }); // the new model passes the gate against the served one
    await s.changeData("product-names", "contoso speech retrain");
    expect((await s.stack.up()).error).toBeUndefined();
    const newSource = s.stack.stackOutputs().locales["en-US"].servedModel;

    const preview = await target.preview();
    expect(opsOf(preview)).toMatchObject({ "speech-en-us-copy": "replace,delete", "speech-en-us-endpoint": "update" });
    const mark = s.emu.requestLog.length;
    const r = await target.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)).toMatchObject({ "speech-en-us-copy": "replace,delete", "speech-en-us-endpoint": "update" });
    const out = r.outputs.locales["en-US"];
    expect(out.copiedFrom).toBe(newSource);
    expect(out.endpointId).toBe(endpointId);
    expect(out.endpointUrl).toBe(endpointUrl);
    expect(out.modelId).not.toBe(firstCopy);
    expect((await serving().getEndpoint(endpointId)).model?.self).toBe(out.servedModel);
    await expect(serving().getModel(firstCopy)).rejects.toMatchObject({ statusCode: 404 });
    // The swap happened before the old copy was deleted (create-before-delete, dependents first).
    const writes = requestsSince(s.emu, mark, { writes: true }).map((w) => `${w.method} ${w.path.split("?")[0]}`);
    expect(writes.findIndex((w) => w.startsWith("PATCH /speechtotext/endpoints/"))).toBeLessThan(writes.indexOf(`DELETE /speechtotext/models/${firstCopy}`));
    expect(writes.filter((w) => w.endsWith(":copy"))).toHaveLength(1);
    expect(await entitiesOf(serving(), "serving")).toMatchObject({ models: 1, endpoints: 1 });
  });

  test("an up that re-authorizes an expired authorization and dies while the copy runs is resumed by the next up: one copy", async () => {
    s.emu.setScenario({ customModelWordErrorRate: 3 });
    await s.changeData("product-names", "contoso speech third training");
    expect((await s.stack.up()).error).toBeUndefined();
    const before = (await serving().listModels()).map((m) => id(m.self!));
    const mark = s.emu.requestLog.length;
    let authorizations = 0;
    s.emu.onRequest((r) => {
      if (r.path.includes("models:authorizecopy") && authorizations++ === 0) s.emu.expireCopyAuthorizations("serving");
      // The provider process dies once the copy is recorded, while it waits for the copy.
      if (r.method === "PATCH" && r.resource === "serving" && r.path.includes("/projects/")) target.killProvider();
    });
    const crashed = await target.up();
    s.emu.onRequest(undefined);
    expect(crashed.error).toBeDefined();
    expect(authorizations).toBe(2);

    const r = await target.up();
    expect(r.error).toBeUndefined();
    const out = r.outputs.locales["en-US"];
    expect(out.copiedFrom).toBe(s.stack.stackOutputs().locales["en-US"].servedModel);
    expect(out.endpointId).toBe(endpointId);
    const copies = requestsSince(s.emu, mark, { method: "POST", path: /:copy$/ });
    expect(copies.map((c) => c.status)).toEqual([400, 202]); // the expired authorization, then the one copy
    const now = (await serving().listModels()).map((m) => id(m.self!));
    expect(now).toEqual([out.modelId]);
    expect(before).not.toContain(out.modelId);
    expect((await serving().listProjects()).filter((p) => p.customProperties?.["pulumi-managed"] === "journal")).toHaveLength(0);
  });

  test("destroying the target removes its entities and leaves the source untouched", async () => {
    const before = await entitiesOf(s.client());
    const served = s.stack.stackOutputs().locales["en-US"];
    const r = await target.destroy();
    expect(r.error).toBeUndefined();
    expect(target.state.resources).toHaveLength(0);
    expect(await entitiesOf(serving(), "serving")).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
    expect((await serving().listProjects()).length).toBe(0); // no journal left either
    expect(await entitiesOf(s.client())).toEqual(before);
    expect((await s.client().getEndpoint(served.endpointId)).model?.self).toBe(served.servedModel);
  });

  test("a copy that outlives its budget is kept: refresh works after it, the next up resumes it with one copy, and destroy straight after such a failure leaves nothing", async () => {
    const mark = s.emu.requestLog.length;
    target.setConfig("locales", servingLocales(0.005));
    const failed = await target.up();
    expect(failed.error?.message).toMatch(/still (NotStarted|Running) after the .*wait budget/);
    expect(failed.steps.find((x) => x.name === "speech-en-us-copy")).toMatchObject({ op: "create", initFailed: true });
    expect((await target.refresh()).error).toBeUndefined();

    target.setConfig("locales", servingLocales());
    const resumed = await target.up();
    expect(resumed.error).toBeUndefined();
    const out = resumed.outputs.locales["en-US"];
    expect((await serving().getEndpoint(out.endpointId)).model?.self).toBe(out.servedModel);
    expect(requestsSince(s.emu, mark, { method: "POST", path: /:copy$/ })).toHaveLength(1);
    expect((await target.destroy()).error).toBeUndefined();

    // Destroy right after a partial failure: it waits for the copy still running and deletes what it made.
    target.setConfig("locales", servingLocales(0.005));
    expect((await target.up()).error).toBeDefined();
    const destroyed = await target.destroy();
    expect(destroyed.error).toBeUndefined();
    expect(target.state.resources).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 2_000)); // longer than a copy: nothing arrives after the delete
    expect(await serving().listModels()).toEqual([]);
    expect(await serving().listProjects()).toEqual([]);
  });
});
