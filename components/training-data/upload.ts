// Resumable, parallel block upload of a package. Block ids are derived from the block size and index, so a
// re-run against the same (content-addressed) blob finds the blocks an interrupted run already staged and
// sends only the missing ones. The bytes are hashed as they go and the blob is committed only when they
// are the ones expected.
import { createHash } from "crypto";
import type { BlockBlobClient } from "@azure/storage-blob";

export const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 8;
const READ_AHEAD_BLOCKS = 2;
/** Azure allows at most this many blocks per blob. */
const MAX_BLOCKS = 50_000;

export interface UploadProgress {
  totalBytes: number;
  /** Bytes staged by this run plus bytes found already staged. */
  doneBytes: number;
  uploadedBytes: number;
  blocksStaged: number;
  blocksReused: number;
}

export interface BlockUploadOptions {
  blockSize?: number;
  concurrency?: number;
  /** Blob metadata; a function gets the sha256 of the streamed bytes (known only once all are read). */
  metadata?: Record<string, string> | ((sha256: string) => Record<string, string>);
  contentType?: string;
  /** Commit only when the streamed bytes have this sha256 (hex); otherwise throw and leave the blob uncommitted. */
  expectedSha256?: string;
  abortSignal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
}

export interface UploadOutcome extends UploadProgress {
  sha256: string;
}

export class ContentChangedError extends Error {
  constructor(message: string) {
    super(`${message}: the files changed while syncing; run the sync again`);
    this.name = "ContentChangedError";
  }
}

/** Fixed-width ids: Azure wants every block id of a blob to have the same length. */
export function blockId(blockSize: number, index: number): string {
  return Buffer.from(`s${String(blockSize).padStart(10, "0")}-i${String(index).padStart(6, "0")}`).toString("base64");
}

async function stagedBlocks(blob: BlockBlobClient, abortSignal?: AbortSignal): Promise<Map<string, number>> {
  try {
    const list = await blob.getBlockList("uncommitted", { abortSignal });
    return new Map((list.uncommittedBlocks ?? []).map((b) => [b.name, b.size]));
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return new Map();
    throw e;
  }
}

/**
 * A source that fills a caller's buffer synchronously (the package writer reads files straight into the
 * upload block): no per-chunk allocation and no copy into the block.
 */
export interface BlockSource {
  /** Fills `into`; returns the bytes written, less than its length only at the end. */
  read(into: Buffer): number;
  close(): void;
}

export async function uploadBlocksResumable(blob: BlockBlobClient, source: BlockSource, totalBytes: number, options: BlockUploadOptions = {}): Promise<UploadOutcome> {
  const blockSize = Math.max(options.blockSize ?? DEFAULT_BLOCK_SIZE, Math.ceil(totalBytes / MAX_BLOCKS));
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const { abortSignal } = options;
  const progress: UploadProgress = { totalBytes, doneBytes: 0, uploadedBytes: 0, blocksStaged: 0, blocksReused: 0 };
  const report = () => options.onProgress?.({ ...progress });
  const hash = createHash("sha256");
  const ids: string[] = [];
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // At most `concurrency` requests run; up to READ_AHEAD_BLOCKS more filled blocks wait for a slot, so
  // reading and packaging keep going while every request is busy instead of taking turns with them.
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = () => (running < concurrency ? (running++, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  try {
    const already = await stagedBlocks(blob, abortSignal);
    const dispatch = async (block: Buffer) => {
      const id = blockId(blockSize, ids.length);
      ids.push(id);
      if (already.get(id) === block.length) {
        recycle(block);
        progress.blocksReused++;
        progress.doneBytes += block.length;
        report();
        return;
      }
      while (inflight.size >= concurrency + READ_AHEAD_BLOCKS) await Promise.race(inflight);
      if (failure) throw failure.error;
      const task: Promise<void> = acquire()
        .then(() => (failure ? Promise.reject(failure.error) : blob.stageBlock(id, block, block.length, { abortSignal })))
        .finally(release)
        .then(
          () => {
            inflight.delete(task);
            recycle(block);
            progress.blocksStaged++;
            progress.uploadedBytes += block.length;
            progress.doneBytes += block.length;
            report();
          },
          (error: unknown) => {
            inflight.delete(task);
            failure ??= { error };
          },
        );
      inflight.add(task);
    };

    // Cut the package into blocks. Block buffers (concurrency + READ_AHEAD_BLOCKS + 1 at most) are recycled:
    // fresh multi-megabyte buffers per block cost page faults and GC.
    const free: Buffer[] = [];
    const recycle = (b: Buffer) => {
      if (b.buffer.byteLength === blockSize && free.length <= concurrency + READ_AHEAD_BLOCKS) free.push(Buffer.from(b.buffer, b.byteOffset, blockSize));
    };
    const nextBuffer = (remaining: number) => (remaining >= blockSize ? (free.pop() ?? Buffer.allocUnsafeSlow(blockSize)) : Buffer.allocUnsafe(Math.max(1, remaining)));
    let streamed = 0;
    for (;;) {
      const block = nextBuffer(totalBytes - streamed);
      const n = source.read(block);
      if (n === 0) break;
      streamed += n;
      if (streamed > totalBytes) throw new ContentChangedError(`the package is longer than the ${totalBytes} bytes expected`);
      hash.update(block.subarray(0, n));
      await dispatch(n === block.length ? block : block.subarray(0, n));
      if (failure) throw failure.error;
      // Reads are synchronous: let the requests in flight make progress between blocks.
      await new Promise(setImmediate);
      if (n < block.length) break;
    }
    await Promise.all(inflight);
    if (failure) throw failure.error;

    const sha256 = hash.digest("hex");
    if (streamed !== totalBytes) throw new ContentChangedError(`the package has ${streamed} bytes, ${totalBytes} expected`);
    if (options.expectedSha256 && sha256 !== options.expectedSha256) throw new ContentChangedError(`the package hashes to ${sha256}, ${options.expectedSha256} expected`);
    await blob.commitBlockList(ids, {
      metadata: typeof options.metadata === "function" ? options.metadata(sha256) : options.metadata,
      blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : undefined,
      abortSignal,
    });
    return { ...progress, sha256 };
  } finally {
    source.close();
    // Never leave requests running behind a failure: they would race a retry staging the same block ids.
    await Promise.allSettled(inflight);
  }
}
