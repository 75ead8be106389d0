// `npm run bench`: runs every bench/*.bench.ts and prints ONE JSON line on stdout merging their figures.
// Each bench module default-exports `async () => Record<string, number | string | boolean>`.
// Progress and diagnostics go to stderr so stdout stays machine-readable.
import * as fs from "fs";
import * as path from "path";

type BenchFn = () => Promise<Record<string, number | string | boolean>>;

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const result: Record<string, number | string | boolean> = {};
  for (const file of files) {
    const started = Date.now();
    process.stderr.write(`bench: ${file} ...\n`);
    const mod = require(path.join(__dirname, file)) as { default: BenchFn };
    Object.assign(result, await mod.default());
    process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
