// Bytes the emulator keeps beside its state: dataset content (committed blocks or what a contentUrl served), upload
// blocks not yet committed, and each evaluation's per-file results. With a statePath they live in a folder next to
// the state file (`<statePath>.content/`), so the state file stays small and the content survives restarts (the
// sandbox restarts the emulator between runs); without one, in memory.
import * as fs from "fs";
import * as path from "path";

export class ContentStore {
  private readonly memory = new Map<string, Buffer>();

  /** `dir` undefined: in memory. */
  constructor(readonly dir?: string) {}

  static beside(statePath: string | undefined): ContentStore {
    return new ContentStore(statePath ? `${path.resolve(statePath)}.content` : undefined);
  }

  put(key: string, bytes: Buffer): void {
    if (!this.dir) {
      this.memory.set(key, bytes);
      return;
    }
    const file = this.file(key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  }

  get(key: string): Buffer | undefined {
    if (!this.dir) return this.memory.get(key);
    try {
      return fs.readFileSync(this.file(key));
    } catch {
      return undefined;
    }
  }

  has(key: string): boolean {
    return this.dir ? fs.existsSync(this.file(key)) : this.memory.has(key);
  }

  /** Removes `prefix` and everything under it (`datasets/<id>` removes `datasets/<id>/…`). */
  remove(prefix: string): void {
    if (!this.dir) {
      for (const k of [...this.memory.keys()]) if (k === prefix || k.startsWith(`${prefix}/`)) this.memory.delete(k);
      return;
    }
    fs.rmSync(this.file(prefix), { recursive: true, force: true });
  }

  /** Keys are `/`-separated segments of letters, digits, `-`, `_` and `.` (ids, base64url block ids). */
  private file(key: string): string {
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(key) || key.split("/").some((s) => s === "." || s === "..")) throw new Error(`bad content key '${key}'`);
    return path.join(this.dir!, ...key.split("/"));
  }
}
