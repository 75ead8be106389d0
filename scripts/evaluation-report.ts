#!/usr/bin/env node
// `npm run evaluation-report -- --stack-export state.json [--locale en-US] [--out evaluation-reports]`, or
// `-- --evaluation <self URI> [--endpoint <url>]`: the report of an evaluation — HTML for people (self-contained),
// Markdown for a pull request or job summary, JSON for machines. See docs/evaluation-report.md.
import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError } from "commander";
import { percentRule, percentValue, GATE_BOUNDS } from "../components/domain";
import { endpointOfSelf, evaluationsFromStackExport, writeEvaluationReport, type StackEvaluation } from "../components/evaluation-report";
import { SpeechClient, SpeechApiError } from "../components/speech-api";
import { EXIT, UnreachableError, UsageError, command, runCommand, runMain } from "./cli";

export { EXIT };

interface CliOptions {
  stackExport?: string;
  locale?: string;
  evaluation?: string;
  endpoint?: string;
  key?: string;
  out: string;
  localData?: string;
  maxWer?: number | string;
  minImprovement?: number | string;
  audio: boolean;
  maxAudioBytes: number;
  summary?: string;
}

const percentOption = (option: string, bounds: { min: number; max: number }) => (v: string) => {
  const value = /%\s*$/.test(v) ? v : Number(v);
  const problem = percentRule(bounds)(value);
  if (problem !== undefined || (typeof value === "number" && Number.isNaN(value))) throw new InvalidArgumentError(`${option} must be ${problem ?? "a number"}`);
  return value;
};

