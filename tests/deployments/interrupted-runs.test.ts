// Scenarios 4 and 5: runs that stop half-way. A training that outlives its wait budget fails the `up` with a partial
// failure that refresh, destroy and the next `up` all handle; a provider process killed right after a POST leaves
// an entity the next `up` adopts instead of training twice.
import { entitiesOf, live, requestsSince, sandboxStack, stackFileConfig, type SandboxStack } from "../support/sandbox-stack";

const trainings = (s: SandboxStack) => requestsSince(s.emu, 0, { method: "POST", path: /\/models$/ }).length;

/** The sandbox locale with a training wait budget of `minutes`. */
function withTrainingWait(minutes: number | undefined) {
  const [locale] = stackFileConfig("sandbox").locales as any[];
  return [{ ...locale, training: { ...locale.training, waitMinutes: minutes } }];
}

describe("a training that outlives waitMinutes", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    // Trainings take 8 s here; the budget is 0.01 minutes (0.6 s).
    s = await sandboxStack({ emulator: { durations: { dataset: 60, model: 8000, endpoint: 60, evaluation: 60 } }, config: { locales: withTrainingWait(0.01) } });
  }, 60_000);
  afterAll(() => s?.stop());

  test("up fails with a partial failure that keeps the model, and its provider, in the state", async () => {
    const r = await s.deployment.up();
    expect(r.error?.message).toMatch(/Model [0-9a-f-]{36} is still (NotStarted|Running) after the 0.01-minute wait budget \(waitMinutes\); it was kept in the state: run `pulumi up` again to resume/);
    expect(r.steps.find((x) => x.name === "speech-en-us-model")).toMatchObject({ op: "create", initFailed: true });
    const model = live(s.deployment, "model");
    expect(model.initErrors).toHaveLength(1);
    expect(model.outputs.__provider).toBe(model.inputs.__provider);
    // Nothing downstream of the model was declared: the endpoint does not exist yet.
    expect(s.deployment.checkpoint.resources.map((x) => x.name)).not.toContain("speech-en-us-endpoint");
  });

  test("refresh straight after it works, reading the model that still trains (and clearing the init errors, as the engine does)", async () => {
    const r = await s.deployment.refresh();
    expect(r.error).toBeUndefined();
    expect(r.steps.find((x) => x.name === "speech-en-us-model")?.op).toBe("refresh");
    const model = live(s.deployment, "model");
    expect(["NotStarted", "Running"]).toContain(model.outputs.status);
    expect(model.initErrors).toBeUndefined();
  });

  test("the next up resumes waiting without a second POST, then gates and deploys", async () => {
    s.deployment.setConfig("locales", withTrainingWait(undefined));
    const before = trainings(s);
    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    // No init errors left after the refresh: the provider's diff sees the unfinished training, and the update resumes.
    expect(r.steps.find((x) => x.name === "speech-en-us-model")?.op).toBe("update");
    expect(trainings(s)).toBe(before);
    expect(trainings(s)).toBe(1);
    expect(live(s.deployment, "model").initErrors).toBeUndefined();
    expect(live(s.deployment, "endpoint").outputs.servedModel).toBe(live(s.deployment, "model").outputs.self);
  });

  test("destroy straight after a partial failure removes everything, the training model and the pending deletes included", async () => {
    s.deployment.setConfig("locales", withTrainingWait(0.01));
    await s.changeData("product-names", "another product");
    const failed = await s.deployment.up();
    expect(failed.error?.message).toMatch(/wait budget/);
    expect(s.deployment.checkpoint.resources.filter((x) => x.delete).map((x) => x.name).sort()).toEqual(["speech-en-us-model", "speech-en-us-product-names"]);
    const r = await s.deployment.destroy();
    expect(r.error).toBeUndefined();
    expect(s.deployment.checkpoint.resources).toEqual([]);
    expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
  });
});

describe("a provider process killed right after a create's POST", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    s = await sandboxStack({ emulator: { durations: { dataset: 60, model: 600, endpoint: 60, evaluation: 60 } } });
  }, 60_000);
  afterAll(() => s?.stop());

  test("the run fails, the model exists on the service but not in the state, and the rerun adopts it: no second training", async () => {
    s.emu.onRequest((e) => {
      if (e.method === "POST" && /\/speechtotext\/models$/.test(e.path) && e.status === 201) void s.deployment.killProvider();
    });
    const crashed = await s.deployment.up();
    s.emu.onRequest(undefined);
    expect(crashed.error).toBeDefined();
    expect(crashed.steps.find((x) => x.name === "speech-en-us-model")?.error).toBeDefined();
    expect(s.deployment.checkpoint.resources.map((x) => x.name)).not.toContain("speech-en-us-model");
    expect((await entitiesOf(s.client())).models).toBe(1);

    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    expect(trainings(s)).toBe(1);
    const model = live(s.deployment, "model");
    expect((await entitiesOf(s.client())).models).toBe(1);
    expect(live(s.deployment, "endpoint").outputs.servedModel).toBe(model.outputs.self);
    // Handed over now: the entity carries the handover tag the state records.
    expect((await s.client().getModel(model.id!)).customProperties?.["pulumi-managed"]).toBe(model.outputs.managedTag);
  });
});

describe("the Speech service unreachable while a training is polled", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    // Polls at most 0.6 s apart (12 × 0.05 s) and retries for about 2 s: a 1.5 s outage refuses at least two polls.
    s = await sandboxStack({ emulator: { durations: { dataset: 60, model: 2500, endpoint: 60, evaluation: 60 } }, config: { tuning: { pollIntervalSeconds: 0.05, maxRetries: 10, retryDelayMs: 20, maxRetryDelayMs: 300 } } });
  }, 60_000);
  afterAll(() => s?.stop());

  test("refused connections during the wait are retried in the provider process; the create completes with one training", async () => {
    let outage: Promise<void> | undefined;
    s.emu.onRequest((e) => {
      if (!outage && e.method === "POST" && /\/speechtotext\/models$/.test(e.path)) outage = new Promise((r) => setTimeout(r, 200)).then(() => s.outage(1500));
    });
    const r = await s.deployment.up();
    await outage;
    expect(outage).toBeDefined();
    // The wait went on across the outage: the model was polled again by the restarted service, and nothing failed.
    const model = live(s.deployment, "model");
    expect(requestsSince(s.emu, 0, { method: "GET", path: new RegExp(`/models/${model.id}$`) }).length).toBeGreaterThan(0);
    expect(r.error).toBeUndefined();
    expect(live(s.deployment, "model").outputs.status).toBe("Succeeded");
    expect((await entitiesOf(s.client())).models).toBe(1);
  });
});
