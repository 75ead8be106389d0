// Scenario 7 on the real engine: key rotation. The engine configures dynamic providers for `refresh` and `destroy`
// from the config stored at the last `up`, so after `pulumi config set --secret existingSpeechKey <new>` a plain
// refresh still uses the old key (401, with the way out in the message); `refresh --run-program` and
// `destroy --run-program` use the new one, and so does every command after one `up` (which writes nothing).
// With the key given by value, the next `up` stores it.
import * as path from "path";
import { SpeechClient } from "../../components/speech-api";
import { deployedSandboxStack, entitiesOf, opsOf, programStack, requestsSince, sandboxStack } from "../support/sandbox-stack";

jest.setTimeout(240_000); // several runs of the real Pulumi CLI

const unauthorized = (s: { emu: { requestLog: { status: number }[] } }, mark: number) => s.emu.requestLog.slice(mark).filter((x) => x.status === 401);

describe("key rotation with the key in the stack config", () => {
  test("refresh and destroy after `config set --secret`: --run-program, or one up first", async () => {
    const s = await deployedSandboxStack();
    try {
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
    } finally {
      await s.stop();
    }
  });
});

describe("key rotation with the key given by value", () => {
  test("the next up stores the new key (an update that writes nothing), and refresh and destroy use it", async () => {
    const s = await sandboxStack();
    const d = programStack(s, {
      name: "keys",
      module: path.join(__dirname, "programs/project-with-key.ts"),
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
      expect((await d.refresh()).error).toBeUndefined();
      // The key is in the state only as a secret: encrypted in what the backend stores.
      expect(await d.exportState()).not.toContain("rotated-key-3");
      expect((await d.destroy()).error).toBeUndefined();
      expect(unauthorized(s, mark)).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
