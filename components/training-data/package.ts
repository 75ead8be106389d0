// Deterministic, streaming packaging: the same files always give the same bytes, so the sha256 of the
// upload (the content hash) identifies the data. Audio kinds become a zip with every entry stored (WAV
// does not compress; storing keeps packaging as fast as reading the files), text kinds upload as is.
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as zlib from "zlib";
import { pipeline } from "stream/promises";
import { Readable, Writable } from "stream";
import { ZipFile } from "yazl";
import { KIND_LAYOUT, type DatasetKind } from "./kinds";
import type { LocalFile } from "./dataset";

// yazl checksums every entry with buffer-crc32, a JavaScript CRC that runs at ~120 MB/s and made packaging
// the bottleneck of a sync. Node's zlib.crc32 computes the same CRC-32 natively (>1 GB/s) with the same
// chaining argument, so yazl's copy of buffer-crc32 gets it as its implementation.
const yazlCrc32 = require(require.resolve("buffer-crc32", { paths: [path.dirname(require.resolve("yazl"))] })) as {
  unsigned: (buf: Buffer, previous?: number) => number;
};
if (typeof zlib.crc32 === "function") yazlCrc32.unsigned = (buf: Buffer, previous?: number) => zlib.crc32(buf, previous ?? 0);

/** Bump when the bytes produced for the same files change: it is part of the sync-cache fingerprint. */
export const PACKAGE_FORMAT = "zip-store-dos1980-644-buffered4MiB/2";

// DOS timestamps are local time: a local-time date gives the same fields in every time zone.
const ZIP_OPTIONS = { mtime: new Date(1980, 0, 1, 0, 0, 0), mode: 0o100644, compress: false, forceDosTimestamp: true };
/**
 * Files up to this size are read whole and handed to yazl as buffers: no per-entry stream pipeline, and
 * yazl writes their CRC and sizes in the local header. Larger files are streamed and get a data
 * descriptor after their bytes.
 */
const BUFFERED_ENTRY_MAX = 4 * 1024 * 1024;
// Sizes of the records yazl writes for a stored entry with a DOS timestamp only (no ZIP64: the 2 GB limit keeps us below it).
const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const CENTRAL_RECORD = 46;
const END_RECORD = 22;

const isBuffered = (f: LocalFile) => f.size <= BUFFERED_ENTRY_MAX;
const nameBytes = (f: LocalFile) => Buffer.byteLength(f.name, "utf8");
/** Bytes an entry takes before the central directory. */
const entryBytes = (f: LocalFile) => LOCAL_HEADER + nameBytes(f) + f.size + (isBuffered(f) ? 0 : DATA_DESCRIPTOR);

/** The bytes the package will have, known before packaging (limits are checked on it). */
export function packageSize(kind: DatasetKind, files: readonly LocalFile[]): number {
  if (KIND_LAYOUT[kind].packaging === "file") return files[0]?.size ?? 0;
  return files.reduce((size, f) => size + entryBytes(f) + CENTRAL_RECORD + nameBytes(f), END_RECORD);
}

/** Blob file extension: `.zip`, or the text file's own extension. */
export function packageExtension(kind: DatasetKind, files: readonly LocalFile[]): string {
  return KIND_LAYOUT[kind].packaging === "zip" ? ".zip" : path.extname(files[0]?.name ?? ".txt").toLowerCase();
}

export function packageContentType(kind: DatasetKind, files: readonly LocalFile[]): string {
  const ext = packageExtension(kind, files);
  return ext === ".zip" ? "application/zip" : ext === ".md" ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8";
}

/** A fresh stream of the package bytes; files are read as the stream is consumed. */
export function openPackage(kind: DatasetKind, files: readonly LocalFile[]): Readable {
  if (KIND_LAYOUT[kind].packaging === "file") {
    if (files.length !== 1) throw new Error(`a ${kind} dataset packages exactly one text file, got ${files.length}`);
    return fs.createReadStream(files[0].path, { highWaterMark: 1 << 20 });
  }
  return Readable.from(zipChunks(files), { objectMode: false });
}

export class PackageChangedError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message} since it was validated; run the sync again`);
    this.name = "PackageChangedError";
  }
}

/**
 * Drives yazl entry by entry and yields its output chunks as they come (flowing mode: no re-concatenation).
 * yazl does not apply backpressure to buffer entries, so the next entry is added only once the previous
 * one's bytes (known exactly) are out; a streamed entry is paused while too much of it waits. Memory stays
 * at about one entry.
 */
async function* zipChunks(files: readonly LocalFile[]): AsyncGenerator<Buffer> {
  const MAX_QUEUED = 8 * 1024 * 1024;
  const zip = new ZipFile();
  const out = zip.outputStream as Readable;
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  // yazl reports read errors (a file deleted or resized since listing) on the ZipFile, not on the output stream.
  zip.on("error", (err: Error) => {
    failure ??= err;
    signal();
  });
  out.on("error", (err: Error) => {
    failure ??= err;
    signal();
  });
  out.on("end", () => {
    ended = true;
    signal();
  });
  out.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > MAX_QUEUED) out.pause();
    signal();
  });
  let written = 0;
  /** Yields queued output until `target` bytes are out (or the stream ends when no target). */
  const drain = async function* (target?: number) {
    while (target === undefined || written < target) {
      if (failure) throw failure;
      const chunk = queue.shift();
      if (chunk) {
        queued -= chunk.length;
        written += chunk.length;
        yield chunk;
        continue;
      }
      if (ended) {
        if (target !== undefined) throw new Error(`zip ended after ${written} of ${target} bytes`);
        return;
      }
      if (out.isPaused()) out.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  try {
    let expected = 0;
    for (const f of files) {
      if (isBuffered(f)) {
        // A synchronous read of a small, usually cached file costs a fraction of a thread-pool round trip.
        const buf = fs.readFileSync(f.path);
        if (buf.length !== f.size) throw new PackageChangedError(f.name, `size changed from ${f.size} to ${buf.length} bytes`);
        zip.addBuffer(buf, f.name, ZIP_OPTIONS);
      } else {
        zip.addReadStreamLazy(f.name, { ...ZIP_OPTIONS, size: f.size }, (cb) => cb(null, fs.createReadStream(f.path, { highWaterMark: 1 << 20 })));
      }
      expected += entryBytes(f);
      yield* drain(expected);
    }
    zip.end();
    yield* drain();
  } finally {
    out.destroy();
  }
}

/** sha256 (hex) and length of a package, read once. */
export async function hashPackage(kind: DatasetKind, files: readonly LocalFile[]): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  await pipeline(
    openPackage(kind, files),
    new Writable({
      highWaterMark: 1 << 20,
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        cb();
      },
    }),
  );
  return { sha256: hash.digest("hex"), sizeBytes };
}
