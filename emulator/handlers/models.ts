// Base-model catalogue (read-only) and custom models (training). Training settings are create-only;
// PATCH changes displayName, description, customProperties and project.
import type { CustomModel, ModelManifest } from "../../components/speech-api/models";
import type { Ctx, Reply } from "../context";
import { jsonBody } from "../context";
import { adaptationDeadline, defaultBaseModel, LOCALES, renderBaseModel, transcriptionDeadline, type CatalogueModel } from "../catalogue";
import { conflict, invalid, notFound } from "../errors";
import { iso, newId } from "../ids";
import { isTerminal } from "../lifecycle";
import { datasetFailure, datasetPhase, modelFailure, modelPhase } from "../status";
import type { StoredModel } from "../store";
import { commonFromBody, commonView, deleteHandler, fileHandlers, findEntity, getHandler, listHandler, refId, requireLocale, requireLocaleMatch, updateHandler, type EntityKind } from "./common";
import { created, fileContentUrl, list, ok, type FileSpec } from "./replies";

// ---- base models ----

function findBase(ctx: Ctx): CatalogueModel {
  const model = ctx.core.catalogue.find((m) => m.id === ctx.params.id.toLowerCase());
  if (!model) throw notFound("base model", ctx.params.id);
  return model;
}

const baseView = (ctx: Ctx, m: CatalogueModel) => renderBaseModel(m, (p) => ctx.resource.self(p));

export const listBaseModels = (ctx: Ctx): Reply => list(ctx, ctx.core.catalogue.map((m) => baseView(ctx, m)));

export const getBaseModel = (ctx: Ctx): Reply => ok(baseView(ctx, findBase(ctx)));

function manifest(ctx: Ctx, modelPath: string, sasRequired: boolean): ModelManifest {
  const file = (name: string) => ({ name, contentUrl: fileContentUrl(ctx, modelPath, name, sasRequired).contentUrl });
  return {
    model: { self: ctx.resource.self(modelPath) },
    modelFiles: [file("model.bin"), file("model.config.json")],
    properties: { containerCompatible: true },
  };
}

/** The spec marks sasLifetimeMinutes required for both manifests; for base models the emulator defaults it (12 h). */
export const getBaseModelManifest = (ctx: Ctx): Reply => ok(manifest(ctx, `/models/base/${findBase(ctx).id}`, false));

export const modelLocales = (): Reply => ok(LOCALES);

// ---- custom models ----

export function modelView(ctx: Ctx, m: StoredModel): CustomModel {
  const s = ctx.resource.state;
  const phase = modelPhase(s, m, ctx.now);
  const error = phase.status === "Failed" ? modelFailure(s, m) : undefined;
  const self = (p = ""): string => ctx.resource.self(`/models/${m.id}${p}`);
  return {
    baseModel: { self: ctx.resource.self(`/models/base/${m.baseModelId}`) },
    ...(m.datasetIds.length > 0 && { datasets: m.datasetIds.map((id) => ({ self: ctx.resource.self(`/datasets/${id}`) })) }),
    links: { manifest: self("/manifest"), copy: ctx.resource.self(`/models/${m.id}:copy`), files: self("/files") },
    properties: {
      deprecationDates: { transcriptionDateTime: iso(transcriptionDeadline(m.createdAt)) },
      ...(m.weight !== undefined && { customModelWeightPercent: m.weight }),
      features: {
        supportsTranscriptionsSubmit: true,
        supportsTranscriptionsTranscribe: false,
        supportsEndpoints: true,
        supportsTranscriptionsOnSpeechContainers: false,
        supportedOutputFormats: ["Lexical", "Display"],
      },
      ...(error && { error }),
    },
    self: self(),
    ...(commonView(ctx, m) as { displayName: string }),
    locale: m.locale,
    createdDateTime: iso(m.createdAt),
    lastActionDateTime: iso(phase.lastActionAt),
    status: phase.status,
  };
}

function weightPercent(body: Record<string, unknown>): number | undefined {
  const props = body.properties as Record<string, unknown> | undefined;
  const weight = props?.customModelWeightPercent;
  if (weight === undefined || weight === null) return undefined;
  if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 1 || weight > 100) {
    throw invalid("InvalidParameterValue", `Property 'properties.customModelWeightPercent' must be an integer from 1 to 100; got ${JSON.stringify(weight)}.`);
  }
  return weight;
}

