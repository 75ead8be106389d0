// The files an evaluation with known content produces, and their bytes: per audio file and model a score file
// (kind EvaluationDetails), and the two transcriptions the evaluation links (kind Transcription, the batch
// transcription result shape). Shapes and names are documented in README.md, "Per-file results".
import type { Core, Ctx, Reply } from "../context";
import type { EmulatorData } from "../data";
import { iso } from "../ids";
import { evaluationPhase } from "../status";
import type { StoredEvaluation } from "../store";
import { displayOf, scoringResult, type EvaluatedAudio, type EvaluationResults } from "../recognition";
import { notFound } from "../errors";
import { getFile, listFiles, type FileSpec } from "./replies";

/** `model1/test-001.wav.json`: the score file of one audio file and model. */
export const detailsName = (model: 1 | 2, audio: string): string => `model${model}/${audio}.json`;
/** `test-001.wav.json`: the transcription file of one audio file, as batch transcription names them. */
export const transcriptionName = (audio: string): string => `${audio}.json`;

const TICKS_PER_SECOND = 10_000_000;
/** A clip's length as the emulator tells it: 0.4 s a word heard, at least 1 s. */
const durationTicks = (lexical: string): number => Math.max(1, lexical.split(" ").filter(Boolean).length * 0.4) * TICKS_PER_SECOND;
const isoDuration = (ticks: number): string => `PT${Math.round((ticks / TICKS_PER_SECOND) * 100) / 100}S`;

function detailsJson(results: EvaluationResults, f: EvaluatedAudio, model: 1 | 2, modelSelf: string): string {
  const lexical = f.heard[model - 1];
  return JSON.stringify({
    source: f.name,
    model: { self: modelSelf },
    recognizedPhrases: [
      {
        recognitionStatus: "Success",
        channel: 0,
        nBest: [{ lexical, display: displayOf(lexical), ...(!results.audioOnly && { scoringResult: scoringResult(f.reference ?? "", lexical) }) }],
      },
    ],
  });
}

function transcriptionJson(f: EvaluatedAudio, model: 1 | 2, at: number): string {
  const lexical = f.heard[model - 1];
  const ticks = durationTicks(lexical);
  const text = { lexical, itn: lexical, maskedITN: lexical, display: displayOf(lexical) };
  return JSON.stringify({
    source: f.name,
    timestamp: iso(at),
    durationInTicks: ticks,
    duration: isoDuration(ticks),
    combinedRecognizedPhrases: [{ channel: 0, ...text }],
    recognizedPhrases: [
      { recognitionStatus: "Success", channel: 0, offset: "PT0S", duration: isoDuration(ticks), offsetInTicks: 0, durationInTicks: ticks, nBest: [{ confidence: 0.9, ...text }] },
    ],
  });
}

/** Rendered score files per evaluation (a 1,000-file evaluation is listed in pages: render each file once). */
const rendered = new WeakMap<EvaluationResults, Map<string, string>>();

function detailsOf(results: EvaluationResults, modelSelf: (n: 1 | 2) => string): Map<string, string> {
  let files = rendered.get(results);
  if (!files) {
    files = new Map();
    for (const f of results.files) for (const n of [1, 2] as const) files.set(detailsName(n, f.name), detailsJson(results, f, n, modelSelf(n)));
    rendered.set(results, files);
  }
  return files;
}

const resultsOf = (data: EmulatorData, resource: string, e: StoredEvaluation): EvaluationResults | undefined => (e.perFile ? data.evaluationResults(resource, e.id) : undefined);

/** The files of a Succeeded evaluation: per audio file and model an EvaluationDetails file (unless switched off). */
export function evaluationResultFiles(ctx: Ctx, e: StoredEvaluation, modelSelf: (n: 1 | 2) => string): FileSpec[] | undefined {
  const results = resultsOf(ctx.core.data, ctx.resource.name, e);
  if (!results) return undefined;
  const at = evaluationPhase(ctx.resource.state, e, ctx.now).lastActionAt;
  if (ctx.core.data.detailsMode === "omitted") return [];
  return [...detailsOf(results, modelSelf).entries()].map(([name, json]) => ({ name, kind: "EvaluationDetails", size: Buffer.byteLength(json), createdAt: at }));
}

