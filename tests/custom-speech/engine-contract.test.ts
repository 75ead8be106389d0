// Engine contract: every provider, closure-serialized exactly like `pulumi.dynamic.Resource` does, driven through
// the real `@pulumi/pulumi/cmd/dynamic-provider` gRPC server the way the Pulumi engine drives it.
import { UNKNOWN } from "../../components/custom-speech/checks";
import { THIN_PROVIDER_MARKER, thinProvider } from "../../components/custom-speech/provider";
import { ProviderServer, serializeProvider, type Props, type ResourceState } from "../support/provider-server";
import { FAST, firstBaseModel, rejection, startEnv, type Env } from "./support";

const KEY = "contract-secret-key-7c1f";
let env: Env;
let h: ProviderServer;
const code: Record<string, string> = {};

beforeAll(async () => {
  env = await startEnv({ resources: [{ name: "speech", region: "eastus", key: KEY }], durations: { dataset: 20, model: 40, endpoint: 20, evaluation: 20 } });
  const kinds = { project: "Project", dataset: "Dataset", model: "Model", evaluation: "Evaluation", endpoint: "Endpoint" };
  for (const [k, kind] of Object.entries(kinds)) code[k] = await serializeProvider(thinProvider(kind));
  h = await ProviderServer.start();
});
afterAll(async () => {
  await h?.stop();
  await env?.emu.stop();
});

function props(kind: string, name: string, p: Props): Props {
  return { __provider: code[kind], speech: env.speech, __identity: { project: "tests", stack: "contract", name }, tuning: FAST, ...p };
}

/** One engine `up` step for a new resource: Check then Create with the checked inputs. */
async function up(kind: string, name: string, p: Props): Promise<ResourceState> {
  const c = await h.check({}, props(kind, name, p));
  expect(c.failures).toEqual([]);
  return h.create(c.inputs);
}

describe("serialized providers", () => {
  it.each(["project", "dataset", "model", "evaluation", "endpoint"])("%s is a thin loader of at most 4 KB that never contains the key", (kind) => {
    expect(code[kind].length).toBeLessThanOrEqual(4096);
    expect(code[kind]).not.toContain(KEY);
    expect(code[kind]).toContain("exports.handler");
    expect(code[kind]).toContain(THIN_PROVIDER_MARKER);
    // Loaded at run time from the project directory (this repository's sources here), not carried by value.
    expect(code[kind]).toContain('{file: "components/custom-speech/implementation.ts"}');
    expect(code[kind]).not.toContain("SpeechClient");
  });
});

