// The manifest: what was synced where. The Dataset resource consumes `blobUrl` (as contentUrl) and
// `contentHash` (a change means new data, hence a new dataset). It holds no secrets and no timestamps, so
// an unchanged re-sync leaves the file byte-identical. SAS URLs, which are secrets, live in a separate
// file written with owner-only permissions.
import * as fs from "fs";
import { promises as fsp } from "fs";
import * as path from "path";
import { DATASET_KINDS, type DatasetKind } from "./kinds";

export const MANIFEST_VERSION = 1;

export interface ManifestEntry {
  name: string;
  kind: DatasetKind;
  locale: string;
  /** Blob URL without any SAS. */
  blobUrl: string;
  /** sha256 (hex) of the exact uploaded bytes. */
  contentHash: string;
  sizeBytes: number;
  /** Total audio duration; 0 for text kinds. */
  audioDurationMs: number;
  fileCount: number;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  datasets: ManifestEntry[];
}

/** Per dataset name: a read-only SAS URL for the blob and when it expires. */
export type SasFile = Record<string, { contentUrl: string; expiresOn: string }>;

export class ManifestError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "ManifestError";
  }
}

const ENTRY_KEYS: (keyof ManifestEntry)[] = ["name", "kind", "locale", "blobUrl", "contentHash", "sizeBytes", "audioDurationMs", "fileCount"];

function checkEntry(file: string, e: unknown, i: number): ManifestEntry {
  const where = `datasets[${i}]`;
  if (typeof e !== "object" || e === null) throw new ManifestError(file, `${where} is not an object`);
  const o = e as Record<string, unknown>;
  for (const k of ["name", "locale", "blobUrl"] as const) if (typeof o[k] !== "string" || !o[k]) throw new ManifestError(file, `${where}.${k} must be a non-empty string`);
  if (!DATASET_KINDS.includes(o.kind as DatasetKind)) throw new ManifestError(file, `${where}.kind ${JSON.stringify(o.kind)} is not one of ${DATASET_KINDS.join(", ")}`);
  if (typeof o.contentHash !== "string" || !/^[0-9a-f]{64}$/.test(o.contentHash)) throw new ManifestError(file, `${where}.contentHash must be a sha256 in hex`);
  for (const k of ["sizeBytes", "audioDurationMs", "fileCount"] as const) {
    if (typeof o[k] !== "number" || !Number.isInteger(o[k]) || (o[k] as number) < 0) throw new ManifestError(file, `${where}.${k} must be a whole number ≥ 0`);
  }
  return Object.fromEntries(ENTRY_KEYS.map((k) => [k, o[k]])) as unknown as ManifestEntry;
}

export function parseManifest(text: string, file = "manifest"): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(file, `not JSON (${(e as Error).message})`);
  }
  const o = raw as { version?: unknown; datasets?: unknown };
  if (o?.version !== MANIFEST_VERSION) throw new ManifestError(file, `version ${JSON.stringify(o?.version)} is not supported; expected ${MANIFEST_VERSION}`);
  if (!Array.isArray(o.datasets)) throw new ManifestError(file, "datasets must be an array");
  return { version: MANIFEST_VERSION, datasets: o.datasets.map((e, i) => checkEntry(file, e, i)) };
}

export async function readManifest(file: string): Promise<Manifest> {
  return parseManifest(await fsp.readFile(file, "utf8"), file);
}

/** Synchronous variant for Pulumi programs that build resources at module load. */
export function readManifestSync(file: string): Manifest {
  return parseManifest(fs.readFileSync(file, "utf8"), file);
}

export function findDataset(manifest: Manifest, name: string): ManifestEntry {
  const hit = manifest.datasets.find((d) => d.name === name);
  if (!hit) throw new Error(`dataset ${JSON.stringify(name)} is not in the manifest; it holds: ${manifest.datasets.map((d) => d.name).join(", ") || "(none)"}`);
  return hit;
}

/** Replaces entries by name and keeps the list sorted, so the file only changes when data does. */
export function mergeManifest(manifest: Manifest | undefined, entries: readonly ManifestEntry[]): Manifest {
  const byName = new Map((manifest?.datasets ?? []).map((d) => [d.name, d]));
  for (const e of entries) byName.set(e.name, e);
  const datasets = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { version: MANIFEST_VERSION, datasets: datasets.map((d) => Object.fromEntries(ENTRY_KEYS.map((k) => [k, d[k]])) as unknown as ManifestEntry) };
}

/** Writes atomically and only when the content differs; returns whether the file changed. */
export async function writeJsonIfChanged(file: string, value: unknown, mode?: number): Promise<boolean> {
  const text = JSON.stringify(value, null, 2) + "\n";
  const old = await fsp.readFile(file, "utf8").catch(() => undefined);
  if (old === text) return false;
  await fsp.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, text, { mode: mode ?? 0o644 });
  await fsp.rename(tmp, file);
  return true;
}

export const writeManifest = (file: string, manifest: Manifest): Promise<boolean> => writeJsonIfChanged(file, manifest);

export async function readSasFile(file: string): Promise<SasFile> {
  return JSON.parse(await fsp.readFile(file, "utf8")) as SasFile;
}

/** Merges SAS URLs into the file, readable by its owner only. */
export async function writeSasFile(file: string, entries: SasFile): Promise<void> {
  const old = await readSasFile(file).catch(() => ({}) as SasFile);
  await writeJsonIfChanged(file, { ...old, ...entries }, 0o600);
  await fsp.chmod(file, 0o600);
}
