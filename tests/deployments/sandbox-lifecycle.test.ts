// The sandbox stack (index.ts + Pulumi.sandbox.yaml) over months, on the real Pulumi engine: first `up`, an `up` with
// nothing changed, new training data, `up --replace` of the endpoint, a state of the previous version brought in
// with `pulumi stack import`, protected endpoints (prod's `protectEndpoints`: a retrain still swaps, destroy is
// refused), and `destroy`. Scenarios 1, 2, 8 and 9 of the deployments-across-runs issue. One deployed stack for all:
// each test starts from the state the last one left.
import * as fs from "fs";
import * as path from "path";
import { main as expiryReport } from "../../scripts/expiry-report";
import { main as previewSummary } from "../../scripts/preview-summary";
import { entitiesOf, live, opsOf, requestsSince, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

let s: SandboxStack;
beforeAll(async () => {
  s = await sandboxStack();
});
afterAll(() => s?.stop());

const PIPELINE = { projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 };
const id = (self: string) => self.split("?")[0].split("/").pop();

describe("sandbox stack across runs", () => {
  let endpointId: string;
  let endpointUrl: string;

  test("first up: datasets imported, model trained, gate passed, endpoint deployed", async () => {
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    const ops = opsOf(r);
    for (const part of ["project", "callcenter-train", "product-names", "callcenter-test", "model", "evaluation", "endpoint"]) expect(ops[`speech-en-us-${part}`]).toBe("create");
    for (const part of ["callcenter-train", "product-names", "callcenter-test"]) expect(live(s.stack, part).outputs.status).toBe("Succeeded");
    const model = live(s.stack, "model").outputs;
    const evaluation = live(s.stack, "evaluation").outputs;
    const endpoint = live(s.stack, "endpoint");
    expect(evaluation).toMatchObject({ passed: true, approvedModel: model.self, wordErrorRate2: 8 });
    expect(endpoint.outputs).toMatchObject({ status: "Succeeded", servedModel: model.self });
    expect(r.outputs.locales["en-US"]).toMatchObject({ endpointId: endpoint.id, modelId: id(model.self) });
    endpointId = endpoint.id!;
    endpointUrl = endpoint.outputs.webSocketUrl;
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("a second up with nothing changed makes no write and no diff", async () => {
    const mark = s.emu.requestLog.length;
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
  });

  test("`pulumi stack export` into `npm run expiry-report`: the endpoint serves the stack's model, far from its expiry", async () => {
    const exported = path.join(s.dir, "state.json");
    fs.writeFileSync(exported, await s.stack.exportState());
    const report = path.join(s.dir, "expiry.md");
    expect(await expiryReport(["--in", exported, "--out", report])).toBe(0);
    expect(fs.readFileSync(report, "utf8")).toMatch(/- `speech-en-us-endpoint` \(en-US\) serves `speech-en-us-model`, which transcribes until \d{4}-\d{2}-\d{2} \(\d+ days\)\./);
    // A window wider than the model's life: the same export makes the job fail, naming it.
    expect(await expiryReport(["--in", exported, "--out", report, "--warn-days", "36500"])).toBe(1);
    expect(fs.readFileSync(report, "utf8")).toContain("1 served model(s) expire inside the window.");
  });

  test("new training data: the preview shows the retrain and the swap, and calls nothing that writes", async () => {
    await s.changeData("product-names", "contoso turbo max pro");
    const mark = s.emu.requestLog.length;
    const p = await s.stack.preview();
    expect(p.error).toBeUndefined();
    const ops = opsOf(p);
    expect(ops).toMatchObject({
      "speech-en-us-product-names": "replace,delete",
      "speech-en-us-model": "replace,delete",
      "speech-en-us-evaluation": "replace,delete",
      "speech-en-us-endpoint": "update",
      "speech-en-us-callcenter-train": "same",
      "speech-en-us-callcenter-test": "same",
      "speech-en-us-project": "same",
    });
    // The blob name carries the content hash, so the URL changes with the hash.
    expect(p.steps.find((x) => x.name === "speech-en-us-product-names")?.replaces?.sort()).toEqual(["contentHash", "contentUrl"]);
    expect(p.steps.find((x) => x.name === "speech-en-us-model")?.replaces).toEqual(["datasets"]);
    // Neither the program nor the providers' Check and Diff call the Speech API in a preview.
    expect(requestsSince(s.emu, mark)).toEqual([]);
  });

  test("`pulumi preview --json` into `npm run preview-summary`: the retrain, its data, the swap and the gate; the engine's counts", async () => {
    const preview = await s.stack.cli(["preview", "--json"]);
    expect(preview.code).toBe(0);
    const [json, md] = [path.join(s.dir, "preview.json"), path.join(s.dir, "summary.md")];
    fs.writeFileSync(json, preview.stdout);
    expect(await previewSummary(["--in", json, "--manifest", path.join(s.dir, "training-data.sandbox.manifest.json"), "--out", md])).toBe(0);
    const summary = fs.readFileSync(md, "utf8");
    expect(summary).toContain("- en-US: `speech-en-us-model` trains (changed: datasets).");
    expect(summary).toMatch(/dataset `product-names` \(Language\): new content \(contentHash, contentUrl\)/);
    expect(summary).toMatch(/`speech-en-us-endpoint` \(en-US\) swaps in place \(same id and URL\): `models\/[0-9a-f-]{36}` → \(known after the deployment\)/);
    expect(summary).toContain("`speech-en-us-evaluation` (en-US) runs: WER at most 10 %, at least 2 points better than the baseline");
    // Unchanged without --show-sames (the engine lists them only in changeSummary): the component, the project and
    // the two datasets whose data did not change.
    expect(summary).toContain("Everything else: no other change; 4 unchanged.");
  });

  test("up retrains, gates, swaps the endpoint in place and deletes the old model and dataset at the end", async () => {
    // Better data: the new model scores 5.5 % against the 8 % the endpoint serves (the gate wants 2 points).
    s.emu.setScenario({ customModelWordErrorRate: 5.5 });
    const old = { model: live(s.stack, "model"), dataset: live(s.stack, "product-names"), evaluation: live(s.stack, "evaluation") };
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    const endpoint = live(s.stack, "endpoint");
    const model = live(s.stack, "model");
    expect(model.id).not.toBe(old.model.id);
    // Same id and URL: applications keep working across a retrain.
    expect(endpoint.id).toBe(endpointId);
    expect(endpoint.outputs.webSocketUrl).toBe(endpointUrl);
    expect(endpoint.outputs.servedModel).toBe(model.outputs.self);
    expect((await s.client().getEndpoint(endpointId)).model?.self).toBe(model.outputs.self);
    // Replaced entities go last, dependents first: the old evaluation, then the old model, then the old dataset.
    const deletes = r.steps.filter((x) => x.op === "delete").map((x) => x.name);
    expect(deletes).toEqual(["speech-en-us-evaluation", "speech-en-us-model", "speech-en-us-product-names"]);
    const lastWrite = Math.max(...r.steps.map((x, i) => (x.op === "update" || x.op === "replace" ? i : -1)));
    expect(r.steps.findIndex((x) => x.op === "delete")).toBeGreaterThan(lastWrite);
    for (const [get, gone] of [
      [(i: string) => s.client().getModel(i), old.model.id],
      [(i: string) => s.client().getDataset(i), old.dataset.id],
      [(i: string) => s.client().getEvaluation(i), old.evaluation.id],
    ] as const) {
      await expect(get(gone!)).rejects.toMatchObject({ statusCode: 404 });
    }
    expect(s.stack.state.resources.filter((x) => x.delete)).toEqual([]);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("up --replace of the endpoint with unchanged inputs: a new endpoint serves, only the old one is deleted", async () => {
    const old = live(s.stack, "endpoint");
    const served = live(s.stack, "model").outputs.self;
    const r = await s.stack.up({ replace: ["speech-en-us-endpoint"] });
    expect(r.error).toBeUndefined();
    expect(r.steps.find((x) => x.name === "speech-en-us-endpoint" && x.op === "replace")?.replaces).toEqual(["id"]);
    const fresh = live(s.stack, "endpoint");
    expect(fresh.id).not.toBe(old.id);
    expect((await s.client().getEndpoint(fresh.id!)).model?.self).toBe(served);
    await expect(s.client().getEndpoint(old.id!)).rejects.toMatchObject({ statusCode: 404 });
    expect(r.outputs.locales["en-US"].endpointId).toBe(fresh.id);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("a state of the previous version (the base model looked up by the program, no policy): no diff and no Speech call in the preview; refresh fills the base model's dates; still no diff", async () => {
    // What the previous version stored, brought in as a user would: `pulumi stack export`, that shape, `stack import`.
    const DECIDED = ["chosenBaseModel", "baseModelAdaptationExpiry", "baseModelTranscriptionExpiry", "baseModelChargesForAdaptation"];
    const urn = live(s.stack, "model").urn;
    await s.stack.editState((resources) => {
      const model = resources.find((r) => r.urn === urn);
      for (const props of [model.inputs, model.outputs]) {
        props.baseModel = model.outputs.resolvedBaseModel;
        delete props.baseModelPolicy;
        for (const k of DECIDED) delete props[k];
      }
    });
    expect(live(s.stack, "model").outputs.chosenBaseModel).toBeUndefined();
    const mark = s.emu.requestLog.length;
    const preview = await s.stack.preview();
    expect(preview.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(preview)))).toEqual(new Set(["same"]));
    expect(requestsSince(s.emu, mark)).toEqual([]);

    expect((await s.stack.refresh()).error).toBeUndefined();
    const model = live(s.stack, "model").outputs;
    const base = await s.client().getBaseModel(String(model.resolvedBaseModel).split("?")[0].split("/").pop()!);
    expect(model.baseModelAdaptationExpiry).toBe(base.properties?.deprecationDates?.adaptationDateTime);
    expect(model.baseModelChargesForAdaptation).toBe(base.properties?.chargeForAdaptation);

    const up = await s.stack.up();
    expect(up.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(up)))).toEqual(new Set(["same"]));
    expect(up.outputs.locales["en-US"].baseModelAdaptationExpiry).toBe(base.properties?.deprecationDates?.adaptationDateTime);
    expect(requestsSince(s.emu, mark, { method: "POST" })).toEqual([]);
  });

  test("protectEndpoints: an up protects the endpoint only, and writes nothing", async () => {
    s.stack.setConfig("protectEndpoints", true);
    const mark = s.emu.requestLog.length;
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(s.stack.state.resources.filter((x) => x.protect).map((x) => x.name)).toEqual(["speech-en-us-endpoint"]);
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
  });

  test("up --replace of the model with unchanged inputs: it retrains, is gated and swapped into the protected endpoint in place; only the old model is deleted", async () => {
    const old = { model: live(s.stack, "model"), endpoint: live(s.stack, "endpoint") };
    const trainings = requestsSince(s.emu, 0, { method: "POST", path: /\/models$/ }).length;
    s.emu.setScenario({ customModelWordErrorRate: 3 });
    const r = await s.stack.up({ replace: ["speech-en-us-model"] });
    expect(r.error).toBeUndefined();
    expect(opsOf(r)).toMatchObject({ "speech-en-us-model": "replace,delete", "speech-en-us-evaluation": "replace,delete", "speech-en-us-endpoint": "update" });
    expect(requestsSince(s.emu, 0, { method: "POST", path: /\/models$/ })).toHaveLength(trainings + 1);
    const model = live(s.stack, "model");
    expect(model.id).not.toBe(old.model.id);
    expect(live(s.stack, "endpoint").id).toBe(old.endpoint.id);
    expect((await s.client().getEndpoint(old.endpoint.id!)).model?.self).toBe(model.outputs.self);
    await expect(s.client().getModel(old.model.id!)).rejects.toMatchObject({ statusCode: 404 });
    expect((await s.client().getModel(model.id!)).status).toBe("Succeeded");
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("destroy refuses the protected endpoint and deletes nothing", async () => {
    const r = await s.stack.destroy();
    expect(r.error?.message).toMatch(/Endpoint::speech-en-us-endpoint" cannot be deleted\s+because it is protected/);
    expect(r.steps.filter((x) => x.op === "delete").map((x) => [x.name, x.error !== undefined])).toEqual([["speech-en-us-endpoint", true]]);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("with protectEndpoints unset, an up records it (nothing else changes)", async () => {
    s.stack.setConfig("protectEndpoints", false);
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
    expect(s.stack.state.resources.filter((x) => x.protect)).toEqual([]);
  });

  test("destroy leaves nothing in the emulator and an empty checkpoint", async () => {
    const r = await s.stack.destroy();
    expect(r.error).toBeUndefined();
    expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
    expect(s.stack.state.resources).toEqual([]);
    // Dependents first: the endpoint before the model it serves, the project last of the Custom Speech entities.
    const order = r.steps.map((x) => x.name);
    expect(order.indexOf("speech-en-us-endpoint")).toBeLessThan(order.indexOf("speech-en-us-model"));
    expect(order.indexOf("speech-en-us-model")).toBeLessThan(order.indexOf("speech-en-us-product-names"));
    expect(order.indexOf("speech-en-us-product-names")).toBeLessThan(order.indexOf("speech-en-us-project"));
  });
});
