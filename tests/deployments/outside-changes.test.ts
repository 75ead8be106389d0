// Scenarios 6 and 7 on the real engine: what changes outside Pulumi. An entity deleted elsewhere is dropped by refresh
// and created again by the next `up`; a display name changed elsewhere is patched back; refresh then `up` changes
// nothing; inputs the program drops are removed from the entity. A key regenerated in Azure: the engine configures
// dynamic providers for `refresh` and `destroy` from the config stored at the last `up`, so after `pulumi config set
// --secret existingSpeechKey <new>` a plain refresh still uses the old key (401, with the way out in the message);
// `refresh --run-program` and `destroy --run-program` use the new one, and so does every command after one `up`
// (which writes nothing). With the key given by value, the next `up` stores it. Two stacks serve all of it: one
// deployed sandbox stack, and the sandbox's emulator for two small programs.
import * as path from "path";
import type { EngineStack } from "../support/engine";
import { SpeechClient } from "../../components/speech-api";
import { deployedSandboxStack, entitiesOf, live, opsOf, programStack, requestsSince, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(240_000); // each test is one or more runs of the real Pulumi CLI

let s: SandboxStack; // deployed: drift, then the key in the stack config
let p: SandboxStack; // the emulator of the programs: inputs the program drops, then the key given by value
beforeAll(async () => {
  [s, p] = await Promise.all([deployedSandboxStack(), sandboxStack()]);
});
afterAll(async () => {
  await s?.stop();
  await p?.stop();
});

const unauthorized = (x: SandboxStack, mark: number) => x.emu.requestLog.slice(mark).filter((r) => r.status === 401);

describe("drift", () => {
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
    // The drift workflow's command (drift.yml): clean before, a failure after the change outside Pulumi, whose
    // refresh is applied all the same.
    const DRIFT = ["refresh", "--run-program", "--expect-no-changes", "--yes", "--suppress-outputs"];
    const clean = await s.stack.cli(DRIFT);
    expect(clean.code).toBe(0);
    await s.client().updateModel(model.id!, { displayName: "renamed in Speech Studio" });
    const drifted = await s.stack.cli(DRIFT);
    expect(drifted.code).not.toBe(0);
    expect(drifted.stdout + drifted.stderr).toMatch(/no changes were expected for refresh but changes were proposed/);
    await s.stack.readState();
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
    expect(r.steps.filter((x) => x.op !== "same")).toEqual([]);
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
  });
});

describe("inputs the program drops", () => {
  let d: EngineStack;
  beforeAll(async () => {
    d = programStack(p, {
      name: "drops",
      module: path.join(__dirname, "programs/one-dataset.ts"),
      config: { endpoint: p.emu.resources.speech.endpoint, key: p.emu.resources.speech.key, contentUrl: "https://acct.blob.core.windows.net/c/a.txt", inProject: true, customProperties: { team: "speech" } },
      secretConfig: ["key"],
    });
  });

  test("a project link and custom properties the program drops are removed from the entity; refresh then up changes nothing", async () => {
    expect((await d.up()).error).toBeUndefined();
    const id = d.state.resources.find((x) => x.name === "data")!.id!;
    expect(await p.client().getDataset(id)).toMatchObject({ project: expect.anything(), customProperties: expect.objectContaining({ team: "speech" }) });
    d.setConfig("inProject", false);
    d.setConfig("customProperties", undefined);
    const dropped = await d.up();
    expect(dropped.error).toBeUndefined();
    expect(opsOf(dropped)).toMatchObject({ data: "update", group: "delete" });
    const entity = await p.client().getDataset(id);
    expect(entity.project).toBeUndefined();
    expect(entity.customProperties).not.toHaveProperty("team");
    expect((await d.refresh()).error).toBeUndefined();
    const mark = p.emu.requestLog.length;
    const again = await d.up();
    expect(again.error).toBeUndefined();
    expect(opsOf(again).data).toBe("same");
    expect(requestsSince(p.emu, mark, { writes: true })).toEqual([]);
  });
});

describe("key rotation with the key in the stack config", () => {
  test("refresh and destroy after `config set --secret`: --run-program, or one up first", async () => {
    // The state never holds the key in plaintext: the engine stores it encrypted with the provider's config.
    expect(await s.stack.exportState()).not.toContain(s.emu.resources.speech.key);
    const oldKey = s.emu.resources.speech.key;
    s.emu.rotateKey("speech", "rotated-key-2");
    const stale = new SpeechClient({ endpoint: s.emu.resources.speech.endpoint, key: oldKey }, { rateLimit: false, maxRetries: 0 });
    await expect(stale.listProjects()).rejects.toMatchObject({ statusCode: 401 });
    s.stack.setConfig("existingSpeechKey", "rotated-key-2", { secret: true });

    // A plain refresh runs the providers with the config of the last up: the old key.
    const plain = await s.stack.refresh();
    expect(plain.error?.message).toMatch(/401/);
    expect(plain.error?.message).toMatch(/pulumi up.*--run-program/s);
    expect(plain.output).not.toContain("rotated-key-2");

    let mark = s.emu.requestLog.length;
    const withProgram = await s.stack.refresh({ runProgram: true });
    expect(withProgram.error).toBeUndefined();
    expect(unauthorized(s, mark)).toEqual([]);

    // One up stores the new config with the providers and writes nothing to the service; then plain commands work.
    mark = s.emu.requestLog.length;
    const up = await s.stack.up();
    expect(up.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(up)))).toEqual(new Set(["same"]));
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
    expect((await s.stack.refresh()).error).toBeUndefined();
    expect(unauthorized(s, mark)).toEqual([]);

    // Rotated again, without an up: destroy --run-program uses the new key.
    s.emu.rotateKey("speech", "rotated-key-3");
    s.stack.setConfig("existingSpeechKey", "rotated-key-3", { secret: true });
    mark = s.emu.requestLog.length;
    const destroyed = await s.stack.destroy({ runProgram: true });
    expect(destroyed.error).toBeUndefined();
    expect(unauthorized(s, mark)).toEqual([]);
    expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
    expect(await s.stack.exportState()).not.toContain("rotated-key-3");
  });
});

describe("key rotation with the key given by value", () => {
  test("the next up stores the new key (an update that writes nothing), and refresh and destroy use it", async () => {
    const d = programStack(p, {
    name: "keys",
    module: path.join(__dirname, "programs/project-with-key.ts"),
    config: { endpoint: p.emu.resources.speech.endpoint, key: p.emu.resources.speech.key },
    secretConfig: ["key"],
    });
    expect((await d.up()).error).toBeUndefined();
    p.emu.rotateKey("speech", "rotated-key-3");
    d.setConfig("key", "rotated-key-3", { secret: true });
    const mark = p.emu.requestLog.length;
    const r = await d.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r).keyed).toBe("update");
    expect(requestsSince(p.emu, mark, { writes: true }).filter((x) => x.status < 400)).toEqual([]);
    expect((await d.refresh()).error).toBeUndefined();
    // The key is in the state only as a secret: encrypted in what the backend stores.
    expect(await d.exportState()).not.toContain("rotated-key-3");
    expect((await d.destroy()).error).toBeUndefined();
    expect(unauthorized(p, mark)).toEqual([]);
  });
});
