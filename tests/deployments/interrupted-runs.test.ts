// Scenarios 4 and 5 on the real engine: runs that stop half-way. A training that outlives its wait budget fails the
// `up` with a partial failure that refresh, destroy and the next `up` all handle. A `pulumi up` killed with SIGKILL
// while a model trains leaves the backend's lock and a pending create; the documented way back (`pulumi cancel`,
// `pulumi refresh --clear-pending-creates`, `pulumi up`) ends with one training and nothing left behind. A provider
// process killed right after a POST leaves an entity the next `up` adopts instead of training twice.
import { alive } from "../support/engine";
import { entitiesOf, live, requestsSince, sandboxStack, stackFileValues, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

const trainings = (s: SandboxStack) => requestsSince(s.emu, 0, { method: "POST", path: /\/models$/ }).length;
const PIPELINE = { projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 };

/** The sandbox locale with a training wait budget of `minutes`. */
function withTrainingWait(minutes: number | undefined) {
  const [locale] = stackFileValues("sandbox").locales as any[];
  return [{ ...locale, training: { ...locale.training, waitMinutes: minutes } }];
}

const until = async (what: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !what() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  return what();
};

describe("a training that outlives waitMinutes", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    // Trainings take 8 s here; the budget is 0.01 minutes (0.6 s).
    s = await sandboxStack({ emulator: { durations: { dataset: 60, model: 8000, endpoint: 60, evaluation: 60 } }, config: { locales: withTrainingWait(0.01) } });
  });
  afterAll(() => s?.stop());

  test("up fails with a partial failure that keeps the model, and its provider, in the state", async () => {
    const r = await s.stack.up();
    expect(r.error?.message).toMatch(/Model [0-9a-f-]{36} is still (NotStarted|Running) after the 0.01-minute wait budget \(waitMinutes\); it was kept in the state: run `pulumi up` again to resume/);
    expect(r.steps.find((x) => x.name === "speech-en-us-model")).toMatchObject({ op: "create", initFailed: true });
    const model = live(s.stack, "model");
    expect(model.initErrors).toHaveLength(1);
    expect(model.outputs.__provider).toBe(model.inputs.__provider);
    // Nothing downstream of the model was declared: the endpoint does not exist yet.
    expect(s.stack.state.resources.map((x) => x.name)).not.toContain("speech-en-us-endpoint");
  });

  test("refresh straight after it works, reading the model that still trains", async () => {
    const r = await s.stack.refresh();
    expect(r.error).toBeUndefined();
    expect(r.steps.find((x) => x.name === "speech-en-us-model")?.op).toBe("refresh");
    expect(["NotStarted", "Running"]).toContain(live(s.stack, "model").outputs.status);
  });

  test("the next up resumes waiting without a second POST, then gates and deploys", async () => {
    s.stack.setConfig("locales", withTrainingWait(undefined));
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    // The provider's diff sees the unfinished training, and the update resumes it.
    expect(r.steps.find((x) => x.name === "speech-en-us-model")?.op).toBe("update");
    expect(trainings(s)).toBe(1);
    expect(live(s.stack, "model").initErrors).toBeUndefined();
    expect(live(s.stack, "endpoint").outputs.servedModel).toBe(live(s.stack, "model").outputs.self);
  });

  test("destroy straight after a partial failure removes everything, the training model and the pending deletes included", async () => {
    s.stack.setConfig("locales", withTrainingWait(0.01));
    await s.changeData("product-names", "another product");
    const failed = await s.stack.up();
    expect(failed.error?.message).toMatch(/wait budget/);
    expect(s.stack.state.resources.filter((x) => x.delete).map((x) => x.name).sort()).toEqual(["speech-en-us-model", "speech-en-us-product-names"]);
    const r = await s.stack.destroy();
    expect(r.error).toBeUndefined();
    expect(s.stack.state.resources).toEqual([]);
    expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
  });
});

