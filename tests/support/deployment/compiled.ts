// The driver's child processes (language hosts, and so the providers their programs serialize) run this repository's
// compiled JavaScript in dist/ when it is up to date (`npm test` builds it first), as a project that compiles its
// program before `pulumi up` does; else its TypeScript through ts-node, as `pulumi up` runs a TypeScript project.
// Same code either way: the compiled one spares each process the TypeScript compiler (about a second of CPU).
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const SOURCES = ["index.ts", "components", "emulator", "scripts", "tests", "policy"];

function newestSource(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return p.endsWith(".ts") ? st.mtimeMs : 0;
  return Math.max(0, ...fs.readdirSync(p).filter((n) => n !== "node_modules").map((n) => newestSource(path.join(p, n))));
}

let fresh: boolean | undefined;
/** dist/ is as new as every source (tsc writes .tsbuildinfo last); decided once per process. */
function distIsFresh(): boolean {
  if (fresh === undefined) {
    const built = fs.statSync(path.join(DIST, ".tsbuildinfo"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    fresh = process.env.DRIVER_TYPESCRIPT !== "1" && built > 0 && built >= Math.max(...SOURCES.map((s) => newestSource(path.join(ROOT, s))));
  }
  return fresh;
}

/** The compiled twin of a TypeScript file of this repository, when dist/ is fresh; else the file itself. */
export function compiled(file: string): string {
  const rel = path.relative(ROOT, file);
  if (!file.endsWith(".ts") || rel.startsWith("..") || !distIsFresh()) return file;
  const js = path.join(DIST, rel.replace(/\.ts$/, ".js"));
  return fs.existsSync(js) ? js : file;
}
