// Scenario 7: key rotation. With the key in the stack config, refresh and destroy after the rotation use the new key
// (read from the stack config, never from the state); with the key given by value, the next `up` stores it.
import * as path from "path";
import { SpeechClient } from "../../components/speech-api";
import { Deployment } from "../support/deployment";
import { entitiesOf, opsOf, requestsSince, sandboxStack } from "../support/sandbox-stack";

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
