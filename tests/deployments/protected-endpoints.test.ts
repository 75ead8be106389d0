// protectEndpoints across runs, as prod uses it: a retrain still swaps the protected endpoint in place (an update,
// not a delete); `destroy` refuses the endpoint and so deletes nothing (the engine refuses to delete a protected resource,
// and the endpoint is the first to go); unsetting protectEndpoints and running `up` lets the next destroy finish.
import { entitiesOf, live, opsOf, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

let s: SandboxStack;
beforeAll(async () => {
  s = await deployedSandboxStack({ config: { protectEndpoints: true } });
});
afterAll(() => s?.stop());

const PIPELINE = { projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 };

describe("protected endpoints across runs", () => {
  test("the first up protects the endpoint only", () => {
    const protectedNames = s.stack.state.resources.filter((r) => r.protect).map((r) => r.name);
    expect(protectedNames).toEqual(["speech-en-us-endpoint"]);
  });

  test("a retrain swaps the protected endpoint in place and deletes the old model", async () => {
    const endpoint = live(s.stack, "endpoint");
    const oldModel = live(s.stack, "model").outputs.self;
    // A better model (5 % against the 8 % served) so that the gate passes.
    s.emu.setScenario({ customModelWordErrorRate: 5 });
    await s.changeData("product-names", "contoso turbo max pro");
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)).toMatchObject({ "speech-en-us-model": "replace,delete", "speech-en-us-endpoint": "update" });
    const after = live(s.stack, "endpoint");
    expect(after.id).toBe(endpoint.id);
    expect(after.outputs.servedModel).not.toBe(oldModel);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("destroy refuses the protected endpoint and deletes nothing", async () => {
    const r = await s.stack.destroy();
    expect(r.error?.message).toMatch(/Endpoint::speech-en-us-endpoint" cannot be deleted\s+because it is protected/);
    expect(r.steps.filter((x) => x.op === "delete").map((x) => [x.name, x.error !== undefined])).toEqual([["speech-en-us-endpoint", true]]);
    expect(await entitiesOf(s.client())).toEqual(PIPELINE);
  });

  test("with protectEndpoints unset, an up records it and the next destroy leaves nothing", async () => {
    s.stack.setConfig("protectEndpoints", false);
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
    expect(s.stack.state.resources.filter((x) => x.protect)).toEqual([]);
    const d = await s.stack.destroy();
    expect(d.error).toBeUndefined();
    expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
  });
});
