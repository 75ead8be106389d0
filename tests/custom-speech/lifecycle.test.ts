// Each Custom Speech resource's lifecycle against the real emulator, calling the providers as the engine would
// (check → create/update/read/delete with outputs carried between calls).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PENDING_HANDOVER, identityTags } from "../../components/custom-speech/core";
import { providers } from "../../components/custom-speech/implementation";
import { modelSpec } from "../../components/custom-speech/model";
import type { Inputs } from "../../components/custom-speech/spec";
import { getBaseModel } from "../../components/custom-speech/base-model";
import { checked, createVia, firstBaseModel, inputsOf, rejection, requests, startEnv, type Env } from "./support";

// In-process, as a unit: the same calls go through the provider server in tests/deployments/.
const { Project: projectProvider, Dataset: datasetProvider, Model: modelProvider, Evaluation: evaluationProvider, Endpoint: endpointProvider } = providers;

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(() => env.emu.stop());

const CONTENT = "https://acct.blob.core.windows.net/data/lang.txt";

async function trainingSet(name: string) {
  const project = await createVia(projectProvider, inputsOf(env, `${name}-project`, { locale: "en-US" }));
  const ds = await createVia(datasetProvider, inputsOf(env, `${name}-lang`, { kind: "Language", locale: "en-US", project: project.outs.self, contentUrl: CONTENT }));
  return { project, ds, base: await firstBaseModel(env) };
}

describe("Project", () => {
  it("is created, renamed in place, refreshed, deleted idempotently, and reported gone after", async () => {
    const p = await createVia(projectProvider, inputsOf(env, "proj", { locale: "en-US", description: "first" }));
    expect(p.outs.self).toContain(p.id);
    expect(p.outs.displayName).toBe("proj");

    const news = await checked(projectProvider, { ...p.inputs, displayName: "renamed", description: "second" });
    const up = await projectProvider.update!(p.id, p.outs, news);
    expect(up.outs).toMatchObject({ displayName: "renamed", description: "second", self: p.outs.self });
    expect((await env.client.getProject(p.id)).displayName).toBe("renamed");

    const gets = requests(env.emu, "GET", new RegExp(`/projects/${p.id}$`));
    const read = await projectProvider.read!(p.id, up.outs);
    expect(requests(env.emu, "GET", new RegExp(`/projects/${p.id}$`)) - gets).toBe(1);
    expect(read.inputs).toMatchObject({ displayName: "renamed", locale: "en-US", speech: env.speech });

    await projectProvider.delete!(p.id, up.outs);
    await projectProvider.delete!(p.id, up.outs);
    expect(await projectProvider.read!(p.id, up.outs)).toEqual({});
  });

  it("tags the entity with its Pulumi identity", async () => {
    const p = await createVia(projectProvider, inputsOf(env, "tagged", { locale: "de-DE", customProperties: { team: "speech" } }));
    const e = await env.client.getProject(p.id);
    expect(e.customProperties).toMatchObject({ team: "speech", "pulumi-resource": "tests/dev/Project/tagged" });
  });
});

