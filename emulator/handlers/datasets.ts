// Datasets: import by contentUrl, or create without it and upload blocks (≤ 8 MiB each) then commit them.
import type { BlockKind, CommitBlocksEntry, Dataset, DatasetKind, FileKind, UploadedBlocks } from "../../components/speech-api/models";
import type { Ctx, Reply } from "../context";
import { jsonBody } from "../context";
import { DATASET_KINDS, DATASET_LOCALES } from "../catalogue";
import { ApiError, badRequest, conflict, invalid } from "../errors";
import { iso, newId } from "../ids";
import { isTerminal } from "../lifecycle";
import { datasetFailure, datasetPhase } from "../status";
import type { StoredDataset } from "../store";
import { commonFromBody, commonView, deleteHandler, fileHandlers, findEntity, getHandler, listHandler, optionalString, requireLocale, requireOneOf, updateHandler, type EntityKind } from "./common";
import { created, ok, type FileSpec } from "./replies";
import { blockKey, datasetKey } from "../data";

export const MAX_BLOCK_BYTES = 8 * 1024 * 1024;
/** Size assumed for content imported from a contentUrl the emulator could not fetch. */
const IMPORTED_BYTES = 256 * 1024;

const DATA_FILE_KIND: Record<DatasetKind, FileKind> = {
  Language: "LanguageData",
  LanguageMarkdown: "LanguageData",
  Pronunciation: "PronunciationData",
  Acoustic: "AcousticDataArchive",
  AudioFiles: "Audio",
  OutputFormatting: "OutputFormattingData",
};

const isAudio = (kind: DatasetKind): boolean => kind === "Acoustic" || kind === "AudioFiles";

function contentBytes(ctx: Ctx, d: StoredDataset): number {
  if (d.blocks) return d.blocks.committed.reduce((n, b) => n + b.size, 0);
  return ctx.core.data.content(ctx.resource.name, d.id)?.length ?? IMPORTED_BYTES;
}

export function datasetView(ctx: Ctx, d: StoredDataset): Dataset {
  const phase = datasetPhase(d, ctx.now);
  const self = (p = ""): string => ctx.resource.self(`/datasets/${d.id}${p}`);
  const bytes = contentBytes(ctx, d);
  return {
    self: self(),
    ...(commonView(ctx, d) as { displayName: string }),
    locale: d.locale,
    createdDateTime: iso(d.createdAt),
    lastActionDateTime: iso(phase.lastActionAt),
    kind: d.kind,
    links: {
      files: self("/files"),
      ...(d.blocks && { commitBlocks: self("/blocks:commit"), listBlocks: self("/blocks"), uploadBlocks: self("/blocks") }),
    },
    ...(phase.status === "Succeeded" && {
      properties: {
        acceptedLineCount: Math.max(1, Math.round(bytes / 64)),
        rejectedLineCount: 0,
        ...(isAudio(d.kind) && { durationMilliseconds: Math.round(bytes / 32) }),
        textNormalizationKind: "Default",
      },
    }),
    ...(phase.status === "Failed" && { properties: { error: datasetFailure(d) } }),
    ...(d.contentUrl !== undefined && { contentUrl: d.contentUrl }),
    status: phase.status,
  };
}

/** Datasets a resource of each SKU may hold (speech-services-quotas-and-limits: F0 2, S0 500). */
const MAX_DATASETS = { F0: 2, S0: 500 } as const;

export function createDataset(ctx: Ctx): Reply {
  const body = jsonBody(ctx);
  const limit = MAX_DATASETS[ctx.resource.sku];
  if (Object.keys(ctx.resource.state.datasets).length >= limit) {
    throw new ApiError(403, "Forbidden", "QuotaViolation", `The ${ctx.resource.sku} tier allows at most ${limit} datasets per Speech resource; delete one first or use S0.`);
  }
  const kind = requireOneOf(body, "kind", DATASET_KINDS);
  const locale = requireLocale(body, DATASET_LOCALES[kind]);
  const contentUrl = optionalString(body, "contentUrl");
  if (contentUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(contentUrl)) {
    throw invalid("InvalidParameterValue", `Property 'contentUrl' must be an absolute http(s) URL; got '${contentUrl}'.`);
  }
  const dataset: StoredDataset = {
    id: newId(),
    seq: ctx.resource.nextSeq(),
    createdAt: ctx.now,
    ...commonFromBody(ctx, body, locale),
    locale,
    kind,
    contentUrl,
    timeline: { start: ctx.now, duration: ctx.core.durations.dataset, waiting: contentUrl === undefined },
    ...(contentUrl === undefined && { blocks: { uncommitted: {}, committed: [] } }),
  };
  ctx.resource.state.datasets[dataset.id] = dataset;
  return created(datasetView(ctx, dataset), datasetPhase(dataset, ctx.now));
}

const datasets: EntityKind<StoredDataset> = {
  what: "dataset",
  path: "/datasets",
  collection: (s) => s.datasets,
  view: datasetView,
  phase: (ctx, d) => datasetPhase(d, ctx.now),
};

export const getDataset = getHandler(datasets);
export const listDatasets = listHandler(datasets);
export const datasetLocales = (): Reply => ok(DATASET_LOCALES);
export const updateDataset = updateHandler(datasets);

/** 409 while a training or an evaluation still reads the dataset. */
export const deleteDataset = deleteHandler(datasets, (ctx, { id }) => {
  const s = ctx.resource.state;
  const training = Object.values(s.models).find((m) => m.datasetIds.includes(id) && !isTerminal(m.timeline, ctx.now));
  const evaluating = Object.values(s.evaluations).find((e) => e.datasetId === id && !isTerminal(e.timeline, ctx.now));
  const user = training ? `model ${training.id} (training)` : evaluating ? `evaluation ${evaluating.id} (running)` : undefined;
  if (user) throw conflict("InUseViolation", `Dataset ${id} is in use by ${user}; delete it when that has finished.`);
  delete s.badDatasets[id];
  ctx.core.data.removeDataset(ctx.resource.name, id);
});

