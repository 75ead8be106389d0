// Repairing a state written by 0.1.0, whose resources carry the whole implementation as their provider (~100 KB,
// twice) and whose partial failures carry none. Refresh of such a state fails as it did; one `up` stores the thin
// provider in every resource's outputs (an update that only adds the handover tag), after which refresh and
// destroy work. docs/custom-speech-resources.md ("Upgrading from 0.1.0") tells users to do this.
import { THIN_PROVIDER_MARKER, thinProvider } from "../../components/custom-speech/provider";
import { serializeProvider } from "../support/deployment";
import { entitiesOf, live, opsOf, requestsSince, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

let s: SandboxStack;
beforeAll(async () => {
  s = await deployedSandboxStack();
  // What 0.1.0 stored: a working provider of 0.1.0's size without the thin provider's marker (0.1.0 serialized the
  // implementation by value; here a loader without the marker, padded to that size), and no handover tag.
  const fat: Record<string, string> = {};
  const cwd = process.cwd();
  process.chdir(s.dir); // as the program made it: relative to the project directory
  for (const kind of ["Project", "Dataset", "Model", "Evaluation", "Endpoint"]) {
    fat[kind] = (await serializeProvider(thinProvider(kind))).split(THIN_PROVIDER_MARKER).join("pulumi-custom-speech:0.1.0") + `\n/* ${"0".repeat(97_000)} */\n`;
  }
  process.chdir(cwd);
  for (const r of s.deployment.checkpoint.resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/"))) {
    const kind = r.type.split(":").pop()!;
    r.outputs.__provider = fat[kind];
    r.inputs.__provider = fat[kind];
    delete r.outputs.managedTag;
  }
  // 0.1.0's partial failures left the provider out of the outputs altogether.
  delete live(s.deployment, "model").outputs.__provider;
}, 60_000);
afterAll(() => s?.stop());

test("the old state is as large as reported: the serialized implementation per resource, stored twice", () => {
  const legacyBytes = s.deployment.checkpoint.bytes();
  expect(live(s.deployment, "endpoint").outputs.__provider.length).toBeGreaterThan(50_000);
  expect(legacyBytes).toBeGreaterThan(7 * 2 * 50_000);
});

test("refresh of the old state fails where 0.1.0 failed: the model's outputs have no provider", async () => {
  const r = await s.deployment.refresh();
  expect(r.steps.filter((x) => x.error).map((x) => [x.name, x.error])).toEqual([["speech-en-us-model", expect.stringMatching(/code must be a string, not undefined/)]]);
});

test("one up repairs it: an update per resource that writes only the handover tag; then refresh and destroy work", async () => {
  const mark = s.emu.requestLog.length;
  const r = await s.deployment.up();
  expect(r.error).toBeUndefined();
  for (const part of ["project", "callcenter-train", "product-names", "callcenter-test", "model", "evaluation", "endpoint"]) {
    expect(opsOf(r)[`speech-en-us-${part}`]).toBe("update");
    const state = live(s.deployment, part);
    expect(state.outputs.__provider).toContain(THIN_PROVIDER_MARKER);
    expect(state.outputs.__provider.length).toBeLessThanOrEqual(4096);
    expect(state.outputs.managedTag).toMatch(/^[0-9a-f]{16}$/);
  }
  const writes = requestsSince(s.emu, mark, { writes: true });
  expect(writes.map((w) => w.method)).toEqual(Array(7).fill("PATCH"));
  expect((await s.deployment.refresh()).error).toBeUndefined();
  expect((await s.deployment.destroy()).error).toBeUndefined();
  expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
});