describe("Dataset", () => {
  it("waits for a contentUrl import to succeed and outputs the service's counts", async () => {
    const d = await createVia(datasetProvider, inputsOf(env, "ds-url", { kind: "Language", locale: "en-US", contentUrl: CONTENT }));
    expect(d.outs.status).toBe("Succeeded");
    expect(d.outs).toHaveProperty("acceptedLineCount");
  });

  it("dropping its project or custom properties from the program removes them from the entity: refresh then agrees", async () => {
    const { project } = await trainingSet("ds-unlink");
    const d = await createVia(datasetProvider, inputsOf(env, "ds-unlink", { kind: "Language", locale: "en-US", contentUrl: CONTENT, project: project.outs.self, customProperties: { team: "a" } }));
    const news = await checked(datasetProvider, { ...d.inputs, project: undefined, customProperties: undefined });
    const up = await datasetProvider.update!(d.id, d.outs, news);
    const entity = await env.client.getDataset(d.id);
    expect(entity.project).toBeUndefined();
    expect(entity.customProperties).not.toHaveProperty("team");
    const read = await datasetProvider.read!(d.id, up.outs!);
    // (The provider server adds __provider to what read returns, as here.)
    expect(await datasetProvider.diff!(d.id, { ...read.props, __provider: up.outs!.__provider }, news)).toMatchObject({ changes: false });
  });

  it("uploads a local file in blocks and commits it", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ds-")), "lang.txt");
    fs.writeFileSync(file, "hello world\n".repeat(1000));
    const puts = requests(env.emu, "PUT", /\/blocks$/);
    const d = await createVia(datasetProvider, inputsOf(env, "ds-file", { kind: "Language", locale: "en-US", file, contentHash: "sha256:abc" }));
    expect(d.outs.status).toBe("Succeeded");
    expect(requests(env.emu, "PUT", /\/blocks$/)).toBeGreaterThan(puts);
    const blocks = await env.client.getDatasetBlocks(d.id);
    expect(blocks.committedBlocks?.length).toBeGreaterThan(0);
  });

  it("a failed import reports the service's reason and keeps the id", async () => {
    const err = await rejection(createVia(datasetProvider, inputsOf(env, "ds-bad", { kind: "Language", locale: "en-US", contentUrl: `${CONTENT}?emulator-fail-import` })));
    expect(err.id).toMatch(/[0-9a-f-]{36}/);
    expect(err.message).toMatch(/Dataset .* failed: /);
    expect(err.properties.status).toBe("Failed");
    expect(err.properties.error.message).toBeTruthy();
    expect(err.message).toContain(err.properties.error.message);
  });
});

describe("Model", () => {
  it("trains, outputs expiry and features, and a description change is a PATCH on the same model", async () => {
    const { ds, base, project } = await trainingSet("m1");
    const m = await createVia(modelProvider, inputsOf(env, "model-1", { locale: "en-US", project: project.outs.self, baseModel: base, datasets: [ds.outs.self] }));
    expect(m.outs.status).toBe("Succeeded");
    expect(m.outs.transcriptionExpiry).toMatch(/^\d{4}-/);
    expect(m.outs.features).toBeTruthy();
    expect(m.outs.resolvedBaseModel).toBe(base);

    const posts = requests(env.emu, "POST", /\/models$/);
    const news = await checked(modelProvider, { ...m.inputs, description: "v2" });
    const up = await modelProvider.update!(m.id, m.outs, news);
    expect(up.outs.self).toBe(m.outs.self);
    expect((await env.client.getModel(m.id)).description).toBe("v2");
    expect(requests(env.emu, "POST", /\/models$/)).toBe(posts);
  });

  it("when the wait budget runs out, fails with the id kept; the next update resumes waiting without retraining", async () => {
    const slow = await startEnv({ durations: { dataset: 0, model: 1500 } });
    try {
      const project = await createVia(projectProvider, inputsOf(slow, "p", { locale: "en-US" }));
      const ds = await createVia(datasetProvider, inputsOf(slow, "d", { kind: "Language", locale: "en-US", project: project.outs.self, contentUrl: CONTENT }));
      const inputs = inputsOf(slow, "slow-model", { locale: "en-US", datasets: [ds.outs.self], waitMinutes: 0.002 });
      const err = await rejection(createVia(modelProvider, inputs));
      expect(err.message).toMatch(/still (NotStarted|Running) after the 0.002-minute wait budget/);
      expect(err.id).toMatch(/[0-9a-f-]{36}/);
      expect(["NotStarted", "Running"]).toContain(err.properties.status);

      // The engine forces an update on the next `up` for a resource with init errors.
      const news = await checked(modelProvider, { ...inputs, waitMinutes: 1 });
      const resumed = await modelProvider.update!(err.id, err.properties, news);
      expect(resumed.outs.status).toBe("Succeeded");
      expect(requests(slow.emu, "POST", /\/models$/)).toBe(1);
    } finally {
      await slow.emu.stop();
    }
  });

  it("a failed training keeps failing with the service's reason and never retrains silently", async () => {
    const { ds } = await trainingSet("mbad");
    env.emu.markDatasetBad("speech", ds.id, "transcripts do not match the audio");
    const inputs = inputsOf(env, "bad-model", { locale: "en-US", datasets: [ds.outs.self] });
    const posts = requests(env.emu, "POST", /\/models$/);
    const err = await rejection(createVia(modelProvider, inputs));
    expect(err.message).toContain("transcripts do not match the audio");
    expect(err.properties.status).toBe("Failed");

    const again = await rejection(modelProvider.update!(err.id, err.properties, await checked(modelProvider, inputs)));
    expect(again.message).toContain("transcripts do not match the audio");
    expect(again.id).toBe(err.id);
    expect(requests(env.emu, "POST", /\/models$/) - posts).toBe(1);
  });

  it("after a crash between the POST and the state write, create adopts the tagged model instead of training twice", async () => {
    const { ds, base } = await trainingSet("madopt");
    const inputs = (await checked(modelProvider, inputsOf(env, "adopted-model", { locale: "en-US", baseModel: base, datasets: [ds.outs.self] }))) as Inputs;
    // An entity with the same identity but no pending handover (one the engine holds, or one 0.1.0 made) is not adopted.
    const held = await env.client.createModel({
      displayName: inputs.displayName, locale: "en-US", baseModel: { self: base }, datasets: [{ self: ds.outs.self }],
      customProperties: identityTags(modelSpec, inputs),
    });
    // What the crashed run sent: the same tags, with the handover still pending.
    const orphan = await env.client.createModel({
      displayName: inputs.displayName, locale: "en-US", baseModel: { self: base }, datasets: [{ self: ds.outs.self }],
      customProperties: { ...identityTags(modelSpec, inputs), "pulumi-managed": PENDING_HANDOVER },
    });
    const posts = requests(env.emu, "POST", /\/models$/);
    const m = await modelProvider.create(inputs);
    expect(orphan.self).toContain(m.id);
    expect(held.self).not.toContain(m.id);
    expect(requests(env.emu, "POST", /\/models$/)).toBe(posts);
    expect((await env.client.getModel(m.id)).customProperties?.["pulumi-managed"]).toBe(m.outs?.managedTag);

    // A replacement (other create-only inputs) is a new training, not an adoption of the old one.
    const other = await modelProvider.create({ ...inputs, customModelWeightPercent: 40 });
    expect(other.id).not.toBe(m.id);
  });

  it("refresh after an out-of-band delete reports it gone", async () => {
    const { ds } = await trainingSet("mgone");
    const m = await createVia(modelProvider, inputsOf(env, "gone-model", { locale: "en-US", datasets: [ds.outs.self] }));
    await env.client.deleteModel(m.id);
    expect(await modelProvider.read!(m.id, m.outs)).toEqual({});
  });
});

