// Scenarios 6 and 7: what changes outside Pulumi. An entity deleted elsewhere is dropped by refresh and created
// again by the next `up`; a display name changed elsewhere is patched back; refresh then `up` changes nothing.
// After a key rotation, refresh and destroy use the new key — read from the stack config, never from the state.
import * as path from "path";
import { SpeechClient } from "../../components/speech-api";
import { Deployment } from "../support/deployment";
import { entitiesOf, live, opsOf, requestsSince, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

describe("drift", () => {
  let s: SandboxStack;
  beforeAll(async () => {
    s = await sandboxStack();
    const first = await s.deployment.up();
    if (first.error) throw first.error;
  }, 60_000);
  afterAll(() => s?.stop());

  test("an endpoint deleted outside Pulumi is dropped by refresh and created again by the next up", async () => {
    const gone = live(s.deployment, "endpoint").id!;
    await s.client().deleteEndpoint(gone);
    const refreshed = await s.deployment.refresh();
    expect(refreshed.error).toBeUndefined();
    expect(refreshed.steps.find((x) => x.name === "speech-en-us-endpoint")?.op).toBe("discard");
    expect(s.deployment.checkpoint.resources.map((x) => x.name)).not.toContain("speech-en-us-endpoint");
    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)["speech-en-us-endpoint"]).toBe("create");
    const again = live(s.deployment, "endpoint");
    expect(again.id).not.toBe(gone);
    expect((await s.client().getEndpoint(again.id!)).model?.self).toBe(live(s.deployment, "model").outputs.self);
  });

  test("a display name changed outside Pulumi is patched back, without retraining", async () => {
    const model = live(s.deployment, "model");
    await s.client().updateModel(model.id!, { displayName: "renamed in Speech Studio" });
    expect((await s.deployment.refresh()).error).toBeUndefined();
    expect(live(s.deployment, "model").inputs.displayName).toBe("renamed in Speech Studio");
    const mark = s.emu.requestLog.length;
    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    expect(opsOf(r)["speech-en-us-model"]).toBe("update");
    expect((await s.client().getModel(model.id!)).displayName).toBe("speech-en-us-model");
    expect(live(s.deployment, "model").id).toBe(model.id);
    expect(requestsSince(s.emu, mark, { method: "POST", path: /\/models$/ })).toEqual([]);
  });

  test("refresh then up changes nothing: no perpetual diff (loggingEnabled unset in the program included)", async () => {
    expect((await s.deployment.refresh()).error).toBeUndefined();
    expect(live(s.deployment, "endpoint").inputs.loggingEnabled).toBe(false);
    const mark = s.emu.requestLog.length;
    const r = await s.deployment.up();
    expect(r.error).toBeUndefined();
    expect(new Set(Object.values(opsOf(r)))).toEqual(new Set(["same"]));
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
  });
});

describe("key rotation", () => {
  test("with the key in the stack config: refresh and destroy after the rotation use the new key", async () => {
    const s = await sandboxStack();
    try {
      expect((await s.deployment.up()).error).toBeUndefined();
      // The state never holds the key: only the name of the config key that does.
      expect(s.deployment.checkpoint.serialize()).not.toContain(s.emu.resources.speech.key);
      const oldKey = s.emu.resources.speech.key;
      s.emu.rotateKey("speech", "rotated-key-2");
      const stale = new SpeechClient({ endpoint: s.emu.resources.speech.endpoint, key: oldKey }, { rateLimit: false, maxRetries: 0 });
      await expect(stale.listProjects()).rejects.toMatchObject({ statusCode: 401 });
      const mark = s.emu.requestLog.length;
      s.deployment.setConfig("existingSpeechKey", "rotated-key-2", { secret: true });
      const refreshed = await s.deployment.refresh();
      expect(refreshed.error).toBeUndefined();
      expect(refreshed.steps.filter((x) => x.error)).toEqual([]);
      const destroyed = await s.deployment.destroy();
      expect(destroyed.error).toBeUndefined();
      expect(await entitiesOf(s.client())).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
      expect(s.emu.requestLog.slice(mark).filter((x) => x.status === 401)).toEqual([]);
    } finally {
      await s.stop();
    }
  }, 60_000);

  test("with the key given by value: the next up stores the new key (an update that writes nothing), and refresh uses it", async () => {
    const s = await sandboxStack();
    const d = new Deployment({
      program: { module: path.join(__dirname, "programs/project-with-key.ts"), export: "program" },
      project: "keys",
      stack: "dev",
      cwd: s.dir,
      config: { endpoint: s.emu.resources.speech.endpoint, key: s.emu.resources.speech.key },
      secretConfig: ["key"],
    });
    try {
      expect((await d.up()).error).toBeUndefined();
      s.emu.rotateKey("speech", "rotated-key-3");
      d.setConfig("key", "rotated-key-3", { secret: true });
      const mark = s.emu.requestLog.length;
      const r = await d.up();
      expect(r.error).toBeUndefined();
      expect(opsOf(r).keyed).toBe("update");
      expect(requestsSince(s.emu, mark, { writes: true }).filter((x) => x.status < 400)).toEqual([]);
      const refreshed = await d.refresh();
      expect(refreshed.error).toBeUndefined();
      // The key is in the state only as a secret: encrypted in what a backend stores.
      expect(d.checkpoint.serialize()).not.toContain("rotated-key-3");
      expect((await d.destroy()).error).toBeUndefined();
      expect(s.emu.requestLog.slice(mark).filter((x) => x.status === 401)).toEqual([]);
    } finally {
      d.close();
      await s.stop();
    }
  }, 60_000);
});
