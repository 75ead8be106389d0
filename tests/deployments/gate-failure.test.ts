// Scenario 3: a failing evaluation gate across runs. The failed `up` names the WER figures and leaves the endpoint
// on the old model; an unchanged `up` fails the same way without training again; `up` with better data passes,
// swaps, and deletes every entity the failed runs left behind — the failed evaluation included.
import { entitiesOf, live, requestsSince, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

let s: SandboxStack;
beforeAll(async () => {
  s = await deployedSandboxStack();
});
afterAll(() => s?.stop());

const trainings = () => requestsSince(s.emu, 0, { method: "POST", path: /\/models$/ }).length;
const evaluations = () => requestsSince(s.emu, 0, { method: "POST", path: /\/evaluations$/ }).length;

describe("a failing evaluation gate", () => {
  let served: string;
  let failedEvaluation: string;

  test("up fails naming the WER figures, and the endpoint keeps serving the old model", async () => {
    served = live(s.stack, "model").outputs.self;
    // The new data makes a worse model: 11 % against the 8 % the endpoint serves (the gate allows at most 10 %).
    s.emu.setScenario({ customModelWordErrorRate: 11 });
    await s.changeData("product-names", "a misleading phrase");
    const r = await s.stack.up();
    expect(r.error?.message).toMatch(/Evaluation gate failed for speech-en-us-evaluation: candidate WER 11% is above maxWordErrorRate 10%.*Baseline \(model1\) WER 8%, candidate \(model2\) WER 11%/);
    const endpoint = live(s.stack, "endpoint");
    expect(endpoint.outputs.servedModel).toBe(served);
    expect((await s.client().getEndpoint(endpoint.id!)).model?.self).toBe(served);
    // The failed evaluation is kept with its init errors; what it replaced waits for a successful run.
    const evaluation = live(s.stack, "evaluation");
    expect(evaluation.initErrors?.[0]).toContain("gate failed");
    expect(evaluation.outputs).toMatchObject({ passed: false, approvedModel: null, wordErrorRate2: 11 });
    failedEvaluation = evaluation.id!;
    expect(s.stack.state.resources.filter((x) => x.delete).map((x) => x.name).sort()).toEqual(["speech-en-us-evaluation", "speech-en-us-model", "speech-en-us-product-names"]);
    expect(r.steps.filter((x) => x.op === "delete")).toEqual([]);
  });

  test("up again with nothing changed fails the same way, without training or evaluating again", async () => {
    const [t, e] = [trainings(), evaluations()];
    const r = await s.stack.up();
    expect(r.error?.message).toMatch(/gate failed.*candidate WER 11%/);
    expect(r.steps.find((x) => x.name === "speech-en-us-evaluation")).toMatchObject({ op: "update", initFailed: true });
    expect([trainings(), evaluations()]).toEqual([t, e]);
    expect(live(s.stack, "evaluation").id).toBe(failedEvaluation);
    expect((await s.client().getEndpoint(live(s.stack, "endpoint").id!)).model?.self).toBe(served);
  });

  test("after a refresh (which clears the engine's init errors) the next up reports the failed gate again", async () => {
    expect((await s.stack.refresh()).error).toBeUndefined();
    expect(live(s.stack, "evaluation").initErrors).toBeUndefined();
    const [t, e] = [trainings(), evaluations()];
    const r = await s.stack.up();
    expect(r.error?.message).toMatch(/gate failed.*candidate WER 11%/);
    expect(r.steps.find((x) => x.name === "speech-en-us-evaluation")).toMatchObject({ op: "update", initFailed: true });
    expect([trainings(), evaluations()]).toEqual([t, e]);
  });

  test("up with better data passes, swaps in place, and deletes every replaced entity, the failed evaluation included", async () => {
    const endpointId = live(s.stack, "endpoint").id;
    const leftovers = s.stack.state.resources.filter((x) => x.delete || x.id === failedEvaluation || x.name.endsWith("-model") || x.name.endsWith("-product-names"));
    s.emu.setScenario({ customModelWordErrorRate: 5 });
    await s.changeData("product-names", "the right phrase");
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    const model = live(s.stack, "model");
    expect(live(s.stack, "endpoint").id).toBe(endpointId);
    expect((await s.client().getEndpoint(endpointId!)).model?.self).toBe(model.outputs.self);
    expect(live(s.stack, "evaluation").outputs).toMatchObject({ passed: true, wordErrorRate1: 8, wordErrorRate2: 5 });
    // Two generations of model, dataset and evaluation: the first run's and the failed run's.
    const deleted = r.steps.filter((x) => x.op === "delete").map((x) => x.name).sort();
    expect(deleted).toEqual(["speech-en-us-evaluation", "speech-en-us-evaluation", "speech-en-us-model", "speech-en-us-model", "speech-en-us-product-names", "speech-en-us-product-names"]);
    for (const x of leftovers.filter((l) => l.id !== model.id && l.id !== live(s.stack, "product-names").id)) {
      const get = x.name.endsWith("-evaluation") ? s.client().getEvaluation(x.id!) : x.name.endsWith("-model") ? s.client().getModel(x.id!) : s.client().getDataset(x.id!);
      await expect(get).rejects.toMatchObject({ statusCode: 404 });
    }
    await expect(s.client().getEvaluation(failedEvaluation)).rejects.toMatchObject({ statusCode: 404 });
    expect(s.stack.state.resources.filter((x) => x.delete || x.initErrors)).toEqual([]);
    expect(await entitiesOf(s.client())).toEqual({ projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 });
  });
});