describe("Model base model chosen at create", () => {
  it("picks the newest adaptable base model by policy once, keeps it and its dates through refresh and updates, and retrains only for a named one", async () => {
    const { project, ds } = await trainingSet("chosen");
    const policy = { adaptationKinds: ["Language"], minAdaptationDaysLeft: 30 };
    const expected = await getBaseModel({ speech: env.speech, locale: "en-US", ...policy } as Parameters<typeof getBaseModel>[0]);
    const m = await createVia(modelProvider, inputsOf(env, "chosen-model", { locale: "en-US", project: project.outs.self, datasets: [ds.outs.self], baseModelPolicy: policy }));
    expect(m.outs.chosenBaseModel).toBe(expected.self);
    expect(m.outs.resolvedBaseModel.split("?")[0]).toBe(expected.self.split("?")[0]);
    expect(m.outs.baseModelAdaptationExpiry).toBe(expected.adaptationExpiry);
    expect(m.outs.baseModelTranscriptionExpiry).toBe(expected.transcriptionExpiry);

    // Offline from here on: the diff and check make no request, whatever the catalogue holds now.
    const mark = env.emu.requestLog.length;
    const same = await checked(modelProvider, { ...m.inputs });
    expect(await modelProvider.diff!(m.id, m.outs, same)).toMatchObject({ changes: false });
    // A new policy applies to the next training: no retrain, and no diff (a state from before the policy shows none).
    const stricter = await checked(modelProvider, { ...m.inputs, baseModelPolicy: { ...policy, minAdaptationDaysLeft: 90 } });
    expect(await modelProvider.diff!(m.id, m.outs, stricter)).toMatchObject({ changes: false });
    const { baseModelPolicy: _none, chosenBaseModel: _c, ...before } = m.outs;
    expect(await modelProvider.diff!(m.id, { ...before, baseModel: expected.self }, same)).toMatchObject({ changes: false });
    // Naming the same base model is no change; naming another is a retrain; dropping a name keeps the trained one.
    const named = await checked(modelProvider, { ...m.inputs, baseModel: expected.self });
    expect(await modelProvider.diff!(m.id, m.outs, named)).toMatchObject({ changes: false });
    const other = await checked(modelProvider, { ...m.inputs, baseModel: `${env.speech.endpoint}/speechtotext/models/base/00000000-0000-4000-8000-000000000000` });
    expect((await modelProvider.diff!(m.id, m.outs, other)).replaces).toEqual(["baseModel"]);
    const dropped = await checked(modelProvider, { ...m.inputs, baseModel: undefined });
    expect(await modelProvider.diff!(m.id, { ...m.outs, baseModel: expected.self }, dropped)).toMatchObject({ changes: false });
    expect(env.emu.requestLog.length).toBe(mark);

    // A state from before these values existed (an earlier version) gets them from the entity at refresh.
    const old = Object.fromEntries(Object.entries(m.outs).filter(([k]) => !k.startsWith("baseModel") && k !== "chosenBaseModel"));
    expect((await modelProvider.read!(m.id, old)).props).toMatchObject({ baseModelAdaptationExpiry: expected.adaptationExpiry, baseModelTranscriptionExpiry: expected.transcriptionExpiry });
    // Refresh and an in-place update keep what the create decided, with no extra request.
    const mark2 = env.emu.requestLog.length;
    const read = await modelProvider.read!(m.id, m.outs);
    expect(env.emu.requestLog.length - mark2).toBe(1);
    expect(read.props).toMatchObject({ chosenBaseModel: expected.self, baseModelAdaptationExpiry: expected.adaptationExpiry });
    const renamed = await modelProvider.update!(m.id, read.props!, await checked(modelProvider, { ...m.inputs, description: "renamed" }));
    expect(renamed.outs).toMatchObject({ chosenBaseModel: expected.self, baseModelAdaptationExpiry: expected.adaptationExpiry, description: "renamed" });
  });

  it("a named base model's dates are read at create, and a policy no base model satisfies is refused with the reasons", async () => {
    const { ds } = await trainingSet("named");
    const base = await firstBaseModel(env);
    const m = await createVia(modelProvider, inputsOf(env, "named-model", { locale: "en-US", datasets: [ds.outs.self], baseModel: base }));
    expect(m.outs.chosenBaseModel).toBeNull();
    expect(m.outs.baseModelAdaptationExpiry).toBe((await env.client.getBaseModel(base.split("?")[0].split("/").pop()!)).properties?.deprecationDates?.adaptationDateTime);
    const none = await rejection(createVia(modelProvider, inputsOf(env, "none-model", { locale: "en-US", datasets: [ds.outs.self], baseModelPolicy: { minAdaptationDaysLeft: 36500 } })));
    expect(String(none)).toMatch(/no base model for locale en-US .* at least 36500 days/);
  });

  it("refuses a malformed policy at check, naming the key", async () => {
    const c = await modelProvider.check!({}, inputsOf(env, "bad-policy", { locale: "en-US", datasets: ["11111111-2222-3333-4444-555555555555"], baseModelPolicy: { adaptationKinds: ["Speech"], minDays: 3 } }));
    expect(c.failures?.map((f) => f.property).sort()).toEqual(["baseModelPolicy.adaptationKinds[0]", "baseModelPolicy.minDays"]);
  });
});

