// Repairing a state written by 0.1.0, on the real engine, brought in as a user would (`pulumi stack export`, the old
// shape, `pulumi stack import`): its resources carry the whole implementation as their provider (~100 KB, twice),
// its partial failures carry none, and its entities have no handover tag. Refresh of such a state fails as it did.
// One `up` repairs every resource the program declares (an update that only adds the handover tag), but cannot
// delete a pending delete without a provider; `npm run repair-state` on the exported state fixes every resource,
// after which `up`, refresh and destroy work. docs/custom-speech-resources.md, "Upgrading from 0.1.0".
import * as fs from "fs";
import * as path from "path";
import { THIN_PROVIDER_MARKER, thinProvider } from "../../components/custom-speech/provider";
import { main as repairState } from "../../scripts/repair-state";
import { serializeProvider } from "../support/provider-server";
import { entitiesOf, live, opsOf, requestsSince, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // runs of the real Pulumi CLI

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
  s = await deployedSandboxStack();
  // What 0.1.0 stored: a working provider of 0.1.0's size without the thin provider's marker (0.1.0 serialized the
  // implementation by value; here a loader without the marker, padded to that size), and no handover tag.
  const fat: Record<string, string> = {};
  await inProject(async () => {
    for (const kind of ["Project", "Dataset", "Model", "Evaluation", "Endpoint"]) {
      const text = await serializeProvider(thinProvider(kind));
      fat[kind] = text.split(THIN_PROVIDER_MARKER).join("pulumi-custom-speech:0.1.0").split("pulumi-custom-speech:provider/").join("pulumi-custom-speech:0.1.0/") + `\n/* ${"0".repeat(97_000)} */\n`;
    }
  });
  const c = s.client();
  const untag = { customProperties: { "pulumi-managed": null } as never };
  const made = await c.createDataset({ displayName: "speech-en-us-product-names", locale: "en-US", kind: "Language", contentUrl: "https://acct.blob.core.windows.net/c/old.txt" });
  replacedDataset = made.self!.split("?")[0].split("/").pop()!;
  const modelUrn = live(s.stack, "model").urn;
  const datasetUrn = live(s.stack, "product-names").urn;
  await s.stack.editState(async (resources) => {
    for (const r of resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/"))) {
      const kind = r.type.split(":").pop()!;
      r.outputs.__provider = fat[kind];
      r.inputs.__provider = fat[kind];
      delete r.outputs.managedTag;
      const update = { Project: () => c.updateProject(r.id, untag), Dataset: () => c.updateDataset(r.id, untag), Model: () => c.updateModel(r.id, untag), Evaluation: () => c.updateEvaluation(r.id, untag), Endpoint: () => c.updateEndpoint(r.id, untag) };
      await update[kind as keyof typeof update]();
    }
    // 0.1.0's partial failures left the provider out of the outputs: the live model, and a replaced dataset that is
    // still waiting to be deleted (a partial failure that a later run replaced).
    delete resources.find((r) => r.urn === modelUrn).outputs.__provider;
    const dataset = resources.find((r) => r.urn === datasetUrn);
    const pending = structuredClone(dataset);
    Object.assign(pending, { id: replacedDataset, delete: true });
    delete pending.outputs.__provider;
    resources.splice(resources.indexOf(dataset), 0, pending);
  });
});
afterAll(() => s?.stop());

test("the old state is as large as reported: a ~100 KB provider per resource, stored twice", async () => {
  expect(live(s.stack, "endpoint").outputs.__provider.length).toBeGreaterThan(90_000);
  expect(s.stack.stateBytes()).toBeGreaterThan(7 * 2 * 90_000);
});

test("refresh of the old state fails where 0.1.0 failed: outputs without a provider", async () => {
  const r = await s.stack.refresh();
  const failed = r.steps.filter((x) => x.error).map((x) => x.name).sort();
  expect(failed).toEqual(["speech-en-us-model", "speech-en-us-product-names"]);
  for (const x of r.steps.filter((y) => y.error)) expect(x.error).toMatch(/code must be a string, not undefined/);
});

test("a plain up repairs what the program declares, but cannot delete the pending delete that has no provider", async () => {
  const mark = s.emu.requestLog.length;
  const r = await s.stack.up();
  for (const part of ["project", "callcenter-train", "product-names", "callcenter-test", "model", "evaluation", "endpoint"]) {
    expect(opsOf(r)[`speech-en-us-${part}`]).toMatch(/^update/);
    const state = live(s.stack, part);
    expect(state.outputs.__provider).toContain(THIN_PROVIDER_MARKER);
    expect(state.outputs.__provider.length).toBeLessThanOrEqual(4096);
    expect(state.outputs.managedTag).toMatch(/^[0-9a-f]{16}$/);
  }
  // The updates write nothing but the handover tag (one PATCH per entity).
  expect(requestsSince(s.emu, mark, { writes: true }).map((w) => w.method)).toEqual(Array(7).fill("PATCH"));
  expect(r.error?.message).toMatch(/code must be a string, not undefined/);
  expect(s.stack.state.resources.filter((x) => x.delete).map((x) => x.id)).toEqual([replacedDataset]);
});

test("repair-state on the exported state gives every resource the current provider; then up, refresh and destroy work", async () => {
  // As a user runs it: export, repair in the project folder, import.
  const exported = path.join(s.dir, "state.json");
  const repaired = path.join(s.dir, "repaired.json");
  fs.writeFileSync(exported, await s.stack.exportState());
  expect(await inProject(() => repairState(["--in", exported, "--out", repaired]))).toBe(0);
  const changed = (JSON.parse(fs.readFileSync(repaired, "utf8")).deployment.resources as { urn: string; outputs: { __provider?: string } }[]).filter((r) => r.outputs.__provider?.includes(THIN_PROVIDER_MARKER));
  expect(changed).toHaveLength(8);
  await s.stack.importState(fs.readFileSync(repaired, "utf8"));
  const r = await s.stack.up();
  expect(r.error).toBeUndefined();
  expect(r.steps.filter((x) => x.op === "delete").map((x) => x.name)).toEqual(["speech-en-us-product-names"]);
  await expect(s.client().getDataset(replacedDataset)).rejects.toMatchObject({ statusCode: 404 });
  expect((await s.stack.refresh()).error).toBeUndefined();
  expect((await s.stack.destroy()).error).toBeUndefined();
  expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
});
