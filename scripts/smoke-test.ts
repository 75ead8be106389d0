#!/usr/bin/env node
// `npm run smoke-test -- --endpoint <url> --endpoint-id <id> --locale en-US --clip a.wav="what is said" [--max-wer 20]`
// or `npm run smoke-test -- --stack-config Pulumi.<stack>.yaml --stack-export state.json [--locale en-US]`: send known
// short clips to a deployed endpoint and compare what it heard with what was said. Exit codes: 0 every clip passed,
// 1 a clip failed, 2 usage or bad input, 3 a service unreachable, credentials refused or no such endpoint.
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { SMOKE_TEST, ValidationError, ensure, percentRule, percentValue, type PercentText } from "../components/domain";
import { SmokeTestAccessError, alignedLines, changedLocales, deployedEndpoints, smokeTest, type ClipResult, type SmokeClip, type SmokeTestResult } from "../components/smoke-test";
import { redact } from "../components/speech-api";
import type { StackConfig } from "../components/stack-config";
import { EXIT, exitCodesHelp, runMain } from "./cli";

export { EXIT };

interface CliOptions {
  endpoint?: string;
  endpointId?: string;
  locale?: string;
  clip: string[];
  maxWer?: string;
  stackConfig?: string;
  stackExport?: string;
  changedSince?: string;
  key?: string;
  json?: string;
  retries: string;
}

/** One smoke test to run: a locale's endpoint and clips. */
interface Plan {
  endpoint: string;
  endpointId: string;
  locale: string;
  clips: SmokeClip[];
  maxWordErrorRate?: number;
  baseDir: string;
  clipsProperty: string;
}