const bytes = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${JSON.stringify(v)} is not a whole number of bytes ≥ 0`);
  return n;
};

function readExport(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file === "-" ? 0 : file, "utf8"));
  } catch (e) {
    throw new UsageError(`--stack-export ${file === "-" ? "(standard input)" : file}: ${(e as Error).message}`);
  }
}

/** What to report on: the evaluations of an export (of one locale), or the one named. */
function targets(o: CliOptions): (StackEvaluation | { name: string; evaluation: string; endpoint: string; gate: StackEvaluation["gate"] })[] {
  if ((o.stackExport === undefined) === (o.evaluation === undefined)) throw new UsageError("give either --stack-export <file> (the evaluations of a deployed stack) or --evaluation <id or self URI>");
  const gate = {
    ...(o.maxWer !== undefined && { maxWordErrorRate: percentValue(o.maxWer) }),
    ...(o.minImprovement !== undefined && { minWordErrorRateImprovement: percentValue(o.minImprovement) }),
  };
  if (o.stackExport !== undefined) {
    if (o.endpoint) throw new UsageError("--endpoint goes with --evaluation; with --stack-export the endpoint comes from the export");
    let found: StackEvaluation[];
    try {
      found = evaluationsFromStackExport(readExport(o.stackExport), o.locale);
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError(`--stack-export ${o.stackExport}: ${(e as Error).message}`);
    }
    if (found.length === 0) throw new UsageError(`--stack-export ${o.stackExport} holds no Evaluation${o.locale ? ` of --locale ${o.locale}` : ""}`);
    return found.map((f) => ({ ...f, gate: { ...f.gate, ...gate } }));
  }
  const evaluation = o.evaluation!;
  const endpoint = o.endpoint ?? endpointOfSelf(evaluation);
  if (!endpoint) throw new UsageError("--endpoint <url> is required when --evaluation is an id (a self URI names its endpoint)");
  if (!/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/i.test(endpoint)) throw new UsageError(`--endpoint must be an https URL (http only on loopback), got ${endpoint}`);
  return [{ name: evaluation.split("?")[0].split("/").pop()!, evaluation, endpoint, gate }];
}

/** A service that refused us, or could not be reached, or has no such evaluation: exit 3, naming what was tried. */
function unreachable(e: unknown, evaluation: string, endpoint: string): Error {
  if (!(e instanceof SpeechApiError)) return e as Error;
  const what = `evaluation ${evaluation.split("?")[0]} on ${endpoint}`;
  if (e.statusCode === undefined) return new UnreachableError(`the Speech service at ${endpoint} could not be reached (${e.code ?? e.message}) for ${what}`);
  if (e.statusCode === 401 || e.statusCode === 403)
    return new UnreachableError(`the Speech service refused the credentials (${e.statusCode}) for ${what}: give its key (--key or $SPEECH_KEY) or sign in with an identity that has Cognitive Services Speech User or Contributor on it`);
  if (e.statusCode === 404) return new UnreachableError(`the Speech service has no ${what} (404)`);
  return e;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let key: string | undefined;
  return runCommand(
    "evaluation-report",
    async () => {
      const o = command(
        "evaluation-report",
        "Write the report of a Custom Speech evaluation: a self-contained HTML page (both models' transcripts aligned to the reference word by word, per-file WER, audio), Markdown for a pull request and JSON. " +
          "Key from --key or $SPEECH_KEY; without one, Microsoft Entra ID (DefaultAzureCredential).",
        { failed: "a report could not be written", unreachable: "the Speech service could not be reached, refused the credentials, or has no such evaluation" },
      )
        .option("--stack-export <file>", "the JSON `pulumi stack export` printed ('-' for stdin): report every evaluation of the stack")
        .option("--locale <locale>", "with --stack-export: only this locale's evaluation")
        .option("--evaluation <id or self URI>", "one evaluation, by its self URI or its id (then with --endpoint)")
        .option("--endpoint <url>", "with an evaluation id: the Speech resource endpoint, e.g. https://<name>.cognitiveservices.azure.com")
        .option("--key <key>", "Speech key (else $SPEECH_KEY, else Entra ID)")
        .option("--out <dir>", "where the .html, .md and .json go", "evaluation-reports")
        .option("--local-data <dir>", "the test set's local folder (audio and trans.txt): references and audio from it instead of a download")
        .option("--max-wer <percent>", "the gate's maxWordErrorRate, in percent (over the export's)", percentOption("--max-wer", GATE_BOUNDS.maxWordErrorRate))
        .option("--min-improvement <points>", "the gate's minWordErrorRateImprovement, in percentage points (over the export's)", percentOption("--min-improvement", GATE_BOUNDS.minWordErrorRateImprovement))
        .option("--no-audio", "embed no audio")
        .option("--max-audio-bytes <n>", "audio files larger than this are left out of the HTML (noted in it)", bytes, 2 * 1024 * 1024)
        .option("--summary <file>", "also append the Markdown to this file (e.g. $GITHUB_STEP_SUMMARY)")
        .parse(argv, { from: "user" })
        .opts<CliOptions>();
      key = o.key ?? env.SPEECH_KEY;
      const out = path.resolve(o.out);
      let failed = 0;
      const all = targets(o);
      for (const t of all) {
        const client = new SpeechClient({ endpoint: t.endpoint, ...(key && { key }) });
        const base = "locale" in t ? t.locale : t.name;
        try {
          const written = await writeEvaluationReport(client, t.evaluation, out, base, {
            gate: t.gate,
            audio: o.audio,
            maxAudioBytes: o.maxAudioBytes,
            ...(o.localData && { localData: o.localData }),
          });
          const r = written.report;
          const verdict = r.gate.passed === true ? "gate passed" : r.gate.passed === false ? "gate FAILED" : "gate not decided";
          process.stdout.write(`${base}: ${r.files.length} audio files, ${verdict}\n  ${written.html}\n  ${written.markdown}\n  ${written.json}\n`);
          if (o.summary) fs.appendFileSync(o.summary, fs.readFileSync(written.markdown, "utf8") + "\n");
        } catch (e) {
          const err = unreachable(e, t.evaluation, t.endpoint);
          if (err instanceof UnreachableError || all.length === 1) throw err;
          process.stderr.write(`evaluation-report: ${base}: ${err.message}\n`);
          failed++;
        }
      }
      return failed ? EXIT.failed : EXIT.ok;
    },
    { secrets: () => [key] },
  );
}

if (require.main === module) runMain(main);