/** The evaluation a transcription id belongs to (transcription1 or transcription2), if any. */
function transcriptionOwner(ctx: Ctx, id: string): { e: StoredEvaluation; model: 1 | 2 } | undefined {
  for (const e of Object.values(ctx.resource.state.evaluations)) {
    const at = e.transcriptionIds.indexOf(id);
    if (at >= 0) return { e, model: (at + 1) as 1 | 2 };
  }
  return undefined;
}

function transcriptionFiles(ctx: Ctx): [string, FileSpec[]] {
  const id = ctx.params.id.toLowerCase();
  const owner = transcriptionOwner(ctx, id);
  if (!owner) throw notFound("transcription", ctx.params.id);
  const phase = evaluationPhase(ctx.resource.state, owner.e, ctx.now);
  const results = resultsOf(ctx.core.data, ctx.resource.name, owner.e);
  const files: FileSpec[] =
    phase.status === "Succeeded" && results
      ? results.files.map((f) => ({ name: transcriptionName(f.name), kind: "Transcription", size: Buffer.byteLength(transcriptionJson(f, owner.model, phase.lastActionAt)), createdAt: phase.lastActionAt }))
      : [];
  return [`/transcriptions/${id}`, files];
}

export const listTranscriptionFiles = (ctx: Ctx): Reply => listFiles(ctx, ...transcriptionFiles(ctx));
export const getTranscriptionFile = (ctx: Ctx): Reply => getFile(ctx, ...transcriptionFiles(ctx));

/**
 * The bytes behind a file's contentUrl, when the emulator has them: a dataset's data, an evaluation's score files,
 * a transcription's files. Undefined: the emulator serves a short placeholder text, as for model files.
 */
export function fileContent(core: Core, resourceName: string, ownerPath: string, name: string): { body: Buffer | string; type: string } | undefined {
  const resource = core.resources.get(resourceName);
  if (!resource) return undefined;
  const [kind, id] = ownerPath.split("/");
  const state = resource.state;
  if (kind === "datasets" && (name === "data.zip" || name === "data.txt")) {
    const bytes = core.data.content(resourceName, id);
    return bytes && { body: bytes, type: name === "data.zip" ? "application/zip" : "text/plain; charset=utf-8" };
  }
  if (kind === "datasets" && name === "report.json") {
    const d = state.datasets[id];
    const index = d && core.data.index(resourceName, d);
    if (!index) return undefined;
    // The emulator's own report: what it indexed (the service's report format is not documented either).
    const files = index.files.map((f) => ({ name: f.name, status: "Succeeded", ...(d.kind === "Acoustic" && { transcript: f.reference !== undefined }) }));
    return { body: JSON.stringify({ kind: d.kind, successfulFiles: files.length, failedFiles: 0, files }), type: "application/json" };
  }
  if (kind === "evaluations") {
    const e = state.evaluations[id];
    const results = e && resultsOf(core.data, resourceName, e);
    if (!e || !results) return undefined;
    if (core.data.detailsMode === "unparseable") return { body: "<html><body>Scoring output moved.</body></html>", type: "application/json" };
    const modelSelf = (n: 1 | 2) => resource.self(e[`model${n}`].base ? `/models/base/${e[`model${n}`].id}` : `/models/${e[`model${n}`].id}`);
    const json = detailsOf(results, modelSelf).get(name);
    return json === undefined ? undefined : { body: json, type: "application/json" };
  }
  if (kind === "transcriptions") {
    for (const e of Object.values(state.evaluations)) {
      const at = e.transcriptionIds.indexOf(id);
      const results = at >= 0 ? resultsOf(core.data, resourceName, e) : undefined;
      const f = results?.files.find((x) => transcriptionName(x.name) === name);
      if (f) return { body: transcriptionJson(f, (at + 1) as 1 | 2, evaluationPhase(state, e, core.now()).lastActionAt), type: "application/json" };
    }
  }
  return undefined;
}