function buildProgram(): Command {
  return new Command("smoke-test")
    .description(
      "Send known short clips (16 kHz mono 16-bit PCM WAV, at most 60 s) to a deployed Custom Speech endpoint through short-audio " +
        "recognition and compare what it heard with what was said (NIST sclite word alignment). A clip fails when its word error " +
        "rate is above the threshold. Key from --key or $SPEECH_KEY; without one, Microsoft Entra ID (DefaultAzureCredential, " +
        "custom-domain Speech endpoints only).",
    )
    .option("--endpoint <url>", "the Speech resource's endpoint, e.g. https://<name>.cognitiveservices.azure.com")
    .option("--endpoint-id <id>", "the deployed endpoint's id")
    .option("--locale <locale>", "the endpoint's locale, e.g. en-US (with --stack-config: test only this locale)")
    .option("--clip <file=text>", "a clip and the words spoken in it (repeat for more clips)", (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option("--max-wer <percent>", `the highest word error rate a clip may have, in percent (default: the stack's smokeTest.maxWordErrorRate, else ${SMOKE_TEST.defaultMaxWordErrorRate})`)
    .option("--stack-config <file>", "a Pulumi.<stack>.yaml whose locales name smokeTest clips (paths relative to its folder)")
    .option("--stack-export <file>", "`pulumi stack export` of that stack after `up` ('-' for stdin): the Speech endpoint and endpoint ids")
    .option("--changed-since <file>", "with --stack-export: a `pulumi stack export` taken before the `up`; test only the locales whose endpoint is new or serves another model")
    .option("--key <key>", "the Speech resource key (else $SPEECH_KEY, else Microsoft Entra ID)")
    .option("--json <file>", "write every result as JSON to this file")
    .option("--retries <n>", "retries of a refused connection, throttling or a 5xx answer", "3")
    .addHelpText(
      "after",
      exitCodesHelp({
        failed: "a clip failed: its word error rate is above the threshold (the clip, expected and heard text are printed)",
        unreachable: "a service unreachable, credentials refused, or no such endpoint (the URL or the endpoint id is named)",
      }),
    );
}

function usage(option: string, message: string): ValidationError {
  return new ValidationError(option, message);
}

/** `file=text`: the first "=" separates them (a text may contain more). */
function parseClip(v: string, i: number): SmokeClip {
  const at = v.indexOf("=");
  if (at <= 0 || at === v.length - 1) throw usage("--clip", `--clip must be <file>=<text>, e.g. --clip hello.wav="hello world"; got ${JSON.stringify(v)} (clip ${i + 1}).`);
  return { file: v.slice(0, at), text: v.slice(at + 1) };
}

/** The stack file's config through the program's own validation (so a smokeTest is read exactly as `up` reads it). */
function readStackFile(file: string): StackConfig {
  // Loaded only here: the stack config reads through @pulumi/pulumi, which the explicit options do without.
  const yaml = require("js-yaml") as typeof import("js-yaml");
  const { loadStackConfig } = require("../components/stack-config") as typeof import("../components/stack-config");
  if (!fs.existsSync(file)) throw usage("--stack-config", `--stack-config ${file} does not exist.`);
  let doc: { config?: Record<string, unknown> };
  try {
    doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as typeof doc;
  } catch (e) {
    throw usage("--stack-config", `--stack-config ${file} is not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const config = doc.config ?? {};
  const projectFile = path.join(path.dirname(file), "Pulumi.yaml");
  const project = fs.existsSync(projectFile) ? (yaml.load(fs.readFileSync(projectFile, "utf8")) as { name?: string })?.name : undefined;
  const prefix = `${project ?? Object.keys(config).find((k) => k.endsWith(":locales"))?.split(":")[0] ?? "custom-speech"}:`;
  const values = new Map(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const raw = (k: string) => {
    const v = values.get(k);
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  };
  try {
    // Secrets stay encrypted in the file; the smoke test needs none of them.
    return loadStackConfig({ get: raw, getSecret: () => undefined }, [...values.keys()]);
  } catch (e) {
    throw usage("--stack-config", `--stack-config ${file}: ${(e as Error).message}`);
  }
}

function plansFromStack(o: CliOptions, maxWer: number | undefined): Plan[] {
  if (!o.stackExport) throw usage("--stack-export", "--stack-export is required with --stack-config: the `pulumi stack export` of the deployed stack.");
  for (const [flag, v] of [["--endpoint", o.endpoint], ["--endpoint-id", o.endpointId]] as const) {
    if (v !== undefined) throw usage(flag, `${flag} cannot be combined with --stack-config: the stack export gives it.`);
  }
  if (o.clip.length) throw usage("--clip", "--clip cannot be combined with --stack-config: the stack file names the clips (locales[].smokeTest).");
  const config = readStackFile(o.stackConfig!);
  let exported: unknown;
  try {
    exported = JSON.parse(fs.readFileSync(o.stackExport === "-" ? 0 : o.stackExport, "utf8"));
  } catch (e) {
    throw usage("--stack-export", `--stack-export ${o.stackExport} cannot be read as JSON: ${(e as Error).message}`);
  }
  const deployed = deployedEndpoints(exported, `--stack-export ${o.stackExport}`);
  const all = [...config.locales, ...config.copiedLocales];
  const index = new Map(all.map((l, i) => [l.locale, i]));
  let chosen = all.filter((l) => l.smokeTest && (!o.locale || l.locale.toLowerCase() === o.locale.toLowerCase()));
  if (o.changedSince !== undefined) {
    let before: unknown;
    try {
      before = JSON.parse(fs.readFileSync(o.changedSince, "utf8"));
    } catch (e) {
      throw usage("--changed-since", `--changed-since ${o.changedSince} cannot be read as JSON: ${(e as Error).message}`);
    }
    const changed = new Set(changedLocales(before, deployed, `--changed-since ${o.changedSince}`));
    const unchanged = chosen.filter((l) => !changed.has(l.locale)).map((l) => l.locale);
    chosen = chosen.filter((l) => changed.has(l.locale));
    if (chosen.length === 0) return [];
    if (unchanged.length) process.stdout.write(`Not tested (endpoint and model as before the update): ${unchanged.join(", ")}\n`);
  }
  if (chosen.length === 0) {
    const withClips = all.filter((l) => l.smokeTest).map((l) => l.locale);
    throw usage(
      "--locale",
      o.locale
        ? `--locale ${o.locale} names no smokeTest in ${o.stackConfig}; locales with clips: ${withClips.join(", ") || "none"}.`
        : `${o.stackConfig} names no smokeTest clips for any locale (locales[].smokeTest).`,
    );
  }
  return chosen.map((l) => {
    const endpointId = deployed.endpointIds[l.locale];
    if (!endpointId) throw usage("--stack-export", `--stack-export ${o.stackExport} has no endpoint for ${l.locale} (stack output locales.${l.locale}.endpointId): deploy it first.`);
    return {
      endpoint: deployed.speechEndpoint,
      endpointId,
      locale: l.locale,
      clips: l.smokeTest!.clips,
      maxWordErrorRate: maxWer ?? percentValue(l.smokeTest!.maxWordErrorRate),
      baseDir: path.dirname(path.resolve(o.stackConfig!)),
      clipsProperty: `${path.basename(o.stackConfig!)} locales[${index.get(l.locale)}].smokeTest.clips`,
    };
  });
}

function plans(o: CliOptions): Plan[] {
  const given = o.maxWer === undefined ? undefined : /%\s*$/.test(o.maxWer) ? o.maxWer : o.maxWer.trim() !== "" && Number.isFinite(Number(o.maxWer)) ? Number(o.maxWer) : o.maxWer;
  const maxWer = given === undefined ? undefined : percentValue(ensure<number | PercentText>("--max-wer", given, percentRule(SMOKE_TEST.maxWordErrorRate)));
  if (!/^[0-9]+$/.test(o.retries) || Number(o.retries) > 10) throw usage("--retries", `--retries must be a whole number from 0 to 10; got ${JSON.stringify(o.retries)}.`);
  if (o.stackConfig) return plansFromStack(o, maxWer);
  if (o.stackExport) throw usage("--stack-config", "--stack-config is required with --stack-export: the stack file names the clips.");
  if (o.changedSince) throw usage("--changed-since", "--changed-since goes with --stack-config and --stack-export.");
  for (const [flag, v] of [["--endpoint", o.endpoint], ["--endpoint-id", o.endpointId], ["--locale", o.locale]] as const) {
    if (v === undefined) throw usage(flag, `${flag} is required (or give --stack-config and --stack-export).`);
  }
  if (o.clip.length === 0) throw usage("--clip", "--clip is required: at least one <file>=<text> (or give --stack-config and --stack-export).");
  return [{ endpoint: o.endpoint!, endpointId: o.endpointId!, locale: o.locale!, clips: o.clip.map(parseClip), maxWordErrorRate: maxWer, baseDir: process.cwd(), clipsProperty: "--clip" }];
}

/** The library's option names as this command's (its errors name the property). */
const LIBRARY_OPTIONS: Record<string, string> = { endpoint: "--endpoint", endpointId: "--endpoint-id", locale: "--locale", maxWordErrorRate: "--max-wer" };
const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)} %`;

function clipReport(r: ClipResult, max: number): string {
  const errors = r.substitutions + r.deletions + r.insertions;
  const lines = [
    `${r.passed ? "PASS" : "FAIL"} ${r.file}: WER ${percent(r.wordErrorRate)} (${errors} error(s) in ${r.words} words: ${r.substitutions} S, ${r.deletions} D, ${r.insertions} I; at most ${max} %)`,
    `  expected: ${r.expected}`,
    `  heard:    ${r.heard || `(nothing: ${r.recognitionStatus})`}`,
  ];
  const a = alignedLines(r.steps);
  lines.push(`  REF: ${a.ref}`, `  HYP: ${a.hyp}`);
  if (a.marks) lines.push(`       ${a.marks}`);
  return lines.join("\n");
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram().exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let o: CliOptions;
  let todo: Plan[];
  const secrets: (string | undefined)[] = [env.SPEECH_KEY];
  const say = (stream: NodeJS.WriteStream, text: string) => stream.write(redact(text, secrets));
  try {
    const parsed = program.parse(argv, { from: "user" }).opts<Omit<CliOptions, "clip"> & { clip?: string[] }>();
    o = { ...parsed, clip: parsed.clip ?? [] };
    secrets.push(o.key);
    todo = plans(o);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof ValidationError) {
      say(process.stderr, `error: ${e.message}\n(see --help)\n`);
      return EXIT.usage;
    }
    throw e;
  }
  // An empty $SPEECH_KEY (an unset CI secret) means no key: Microsoft Entra ID.
  const key = o.key || env.SPEECH_KEY || undefined;
  const results: SmokeTestResult[] = [];
  let code: number = EXIT.ok;
  if (todo.length === 0) say(process.stdout, `No endpoint with smokeTest clips is new or serves another model since ${o.changedSince}: nothing to test.\n`);
  try {
    for (const p of todo) {
      say(process.stdout, `Smoke test of endpoint ${p.endpointId} (${p.locale}) on ${p.endpoint}\n`);
      const result = await smokeTest({
        endpoint: p.endpoint,
        endpointId: p.endpointId,
        locale: p.locale,
        clips: p.clips,
        maxWordErrorRate: p.maxWordErrorRate,
        key,
        baseDir: p.baseDir,
        clipsProperty: p.clipsProperty,
        maxRetries: Number(o.retries),
        onClip: (r) => say(process.stdout, `${clipReport(r, p.maxWordErrorRate ?? SMOKE_TEST.defaultMaxWordErrorRate)}\n`),
      });
      results.push(result);
      const failed = result.clips.filter((c) => !c.passed);
      say(process.stdout, `${result.clips.length - failed.length} of ${result.clips.length} clip(s) passed on endpoint ${p.endpointId} (${result.locale}).\n\n`);
      for (const c of failed) {
        say(process.stderr, `failed: ${c.file} (${result.locale}): expected "${c.expected}", heard "${c.heard}" (WER ${percent(c.wordErrorRate)}, at most ${result.maxWordErrorRate} %)\n`);
      }
      if (failed.length) code = EXIT.failed;
    }
  } catch (e) {
    if (e instanceof ValidationError) {
      const option = LIBRARY_OPTIONS[e.property];
      say(process.stderr, `error: ${option ? `${option}: ` : ""}${e.message}\n`);
      code = EXIT.usage;
    } else if (e instanceof SmokeTestAccessError) {
      say(process.stderr, `error: ${e.message}\n`);
      code = EXIT.unreachable;
    } else {
      say(process.stderr, `smoke test failed: ${(e as Error).message ?? String(e)}\n`);
      code = EXIT.failed;
    }
  }
  if (o.json) fs.writeFileSync(o.json, redact(JSON.stringify({ passed: code === EXIT.ok, results }, null, 2), secrets) + "\n");
  return code;
}

if (require.main === module) runMain(main);
