// Sync = validate every dataset, then for each one: hash the deterministic package, skip it when the
// content-addressed blob already holds those bytes, otherwise upload it resumably. Nothing is uploaded
// unless every dataset passes validation.
import type { BlobServiceClient } from "@azure/storage-blob";
import { InvalidOptionError, parseContainer, type ContainerLayout, type Sku } from "./kinds";
import { hasErrors, type Problem } from "./rules";
import { listDataset, resolveDataset, type DatasetSpec, type LocalFile, type ResolvedDataset } from "./dataset";
import { validateDataset } from "./validate";
import { hashPackage, openPackage, packageContentType, packageExtension } from "./package";
import { fingerprint, SyncCache, type CachedFacts } from "./cache";
import { uploadBlocksResumable, type UploadProgress } from "./upload";
import { blobServiceClient, readOnlySasUrl, type StorageTarget } from "./storage";
import type { ManifestEntry } from "./manifest";

export interface SyncOptions {
  storage: StorageTarget | BlobServiceClient;
  /** Speech resource tier: decides the text size limits. Default S0. */
  sku?: Sku;
  containers?: Partial<ContainerLayout>;
  /** Where the sync cache lives; without it every sync re-reads and re-hashes the data. */
  cachePath?: string;
  /** Ignore the cache: re-validate, re-hash and re-check every dataset. */
  verify?: boolean;
  blockSize?: number;
  concurrency?: number;
  abortSignal?: AbortSignal;
  /** Also mint a read-only SAS URL valid this many minutes for each dataset. */
  sasMinutes?: number;
  onEvent?: (event: SyncEvent) => void;
}

export type SyncEvent =
  | { type: "validated"; dataset: string; problems: Problem[]; fromCache: boolean }
  | { type: "hashed"; dataset: string; contentHash: string; sizeBytes: number }
  | { type: "unchanged"; dataset: string; blobUrl: string }
  | { type: "upload-start"; dataset: string; totalBytes: number }
  | { type: "upload-progress"; dataset: string; progress: UploadProgress }
  | { type: "uploaded"; dataset: string; blobUrl: string; progress: UploadProgress };

export interface DatasetSyncResult {
  entry: ManifestEntry;
  status: "uploaded" | "unchanged";
  bytesUploaded: number;
  blocksStaged: number;
  blocksReused: number;
  warnings: Problem[];
  /** Secret: a read-only SAS URL for `entry.blobUrl`, when `sasMinutes` was given. */
  sas?: { contentUrl: string; expiresOn: string };
}

export interface DatasetCheck {
  dataset: ResolvedDataset;
  problems: Problem[];
  /** Set when validation ran (not replayed from the cache): the files to package. */
  files?: LocalFile[];
  facts?: CachedFacts;
  fingerprint: string;
  /** Blob file extension: .zip or the text file's own. */
  extension: string;
  audioDurationMs: number;
  sizeBytes: number;
  fileCount: number;
}

export class TrainingDataValidationError extends Error {
  constructor(readonly checks: DatasetCheck[]) {
    const errors = checks.flatMap((c) => c.problems.filter((p) => p.severity === "error"));
    super(`training data failed validation with ${errors.length} error(s); nothing was uploaded`);
    this.name = "TrainingDataValidationError";
  }
}

export function resolveDatasets(specs: readonly DatasetSpec[], containers: Partial<ContainerLayout> = {}): ResolvedDataset[] {
  for (const [k, v] of Object.entries(containers)) if (v !== undefined) parseContainer(v, `containers.${k}`);
  const resolved = specs.map((s, i) => resolveDataset(s, containers, specs.length > 1 ? `datasets[${i}].` : ""));
  const seen = new Set<string>();
  for (const d of resolved) {
    if (seen.has(d.name)) throw new InvalidOptionError("name", `name: ${JSON.stringify(d.name)} is used by more than one dataset; names must be unique`);
    seen.add(d.name);
  }
  return resolved;
}

/** Validates one dataset, or replays the cached result when its files have not changed. */
export async function checkDataset(dataset: ResolvedDataset, sku: Sku, cache: SyncCache, verify = false): Promise<DatasetCheck> {
  const listing = await listDataset(dataset);
  const fp = fingerprint(dataset, listing.files, sku);
  const facts = verify || listing.problems.length > 0 ? undefined : cache.get(dataset, fp);
  if (facts) {
    return { dataset, problems: facts.warnings, facts, fingerprint: fp, extension: facts.extension, audioDurationMs: facts.audioDurationMs, sizeBytes: facts.sizeBytes, fileCount: facts.fileCount };
  }
  const report = await validateDataset(dataset, { sku }, listing);
  return {
    dataset,
    problems: report.problems,
    files: report.files,
    fingerprint: fp,
    extension: packageExtension(dataset.kind, report.files),
    audioDurationMs: report.audioDurationMs,
    sizeBytes: report.packageSizeBytes,
    fileCount: report.files.length,
  };
}

