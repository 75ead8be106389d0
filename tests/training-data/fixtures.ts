// Small generated datasets for the training-data tests: real WAV bytes and text files in temp folders.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeWav } from "../../components/training-data";

export type FileContent = string | Buffer;

const made: string[] = [];

/** A fresh temp folder holding `files` (name → content); removed by `removeTempDirs`. */
export function makeDir(files: Record<string, FileContent> = {}, prefix = "td-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** An Acoustic dataset: `count` one-second 16 kHz mono clips and a matching trans.txt. */
export function acousticFiles(count = 3, o: { durationMs?: number; seedBase?: number } = {}): Record<string, FileContent> {
  const files: Record<string, FileContent> = {};
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `clip${String(i).padStart(3, "0")}.wav`;
    files[name] = makeWav({ durationMs: o.durationMs ?? 1000, seed: (o.seedBase ?? 1) + i });
    lines.push(`${name}\tthis is sentence number ${i}`);
  }
  files["trans.txt"] = lines.join("\n") + "\n";
  return files;
}