export function createModel(ctx: Ctx): Reply {
  const body = jsonBody(ctx);
  const s = ctx.resource.state;
  const locale = requireLocale(body);
  if (!Array.isArray(body.datasets) || body.datasets.length === 0) {
    throw invalid("InvalidDataset", "Property 'datasets' is required: a non-empty array of dataset references { \"self\": … }.");
  }
  const datasets = body.datasets.map((ref, i) => {
    const property = `datasets[${i}]`;
    const d = s.datasets[refId(ctx, ref, property, "datasets", "InvalidDataset")];
    if (!d) throw invalid("InvalidDataset", `Property '${property}' references a dataset that does not exist.`);
    requireLocaleMatch(`dataset ${d.id}`, locale, d.locale, "InvalidDataset");
    if (d.timeline.waiting) throw invalid("InvalidDataset", `Dataset ${d.id} (${property}) has no content yet: upload and commit its blocks first.`);
    if (datasetPhase(d, ctx.now).status === "Failed" && datasetFailure(d)) throw invalid("FailedDataset", `Dataset ${d.id} (${property}) failed to import.`);
    return d;
  });
  const kinds = [...new Set(datasets.map((d) => d.kind))];
  let base: CatalogueModel | undefined;
  if (body.baseModel === undefined || body.baseModel === null) {
    base = defaultBaseModel(ctx.core.catalogue, locale, kinds, ctx.now);
    if (!base) throw invalid("InvalidBaseModel", `No base model of locale ${locale} can currently be adapted with ${kinds.join(", ")} data.`);
  } else {
    const id = refId(ctx, body.baseModel, "baseModel", "models/base", "InvalidBaseModel");
    base = ctx.core.catalogue.find((m) => m.id === id);
    if (!base) throw invalid("InvalidBaseModel", `Property 'baseModel' references base model '${id}', which does not exist.`);
    requireLocaleMatch(`base model ${id}`, locale, base.locale, "InvalidBaseModel");
    if (adaptationDeadline(base.createdAt) <= ctx.now) {
      throw invalid("ModelDeprecated", `Base model ${id} can no longer be adapted: its adaptation date ${iso(adaptationDeadline(base.createdAt))} has passed.`);
    }
    const unsupported = kinds.filter((k) => !base!.adaptsWith.includes(k));
    if (unsupported.length > 0) {
      throw invalid("InvalidAdaptationMapping", `Base model ${id} cannot be adapted with ${unsupported.join(", ")} data; it supports: ${base.adaptsWith.join(", ") || "none"}.`);
    }
  }
  const model: StoredModel = {
    id: newId(),
    seq: ctx.resource.nextSeq(),
    createdAt: ctx.now,
    ...commonFromBody(ctx, body, locale),
    locale,
    baseModelId: base.id,
    datasetIds: datasets.map((d) => d.id),
    weight: weightPercent(body),
    wordErrorRate: ctx.core.scenario.customModelWordErrorRate,
    timeline: { start: ctx.now, duration: ctx.core.durations.model },
  };
  s.models[model.id] = model;
  return created(modelView(ctx, model), modelPhase(s, model, ctx.now));
}

const models: EntityKind<StoredModel> = {
  what: "model",
  path: "/models",
  collection: (s) => s.models,
  view: modelView,
  phase: (ctx, m) => modelPhase(ctx.resource.state, m, ctx.now),
};

export const getModel = getHandler(models);
export const listModels = listHandler(models);
export const updateModel = updateHandler(models);

/** 409 while an endpoint serves the model, or a running evaluation or copy reads it. */
export const deleteModel = deleteHandler(models, (ctx, { id }) => {
  const s = ctx.resource.state;
  const endpoint = Object.values(s.endpoints).find((e) => !e.model.base && e.model.id === id);
  if (endpoint) throw conflict("InUseViolation", `Model ${id} is deployed to endpoint ${endpoint.id}; swap or delete the endpoint first.`);
  const evaluation = Object.values(s.evaluations).find(
    (e) => !isTerminal(e.timeline, ctx.now) && [e.model1, e.model2].some((l) => !l.base && l.id === id),
  );
  if (evaluation) throw conflict("InUseViolation", `Model ${id} is used by running evaluation ${evaluation.id}.`);
  const copy = Object.values(s.copyOperations).find((o) => o.sourceModelId === id && !isTerminal(o.timeline, ctx.now));
  if (copy) throw conflict("InUseViolation", `Model ${id} is being copied by operation ${copy.id}.`);
});

export function getModelManifest(ctx: Ctx): Reply {
  const m = findEntity(ctx, models);
  if (modelPhase(ctx.resource.state, m, ctx.now).status !== "Succeeded") {
    throw invalid("InvalidModel", `Model ${m.id} has no manifest until training has succeeded.`);
  }
  return ok(manifest(ctx, `/models/${m.id}`, true));
}

function modelFiles(ctx: Ctx, m: StoredModel): FileSpec[] {
  const phase = modelPhase(ctx.resource.state, m, ctx.now);
  return phase.status === "Succeeded" ? [{ name: "report.json", kind: "ModelReport", size: 1024, createdAt: phase.lastActionAt }] : [];
}

export const { list: listModelFiles, get: getModelFile } = fileHandlers(models, modelFiles);
