// Writing a report to disk: the HTML for people, the Markdown for a pull request, the JSON for machines, side by
// side under one base name. Shared by the command, the sandbox and the deploy workflow (through the command).
import * as fs from "fs";
import * as path from "path";
import type { SpeechClient } from "../speech-api";
import { collectEvaluation, type CollectOptions } from "./collect";
import type { EvaluationInputs } from "./inputs";
import { buildReport, renderHtml, renderJson, renderMarkdown, type EvaluationReport } from "./render";

export interface WrittenReport {
  report: EvaluationReport;
  html: string;
  markdown: string;
  json: string;
}

/** A file name from a label: letters, digits, dot, dash and underscore only. */
export const reportBaseName = (label: string): string => label.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "evaluation";

export function writeReport(inputs: EvaluationInputs, dir: string, baseName: string): WrittenReport {
  const report = buildReport(inputs);
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, reportBaseName(baseName));
  const out = { report, html: `${base}.html`, markdown: `${base}.md`, json: `${base}.json` };
  fs.writeFileSync(out.html, renderHtml(report));
  fs.writeFileSync(out.markdown, renderMarkdown(report));
  fs.writeFileSync(out.json, renderJson(report));
  return out;
}

/** Collects an evaluation from the service and writes its report. */
export async function writeEvaluationReport(client: SpeechClient, evaluation: string, dir: string, baseName: string, options: CollectOptions = {}): Promise<WrittenReport> {
  return writeReport(await collectEvaluation(client, evaluation, options), dir, baseName);
}