function datasetFiles(ctx: Ctx, d: StoredDataset): FileSpec[] {
  const phase = datasetPhase(d, ctx.now);
  if (phase.status !== "Succeeded" && phase.status !== "Failed") return [];
  const report: FileSpec = { name: "report.json", kind: "DatasetReport", size: 512, createdAt: phase.lastActionAt };
  if (phase.status === "Failed") return [report];
  const bytes = contentBytes(ctx, d);
  return [
    report,
    {
      name: isAudio(d.kind) ? "data.zip" : "data.txt",
      kind: DATA_FILE_KIND[d.kind],
      size: bytes,
      createdAt: phase.lastActionAt,
      ...(isAudio(d.kind) && { durationMilliseconds: Math.round(bytes / 32) }),
    },
  ];
}

export const { list: listDatasetFiles, get: getDatasetFile } = fileHandlers(datasets, datasetFiles);

// ---- block upload ----

function blockTarget(ctx: Ctx): StoredDataset & { blocks: NonNullable<StoredDataset["blocks"]> } {
  const d = findEntity(ctx, datasets);
  if (!d.blocks || !d.timeline.waiting) {
    throw invalid(
      "InvalidDataset",
      d.blocks ? `Dataset ${d.id} has already committed its blocks.` : `Dataset ${d.id} was created with a contentUrl; blocks can only be uploaded to a dataset created without one.`,
    );
  }
  return d as StoredDataset & { blocks: NonNullable<StoredDataset["blocks"]> };
}

export function getBlocks(ctx: Ctx): Reply {
  const d = findEntity(ctx, datasets);
  const blocks: UploadedBlocks = {
    committedBlocks: d.blocks?.committed ?? [],
    uncommittedBlocks: Object.entries(d.blocks?.uncommitted ?? {}).map(([name, size]) => ({ name, size })),
  };
  return ok(blocks);
}

export function uploadBlock(ctx: Ctx): Reply {
  const d = blockTarget(ctx);
  const blockId = ctx.query.get("blockid");
  if (!blockId) throw badRequest("InvalidParameterValue", "Query parameter 'blockid' is required (URL-encoded base64, at most 64 bytes before encoding).");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blockId) || blockId.length % 4 !== 0) {
    throw badRequest("InvalidParameterValue", `Query parameter 'blockid' must be a valid base64 string; got '${blockId}'.`);
  }
  if (Buffer.from(blockId, "base64").length > 64) throw badRequest("InvalidParameterValue", "Query parameter 'blockid' must be at most 64 bytes before base64 encoding.");
  const idLength = d.blocks.idLength ?? blockId.length;
  if (blockId.length !== idLength) {
    throw badRequest("InvalidParameterValue", `All block ids of a dataset must have the same length: expected ${idLength} characters, got ${blockId.length}.`);
  }
  if (ctx.body.length === 0) throw badRequest("EmptyRequest", "The block is empty; send 1 byte to 8 MiB of application/octet-stream.");
  d.blocks.idLength = idLength;
  d.blocks.uncommitted[blockId] = ctx.body.length;
  ctx.core.data.store.put(blockKey(ctx.resource.name, d.id, blockId), ctx.body);
  return { status: 201 };
}

const BLOCK_KINDS: BlockKind[] = ["Committed", "Uncommitted", "Latest"];

export function commitBlocks(ctx: Ctx): Reply {
  const d = blockTarget(ctx);
  let entries: unknown;
  try {
    entries = JSON.parse(ctx.body.toString("utf8") || "null");
  } catch {
    throw badRequest("InvalidRequestBodyFormat", "The request body is not valid JSON.");
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw badRequest("EmptyRequest", 'The body must be a non-empty JSON array of { "kind": "Committed"|"Uncommitted"|"Latest", "id": "<blockid>" }.');
  }
  const committed = (entries as CommitBlocksEntry[]).map((e, i) => {
    const kind = e?.kind ?? "Latest";
    if (!BLOCK_KINDS.includes(kind)) throw invalid("InvalidParameterValue", `blockList[${i}].kind must be one of: ${BLOCK_KINDS.join(", ")}.`);
    if (typeof e.id !== "string") throw invalid("InvalidPayload", `blockList[${i}].id is required.`);
    const uncommitted = d.blocks.uncommitted[e.id];
    const previous = d.blocks.committed.find((b) => b.name === e.id)?.size;
    const size = kind === "Uncommitted" ? uncommitted : kind === "Committed" ? previous : (uncommitted ?? previous);
    if (size === undefined) throw invalid("InvalidParameterValue", `blockList[${i}]: no ${kind.toLowerCase()} block with id '${e.id}'.`);
    return { name: e.id, size };
  });
  // The content is the committed blocks in order; a block whose bytes are missing (uploaded before this emulator
  // kept them) leaves the content unknown.
  const store = ctx.core.data.store;
  const parts = committed.map((b) => store.get(blockKey(ctx.resource.name, d.id, b.name)));
  if (parts.every((p) => p !== undefined)) ctx.core.data.setContent(ctx.resource.name, d.id, Buffer.concat(parts as Buffer[]));
  store.remove(`${datasetKey(ctx.resource.name, d.id)}/blocks`); // a dataset commits once
  d.blocks.committed = committed;
  d.blocks.uncommitted = {};
  d.timeline = { start: ctx.now, duration: ctx.core.durations.dataset };
  return { status: 200 };
}
