#!/usr/bin/env node
// `npm run expiry-report -- --in state.json [--warn-days 60] [--out report.md]`: from `pulumi stack export`, what
// each endpoint serves and until when. Exit codes: 0 nothing served expires inside the window, 1 something does
// (the scheduled drift job fails), 2 usage or unreadable input.
import * as fs from "fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { expiryReport } from "../components/preview-summary";

export const EXIT = { ok: 0, expiring: 1, usage: 2 } as const;

const days = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(v)} is not a whole number of days ≥ 1`);
  return n;
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command("expiry-report")
    .description("Report when the models a deployed speech stack serves stop transcribing; fail when one is inside the window.")
    .requiredOption("--in <file>", "the JSON `pulumi stack export` printed ('-' for stdin)")
    .option("--out <file>", "write the Markdown here (default: stdout)")
    .option("--warn-days <n>", "the window, in days", days, 60)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let o: { in: string; out?: string; warnDays: number };
  try {
    o = program.parse(argv, { from: "user" }).opts();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw e;
  }
  let exported: Parameters<typeof expiryReport>[0];
  try {
    exported = JSON.parse(fs.readFileSync(o.in === "-" ? 0 : o.in, "utf8"));
    if (!Array.isArray(exported?.deployment?.resources)) throw new Error("not the JSON of `pulumi stack export` (deployment.resources)");
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const report = expiryReport(exported, { warnDays: o.warnDays });
  if (o.out) fs.writeFileSync(o.out, report.markdown);
  else process.stdout.write(report.markdown);
  return report.failing.length ? EXIT.expiring : EXIT.ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
