#!/usr/bin/env node
// `npm run preview-summary -- --in preview.json [--manifest training-data.manifest.json] [--out summary.md]`:
// Markdown of what a `pulumi preview --json` will do to the speech stack (retrains, endpoint swaps, gates, expiry),
// for a pull-request comment and the GitHub step summary. Anything else is refused (exit 2): a broken preview step
// must not post a reassuring "No Custom Speech change." on the pull request.
import * as fs from "fs";
import { InvalidArgumentError } from "commander";
import { summarize, type PreviewDigest } from "../components/preview-summary";
import { parseManifest, type Manifest } from "../components/training-data/manifest";
import { EXIT, UsageError, command, runCommand, runMain } from "./cli";

export { EXIT };

const days = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(v)} is not a whole number of days ≥ 1`);
  return n;
};
const collect = (v: string, all: string[]) => [...all, v];

function buildProgram() {
  return command("preview-summary", "Summarize `pulumi preview --json` for a pull request: retrains, endpoint swaps and deletes, gates, expiry.", {
    failed: "not used (a summary is always written)",
  })
    .requiredOption("--in <file>", "the JSON `pulumi preview --json` printed ('-' for stdin)")
    .option("--manifest <file>", "a training-data sync manifest, for audio hours (repeatable)", collect, [])
    .option("--out <file>", "write the Markdown here (default: stdout)")
    .option("--warn-days <n>", "warn about dates inside this many days", days, 60);
}

/**
 * `pulumi preview --json` prints one JSON document with a `steps` list (every resource, "same" ones included) and a
 * `changeSummary`, or, when the preview failed, `diagnostics`; a failed preview may print text before it.
 */
export function parsePreview(text: string): PreviewDigest {
  const start = text.indexOf("{");
  const parsed = JSON.parse(start > 0 ? text.slice(start) : text) as PreviewDigest & { changeSummary?: unknown; diagnostics?: unknown };
  const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  if (!isObject || (parsed.steps !== undefined && !Array.isArray(parsed.steps)) || (parsed.steps === undefined && parsed.changeSummary === undefined && parsed.diagnostics === undefined)) {
    throw new Error("not the JSON of `pulumi preview --json` (an object with `steps` and `changeSummary`, or the `diagnostics` of a failed preview)");
  }
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  return runCommand("preview-summary", async () => {
    const o = buildProgram().parse(argv, { from: "user" }).opts<{ in: string; manifest: string[]; out?: string; warnDays: number }>();
    const read = <T>(file: string, parse: (text: string) => T): T => {
      try {
        return parse(fs.readFileSync(file === "-" ? 0 : file, "utf8"));
      } catch (e) {
        throw new UsageError(`${file === "-" ? "standard input" : file}: ${(e as Error).message}`);
      }
    };
    const preview = read(o.in, parsePreview);
    const manifests: Manifest[] = o.manifest.map((f) => read(f, (text) => parseManifest(text, f)));
    const markdown = summarize(preview, { manifests, warnDays: o.warnDays });
    if (o.out) fs.writeFileSync(o.out, markdown);
    else process.stdout.write(markdown);
    return EXIT.ok;
  });
}

if (require.main === module) runMain(main);
