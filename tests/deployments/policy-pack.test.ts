// The policy pack (policy/) run by the real Pulumi CLI, as the workflows run it: `pulumi preview --policy-pack policy
// --policy-pack-config policy/config/<stack>.json`. The sandbox stack passes; the same program as a `prod-*` stack
// with unprotected endpoints is stopped by the mandatory prod-endpoint-protected policy, and passes once
// protectEndpoints is set.
import * as path from "path";
import { ROOT, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // runs of the real Pulumi CLI

const pack = (config: string) => ({ policyPacks: [path.join(ROOT, "policy")], policyPackConfigs: [path.join(ROOT, "policy/config", `${config}.json`)] });

describe("the policy pack in pulumi preview", () => {
  let dev: SandboxStack;
  let prod: SandboxStack;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([sandboxStack(), sandboxStack({ stack: "prod-eu" })]);
  });
  afterAll(async () => {
    await dev?.stop();
    await prod?.stop();
  });

  test("the sandbox stack passes with the dev pack config", async () => {
    const r = await dev.stack.preview(pack("dev"));
    expect(r.error).toBeUndefined();
    expect(r.output).not.toMatch(/mandatory/);
  });

  test("a prod-* stack with unprotected endpoints is refused by the mandatory prod-endpoint-protected, naming the endpoint", async () => {
    const r = await prod.stack.preview(pack("prod"));
    expect(r.error).toBeDefined();
    expect(r.output).toMatch(/\[mandatory\]\s+prod-endpoint-protected/);
    expect(r.output).toMatch(/speech-en-us-endpoint/);
    expect(r.output).not.toMatch(/prod-locale-evaluation-gate.*\n.*mandatory/);
  });

  test("with protectEndpoints set, the same prod-* stack passes", async () => {
    prod.stack.setConfig("protectEndpoints", true);
    const r = await prod.stack.preview(pack("prod"));
    expect(r.error).toBeUndefined();
    expect(r.output).not.toMatch(/mandatory/);
  });
});
