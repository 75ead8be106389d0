// Deterministic, streaming packaging: the same files always give the same bytes, so the sha256 of the
// upload (the content hash) identifies the data. Audio kinds become a zip with every entry stored (WAV
// does not compress; storing keeps packaging as fast as reading the files), text kinds upload as is.
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { pipeline } from "stream/promises";
import { Writable, type Readable } from "stream";
import { ZipFile } from "yazl";
import { KIND_LAYOUT, type DatasetKind } from "./kinds";
import type { LocalFile } from "./dataset";

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
  for (const f of files) {
    zip.addReadStreamLazy(f.name, { size: f.size, mtime: ZIP_MTIME, mode: ZIP_MODE, compress: false, forceDosTimestamp: true }, (cb) =>
      cb(null, fs.createReadStream(f.path, { highWaterMark: 1 << 20 })),
    );
  }
  zip.end();
  // yazl reports read errors (a file deleted or resized since listing) on the ZipFile, not on the output stream.
  const out = zip.outputStream as Readable;
  zip.on("error", (err: Error) => out.destroy(err));
  return out;
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
