// Repairing a state written by 0.1.0, whose resources carry the whole implementation as their provider (~100 KB,
// twice), whose partial failures carry none, and whose entities have no handover tag. Refresh of such a state fails
// as it did. One `up` repairs every resource the program declares (an update that only adds the handover tag), but
// cannot delete a pending delete without a provider; `npm run repair-state` on the exported state fixes every
// resource, after which `up`, refresh and destroy work. docs/custom-speech-resources.md, "Upgrading from 0.1.0".
import { THIN_PROVIDER_MARKER, thinProvider } from "../../components/custom-speech/provider";
import { currentProviders, repairProviders } from "../../scripts/repair-state";
import { serializeProvider } from "../support/deployment";
import { entitiesOf, live, opsOf, requestsSince, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

let s: SandboxStack;
let replacedDataset: string;

/** Runs `f` in the project directory, where the program (and so the provider's file reference) runs. */
async function inProject<T>(f: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(s.dir);
  try {
    return await f();
  } finally {
    process.chdir(cwd);
  }
}

beforeAll(async () => {
  // The providers repair-state computes here name the TypeScript implementation, as the state of a project run with
  // ts-node does: so the program runs that way too.
  s = await deployedSandboxStack({ typescript: true });
  // What 0.1.0 stored: a working provider of 0.1.0's size without the thin provider's marker (0.1.0 serialized the
  // implementation by value; here a loader without the marker, padded to that size), and no handover tag.
  const fat: Record<string, string> = {};
  await inProject(async () => {
    for (const kind of ["Project", "Dataset", "Model", "Evaluation", "Endpoint"]) {
      fat[kind] = (await serializeProvider(thinProvider(kind))).split(THIN_PROVIDER_MARKER).join("pulumi-custom-speech:0.1.0") + `\n/* ${"0".repeat(97_000)} */\n`;
    }
  });
  for (const r of s.deployment.checkpoint.resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/"))) {
    const kind = r.type.split(":").pop()!;
    Object.assign(r.outputs, { __provider: fat[kind] });
    Object.assign(r.inputs, { __provider: fat[kind] });
    delete r.outputs.managedTag;
    const c = s.client();
    const untag = { customProperties: { "pulumi-managed": null } as never };
    const update = { Project: () => c.updateProject(r.id!, untag), Dataset: () => c.updateDataset(r.id!, untag), Model: () => c.updateModel(r.id!, untag), Evaluation: () => c.updateEvaluation(r.id!, untag), Endpoint: () => c.updateEndpoint(r.id!, untag) };
    await update[kind as keyof typeof update]();
  }
  // 0.1.0's partial failures left the provider out of the outputs: the live model, and a replaced dataset that is
  // still waiting to be deleted (a partial failure that a later run replaced).
  delete live(s.deployment, "model").outputs.__provider;
  const dataset = live(s.deployment, "product-names");
  const made = await s.client().createDataset({ displayName: "speech-en-us-product-names", locale: "en-US", kind: "Language", contentUrl: "https://acct.blob.core.windows.net/c/old.txt" });
  replacedDataset = made.self!.split("?")[0].split("/").pop()!;
  const pending = structuredClone(dataset);
  Object.assign(pending, { id: replacedDataset, delete: true });
  delete pending.outputs.__provider;
  s.deployment.checkpoint.resources.splice(s.deployment.checkpoint.resources.indexOf(dataset), 0, pending);
}, 60_000);
afterAll(() => s?.stop());

test("the old state is as large as reported: a ~100 KB provider per resource, stored twice", () => {
  expect(live(s.deployment, "endpoint").outputs.__provider.length).toBeGreaterThan(90_000);
  expect(s.deployment.checkpoint.bytes()).toBeGreaterThan(7 * 2 * 90_000);
});

test("refresh of the old state fails where 0.1.0 failed: outputs without a provider", async () => {
  const r = await s.deployment.refresh();
  const failed = r.steps.filter((x) => x.error).map((x) => x.name).sort();
  expect(failed).toEqual(["speech-en-us-model", "speech-en-us-product-names"]);
  for (const x of r.steps.filter((y) => y.error)) expect(x.error).toMatch(/code must be a string, not undefined/);
});

test("a plain up repairs what the program declares, but cannot delete the pending delete that has no provider", async () => {
  const mark = s.emu.requestLog.length;
  const r = await s.deployment.up();
  for (const part of ["project", "callcenter-train", "product-names", "callcenter-test", "model", "evaluation", "endpoint"]) {
    expect(opsOf(r)[`speech-en-us-${part}`]).toMatch(/^update/);
    const state = live(s.deployment, part);
    expect(state.outputs.__provider).toContain(THIN_PROVIDER_MARKER);
    expect(state.outputs.__provider.length).toBeLessThanOrEqual(4096);
    expect(state.outputs.managedTag).toMatch(/^[0-9a-f]{16}$/);
  }
  // The updates write nothing but the handover tag (one PATCH per entity).
  expect(requestsSince(s.emu, mark, { writes: true }).map((w) => w.method)).toEqual(Array(7).fill("PATCH"));
  expect(r.error?.message).toMatch(/code must be a string, not undefined/);
  expect(s.deployment.checkpoint.resources.filter((x) => x.delete).map((x) => x.id)).toEqual([replacedDataset]);
});

test("repair-state on the exported state gives every resource the current provider; then up, refresh and destroy work", async () => {
  const exported = JSON.parse(s.deployment.checkpoint.serialize());
  const changed = repairProviders(exported, await inProject(currentProviders));
  expect(changed).toEqual([expect.stringContaining("::speech-en-us-product-names")]);
  s.deployment.checkpoint = s.deployment.checkpoint.deserialize(JSON.stringify(exported));
  const r = await s.deployment.up();
  expect(r.error).toBeUndefined();
  expect(r.steps.filter((x) => x.op === "delete").map((x) => x.name)).toEqual(["speech-en-us-product-names"]);
  await expect(s.client().getDataset(replacedDataset)).rejects.toMatchObject({ statusCode: 404 });
  expect((await s.deployment.refresh()).error).toBeUndefined();
  expect((await s.deployment.destroy()).error).toBeUndefined();
  expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
});
