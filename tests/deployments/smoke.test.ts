import { sandboxStack, entitiesOf, type SandboxStack } from "../support/sandbox-stack";

let s: SandboxStack;
beforeAll(async () => {
  s = await sandboxStack();
}, 60_000);
afterAll(() => s?.stop());

it("smoke", async () => {
  const t0 = Date.now();
  const r = await s.deployment.up();
  console.log(Date.now() - t0, r.error, r.steps.map((x) => `${x.op} ${x.name} ${x.error ?? ""}`), r.outputs, r.diagnostics.filter((d) => d.severity !== "debug"));
  const t1 = Date.now();
  const p = await s.deployment.preview();
  console.log("preview", Date.now() - t1, p.error, p.steps.map((x) => `${x.op} ${x.name}`).join(", "));
  const t2 = Date.now();
  const f = await s.deployment.refresh();
  console.log("refresh", Date.now() - t2, f.error, f.steps.map((x) => `${x.op} ${x.name}`).join(", "));
  const t3 = Date.now();
  const d = await s.deployment.destroy();
  console.log("destroy", Date.now() - t3, d.error, d.steps.map((x) => `${x.op} ${x.name} ${x.error ?? ""}`).join(", "));
  console.log(await entitiesOf(s.client()), s.deployment.checkpoint.resources.length);
}, 120_000);
