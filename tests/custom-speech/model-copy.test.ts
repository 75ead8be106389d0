// ModelCopy through the real dynamic-provider server, between two emulated Speech resources in two regions.
import { SpeechClient } from "../../components/speech-api";
import { thinProvider } from "../../components/custom-speech/provider";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ProviderCallError, ProviderServer, serializeProvider, type Props, type ResourceState } from "../support/provider-server";
import { FAST, rejection, requests } from "./support";

let emu: RunningEmulator;
let h: ProviderServer;
let code: string;
let source: SpeechClient;
let target: SpeechClient;
const conn = (name: string) => ({ endpoint: emu.resources[name].endpoint, key: emu.resources[name].key });

beforeAll(async () => {
  emu = await startEmulator({
    rateLimit: false,
    durations: { model: 30, endpoint: 20, copy: 600 },
    resources: [
      { name: "train-eastus", region: "eastus", key: "source-key-91", subscriptionId: "sub-a", resourceGroup: "rg-train" },
      { name: "serve-westeurope", region: "westeurope", key: "target-key-27", subscriptionId: "sub-b", resourceGroup: "rg-serve" },
      { name: "serve-japaneast", region: "japaneast", key: "third-key-44" },
    ],
  });
  source = new SpeechClient(conn("train-eastus"), { rateLimit: false });
  target = new SpeechClient(conn("serve-westeurope"), { rateLimit: false });
  code = await serializeProvider(thinProvider("ModelCopy"));
  h = await ProviderServer.start();
});
afterAll(async () => {
  await h?.stop();
  await emu?.stop();
});

async function trainedModel(locale = "en-US"): Promise<string> {
  const base = (await source.listBaseModels()).find((m) => m.locale === locale)!;
  const ds = await source.createDataset({ displayName: "d", kind: "Language", locale, contentUrl: "https://acct.blob.core.windows.net/c/a.txt" });
  await source.waitForDataset(ds.self!.split("/").pop()!.split("?")[0], { initialDelayMs: 10 });
  const model = await source.createModel({ displayName: "source model", locale, baseModel: { self: base.self! }, datasets: [{ self: ds.self! }], customProperties: { team: "asr" } });
  const id = model.self!.split("?")[0].split("/").pop()!;
  return (await source.waitForModel(id, { initialDelayMs: 10 })).self!;
}

function props(name: string, p: Props = {}): Props {
  return {
    __provider: code,
    __identity: { project: "tests", stack: "target", name },
    tuning: FAST,
    speech: conn("serve-westeurope"),
    targetResourceId: emu.resources["serve-westeurope"].resourceId,
    sourceSpeech: conn("train-eastus"),
    sourceResourceId: emu.resources["train-eastus"].resourceId,
    locale: "en-US",
    ...p,
  };
}

async function copy(name: string, p: Props): Promise<ResourceState> {
  const c = await h.check({}, props(name, p));
  expect(c.failures).toEqual([]);
  return h.create(c.inputs);
}

const targetModels = async () => (await target.listModels()).length;
const journals = async () => (await target.listProjects()).filter((p) => p.customProperties?.["pulumi-managed"] === "journal").length;

