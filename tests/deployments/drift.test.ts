// Scenario 6, on the real engine: what changes outside Pulumi. An entity deleted elsewhere is dropped by refresh and created again by
// the next `up`; a display name changed elsewhere is patched back; refresh then `up` changes nothing.
import * as path from "path";
import type { EngineStack } from "../support/engine";
import { live, opsOf, programStack, requestsSince, deployedSandboxStack, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

describe("drift", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    s = await deployedSandboxStack();
  });
  afterAll(() => s?.stop());

  test("an endpoint deleted outside Pulumi is dropped by refresh and created again by the next up", async () => {
    const gone = live(s.stack, "endpoint").id!;
    await s.client().deleteEndpoint(gone);
    const refreshed = await s.stack.refresh();
    expect(refreshed.error).toBeUndefined();
    expect(refreshed.steps.find((x) => x.name === "speech-en-us-endpoint")?.op).toBe("discard");
    expect(s.stack.state.resources.map((x) => x.name)).not.toContain("speech-en-us-endpoint");
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)["speech-en-us-endpoint"]).toBe("create");
    const again = live(s.stack, "endpoint");
    expect(again.id).not.toBe(gone);
    expect((await s.client().getEndpoint(again.id!)).model?.self).toBe(live(s.stack, "model").outputs.self);
  });

  test("a display name changed outside Pulumi is patched back, without retraining", async () => {
    const model = live(s.stack, "model");
    await s.client().updateModel(model.id!, { displayName: "renamed in Speech Studio" });
    expect((await s.stack.refresh()).error).toBeUndefined();
    expect(live(s.stack, "model").inputs.displayName).toBe("renamed in Speech Studio");
    const mark = s.emu.requestLog.length;
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)["speech-en-us-model"]).toBe("update");
    expect((await s.client().getModel(model.id!)).displayName).toBe("speech-en-us-model");
    expect(live(s.stack, "model").id).toBe(model.id);
    expect(requestsSince(s.emu, mark, { method: "POST", path: /\/models$/ })).toEqual([]);
  });

  test("refresh then up changes nothing: no perpetual diff (loggingEnabled unset in the program included)", async () => {
    expect((await s.stack.refresh()).error).toBeUndefined();
    // The service reports logging off; refresh takes that as the input, and the program's unset value means the same.
    const endpoint = live(s.stack, "endpoint");
    expect((await s.client().getEndpoint(endpoint.id!)).properties?.loggingEnabled).toBe(false);
    expect(endpoint.inputs.loggingEnabled).toBe(false);
    const mark = s.emu.requestLog.length;
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
  });
});

describe("inputs the program drops", () => {
  let s: SandboxStack;
  let d: EngineStack;
  beforeAll(async () => {
    s = await sandboxStack();
    d = programStack(s, {
      name: "drops",
      module: path.join(__dirname, "programs/one-dataset.ts"),
      config: { endpoint: s.emu.resources.speech.endpoint, key: s.emu.resources.speech.key, contentUrl: "https://acct.blob.core.windows.net/c/a.txt", inProject: true, customProperties: { team: "speech" } },
      secretConfig: ["key"],
    });
  });
  afterAll(() => s?.stop());

  test("a project link and custom properties the program drops are removed from the entity; refresh then up changes nothing", async () => {
    expect((await d.up()).error).toBeUndefined();
    const id = d.state.resources.find((x) => x.name === "data")!.id!;
    expect(await s.client().getDataset(id)).toMatchObject({ project: expect.anything(), customProperties: expect.objectContaining({ team: "speech" }) });
    d.setConfig("inProject", false);
    d.setConfig("customProperties", undefined);
    const dropped = await d.up();
    expect(dropped.error).toBeUndefined();
    expect(opsOf(dropped)).toMatchObject({ data: "update", group: "delete" });
    const entity = await s.client().getDataset(id);
    expect(entity.project).toBeUndefined();
    expect(entity.customProperties).not.toHaveProperty("team");
    expect((await d.refresh()).error).toBeUndefined();
    const mark = s.emu.requestLog.length;
    const again = await d.up();
    expect(again.error).toBeUndefined();
    expect(opsOf(again).data).toBe("same");
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
  });
});
