// Bringing an existing Custom Speech entity under management by id (`adoptId`; `pulumi import` cannot serve dynamic
// resources: the engine sends Read without the provider). The sandbox stack adopts an endpoint applications already
// use: same id and URL, now serving the pipeline's model, and safe under `up --replace`.
import { thinProvider } from "../../components/custom-speech/provider";
import { ProviderServer, serializeProvider } from "../support/provider-server";
import { entitiesOf, FAST_TUNING, live, opsOf, requestsSince, sandboxStack, stackFileConfig, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000);
let s: SandboxStack;
let existing: { id: string; url: string };
beforeAll(async () => {
  s = await sandboxStack();
  const base = (await s.client().listBaseModels()).find((m) => m.locale === "en-US")!;
  const e = await s.client().createEndpoint({ displayName: "call center (hand-made)", locale: "en-US", model: { self: base.self! } });
  existing = { id: e.self!.split("?")[0].split("/").pop()!, url: e.links!.webSocket! };
  await s.client().waitForEndpoint(existing.id, { initialDelayMs: 20 });
  const [locale] = stackFileConfig("sandbox").locales as any[];
  s.stack.setConfig("locales", [{ ...locale, endpoint: { ...locale.endpoint, adoptId: existing.id } }]);
});
afterAll(() => s?.stop());

describe("adoptId", () => {
  test("up adopts the endpoint instead of creating one: same id and URL, now serving the trained model", async () => {
    const mark = s.emu.requestLog.length;
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)["speech-en-us-endpoint"]).toBe("create");
    const endpoint = live(s.stack, "endpoint");
    expect(endpoint.id).toBe(existing.id);
    expect(endpoint.outputs.webSocketUrl).toBe(existing.url);
    const entity = await s.client().getEndpoint(existing.id);
    expect(entity.model?.self).toBe(live(s.stack, "model").outputs.self);
    expect(entity.displayName).toBe("callcenter-en-US-sandbox");
    expect(entity.customProperties).toMatchObject({ "pulumi-resource": "custom-speech/sandbox/Endpoint/speech-en-us-endpoint", "pulumi-managed": endpoint.outputs.managedTag });
    expect(requestsSince(s.emu, mark, { method: "POST", path: /\/endpoints$/ })).toEqual([]);
    expect((await entitiesOf(s.client())).endpoints).toBe(1);
  });

  test("a second up changes nothing", async () => {
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
  });

  test("up --replace while adoptId is still set adopts the same endpoint again and does not delete it: no outage", async () => {
    const r = await s.stack.up({ replace: ["speech-en-us-endpoint"] });
    expect(r.error).toBeUndefined();
    expect(opsOf(r)["speech-en-us-endpoint"]).toBe("replace,delete");
    expect(live(s.stack, "endpoint").id).toBe(existing.id);
    expect((await s.client().getEndpoint(existing.id)).status).toBe("Succeeded");
  });

  test("an entity that is not what the inputs describe is refused, naming the property", async () => {
    const base = (await s.client().listBaseModels()).find((m) => m.locale === "de-DE")!;
    const german = await s.client().createEndpoint({ displayName: "de", locale: "de-DE", model: { self: base.self! } });
    const h = await ProviderServer.start();
    try {
      const props = { __provider: await serializeProvider(thinProvider("Endpoint")), speech: { endpoint: s.emu.resources.speech.endpoint, key: s.emu.resources.speech.key }, __identity: { project: "p", stack: "s", name: "ep" }, tuning: FAST_TUNING };
      const checked = await h.check({}, { ...props, locale: "en-US", model: base.self, adoptId: german.self!.split("?")[0].split("/").pop() });
      await expect(h.create(checked.inputs)).rejects.toThrow(/adoptId: Endpoint [0-9a-f-]{36} is not what the inputs describe \(locale: the entity has "de-DE", the program says "en-US"\)/);
    } finally {
      await h.stop();
    }
  });

  test("destroy deletes the adopted endpoint with the rest", async () => {
    expect((await s.stack.destroy()).error).toBeUndefined();
    await expect(s.client().getEndpoint(existing.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});