describe("ModelCopy", () => {
  it("copies a trained model into the target's project and tags it; the source keeps its model", async () => {
    const model = await trainedModel();
    const project = await target.createProject({ displayName: "served", locale: "en-US" });
    const before = await targetModels();
    const copied = await copy("copy-a", { sourceModel: model, project: project.self });
    expect(copied.outputs.status).toBe("Succeeded");
    expect(copied.outputs.self).toContain("/serve-westeurope/speechtotext/models/");
    expect(copied.outputs.modelId).not.toBe(model.split("?")[0].split("/").pop());
    expect(copied.id).toBe(copied.outputs.copyOperation);
    expect(copied.outputs.locale).toBe("en-US");
    expect(copied.outputs).toHaveProperty("transcriptionExpiry");
    const entity = await target.getModel(copied.outputs.modelId);
    expect(entity.project?.self).toContain(project.self!.split("?")[0].split("/").pop());
    expect(entity.customProperties?.["pulumi-resource"]).toBe("tests/target/ModelCopy/copy-a");
    expect(entity.customProperties?.team).toBeUndefined(); // the source's properties are replaced by the program's
    expect(await targetModels()).toBe(before + 1);
    expect(await journals()).toBe(0);

    await h.delete(copied);
    await expect(target.getModel(copied.outputs.modelId)).rejects.toMatchObject({ statusCode: 404 });
    expect((await source.getModel(model.split("?")[0].split("/").pop()!)).status).toBe("Succeeded");
  });

  it("asks for a new authorization by itself when the first expired before the copy began: one copy", async () => {
    const model = await trainedModel();
    let expired = 0;
    emu.onRequest((r) => {
      if (r.path.includes("models:authorizecopy") && expired++ === 0) emu.expireCopyAuthorizations("serve-westeurope");
    });
    const mark = emu.requestLog.length;
    try {
      const copied = await copy("copy-expired", { sourceModel: model });
      expect(copied.outputs.status).toBe("Succeeded");
    } finally {
      emu.onRequest(undefined);
    }
    const log = emu.requestLog.slice(mark);
    expect(log.filter((r) => r.path.includes("models:authorizecopy"))).toHaveLength(2);
    expect(log.filter((r) => r.method === "POST" && r.path.includes(":copy") && r.status === 202)).toHaveLength(1);
    expect(log.filter((r) => r.method === "POST" && r.path.includes(":copy") && r.status === 400)).toHaveLength(1);
  });

  it("a copy that outlives waitMinutes is kept as a partial failure; the next update resumes it without copying again", async () => {
    const slow = await slowCopyEnv();
    try {
      const e = await rejection(h.create((await h.check({}, slow.props)).inputs));
      expect(e).toBeInstanceOf(ProviderCallError);
      const init = (e as ProviderCallError).initFailed!;
      expect(init.reasons[0]).toMatch(/still (NotStarted|Running) after the .*wait budget/);
      expect(init.properties.modelId ?? null).toBeNull();
      expect(init.properties.__provider).toBe(code);
      // The engine keeps it; refresh reads the operation.
      const refreshed = await h.read({ id: init.id, outputs: init.properties });
      expect(refreshed?.outputs.status).toMatch(/NotStarted|Running/);
      await new Promise((r) => setTimeout(r, 2_500));
      // The engine holds the operation now: no journal is left that a replacement could take over.
      const dst = new SpeechClient({ endpoint: slow.emu.resources.dst.endpoint, key: "k2" }, { rateLimit: false });
      expect(await dst.listProjects()).toHaveLength(0);
      // A replacement with the same inputs (up --replace) copies by itself; the old one is deleted after it.
      const replacement = h.create((await h.check({}, { ...slow.props, waitMinutes: 1 })).inputs);
      const done = await h.update({ id: init.id, outputs: init.properties }, { ...init.properties, ...slow.props, waitMinutes: 1 });
      expect(done.outputs.status).toBe("Succeeded");
      expect(done.outputs.modelId).toBeTruthy();
      const replaced = await replacement;
      expect(replaced.id).not.toBe(init.id);
      expect(slow.emu.requestLog.filter((r) => r.method === "POST" && r.path.includes(":copy"))).toHaveLength(2);
      await h.delete(done);
      expect((await dst.getModel(replaced.outputs.modelId)).status).toBe("Succeeded");
      await expect(dst.getModel(done.outputs.modelId)).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await slow.emu.stop();
    }
  });

  it("a replacement with the same inputs (up --replace) makes its own copy; deleting the old one leaves the new", async () => {
    const model = await trainedModel();
    const old = await copy("copy-replaced", { sourceModel: model });
    const replacement = await copy("copy-replaced", { sourceModel: model });
    expect(replacement.outputs.modelId).not.toBe(old.outputs.modelId);
    await h.delete(old);
    await expect(target.getModel(old.outputs.modelId)).rejects.toMatchObject({ statusCode: 404 });
    expect((await target.getModel(replacement.outputs.modelId)).status).toBe("Succeeded");

    // With adoptId, the replacement adopts the same model again: the old resource's delete must not remove it.
    const adopted = await copy("copy-replaced", { sourceModel: model, adoptId: replacement.outputs.modelId });
    expect(adopted.id).toBe(replacement.outputs.modelId);
    expect(adopted.outputs.copyOperation).toBeNull();
    const again = await copy("copy-replaced", { sourceModel: model, adoptId: replacement.outputs.modelId });
    await h.delete(adopted);
    expect((await target.getModel(replacement.outputs.modelId)).customProperties?.["pulumi-managed"]).toBe(again.outputs.managedTag);
    expect((await h.read(again))?.outputs.copyOperation).toBeNull();
  });

  it("a failed copy operation is a partial failure that copied nothing; it stays failed on update, and deleting it removes nothing", async () => {
    const model = await trainedModel();
    const before = await targetModels();
    emu.failCopies("train-eastus", "The copy could not reach the target region.");
    try {
      const e = (await rejection(h.create((await h.check({}, props("copy-failing", { sourceModel: model }))).inputs))) as ProviderCallError;
      const init = e.initFailed!;
      expect(init.reasons[0]).toMatch(/The model copy .* failed: InternalCommunicationFailed: The copy could not reach the target region\. Nothing was copied; `pulumi up --replace` tries again/);
      expect(init.properties).toMatchObject({ status: "Failed", copyOperation: init.id });
      expect(await journals()).toBe(0);
      const again = await rejection(h.update({ id: init.id, outputs: init.properties }, { ...init.properties }));
      expect(String(again)).toMatch(/Nothing was copied/);
      await h.delete({ id: init.id, outputs: init.properties });
    } finally {
      emu.failCopies("train-eastus", undefined);
    }
    expect(await targetModels()).toBe(before);
  });

  it("refuses bad inputs at preview, naming the property, with no HTTP call", async () => {
    const mark = emu.requestLog.length;
    const base = (await source.listBaseModels())[0].self!;
    const afterList = emu.requestLog.length;
    const cases: [Props, string, RegExp][] = [
      [{ sourceModel: base }, "sourceModel", /base model .* only custom models can be copied/],
      [{ sourceModel: "11111111-2222-3333-4444-555555555555", speech: conn("train-eastus") }, "targetResourceId", /same Speech resource/],
      [{ sourceModel: "11111111-2222-3333-4444-555555555555", targetResourceId: emu.resources["train-eastus"].resourceId }, "targetResourceId", /same Speech resource/],
      [{ sourceModel: "11111111-2222-3333-4444-555555555555", project: "22222222-2222-3333-4444-555555555555", projectLocale: "de-DE" }, "project", /de-DE project, but the model is en-US/],
      [{ sourceModel: "11111111-2222-3333-4444-555555555555", sourceResourceId: "/subscriptions/x/speech" }, "sourceResourceId", /ARM id \/subscriptions\/<id>\/resourceGroups/],
    ];
    for (const [p, property, reason] of cases) {
      const c = await h.check({}, props("bad", p));
      expect(c.failures.map((f) => f.property)).toContain(property);
      expect(c.failures.find((f) => f.property === property)!.reason).toMatch(reason);
    }
    expect(emu.requestLog.length).toBe(afterList);
    expect(afterList - mark).toBe(1); // only the test's own list of base models
  });

  it("reports the service's refusals at create with the property they concern, and names the role on the side that refused", async () => {
    const model = await trainedModel();
    const unknownId = "/subscriptions/sub-x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/nowhere";
    expect(String(await rejection(copy("bad-source-id", { sourceModel: model, sourceResourceId: unknownId })))).toMatch(/source\.resourceId \(sourceResourceId\) is not the ARM id/);
    expect(String(await rejection(copy("bad-locale", { sourceModel: model, locale: "de-DE" })))).toMatch(/locale is de-DE, but source\.model is a en-US model/);
    const deProject = await target.createProject({ displayName: "de", locale: "de-DE" });
    expect(String(await rejection(copy("bad-project", { sourceModel: model, project: deProject.self })))).toMatch(/target\.project \(project\) is a de-DE project/);

    const wrongKey = await rejection(copy("bad-key", { sourceModel: model, sourceSpeech: { ...conn("train-eastus"), key: "not-the-key" } }));
    expect(String(wrongKey)).toMatch(/source Speech resource .* did not accept the credentials \(401\).*Cognitive Services Speech Contributor role on both/);
    expect(String(wrongKey)).not.toContain("not-the-key");
    emu.setForbidden("serve-westeurope", true);
    try {
      expect(String(await rejection(copy("forbidden", { sourceModel: model })))).toMatch(/target Speech resource .* refused the caller \(403\).*Speech Contributor/);
    } finally {
      emu.setForbidden("serve-westeurope", false);
    }
    expect(await journals()).toBe(0);
  });

  it("after a crash while the copy runs, a rerun finds the journal and waits for that copy: one copy", async () => {
    const model = await trainedModel();
    const before = await targetModels();
    const mark = emu.requestLog.length;
    const crashing = await ProviderServer.start();
    // Killed once the copy is recorded in the journal (the PATCH of the journal project), while the copy runs.
    emu.onRequest((r) => {
      if (r.method === "PATCH" && r.path.includes("/projects/")) void crashing.stop(true);
    });
    const inputs = (await crashing.check({}, props("copy-crash", { sourceModel: model }))).inputs;
    await rejection(crashing.create(inputs));
    emu.onRequest(undefined);
    expect(await journals()).toBe(1);
    const copied = await h.create(inputs);
    expect(copied.outputs.status).toBe("Succeeded");
    expect(emu.requestLog.slice(mark).filter((r) => r.method === "POST" && r.path.includes(":copy"))).toHaveLength(1);
    expect(await targetModels()).toBe(before + 1);
    expect(await journals()).toBe(0);
    expect(requests(emu, "DELETE", /\/projects\//)).toBeGreaterThan(0);
  });

  it("after a crash right after the copy POST (before it was recorded), the rerun copies again and removes the stray: one copy", async () => {
    const model = await trainedModel();
    const before = await targetModels();
    const mark = emu.requestLog.length;
    const crashing = await ProviderServer.start();
    emu.onRequest((r) => {
      if (r.method === "POST" && r.path.includes(":copy") && r.status === 202) void crashing.stop(true);
    });
    const inputs = (await crashing.check({}, props("copy-crash-early", { sourceModel: model }))).inputs;
    await rejection(crashing.create(inputs));
    emu.onRequest(undefined);
    const copied = await h.create(inputs);
    expect(emu.requestLog.slice(mark).filter((r) => r.method === "POST" && r.path.includes(":copy"))).toHaveLength(2);
    const models = await target.listModels();
    expect(models).toHaveLength(before + 1);
    expect(models.map((x) => x.self!.split("?")[0].split("/").pop())).toContain(copied.outputs.modelId);
    expect(await journals()).toBe(0);
  });
});

/** A second emulator whose copy takes seconds, for the wait-budget case (waitMinutes is whole minutes). */
async function slowCopyEnv() {
  const slow = await startEmulator({
    rateLimit: false,
    durations: { model: 10, copy: 2_000 },
    resources: [
      { name: "src", region: "eastus", key: "k1" },
      { name: "dst", region: "westus", key: "k2" },
    ],
  });
  const src = new SpeechClient({ endpoint: slow.resources.src.endpoint, key: "k1" }, { rateLimit: false });
  const base = (await src.listBaseModels()).find((m) => m.locale === "en-US")!;
  const ds = await src.createDataset({ displayName: "d", kind: "Language", locale: "en-US", contentUrl: "https://acct.blob.core.windows.net/c/a.txt" });
  const m = await src.createModel({ displayName: "m", locale: "en-US", baseModel: { self: base.self! }, datasets: [{ self: ds.self! }] });
  await src.waitForModel(m.self!.split("?")[0].split("/").pop()!, { initialDelayMs: 10 });
  return {
    emu: slow,
    props: props("copy-slow", {
      speech: { endpoint: slow.resources.dst.endpoint, key: "k2" },
      targetResourceId: slow.resources.dst.resourceId,
      sourceSpeech: { endpoint: slow.resources.src.endpoint, key: "k1" },
      sourceResourceId: slow.resources.src.resourceId,
      sourceModel: m.self!,
      // A budget (0.6 s) shorter than the copy (2 s).
      waitMinutes: 0.01,
    }),
  };
}
