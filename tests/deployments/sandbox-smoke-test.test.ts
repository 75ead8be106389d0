// The smoke test of the sandbox's deployed endpoint, as deploy.yml runs it after `up`: the real sandbox deployment
// (index.ts + Pulumi.sandbox.yaml on the Pulumi engine, the emulator, Azurite), `pulumi stack export`, then
// `npm run smoke-test -- --stack-config Pulumi.sandbox.yaml --stack-export …` with the stack file's own clips.
import * as fs from "fs";
import * as path from "path";
import { main as smokeTest } from "../../scripts/smoke-test";
import { ROOT, deployedSandboxStack, live, type SandboxStack } from "../support/sandbox-stack";
import { capture } from "../support/capture";

jest.setTimeout(180_000); // a run of the real Pulumi CLI

let s: SandboxStack;
let exported: string;
beforeAll(async () => {
  s = await deployedSandboxStack();
  exported = path.join(s.dir, "state.json");
  fs.writeFileSync(exported, await s.stack.exportState());
});
afterAll(() => s?.stop());

const run = (args: string[]) => capture(() => smokeTest(args, { SPEECH_KEY: s.emu.resources.speech.key }));
const args = ["--stack-config", path.join(ROOT, "Pulumi.sandbox.yaml"), "--stack-export", "", "--retries", "0"];
const withExport = () => args.map((a, i) => (i === 3 ? exported : a));
const modelId = () => live(s.stack, "model").id!;

test("the healthy sandbox endpoint passes with the stack file's clips", async () => {
  const r = await run(withExport());
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toContain(`Smoke test of endpoint ${live(s.stack, "endpoint").id} (en-US) on ${s.emu.resources.speech.endpoint}`);
  expect(r.out).toContain("3 of 3 clip(s) passed");
});

test("a degraded model behind the same endpoint fails, naming the clip, the expected and the heard text", async () => {
  s.emu.setScenario({ perModel: { [modelId()]: 45 } });
  try {
    const r = await run(withExport());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/failed: examples\/sandbox\/en-US\/smoke\/greeting\.wav \(en-US\): expected "Thank you for calling Contoso support\. How can I help you today\?", heard "[a-z ]+" \(WER 41\.7 %, at most 20 %\)/);
  } finally {
    s.emu.setScenario({ perModel: {} });
  }
});

test("--changed-since: only endpoints that are new or serve another model since the export before the up are tested", async () => {
  const unchanged = await run([...withExport(), "--changed-since", exported]);
  expect(unchanged.code).toBe(0);
  expect(unchanged.out).toContain(`No endpoint with smokeTest clips is new or serves another model since ${exported}: nothing to test.`);
  expect(unchanged.out).not.toContain("Smoke test of endpoint");

  // Before the update the endpoint served another model (a retrain swapped it): tested.
  const before = JSON.parse(fs.readFileSync(exported, "utf8"));
  const stack = before.deployment.resources.find((r: { type: string }) => r.type === "pulumi:pulumi:Stack");
  expect(stack.outputs.locales["en-US"].modelId).toBe(modelId());
  stack.outputs.locales["en-US"].modelId = "the-model-before";
  const swapped = path.join(s.dir, "before-swap.json");
  fs.writeFileSync(swapped, JSON.stringify(before));
  const r = await run([...withExport(), "--changed-since", swapped]);
  expect(r.code).toBe(0);
  expect(r.out).toContain("3 of 3 clip(s) passed");

  // A first deployment (an export of a stack never deployed): every endpoint is new.
  const empty = path.join(s.dir, "before-first.json");
  fs.writeFileSync(empty, JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } }));
  expect((await run([...withExport(), "--changed-since", empty])).out).toContain("3 of 3 clip(s) passed");
});

test("an endpoint that no longer exists: exit 3 naming it", async () => {
  const id = live(s.stack, "endpoint").id!;
  await s.client().deleteEndpoint(id);
  const r = await run(withExport());
  expect(r.code).toBe(3);
  expect(r.err).toBe(`error: endpoint ${id} does not exist on the Speech resource ${s.emu.resources.speech.endpoint}.\n`);
});