describe("a pulumi up killed with SIGKILL while a model trains", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    s = await sandboxStack({ emulator: { durations: { dataset: 60, model: 2000, endpoint: 60, evaluation: 60 } } });
  });
  afterAll(() => s?.stop());

  test("the orphaned provider stops instead of handing the model over; lock and pending create are left", async () => {
    const run = await s.stack.upInBackground();
    let tree: { pid: number; command: string }[] = [];
    s.emu.onRequest((e) => {
      if (e.method === "POST" && /\/speechtotext\/models$/.test(e.path) && e.status === 201) {
        tree = run.processes();
        process.kill(run.pid, "SIGKILL"); // the CLI only: its plugins run in process groups of their own
      }
    });
    await run.exited;
    const provider = tree.find((p) => p.command.includes("dynamic-provider"));
    expect(provider).toBeDefined();
    // The provider sees its engine gone and exits well before the training ends: it writes no hand-over tag.
    expect(await until(() => !alive(provider!.pid), 3000)).toBe(true);
    // The language host is Pulumi's: it lives on as an orphan, and the test ends it.
    for (const p of tree) if (alive(p.pid)) process.kill(p.pid, "SIGKILL");
    s.emu.onRequest(undefined);
    await new Promise((r) => setTimeout(r, 2500)); // the training ends meanwhile
    const [model] = await s.client().listModels();
    expect(model.customProperties?.["pulumi-managed"]).toBe("pending");
    const state = await s.stack.readState();
    expect(state.pendingOperations).toEqual([{ type: "creating", urn: expect.stringMatching(/Model::speech-en-us-model$/) }]);
    expect(s.backend.locks(s.stack.project, s.stack.name).length).toBeGreaterThan(0);
  });

  test("the next up is refused by the lock, naming `pulumi cancel`", async () => {
    const r = await s.stack.up();
    expect(r.error?.message).toMatch(/the stack is currently locked by 1 lock\(s\)[^]*pulumi cancel/);
    expect(trainings(s)).toBe(1);
  });

  test("pulumi cancel, pulumi refresh --clear-pending-creates, pulumi up: one training, nothing duplicated, nothing left behind", async () => {
    expect((await s.stack.cli(["cancel", "--yes"])).code).toBe(0);
    expect(s.backend.locks(s.stack.project, s.stack.name)).toEqual([]);
    const refreshed = await s.stack.refresh({ clearPendingCreates: true });
    expect(refreshed.error).toBeUndefined();
    expect(s.stack.state.pendingOperations).toEqual([]);
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.severity === "warning")).toEqual([]);
    expect(trainings(s)).toBe(1);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
    const model = live(s.stack, "model");
    expect(live(s.stack, "endpoint").outputs.servedModel).toBe(model.outputs.self);
    // Handed over now: the entity carries the tag the state records.
    expect((await s.client().getModel(model.id!)).customProperties?.["pulumi-managed"]).toBe(model.outputs.managedTag);
    expect(s.stack.state.pendingOperations).toEqual([]);
    expect(s.backend.locks(s.stack.project, s.stack.name)).toEqual([]);
  });
});

describe("a provider process killed right after a create's POST, then the service unreachable during a retrain", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    // Polls at most 0.6 s apart (12 × 0.05 s) and retries for about 2 s: a 1.5 s outage refuses at least two polls.
    s = await sandboxStack({
      emulator: { durations: { dataset: 60, model: 2500, endpoint: 60, evaluation: 60 } },
      config: { tuning: { pollIntervalSeconds: 0.05, maxRetries: 10, retryDelayMs: 20, maxRetryDelayMs: 300 } },
    });
  });
  afterAll(() => s?.stop());

  test("the run fails, the model exists on the service but not in the state, and the rerun adopts it: no second training", async () => {
    s.emu.onRequest((e) => {
      if (e.method === "POST" && /\/speechtotext\/models$/.test(e.path) && e.status === 201) s.stack.killProvider();
    });
    const crashed = await s.stack.up();
    s.emu.onRequest(undefined);
    expect(crashed.error).toBeDefined();
    expect(crashed.steps.find((x) => x.name === "speech-en-us-model")?.error).toBeDefined();
    expect(s.stack.state.resources.map((x) => x.name)).not.toContain("speech-en-us-model");
    expect((await entitiesOf(s.client())).models).toBe(1);

    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(trainings(s)).toBe(1);
    const model = live(s.stack, "model");
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
    expect(live(s.stack, "endpoint").outputs.servedModel).toBe(model.outputs.self);
    expect((await s.client().getModel(model.id!)).customProperties?.["pulumi-managed"]).toBe(model.outputs.managedTag);
  });

  test("refused connections while the retrain is polled are retried in the provider process; it completes with one training", async () => {
    s.emu.setScenario({ customModelWordErrorRate: 5 });
    await s.changeData("product-names", "a phrase for the retrain");
    let outage: Promise<void> | undefined;
    let posts = 0;
    s.emu.onRequest((e) => {
      if (e.method !== "POST" || !/\/speechtotext\/models$/.test(e.path)) return;
      posts++;
      outage ??= new Promise((r) => setTimeout(r, 200)).then(() => s.outage(1500));
    });
    const r = await s.stack.up();
    await outage;
    expect(outage).toBeDefined();
    // The restarted service has a request log of its own: the retrain was POSTed once, before the outage.
    expect(posts).toBe(1);
    const model = live(s.stack, "model");
    expect(requestsSince(s.emu, 0, { method: "GET", path: new RegExp(`/models/${model.id}$`) }).length).toBeGreaterThan(0);
    expect(r.error).toBeUndefined();
    expect(model.outputs.status).toBe("Succeeded");
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });
});
