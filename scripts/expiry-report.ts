#!/usr/bin/env node
// `npm run expiry-report -- --in state.json [--warn-days 60] [--out report.md]`: from `pulumi stack export`, what
// each endpoint serves and until when. Exit 1 when a served model stops transcribing inside the window (the scheduled
// drift job fails).
import * as fs from "fs";
import { InvalidArgumentError } from "commander";
import { expiryReport } from "../components/preview-summary";
import { EXIT, UsageError, command, runCommand, runMain } from "./cli";

export { EXIT };

const days = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(v)} is not a whole number of days ≥ 1`);
  return n;
};

export async function main(argv: string[]): Promise<number> {
  return runCommand("expiry-report", async () => {
    const o = command("expiry-report", "Report when the models a deployed speech stack serves stop transcribing; fail when one is inside the window.", {
      failed: "a served model stops transcribing inside the window",
    })
      .requiredOption("--in <file>", "the JSON `pulumi stack export` printed ('-' for stdin)")
      .option("--out <file>", "write the Markdown here (default: stdout)")
      .option("--warn-days <n>", "the window, in days", days, 60)
      .parse(argv, { from: "user" })
      .opts<{ in: string; out?: string; warnDays: number }>();
    let exported: Parameters<typeof expiryReport>[0];
    try {
      exported = JSON.parse(fs.readFileSync(o.in === "-" ? 0 : o.in, "utf8"));
      if (!Array.isArray(exported?.deployment?.resources)) throw new Error("not the JSON of `pulumi stack export` (deployment.resources)");
    } catch (e) {
      throw new UsageError(`${o.in === "-" ? "standard input" : o.in}: ${(e as Error).message}`);
    }
    const report = expiryReport(exported, { warnDays: o.warnDays });
    if (o.out) fs.writeFileSync(o.out, report.markdown);
    else process.stdout.write(report.markdown);
    return report.failing.length ? EXIT.failed : EXIT.ok;
  });
}

if (require.main === module) runMain(main);
