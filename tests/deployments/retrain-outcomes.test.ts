// How a retrain ends, across runs, on one deployed stack. A gate that fails is decided again when its thresholds
// change: the next `up` passes without a new evaluation and swaps. A training that fails keeps failing with the
// service's reason on every `up` — a refresh in between included — without training again, and the endpoint keeps
// its model.
import { live, requestsSince, deployedSandboxStack, stackFileValues, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

const count = (s: SandboxStack, collection: string) => requestsSince(s.emu, 0, { method: "POST", path: new RegExp(`/${collection}$`) }).length;

let s: SandboxStack;
beforeAll(async () => {
  s = await deployedSandboxStack();
});
afterAll(() => s?.stop());

describe("a failed gate whose thresholds are relaxed", () => {
  test("is decided again by the next up: it passes without a new evaluation or training, and the endpoint swaps", async () => {
    s.emu.setScenario({ customModelWordErrorRate: 9.5 });
    await s.changeData("product-names", "a slightly better phrase");
    const failed = await s.stack.up();
    expect(failed.error?.message).toMatch(/improvement -1.5 points.*below minWordErrorRateImprovement 2 points/);
    const [trainings, evaluations] = [count(s, "models"), count(s, "evaluations")];
    const [locale] = stackFileValues("sandbox").locales as any[];
    s.stack.setConfig("locales", [{ ...locale, evaluation: { ...locale.evaluation, minWordErrorRateImprovement: -2 } }]);
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(r.steps.find((x) => x.name === "speech-en-us-evaluation")?.op).toBe("update");
    expect([count(s, "models"), count(s, "evaluations")]).toEqual([trainings, evaluations]);
    expect(live(s.stack, "evaluation").outputs).toMatchObject({ passed: true, wordErrorRate2: 9.5 });
    expect((await s.client().getEndpoint(live(s.stack, "endpoint").id!)).model?.self).toBe(live(s.stack, "model").outputs.self);
  });
});

describe("a failed training", () => {
  test("fails the up with the service's reason on every run, a refresh between included, without training again", async () => {
    const served = live(s.stack, "model").outputs.self;
    // The product-names text turns out unusable: a retrain on it fails.
    s.emu.markDatasetBad("speech", live(s.stack, "product-names").id!, "the product names file holds no usable lines");
    await s.changeData("callcenter-train", "words for a retrain");
    const failed = await s.stack.up();
    expect(failed.error?.message).toMatch(/Model [0-9a-f-]{36} failed: FailedDataset: .*the product names file holds no usable lines.*It stays failed until its create-only inputs/);
    const trainings = count(s, "models");
    for (const run of ["up", "refresh-then-up"]) {
      if (run === "refresh-then-up") expect((await s.stack.refresh()).error).toBeUndefined();
      const r = await s.stack.up();
      expect([run, r.error?.message]).toEqual([run, expect.stringMatching(/failed: FailedDataset: .*no usable lines/)]);
      expect(r.steps.find((x) => x.name === "speech-en-us-model")?.op).toBe("update");
    }
    expect(count(s, "models")).toBe(trainings);
    expect((await s.client().getEndpoint(live(s.stack, "endpoint").id!)).model?.self).toBe(served);
  });
});
