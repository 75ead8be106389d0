// Sync = validate every dataset, then for each one: hash the deterministic package, skip it when the
// content-addressed blob already holds those bytes, otherwise upload it resumably. Nothing is uploaded
// unless every dataset passes validation.
import type { BlobServiceClient, BlockBlobClient, ContainerClient } from "@azure/storage-blob";
import { ValidationError } from "../domain";
import { parseContainer, type ContainerLayout, type Sku } from "./kinds";
import { hasErrors, type Problem } from "./rules";
import { listDataset, resolveDataset, type DatasetSpec, type LocalFile, type ResolvedDataset } from "./dataset";
import { validateDataset } from "./validate";
import { hashPackage, openPackageReader, packageContentType, packageExtension } from "./package";
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
  /**
   * Entries of the existing manifest. A dataset whose package size and file count match its entry is
   * hashed before anything is sent, so unchanged data costs no upload even without the sync cache.
   */
  previous?: readonly ManifestEntry[];
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
  /** The files to package, sorted by name. */
  files: LocalFile[];
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
    if (seen.has(d.name)) throw new ValidationError("name", `name ${JSON.stringify(d.name)} is used by more than one dataset; names must be unique.`);
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
    // Only error-free validations are cached, and those leave no file of the listing out of the package.
    return { dataset, problems: facts.warnings, files: listing.files, facts, fingerprint: fp, extension: facts.extension, audioDurationMs: facts.audioDurationMs, sizeBytes: facts.sizeBytes, fileCount: facts.fileCount };
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
  const cache = await SyncCache.load(options.cachePath);
  const checks = await validateDatasets(specs, options, cache);
  const service = blobServiceClient(options.storage);
  const results: DatasetSyncResult[] = [];
  for (const check of checks) {
    results.push(await syncChecked(check, service, cache, options));
  }
  return results;
}

export async function syncDataset(spec: DatasetSpec, options: SyncOptions): Promise<DatasetSyncResult> {
  return (await syncDatasets([spec], options))[0];
}

const NO_UPLOAD = (totalBytes: number): UploadProgress => ({ totalBytes, doneBytes: totalBytes, uploadedBytes: 0, blocksStaged: 0, blocksReused: 0 });

/** A dataset whose package has the size and file count of its previous manifest entry is probably unchanged. */
function probablyUnchanged(check: DatasetCheck, previous: readonly ManifestEntry[] = []): boolean {
  const d = check.dataset;
  return previous.some((e) => e.name === d.name && e.kind === d.kind && e.locale === d.locale && e.sizeBytes === check.sizeBytes && e.fileCount === check.fileCount);
}

/**
 * Whether the dataset's folder in storage already holds a package of this size (a sync to a new manifest path, or
 * from another clone, has no cache and no manifest to tell): then hashing locally and comparing costs a read of the
 * files instead of an upload. One listing request.
 */
async function storedPackageOfSize(container: ContainerClient, prefix: string, sizeBytes: number, abortSignal?: AbortSignal): Promise<boolean> {
  try {
    for await (const b of container.listBlobsByHierarchy("/", { prefix, includeMetadata: true, abortSignal })) {
      if (b.kind === "blob" && b.properties.contentLength === sizeBytes && b.metadata?.contenthash) return true;
    }
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false; // no container yet
    throw e;
  }
  return false;
}

async function propertiesOf(blob: BlockBlobClient, abortSignal?: AbortSignal) {
  return blob.getProperties({ abortSignal }).catch((e: { statusCode?: number }) => {
    if (e.statusCode === 404) return undefined;
    throw e;
  });
}

/**
 * Where the bytes go:
 * - content hash known (sync cache, or hashed first because the data is probably unchanged): one metadata
 *   request on `<locale>/<name>/<hash><ext>`; upload straight to it only when it is missing.
 * - otherwise (new or changed data): a single pass hashes while uploading to `<locale>/<name>/staging/<fingerprint><ext>`,
 *   then a server-side copy gives the content-addressed name. Re-running after an interruption finds the
 *   staged blocks under the same fingerprint.
 */
