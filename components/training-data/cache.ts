// The sync cache makes a no-change re-sync cost a directory listing and one blob metadata request.
// It maps a fingerprint of the dataset folder (every file's name, size and modification time, plus the
// kind, locale, SKU, rules and package format) to what validation and hashing found last time. A file edited
// in place keeps its name but changes size or mtime, so the fingerprint changes and the data is re-read.
// `verify: true` (CLI `--verify`) ignores the cache.
import { createHash } from "crypto";
import { promises as fsp } from "fs";
import type { Sku } from "./kinds";
import type { LocalFile, ResolvedDataset } from "./dataset";
import { RULE_LIST, LIMITS, type Problem } from "./rules";
import { PACKAGE_FORMAT } from "./package";
import { writeJsonIfChanged } from "./manifest";

export const SYNC_CACHE_FILE = ".sync-cache.json";
const CACHE_VERSION = 1;

export interface CachedFacts {
  fingerprint: string;
  extension: string;
  contentHash: string;
  sizeBytes: number;
  audioDurationMs: number;
  fileCount: number;
  /** Warnings found when the data was validated, replayed on a cache hit. */
  warnings: Problem[];
}

// Changing a rule or a limit must invalidate what was validated under the old ones.
const RULES_DIGEST = createHash("sha256").update(JSON.stringify([RULE_LIST, LIMITS])).digest("hex");

export function fingerprint(dataset: ResolvedDataset, files: readonly LocalFile[], sku: Sku): string {
  const h = createHash("sha256");
  h.update(JSON.stringify([PACKAGE_FORMAT, RULES_DIGEST, dataset.kind, dataset.locale, dataset.purpose, sku]));
  for (const f of files) h.update(`\n${f.name}\u0000${f.size}\u0000${f.mtimeMs}`);
  return h.digest("hex");
}

export class SyncCache {
  private constructor(
    readonly file: string | undefined,
    private readonly entries: Record<string, CachedFacts>,
  ) {}

  /** No file: an in-memory cache that forgets everything (every sync re-reads the data). */
  static async load(file?: string): Promise<SyncCache> {
    if (!file) return new SyncCache(undefined, {});
    try {
      const raw = JSON.parse(await fsp.readFile(file, "utf8")) as { version?: number; entries?: Record<string, CachedFacts> };
      return new SyncCache(file, raw.version === CACHE_VERSION && raw.entries ? raw.entries : {});
    } catch {
      return new SyncCache(file, {}); // missing or unreadable: start over, it is only a cache
    }
  }

  private static key(dataset: ResolvedDataset): string {
    return `${dataset.name}@${dataset.dir}`;
  }

  get(dataset: ResolvedDataset, fp: string): CachedFacts | undefined {
    const hit = this.entries[SyncCache.key(dataset)];
    return hit?.fingerprint === fp ? hit : undefined;
  }

  set(dataset: ResolvedDataset, facts: CachedFacts): void {
    this.entries[SyncCache.key(dataset)] = facts;
  }

  async save(): Promise<void> {
    if (this.file) await writeJsonIfChanged(this.file, { version: CACHE_VERSION, entries: this.entries });
  }
}
