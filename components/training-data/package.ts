// Deterministic, streaming packaging: the same files always give the same bytes, so the sha256 of the
// upload (the content hash) identifies the data. Audio kinds become a zip with every entry stored (WAV
// does not compress; storing keeps packaging as fast as reading the files), text kinds upload as is.
import * as fs from "fs";
import { promises as fsp } from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as zlib from "zlib";
import { pipeline } from "stream/promises";
import { PassThrough, Writable, type Readable } from "stream";
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
export const PACKAGE_FORMAT = "zip-store-dos1980-644/1";

// DOS timestamps are local time: a local-time date gives the same fields in every time zone.
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const ZIP_MODE = 0o100644;
// Sizes of the records yazl writes for a stored entry with a DOS timestamp only (no ZIP64: the 2 GB limit keeps us below it).
const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const CENTRAL_RECORD = 46;
const END_RECORD = 22;

/** The bytes the package will have, known before packaging (limits are checked on it). */
export function packageSize(kind: DatasetKind, files: readonly LocalFile[]): number {
  if (KIND_LAYOUT[kind].packaging === "file") return files[0]?.size ?? 0;
  let size = END_RECORD;
  for (const f of files) {
    const name = Buffer.byteLength(f.name, "utf8");
    size += LOCAL_HEADER + name + f.size + DATA_DESCRIPTOR + CENTRAL_RECORD + name;
  }
  return size;
}

/** Blob file extension: `.zip`, or the text file's own extension. */
export function packageExtension(kind: DatasetKind, files: readonly LocalFile[]): string {
  return KIND_LAYOUT[kind].packaging === "zip" ? ".zip" : path.extname(files[0]?.name ?? ".txt").toLowerCase();
}

export function packageContentType(kind: DatasetKind, files: readonly LocalFile[]): string {
  const ext = packageExtension(kind, files);
  return ext === ".zip" ? "application/zip" : ext === ".md" ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8";
}

/** A fresh stream of the package bytes. Files are opened one at a time as the stream is read. */
export function openPackage(kind: DatasetKind, files: readonly LocalFile[]): Readable {
  if (KIND_LAYOUT[kind].packaging === "file") {
    if (files.length !== 1) throw new Error(`a ${kind} dataset packages exactly one text file, got ${files.length}`);
    return fs.createReadStream(files[0].path, { highWaterMark: 1 << 20 });
  }
  const zip = new ZipFile();
  const readAhead = new ReadAhead(files);
  files.forEach((f, i) => {
    zip.addReadStreamLazy(f.name, { size: f.size, mtime: ZIP_MTIME, mode: ZIP_MODE, compress: false, forceDosTimestamp: true }, (cb) => cb(null, readAhead.open(i)));
  });
  zip.end();
  // yazl reports read errors (a file deleted or resized since listing) on the ZipFile, not on the output stream.
  const out = zip.outputStream as Readable;
  zip.on("error", (err: Error) => out.destroy(err));
  return out;
}

/**
 * yazl reads entries one after another; for corpora of many small clips the per-file open/read/close
 * latency then dominates. ReadAhead reads the next small files in parallel, within a bounded byte budget,
 * so the corpus is never held in memory; large files are streamed as usual.
 */
class ReadAhead {
  private readonly pending = new Map<number, Promise<Buffer>>();
  private next = 0;
  private budgetUsed = 0;
  constructor(
    private readonly files: readonly LocalFile[],
    private readonly budgetBytes = 32 * 1024 * 1024,
    private readonly smallFileBytes = 4 * 1024 * 1024,
    private readonly parallel = 16,
  ) {}

  open(i: number): Readable {
    this.fill(i);
    const ready = this.pending.get(i);
    if (!ready) return fs.createReadStream(this.files[i].path, { highWaterMark: 1 << 20 });
    this.pending.delete(i);
    const out = new PassThrough();
    ready.then(
      (buf) => {
        this.budgetUsed -= this.files[i].size;
        this.fill(i + 1);
        out.end(buf);
      },
      (err: Error) => out.destroy(err),
    );
    return out;
  }

  private fill(from: number): void {
    this.next = Math.max(this.next, from);
    while (this.next < this.files.length && this.pending.size < this.parallel) {
      const f = this.files[this.next];
      if (f.size > this.smallFileBytes) {
        if (this.next === from) this.next++; // streamed by open(); keep reading ahead past it
        else break;
        continue;
      }
      if (this.budgetUsed + f.size > this.budgetBytes && this.pending.size > 0) break;
      this.budgetUsed += f.size;
      const p = fsp.readFile(f.path);
      p.catch(() => undefined); // surfaced when open() hands this file out
      this.pending.set(this.next++, p);
    }
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
