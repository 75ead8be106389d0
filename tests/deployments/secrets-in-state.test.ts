// Secrets never reach the state in plaintext, on the real engine: not a key, not a SAS token — neither in the inputs
// and outputs nor in a partial failure's error message and init errors, nor in anything the CLI prints, even when the
// service quotes the URL it could not read.
import * as path from "path";
import { programStack, sandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // runs of the real Pulumi CLI

const SIG = "c2FzLXRva2VuLXNpZ25hdHVyZQ%3D%3D";
let s: SandboxStack;
beforeAll(async () => {
  s = await sandboxStack();
});
afterAll(() => s?.stop());

test("a failed import whose service message quotes the SAS URL leaves no SAS and no key in the state, the error or the output", async () => {
  const d = programStack(s, {
    name: "secrets",
    module: path.join(__dirname, "programs/one-dataset.ts"),
    config: {
      endpoint: s.emu.resources.speech.endpoint,
      key: s.emu.resources.speech.key,
      contentUrl: `https://acct.blob.core.windows.net/data/a.txt?sv=2024-11-04&se=2030-01-01&sp=r&sig=${SIG}&emulator-fail-import`,
    },
    secretConfig: ["key", "contentUrl"],
  });
  const r = await d.up();
  expect(r.error?.message).toMatch(/Dataset [0-9a-f-]{36} failed: DataImportFailed: The content at https:\/\/acct\.blob\.core\.windows\.net\/data\/a\.txt\?.*sig=\*\*\*/);
  const dataset = d.live("data");
  expect(dataset.initErrors?.[0]).toContain("sig=***");
  expect(dataset.outputs.error.message).toContain("sig=***");
  const stored = await d.exportState();
  expect(stored).not.toContain(SIG);
  expect(stored).not.toContain(s.emu.resources.speech.key);
  for (const text of [r.error!.message, r.output, JSON.stringify(r.diagnostics)]) {
    expect(text).not.toContain(SIG);
    expect(text).not.toContain(s.emu.resources.speech.key);
  }
  // Secret inputs stay secret as outputs (the engine's same-key rule), encrypted in what the backend stores.
  expect(dataset.secretOutputs).toEqual(expect.arrayContaining(["contentUrl", "speech"]));
  expect((await d.destroy()).error).toBeUndefined();
});
