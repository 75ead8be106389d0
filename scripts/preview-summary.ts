#!/usr/bin/env node
// `npm run preview-summary -- --in preview.json [--manifest training-data.manifest.json] [--out summary.md]`:
// Markdown of what a `pulumi preview --json` will do to the speech stack (retrains, endpoint swaps, gates, expiry),
// for a pull-request comment and the GitHub step summary. Exit codes: 0 written, 2 usage or unreadable input.
import * as fs from "fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { summarize, type PreviewDigest } from "../components/preview-summary";
import { parseManifest, type Manifest } from "../components/training-data/manifest";

export const EXIT = { ok: 0, usage: 2 } as const;

const days = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(v)} is not a whole number of days ≥ 1`);
  return n;
};
const collect = (v: string, all: string[]) => [...all, v];

function buildProgram(): Command {
  return new Command("preview-summary")
    .description("Summarize `pulumi preview --json` for a pull request: retrains, endpoint swaps and deletes, gates, expiry.")
    .requiredOption("--in <file>", "the JSON `pulumi preview --json` printed ('-' for stdin)")
    .option("--manifest <file>", "a training-data sync manifest, for audio hours (repeatable)", collect, [])
    .option("--out <file>", "write the Markdown here (default: stdout)")
    .option("--warn-days <n>", "warn about dates inside this many days", days, 60);
}

/** `pulumi preview --json` prints one JSON document; a failed preview may print text before it. */
export function parsePreview(text: string): PreviewDigest {
  const start = text.indexOf("{");
  const parsed = JSON.parse(start > 0 ? text.slice(start) : text) as PreviewDigest;
  if (typeof parsed !== "object" || parsed === null || (parsed.steps !== undefined && !Array.isArray(parsed.steps))) {
    throw new Error("not the JSON of `pulumi preview --json` (an object with a `steps` list)");
  }
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let o: { in: string; manifest: string[]; out?: string; warnDays: number };
  try {
    o = program.parse(argv, { from: "user" }).opts();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw e;
  }
  let preview: PreviewDigest;
  let manifests: Manifest[];
  try {
    preview = parsePreview(fs.readFileSync(o.in === "-" ? 0 : o.in, "utf8"));
    manifests = o.manifest.map((f) => parseManifest(fs.readFileSync(f, "utf8"), f));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const markdown = summarize(preview, { manifests, warnDays: o.warnDays });
  if (o.out) fs.writeFileSync(o.out, markdown);
  else process.stdout.write(markdown);
  return EXIT.ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