describe("through the dynamic-provider gRPC server", () => {
  let project: ResourceState, dataset: ResourceState, model: ResourceState, endpoint: ResourceState;

  it("Create: project, dataset, model, endpoint", async () => {
    project = await up("project", "p", { locale: "en-US" });
    dataset = await up("dataset", "d", { kind: "Language", locale: "en-US", project: project.outputs.self, contentUrl: "https://acct.blob.core.windows.net/c/a.txt" });
    model = await up("model", "m", { locale: "en-US", datasets: [dataset.outputs.self], baseModel: await firstBaseModel(env) });
    endpoint = await up("endpoint", "e", { locale: "en-US", model: model.outputs.self });
    expect(model.outputs.status).toBe("Succeeded");
    expect(endpoint.outputs.__provider).toBe(code.endpoint);
    expect(endpoint.outputs.webSocketUrl).toContain(endpoint.id);
  });

  it("preview (Check + Diff with unknowns) makes zero HTTP calls and shows a retrain as a replace", async () => {
    const before = env.emu.requestLog.length;
    const retrain = await h.preview(model, props("model", "m", { locale: "en-US", datasets: [UNKNOWN], baseModel: model.outputs.baseModel }));
    expect(retrain.diff).toEqual({ changes: "some", replaces: ["datasets"], deleteBeforeReplace: false });
    const swap = await h.preview(endpoint, props("endpoint", "e", { locale: "en-US", model: UNKNOWN }));
    expect(swap.diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    const same = await h.preview(project, props("project", "p", { locale: "en-US", displayName: "p" }));
    expect(same.diff?.changes).toBe("none");
    const unknownSpeech = await h.preview(dataset, { ...props("dataset", "d", { kind: "Language", locale: "en-US", contentUrl: "https://acct.blob.core.windows.net/c/a.txt", project: project.outputs.self }), speech: UNKNOWN });
    expect(unknownSpeech.failures).toEqual([]);
    expect(env.emu.requestLog.length).toBe(before);
  });

  it("Check failures name the property", async () => {
    const c = await h.check({}, props("model", "bad", { locale: "xx_XX", datasets: [], customModelWeightPercent: 0 }));
    expect(c.failures.map((f: { property: string }) => f.property).sort()).toEqual(["customModelWeightPercent", "datasets", "locale"]);
  });

  it("the same program is no change, compiled otherwise too; a provider that loads something else is an update (never a replace)", async () => {
    const c = await h.check(project.outputs, { ...props("project", "p", { locale: "en-US" }) });
    expect((await h.diff(project.id, project.outputs, c.inputs)).changes).toBe("none");
    const recompiled = await h.diff(project.id, project.outputs, { ...c.inputs, __provider: code.project + "\n// another transpiler's output" });
    expect(recompiled.changes).toBe("none");
    const moved = await h.diff(project.id, project.outputs, { ...c.inputs, __provider: code.project.replace("file:components/", "file:elsewhere/") });
    expect(moved).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
  });

  it("Update: the endpoint swap keeps its id", async () => {
    const model2 = await up("model", "m2", { locale: "en-US", datasets: [dataset.outputs.self] });
    const c = await h.check(endpoint.outputs, props("endpoint", "e", { locale: "en-US", model: model2.outputs.self }));
    const swapped = await h.update(endpoint, c.inputs);
    expect(swapped.id).toBe(endpoint.id);
    expect(swapped.outputs.servedModel).toBe(model2.outputs.self);
    expect(swapped.outputs.webSocketUrl).toBe(endpoint.outputs.webSocketUrl);
    endpoint = swapped;
  });

  it("Read returns current outputs and inputs with one GET", async () => {
    await env.client.updateEndpoint(endpoint.id, { displayName: "renamed elsewhere" });
    const gets = env.emu.requestLog.filter((r) => r.method === "GET").length;
    const r = await h.read(endpoint);
    expect(env.emu.requestLog.filter((r) => r.method === "GET").length - gets).toBe(1);
    expect(r?.id).toBe(endpoint.id);
    expect(r?.inputs?.displayName).toBe("renamed elsewhere");
    expect(r?.outputs.status).toBe("Succeeded");
  });

  it("a partial failure answers ErrorResourceInitFailed carrying the id, the outputs and the provider", async () => {
    env.emu.markDatasetBad("speech", dataset.id, "bad transcripts");
    const err = await rejection(up("model", "m3", { locale: "en-US", datasets: [dataset.outputs.self], customModelWeightPercent: 30 }));
    expect(err.initFailed?.id).toMatch(/[0-9a-f-]{36}/);
    expect(err.initFailed?.properties.status).toBe("Failed");
    // Delete and Read load the provider from the stored outputs only.
    expect(err.initFailed?.properties.__provider).toBe(code.model);
    const failed = { id: err.initFailed.id, outputs: err.initFailed.properties };
    expect((await h.read(failed))?.outputs.status).toBe("Failed");
    await h.delete(failed);
    expect(await h.read(failed)).toBeUndefined();
    expect(err.initFailed?.reasons.join(" ")).toContain("bad transcripts");
    expect(JSON.stringify(err.initFailed)).toContain(err.initFailed.id);
  });

  it("Delete: a model the endpoint serves is refused with what to do (the hint survives the provider process)", async () => {
    const served = { id: String(endpoint.outputs.servedModel).split("?")[0].split("/").pop()!, outputs: { ...model.outputs, __provider: code.model } };
    const err = await rejection(h.delete(served));
    expect(err.message).toMatch(/Model [0-9a-f-]{36} \(m2?\) cannot be deleted: an endpoint still serves it or an evaluation uses it; delete or re-point the endpoint/);
  });

  it("Delete: endpoint then model; gone on refresh; a second delete is fine", async () => {
    await h.delete(endpoint);
    await h.delete(endpoint);
    expect(await h.read(endpoint)).toBeUndefined();
    await h.delete(model);
    expect(await h.read(model)).toBeUndefined();
  });
});
