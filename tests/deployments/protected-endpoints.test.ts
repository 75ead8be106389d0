// protectEndpoints across runs, as prod uses it: a retrain still swaps the protected endpoint in place (an update,
// not a delete); `destroy` refuses the endpoint and so deletes nothing (step.go DeleteStep.Apply refuses a protected
// resource; the endpoint is the first to go); unsetting protectEndpoints and running `up` lets the next destroy finish.
import { entitiesOf, live, opsOf, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

let s: SandboxStack;
beforeAll(async () => {
  s = await deployedSandboxStack({ config: { protectEndpoints: true } });
}, 60_000);
afterAll(() => s?.stop());

const PIPELINE = { projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 };

describe("protected endpoints across runs", () => {
  test("the first up protects the endpoint only", () => {
    const protectedNames = s.deployment.checkpoint.resources.filter((r) => r.protect).map((r) => r.name);
    expect(protectedNames).toEqual(["speech-en-us-endpoint"]);
  });

  test("a retrain swaps the protected endpoint in place and deletes the old model", async () => {
    const endpoint = live(s.deployment, "endpoint");
    const oldModel = live(s.deployment, "model").outputs.self;
    // A better model (5 % against the 8 % served) so that the gate passes.
    s.emu.setScenario({ customModelWordErrorRate: 5 });
    await s.changeData("product-names", "contoso turbo max pro");
    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)).toMatchObject({ "speech-en-us-model": "replace,delete", "speech-en-us-endpoint": "update" });
    const after = live(s.deployment, "endpoint");
    expect(after.id).toBe(endpoint.id);
    expect(after.outputs.servedModel).not.toBe(oldModel);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("destroy refuses the protected endpoint and deletes nothing", async () => {
    const r = await s.deployment.destroy();
    expect(r.error?.message).toMatch(/speech-en-us-endpoint is protected/);
    expect(r.steps.filter((x) => x.op === "delete").map((x) => [x.name, x.error !== undefined])).toEqual([["speech-en-us-endpoint", true]]);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("with protectEndpoints unset, an up records it and the next destroy leaves nothing", async () => {
    s.deployment.setConfig("protectEndpoints", false);
    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
    expect(s.deployment.checkpoint.resources.filter((x) => x.protect)).toEqual([]);
    const d = await s.deployment.destroy();
    expect(d.error).toBeUndefined();
    expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
  });
});