async function syncChecked(check: DatasetCheck, service: BlobServiceClient, cache: SyncCache, options: SyncOptions): Promise<DatasetSyncResult> {
  const { dataset } = check;
  const { abortSignal } = options;
  const emit = options.onEvent ?? (() => undefined);
  const container = service.getContainerClient(dataset.container);
  const prefix = `${dataset.locale}/${dataset.name}/`;
  const staging = container.getBlockBlobClient(`${prefix}staging/${check.fingerprint}${check.extension}`);
  const metadata = (contentHash: string) => ({ contenthash: contentHash, dataset: dataset.name, kind: dataset.kind, locale: dataset.locale });
  const complete = (p: { metadata?: Record<string, string>; contentLength?: number } | undefined, f: CachedFacts) =>
    p?.metadata?.contenthash === f.contentHash && p.contentLength === f.sizeBytes;

  const { files } = check;
  const upload = async (blob: BlockBlobClient, expectedSha256?: string) => {
    await container.createIfNotExists({ abortSignal });
    emit({ type: "upload-start", dataset: dataset.name, totalBytes: check.sizeBytes });
    return uploadBlocksResumable(blob, openPackageReader(dataset.kind, files), check.sizeBytes, {
      blockSize: options.blockSize,
      concurrency: options.concurrency,
      expectedSha256,
      metadata,
      contentType: packageContentType(dataset.kind, files),
      abortSignal,
      onProgress: (p) => emit({ type: "upload-progress", dataset: dataset.name, progress: p }),
    });
  };
  const remember = async (contentHash: string, sizeBytes: number): Promise<CachedFacts> => {
    const facts = { fingerprint: check.fingerprint, extension: check.extension, contentHash, sizeBytes, audioDurationMs: check.audioDurationMs, fileCount: check.fileCount, warnings: check.problems };
    cache.set(dataset, facts);
    await cache.save(); // right away: a re-run after an interruption skips straight to the upload
    emit({ type: "hashed", dataset: dataset.name, contentHash, sizeBytes });
    return facts;
  };

  let progress = NO_UPLOAD(check.sizeBytes);
  let facts = check.facts;
  let staged = false;
  if (!facts && !probablyUnchanged(check, options.previous) && !(await storedPackageOfSize(container, prefix, check.sizeBytes, abortSignal))) {
    const outcome = await upload(staging);
    progress = outcome;
    facts = await remember(outcome.sha256, outcome.totalBytes);
    staged = true;
  } else if (!facts) {
    const { sha256, sizeBytes } = await hashPackage(dataset.kind, files);
    facts = await remember(sha256, sizeBytes);
  }

  const blob = container.getBlockBlobClient(`${prefix}${facts.contentHash}${facts.extension}`);
  const blobUrl = blob.url.split("?")[0];
  const unchanged = complete(await propertiesOf(blob, abortSignal), facts);
  if (unchanged) {
    emit({ type: "unchanged", dataset: dataset.name, blobUrl });
  } else {
    if (staged || complete(await propertiesOf(staging, abortSignal), facts)) {
      await blob.beginCopyFromURL(staging.url, { metadata: metadata(facts.contentHash), abortSignal, intervalInMs: 1000 }).then((poller) => poller.pollUntilDone());
    } else {
      progress = await upload(blob, facts.contentHash);
    }
    emit({ type: "uploaded", dataset: dataset.name, blobUrl, progress });
  }
  if (staged || !unchanged) await staging.deleteIfExists({ abortSignal });

  const sas = options.sasMinutes === undefined ? undefined : await readOnlySasUrl(service, blob, options.sasMinutes);
  return {
    entry: {
      name: dataset.name,
      kind: dataset.kind,
      locale: dataset.locale,
      blobUrl,
      contentHash: facts.contentHash,
      sizeBytes: facts.sizeBytes,
      audioDurationMs: facts.audioDurationMs,
      fileCount: facts.fileCount,
    },
    status: unchanged ? "unchanged" : "uploaded",
    bytesUploaded: progress.uploadedBytes,
    blocksStaged: progress.blocksStaged,
    blocksReused: progress.blocksReused,
    warnings: check.problems,
    ...(sas ? { sas: { contentUrl: sas.url, expiresOn: sas.expiresOn } } : {}),
  };
}