/** Validates every dataset; throws TrainingDataValidationError listing every problem when any is an error. */
export async function validateDatasets(
  specs: readonly DatasetSpec[],
  options: Pick<SyncOptions, "sku" | "containers" | "cachePath" | "verify" | "onEvent"> = {},
  cache?: SyncCache,
): Promise<DatasetCheck[]> {
  const datasets = resolveDatasets(specs, options.containers);
  cache ??= await SyncCache.load(options.cachePath);
  const checks: DatasetCheck[] = [];
  for (const d of datasets) {
    const c = await checkDataset(d, options.sku ?? "S0", cache, options.verify);
    options.onEvent?.({ type: "validated", dataset: d.name, problems: c.problems, fromCache: !!c.facts });
    checks.push(c);
  }
  if (checks.some((c) => hasErrors(c.problems))) throw new TrainingDataValidationError(checks);
  return checks;
}

export async function syncDatasets(specs: readonly DatasetSpec[], options: SyncOptions): Promise<DatasetSyncResult[]> {
  const sku = options.sku ?? "S0";
  const cache = await SyncCache.load(options.cachePath);
  const checks = await validateDatasets(specs, options, cache);
  const service = blobServiceClient(options.storage);
  const results: DatasetSyncResult[] = [];
  for (const check of checks) {
    results.push(await syncChecked(check, sku, service, cache, options));
  }
  return results;
}

export async function syncDataset(spec: DatasetSpec, options: SyncOptions): Promise<DatasetSyncResult> {
  return (await syncDatasets([spec], options))[0];
}

async function syncChecked(check: DatasetCheck, sku: Sku, service: BlobServiceClient, cache: SyncCache, options: SyncOptions): Promise<DatasetSyncResult> {
  const { dataset } = check;
  const emit = options.onEvent ?? (() => undefined);
  let files = check.files;
  let facts = check.facts;
  if (!facts) {
    const { sha256, sizeBytes } = await hashPackage(dataset.kind, files!);
    facts = {
      fingerprint: check.fingerprint,
      extension: check.extension,
      contentHash: sha256,
      sizeBytes,
      audioDurationMs: check.audioDurationMs,
      fileCount: check.fileCount,
      warnings: check.problems,
    };
    // Saved right away: a resumed run after an interruption then skips straight to the upload.
    cache.set(dataset, facts);
    await cache.save();
    emit({ type: "hashed", dataset: dataset.name, contentHash: sha256, sizeBytes });
  }

  const container = service.getContainerClient(dataset.container);
  const blob = container.getBlockBlobClient(`${dataset.locale}/${dataset.name}/${facts.contentHash}${facts.extension}`);
  const blobUrl = blob.url.split("?")[0];
  const entry: ManifestEntry = {
    name: dataset.name,
    kind: dataset.kind,
    locale: dataset.locale,
    blobUrl,
    contentHash: facts.contentHash,
    sizeBytes: facts.sizeBytes,
    audioDurationMs: facts.audioDurationMs,
    fileCount: facts.fileCount,
  };

  const existing = await blob.getProperties({ abortSignal: options.abortSignal }).catch((e: { statusCode?: number }) => {
    if (e.statusCode === 404) return undefined;
    throw e;
  });
  let progress: UploadProgress = { totalBytes: facts.sizeBytes, doneBytes: facts.sizeBytes, uploadedBytes: 0, blocksStaged: 0, blocksReused: 0 };
  const unchanged = existing?.metadata?.contenthash === facts.contentHash && existing.contentLength === facts.sizeBytes;
  if (unchanged) {
    emit({ type: "unchanged", dataset: dataset.name, blobUrl });
  } else {
    if (!files) files = (await validateDataset(dataset, { sku })).files; // cache hit but the blob is gone: list the files to package
    await container.createIfNotExists({ abortSignal: options.abortSignal });
    emit({ type: "upload-start", dataset: dataset.name, totalBytes: facts.sizeBytes });
    progress = await uploadBlocksResumable(blob, openPackage(dataset.kind, files), facts.sizeBytes, {
      blockSize: options.blockSize,
      concurrency: options.concurrency,
      expectedSha256: facts.contentHash,
      metadata: { contenthash: facts.contentHash, dataset: dataset.name, kind: dataset.kind, locale: dataset.locale },
      contentType: packageContentType(dataset.kind, files),
      abortSignal: options.abortSignal,
      onProgress: (p) => emit({ type: "upload-progress", dataset: dataset.name, progress: p }),
    });
    emit({ type: "uploaded", dataset: dataset.name, blobUrl, progress });
  }
  const sas = options.sasMinutes === undefined ? undefined : await readOnlySasUrl(service, blob, options.sasMinutes);
  return {
    entry,
    status: unchanged ? "unchanged" : "uploaded",
    bytesUploaded: progress.uploadedBytes,
    blocksStaged: progress.blocksStaged,
    blocksReused: progress.blocksReused,
    warnings: check.problems,
    ...(sas ? { sas: { contentUrl: sas.url, expiresOn: sas.expiresOn } } : {}),
  };
}
