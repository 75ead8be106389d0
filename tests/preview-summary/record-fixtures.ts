// Records the preview-summary fixtures from real runs: the sandbox stack on the Pulumi CLI on PATH, against the
// emulator and Azurite, and what `pulumi preview --json` printed at each step (the flags preview.yml uses:
// --show-sames, except where a fixture says otherwise). Run it again when the CLI or the programs change:
//   PATH=<pulumi bin>:$PATH npx ts-node --transpile-only tests/preview-summary/record-fixtures.ts
import * as fs from "fs";
import * as path from "path";
import { adaptationDeadline } from "../../emulator/catalogue";
import type { EngineStack } from "../support/engine";
import { sandboxStack, stackFileValues, type SandboxStack } from "../support/sandbox-stack";

const DIR = path.join(__dirname, "fixtures");
const DAY = 86_400_000;

async function record(stack: EngineStack, name: string, flags: string[] = ["--show-sames"]): Promise<void> {
  await stack.init();
  const r = await stack.cli(["preview", "--json", ...flags]);
  // A failed preview prints its JSON too (with the error among the diagnostics) and exits non-zero.
  if (!r.stdout.includes("{")) throw new Error(`${name}: pulumi preview --json printed no JSON (exit ${r.code}): ${r.stderr}`);
  fs.writeFileSync(path.join(DIR, `${name}.json`), r.stdout);
  process.stderr.write(`recorded ${name} (exit ${r.code})\n`);
}

async function up(s: SandboxStack): Promise<void> {
  const r = await s.stack.up();
  if (r.error) throw r.error;
}

const [locale] = stackFileValues("sandbox").locales as any[];

async function main(): Promise<void> {
  for (const f of fs.readdirSync(DIR)) fs.rmSync(path.join(DIR, f));
  const s = await sandboxStack();
  try {
    await record(s.stack, "new-stack-unknowns");
    await up(s);
    await record(s.stack, "no-speech-change", []);
    await record(s.stack, "no-speech-change-show-sames");
    s.stack.setConfig("locales", [{ ...locale, evaluation: { ...locale.evaluation, maxWordErrorRate: 12 } }]);
    await record(s.stack, "gate-threshold-only");
    s.stack.setConfig("locales", [locale]);
    await s.changeData("product-names", "contoso turbo max pro");
    await record(s.stack, "retrain-changed-data");
    await record(s.stack, "retrain-changed-data-replacement-steps", ["--show-sames", "--show-replacement-steps"]);
    s.stack.setConfig("locales", [{ ...locale, evalution: locale.evaluation }]);
    await record(s.stack, "failed-config");
    s.stack.setConfig("locales", [locale]);
    s.emu.setScenario({ customModelWordErrorRate: 5.5 });
    await up(s);
    // A locale's endpoint goes only with the locale (every trained locale has one).
    s.stack.setConfig("locales", []);
    await record(s.stack, "locale-removed");
  } finally {
    await s.stop();
  }
  // A catalogue made long ago: the newest base model can be trained on for about 45 more days (a Model picks one
  // with at least 30 left), so the preview's expiry section names it.
  let epoch = Date.now() - 365 * DAY;
  while ((adaptationDeadline(Math.floor((epoch - 20 * DAY) / DAY) * DAY) - Date.now()) / DAY > 45) epoch -= DAY;
  // The program warns inside the locale's window (60 days here, over the sandbox's 30): the warning is in the JSON.
  const old = await sandboxStack({ emulator: { catalogueEpoch: epoch }, config: { locales: [{ ...locale, expiryWarningDays: 60 }] } });
  try {
    await up(old);
    await record(old.stack, "expiry-warnings");
  } finally {
    await old.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
