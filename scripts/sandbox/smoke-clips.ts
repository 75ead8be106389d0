// Writes the sandbox's smoke-test clips (examples/sandbox/en-US/smoke/*.wav, named in Pulumi.sandbox.yaml): short
// silent WAVs whose RIFF ICMT comment carries the words, which is how the emulator "hears" them (emulator/README.md).
// Against real Azure, record real clips instead. `npx ts-node --transpile-only scripts/sandbox/smoke-clips.ts`
import * as fs from "fs";
import * as path from "path";
import { spokenClip } from "../../emulator/spoken-text";

export const SANDBOX_SMOKE_CLIPS = [
  { file: "greeting.wav", text: "thank you for calling contoso support how can I help you today" },
  { file: "order-status.wav", text: "I would like to check the status of my order please" },
  { file: "product.wav", text: "my contoso cloud phone stopped working after the update" },
] as const;

export function writeSandboxSmokeClips(dir = path.resolve(__dirname, "..", "..", "examples", "sandbox", "en-US", "smoke")): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return SANDBOX_SMOKE_CLIPS.map((c) => {
    const file = path.join(dir, c.file);
    fs.writeFileSync(file, spokenClip(c.text, { durationMs: 1000 }));
    return file;
  });
}

if (require.main === module) for (const f of writeSandboxSmokeClips()) process.stdout.write(`${f}\n`);