describe("Evaluation gate and Endpoint swap", () => {
  async function candidate(name: string) {
    const { ds, base, project } = await trainingSet(name);
    const test = await createVia(datasetProvider, inputsOf(env, `${name}-test`, { kind: "Acoustic", locale: "en-US", project: project.outs.self, contentUrl: "https://acct.blob.core.windows.net/data/test.zip" }));
    const m = await createVia(modelProvider, inputsOf(env, `${name}-model`, { locale: "en-US", baseModel: base, datasets: [ds.outs.self] }));
    return { base, test, m, project };
  }

  it("a passing gate outputs every WER and approves the candidate; the endpoint deploys it", async () => {
    env.emu.setScenario({ baseModelWordErrorRate: 12, customModelWordErrorRate: 8 });
    const { base, test, m } = await candidate("gp");
    const ev = await createVia(evaluationProvider, inputsOf(env, "gate-pass", { locale: "en-US", model1: base, model2: m.outs.self, dataset: test.outs.self, maxWordErrorRate: 10, minWordErrorRateImprovement: 2 }));
    // The service reports fractions (0.12, 0.08); outputs and gates are in percent.
    expect(ev.outs).toMatchObject({ wordErrorRate1: 12, wordErrorRate2: 8, passed: true, approvedModel: m.outs.self });
    expect(ev.outs.wordCount2).toBeGreaterThan(0);
    expect(ev.outs.wordSubstitutionCount2 + ev.outs.wordDeletionCount2 + ev.outs.wordInsertionCount2).toBe(Math.round(0.08 * ev.outs.wordCount2));
    expect(ev.outs.wordErrorRateImprovement).toBeCloseTo(ev.outs.wordErrorRate1 - ev.outs.wordErrorRate2, 2);
    const ep = await createVia(endpointProvider, inputsOf(env, "ep-gp", { locale: "en-US", model: ev.outs.approvedModel }));
    expect(ep.outs.status).toBe("Succeeded");
    expect(ep.outs.webSocketUrl).toContain(ep.id);
  });

  it("a failing gate fails with both WERs and the threshold, keeps the evaluation, and is not re-run on the next up", async () => {
    env.emu.setScenario({ baseModelWordErrorRate: 12, customModelWordErrorRate: 11 });
    const { base, test, m } = await candidate("gf");
    const inputs = inputsOf(env, "gate-fail", { locale: "en-US", model1: base, model2: m.outs.self, dataset: test.outs.self, minWordErrorRateImprovement: 3 });
    const err = await rejection(createVia(evaluationProvider, inputs));
    const { wordErrorRate1: w1, wordErrorRate2: w2 } = err.properties;
    expect([w1, w2]).toEqual([12, 11]);
    expect(err.message).toContain(`WER ${w1}%`);
    expect(err.message).toContain(`WER ${w2}%`);
    expect(err.message).toContain("minWordErrorRateImprovement 3");
    expect(err.id).toBeTruthy();
    expect(err.properties).toMatchObject({ passed: false, approvedModel: null });

    const posts = requests(env.emu, "POST", /\/evaluations$/);
    await expect(evaluationProvider.update!(err.id, err.properties, await checked(evaluationProvider, inputs))).rejects.toThrow(/gate failed/);
    // Relaxing the threshold re-decides the gate on the same evaluation.
    const relaxed = await evaluationProvider.update!(err.id, err.properties, await checked(evaluationProvider, { ...inputs, minWordErrorRateImprovement: 0 }));
    expect(relaxed.outs).toMatchObject({ passed: true, approvedModel: m.outs.self });
    expect(requests(env.emu, "POST", /\/evaluations$/)).toBe(posts);
  });

  it("the baseline is the model baselineEndpoint serves at create, else model1; once the candidate is served its gate stays as decided", async () => {
    // A model's WER is fixed when it is trained: set the scenario first.
    env.emu.setScenario({ baseModelWordErrorRate: 12, customModelWordErrorRate: 8 });
    const a = await candidate("bl-a");
    const b = await candidate("bl-b");
    env.emu.setScenario({ baseModelWordErrorRate: 12, customModelWordErrorRate: 8, perModel: { [a.m.id]: 10 } });
    const gate = (name: string) =>
      inputsOf(env, name, { locale: "en-US", model1: b.base, baselineEndpoint: "bl-endpoint", model2: b.m.outs.self, dataset: b.test.outs.self, minWordErrorRateImprovement: 1 });

    // No such endpoint yet: the fallback (the base model).
    const none = await createVia(evaluationProvider, gate("bl-none"));
    expect(none.outs).toMatchObject({ baselineModel: b.base, wordErrorRate1: 12, passed: true });

    // The endpoint serves A: the candidate B is compared with A, with one listing of endpoints.
    const ep = await createVia(endpointProvider, inputsOf(env, "bl-endpoint", { locale: "en-US", model: a.m.outs.self }));
    const lists = requests(env.emu, "GET", /\/endpoints$/);
    const served = await createVia(evaluationProvider, gate("bl-served"));
    expect(requests(env.emu, "GET", /\/endpoints$/) - lists).toBe(1);
    expect(served.outs).toMatchObject({ baselineModel: a.m.outs.self, model1: b.base, wordErrorRate1: 10, wordErrorRate2: 8, passed: true, approvedModel: b.m.outs.self });
    expect((await env.client.getEvaluation(served.id)).model1?.self).toBe(a.m.outs.self);

    // Swapped to B: the same program inputs are no change, and the finished gate keeps its baseline without a re-run.
    await endpointProvider.update!(ep.id, ep.outs, await checked(endpointProvider, { ...ep.inputs, model: served.outs.approvedModel }));
    const same = await checked(evaluationProvider, gate("bl-served"));
    expect(await evaluationProvider.diff!(served.id, served.outs, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const posts = requests(env.emu, "POST", /\/evaluations$/);
    const kept = await evaluationProvider.update!(served.id, served.outs, { ...same, minWordErrorRateImprovement: 2 });
    expect(kept.outs).toMatchObject({ baselineModel: a.m.outs.self, wordErrorRate1: 10, passed: true });
    expect(requests(env.emu, "POST", /\/evaluations$/)).toBe(posts);

    // A new evaluation while the endpoint serves the candidate itself: the fallback, not the candidate against itself.
    const itself = await createVia(evaluationProvider, gate("bl-itself"));
    expect(itself.outs).toMatchObject({ baselineModel: b.base, wordErrorRate1: 12 });
  });

  it("swapping the endpoint's model keeps its id and URL; deleting a served model says what to do", async () => {
    env.emu.setScenario({ baseModelWordErrorRate: 12, customModelWordErrorRate: 8 });
    const a = await candidate("swap-a");
    const b = await candidate("swap-b");
    const ep = await createVia(endpointProvider, inputsOf(env, "ep-swap", { locale: "en-US", model: a.m.outs.self }));
    const news = await checked(endpointProvider, { ...ep.inputs, model: b.m.id });
    expect(await endpointProvider.diff!(ep.id, ep.outs, news)).toMatchObject({ changes: true, replaces: [] });
    const patches = requests(env.emu, "PATCH", new RegExp(`/endpoints/${ep.id}$`));
    const swapped = await endpointProvider.update!(ep.id, ep.outs, news);
    expect(requests(env.emu, "PATCH", new RegExp(`/endpoints/${ep.id}$`)) - patches).toBe(1);
    expect(swapped.outs).toMatchObject({ status: "Succeeded", servedModel: expect.stringContaining(b.m.id), webSocketUrl: ep.outs.webSocketUrl, self: ep.outs.self });

    const err = await rejection(modelProvider.delete!(b.m.id, b.m.outs));
    expect(err.message).toMatch(/Model .* cannot be deleted: an endpoint still serves it .*re-point the endpoint/);
    await modelProvider.delete!(a.m.id, a.m.outs); // no longer served

    await endpointProvider.delete!(ep.id, swapped.outs);
    await modelProvider.delete!(b.m.id, b.m.outs);
    expect(await modelProvider.read!(b.m.id, b.m.outs)).toEqual({});
  });
});

describe("getBaseModel", () => {
  it("finds the newest base model of a locale in the service catalogue, or says why none fits", async () => {
    const b = await getBaseModel({ speech: env.speech, locale: "en-US", adaptationKinds: ["Language"], minAdaptationDaysLeft: 0 });
    expect(b.self).toContain(b.id);
    expect(b.supportsAdaptationsWith).toContain("Language");
    await expect(getBaseModel({ speech: env.speech, locale: "en-US", minAdaptationDaysLeft: 100000 })).rejects.toThrow(/no base model for locale en-US/);
  });
});
