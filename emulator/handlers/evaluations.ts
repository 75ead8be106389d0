// Evaluations: compare model1 and model2 on a dataset. WER figures come from the scenario at creation time: summed
// from per-file results when the test set's content is known (recognition.ts), else synthetic (scenario.ts).
import type { Evaluation } from "../../components/speech-api/models";
import type { Ctx, Reply } from "../context";
import { jsonBody } from "../context";
import { LOCALES } from "../catalogue";
import { invalid } from "../errors";
import { iso, newId, stableId } from "../ids";
import { figures, werFor } from "../scenario";
import { evaluateModels, figuresOf } from "../recognition";
import { evaluationResultFiles } from "./results";
import { datasetFailure, datasetPhase, evaluationFailure, evaluationPhase, modelLinkStatus } from "../status";
import type { ModelLink, StoredEvaluation } from "../store";
import { commonFromBody, commonView, deleteHandler, fileHandlers, getHandler, listHandler, modelLocale, modelRef, modelSelf, refId, requireLocale, requireLocaleMatch, updateHandler, type EntityKind } from "./common";
import { created, ok, type FileSpec } from "./replies";

export function evaluationView(ctx: Ctx, e: StoredEvaluation): Evaluation {
  const s = ctx.resource.state;
  const phase = evaluationPhase(s, e, ctx.now);
  const self = (p = ""): string => ctx.resource.self(`/evaluations/${e.id}${p}`);
  return {
    ...(commonView(ctx, e) as { displayName: string }),
    self: self(),
    createdDateTime: iso(e.createdAt),
    lastActionDateTime: iso(phase.lastActionAt),
    model1: { self: modelSelf(ctx, e.model1) },
    model2: { self: modelSelf(ctx, e.model2) },
    dataset: { self: ctx.resource.self(`/datasets/${e.datasetId}`) },
    transcription1: { self: ctx.resource.self(`/transcriptions/${e.transcriptionIds[0]}`) },
    transcription2: { self: ctx.resource.self(`/transcriptions/${e.transcriptionIds[1]}`) },
    links: { files: self("/files") },
    locale: e.locale,
    ...(phase.status === "Succeeded" && { properties: e.figures }),
    ...(phase.status === "Failed" && { properties: { error: evaluationFailure(s, e) } }),
    status: phase.status,
  };
}

function evaluatedModel(ctx: Ctx, value: unknown, property: string, locale: string): ModelLink {
  if (value === undefined || value === null) throw invalid("InvalidModel", `Property '${property}' is required: a reference to a base or custom model.`);
  const link = modelRef(ctx, value, property);
  requireLocaleMatch(`${property} ${link.id}`, locale, modelLocale(ctx, link), "ModelMismatch");
  const status = modelLinkStatus(ctx.resource.state, link, ctx.now);
  if (status !== "Succeeded") throw invalid("InvalidModel", `Model ${link.id} (${property}) is ${status}; evaluate it once training has succeeded.`);
  return link;
}

export function createEvaluation(ctx: Ctx): Reply {
  const body = jsonBody(ctx);
  const locale = requireLocale(body);
  const model1 = evaluatedModel(ctx, body.model1, "model1", locale);
  const model2 = evaluatedModel(ctx, body.model2, "model2", locale);
  if (body.dataset === undefined || body.dataset === null) throw invalid("InvalidDataset", "Property 'dataset' is required: a reference to an Acoustic or AudioFiles dataset.");
  const dataset = ctx.resource.state.datasets[refId(ctx, body.dataset, "dataset", "datasets", "InvalidDataset")];
  if (!dataset) throw invalid("InvalidDataset", "Property 'dataset' references a dataset that does not exist.");
  requireLocaleMatch(`dataset ${dataset.id}`, locale, dataset.locale, "InvalidDataset");
  if (dataset.kind !== "Acoustic" && dataset.kind !== "AudioFiles") {
    throw invalid("InvalidDataset", `Dataset ${dataset.id} is of kind ${dataset.kind}; evaluations need kind Acoustic or AudioFiles.`);
  }
  if (dataset.timeline.waiting) throw invalid("InvalidDataset", `Dataset ${dataset.id} has no content yet: upload and commit its blocks first.`);
  if (datasetPhase(dataset, ctx.now).status === "Failed" && datasetFailure(dataset)) throw invalid("FailedDataset", `Dataset ${dataset.id} failed to import.`);
  const scenario = ctx.core.scenario;
  const wer = (m: typeof model1) => werFor(scenario, m.id, m.base, m.base ? undefined : ctx.resource.state.models[m.id]?.wordErrorRate);
  const id = newId();
  // With the test set's content known, the figures are the sum of per-file results (recognition.ts); else synthetic.
  const index = ctx.core.data.index(ctx.resource.name, dataset);
  const results = index && index.files.length > 0 ? evaluateModels(index, [{ id: model1.id, wer: wer(model1) }, { id: model2.id, wer: wer(model2) }]) : undefined;
  if (results) ctx.core.data.saveResults(ctx.resource.name, id, results);
  const evaluation: StoredEvaluation = {
    id,
    seq: ctx.resource.nextSeq(),
    createdAt: ctx.now,
    ...commonFromBody(ctx, body, locale),
    locale,
    model1,
    model2,
    datasetId: dataset.id,
    transcriptionIds: [stableId(`${id}/transcription1`), stableId(`${id}/transcription2`)],
    figures: results ? figuresOf(results) : { ...figures(wer(model1), 1), ...figures(wer(model2), 2) },
    ...(results && { perFile: true }),
    timeline: { start: ctx.now, duration: ctx.core.durations.evaluation },
  };
  ctx.resource.state.evaluations[id] = evaluation;
  return created(evaluationView(ctx, evaluation), evaluationPhase(ctx.resource.state, evaluation, ctx.now));
}

const evaluations: EntityKind<StoredEvaluation> = {
  what: "evaluation",
  path: "/evaluations",
  collection: (s) => s.evaluations,
  view: evaluationView,
  phase: (ctx, e) => evaluationPhase(ctx.resource.state, e, ctx.now),
};

export const getEvaluation = getHandler(evaluations);
export const listEvaluations = listHandler(evaluations);
export const evaluationLocales = (): Reply => ok(LOCALES);
export const updateEvaluation = updateHandler(evaluations);
export const deleteEvaluation = deleteHandler(evaluations, (ctx, e) => ctx.core.data.removeEvaluation(ctx.resource.name, e.id));

function evaluationFiles(ctx: Ctx, e: StoredEvaluation): FileSpec[] {
  const phase = evaluationPhase(ctx.resource.state, e, ctx.now);
  if (phase.status !== "Succeeded") return [];
  const perFile = evaluationResultFiles(ctx, e, (n) => modelSelf(ctx, e[`model${n}`]));
  return perFile ?? [{ name: "evaluation-details.json", kind: "EvaluationDetails", size: 4096, createdAt: phase.lastActionAt }];
}

export const { list: listEvaluationFiles, get: getEvaluationFile } = fileHandlers(evaluations, evaluationFiles);
