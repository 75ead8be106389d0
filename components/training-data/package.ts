// Deterministic, streaming packaging: the same files always give the same bytes, so the sha256 of the
// upload (the content hash) identifies the data. Audio kinds become a zip with every entry stored (WAV
// does not compress; storing keeps packaging as fast as reading the files), text kinds upload as is.
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as zlib from "zlib";
import { KIND_LAYOUT, type DatasetKind } from "./kinds";
import type { LocalFile } from "./dataset";

/** Bump when the bytes produced for the same files change: it is part of the sync-cache fingerprint. */
export const PACKAGE_FORMAT = "zip-store-dos1980-644-buffered4MiB/2";

/**
 * Files up to this size get their CRC and sizes in the local header (read whole, checksummed, then written);
 * larger files are streamed and get a data descriptor after their bytes.
 */
const BUFFERED_ENTRY_MAX = 4 * 1024 * 1024;
// Sizes of the records of a stored entry with a DOS timestamp only (no ZIP64: the 2 GB limit keeps us below it).
const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const CENTRAL_RECORD = 46;
const END_RECORD = 22;
// Field values yazl 3 writes for `{ compress: false, forceDosTimestamp: true, mode: 0o100644 }` and a
// 1980-01-01 00:00 mtime; tests check the bytes against yazl itself.
const VERSION_MADE_BY = (3 << 8) | 63; // unix, spec 6.3
const VERSION_NEEDED = 20;
const FLAG_UTF8 = 1 << 11;
const FLAG_DATA_DESCRIPTOR = 1 << 3;
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1; // 1980-01-01
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

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

export class PackageChangedError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message} since it was validated; run the sync again`);
    this.name = "PackageChangedError";
  }
}

interface CentralEntry {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  flags: number;
}

/**
 * Writes the package straight into caller-provided buffers (the upload blocks): file bytes are read with
 * `fs.readSync` into the block itself and checksummed there, so a byte is copied once, from the page cache.
 * A zip library's stream of small freshly allocated chunks cost more CPU than the upload (allocations, GC,
 * a copy into the block); the zip written here is byte-identical to yazl's output for the same options
 * (tests compare both). Memory: the central directory and one file of at most 4 MiB when it straddles a block.
 */
export class PackageReader {
  private next = 0;
  private written = 0;
  /** Bytes waiting to be copied out (headers, a file straddling a block, the central directory). */
  private pending: Buffer[] = [];
  private streaming?: { fd: number; file: LocalFile; position: number; crc: number; entry: CentralEntry };
  private readonly central: CentralEntry[] = [];
  private finished = false;
  private scratch?: Buffer;
  /** Audio kinds are zipped; a text kind's package is its one file, as is. */
  private readonly zip: boolean;

  constructor(
    kind: DatasetKind,
    private readonly files: readonly LocalFile[],
  ) {
    this.zip = KIND_LAYOUT[kind].packaging === "zip";
    if (!this.zip && files.length !== 1) throw new Error(`a ${kind} dataset packages exactly one text file, got ${files.length}`);
    // No ZIP64 records are written; validation (≤ 10,000 files, ≤ 2 GB) keeps packages far below these.
    if (this.zip && (files.length >= 0xffff || packageSize(kind, files) >= 0xffffffff)) {
      throw new Error(`a zip package holds fewer than 65,535 files and 4 GiB; got ${files.length} files, ${packageSize(kind, files)} bytes`);
    }
  }

  /** Fills `into` with the next package bytes; returns how many (less than its length only at the end). */
  read(into: Buffer): number {
    let at = 0;
    while (at < into.length) {
      const piece = this.pending[0];
      if (piece) {
        const n = piece.copy(into, at);
        at += n;
        if (n === piece.length) this.pending.shift();
        else this.pending[0] = piece.subarray(n);
      } else if (this.streaming) {
        at += this.readStreaming(into, at);
      } else if (this.next < this.files.length) {
        at += this.startFile(this.files[this.next++], into, at);
      } else if (!this.finished) {
        this.finished = true;
        if (this.zip) this.pending.push(this.centralDirectory(this.written + at));
      } else {
        break;
      }
    }
    this.written += at;
    return at;
  }

  close(): void {
    if (this.streaming) fs.closeSync(this.streaming.fd);
    this.streaming = undefined;
  }

  private open(f: LocalFile): number {
    const fd = fs.openSync(f.path, "r");
    const size = fs.fstatSync(fd).size;
    if (size !== f.size) {
      fs.closeSync(fd);
      throw new PackageChangedError(f.name, `size changed from ${f.size} to ${size} bytes`);
    }
    return fd;
  }

  private startFile(f: LocalFile, into: Buffer, at: number): number {
    const fd = this.open(f);
    if (!this.zip) {
      this.streaming = { fd, file: f, position: 0, crc: 0, entry: { name: Buffer.alloc(0), crc: 0, size: f.size, offset: 0, flags: 0 } };
      return 0;
    }
    const name = Buffer.from(f.name, "utf8");
    const entry: CentralEntry = { name, crc: 0, size: f.size, offset: this.written + at, flags: FLAG_UTF8 }; // nothing is pending here
    this.central.push(entry);
    if (!isBuffered(f)) {
      entry.flags |= FLAG_DATA_DESCRIPTOR;
      this.pending.push(localHeader(entry, false));
      this.streaming = { fd, file: f, position: 0, crc: 0, entry };
      return 0;
    }
    try {
      const header = LOCAL_HEADER + name.length;
      if (at + header + f.size <= into.length) {
        // The usual case: header and data fit in this block; read the data in place, then write the header before it.
        readFully(fd, f, into, at + header);
        entry.crc = zlib.crc32(into.subarray(at + header, at + header + f.size));
        localHeader(entry, true).copy(into, at);
        return header + f.size;
      }
      // Straddles the block boundary: read into a reused scratch buffer and copy out over the next reads.
      this.scratch = this.scratch && this.scratch.length >= f.size ? this.scratch : Buffer.allocUnsafe(BUFFERED_ENTRY_MAX);
      const data = this.scratch.subarray(0, f.size);
      readFully(fd, f, data, 0);
      entry.crc = zlib.crc32(data);
      this.pending.push(localHeader(entry, true), data);
      return 0;
    } finally {
      fs.closeSync(fd);
    }
  }

  private readStreaming(into: Buffer, at: number): number {
    const s = this.streaming!;
    const n = fs.readSync(s.fd, into, at, Math.min(into.length - at, s.file.size - s.position), s.position);
    if (n === 0 && s.position < s.file.size) throw new PackageChangedError(s.file.name, `size changed from ${s.file.size} to ${s.position} bytes`);
    if (this.zip) s.crc = zlib.crc32(into.subarray(at, at + n), s.crc);
    s.position += n;
    if (s.position === s.file.size) {
      this.close();
      if (this.zip) {
        s.entry.crc = s.crc;
        const descriptor = Buffer.alloc(DATA_DESCRIPTOR);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(s.crc, 4);
        descriptor.writeUInt32LE(s.file.size, 8);
        descriptor.writeUInt32LE(s.file.size, 12);
        this.pending.push(descriptor);
      }
    }
    return n;
  }

  /** `start`: the offset the central directory is written at. */
  private centralDirectory(start: number): Buffer {
    const records = this.central.map((e) => {
      const r = Buffer.alloc(CENTRAL_RECORD + e.name.length);
      r.writeUInt32LE(0x02014b50, 0);
      r.writeUInt16LE(VERSION_MADE_BY, 4);
      r.writeUInt16LE(VERSION_NEEDED, 6);
      r.writeUInt16LE(e.flags, 8);
      r.writeUInt16LE(0, 10); // stored
      r.writeUInt16LE(DOS_TIME, 12);
      r.writeUInt16LE(DOS_DATE, 14);
      r.writeUInt32LE(e.crc, 16);
      r.writeUInt32LE(e.size, 20);
      r.writeUInt32LE(e.size, 24);
      r.writeUInt16LE(e.name.length, 28);
      r.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38); // extra, comment, disk and internal attributes stay 0
      r.writeUInt32LE(e.offset, 42);
      e.name.copy(r, CENTRAL_RECORD);
      return r;
    });
    const size = records.reduce((n, r) => n + r.length, 0);
    const end = Buffer.alloc(END_RECORD);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.central.length, 8);
    end.writeUInt16LE(this.central.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    return Buffer.concat([...records, end]);
  }
}

function localHeader(e: CentralEntry, known: boolean): Buffer {
  const h = Buffer.alloc(LOCAL_HEADER + e.name.length);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION_NEEDED, 4);
  h.writeUInt16LE(e.flags, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  if (known) {
    h.writeUInt32LE(e.crc, 14);
    h.writeUInt32LE(e.size, 18);
    h.writeUInt32LE(e.size, 22);
  }
  h.writeUInt16LE(e.name.length, 26);
  e.name.copy(h, LOCAL_HEADER);
  return h;
}

function readFully(fd: number, f: LocalFile, into: Buffer, at: number): void {
  for (let done = 0; done < f.size; ) {
    const n = fs.readSync(fd, into, at + done, f.size - done, done);
    if (n === 0) throw new PackageChangedError(f.name, `size changed from ${f.size} to ${done} bytes`);
    done += n;
  }
}

export function openPackageReader(kind: DatasetKind, files: readonly LocalFile[]): PackageReader {
  return new PackageReader(kind, files);
}

/** sha256 (hex) and length of a package, read once into one reused buffer. */
export async function hashPackage(kind: DatasetKind, files: readonly LocalFile[]): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  const reader = new PackageReader(kind, files);
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  let sizeBytes = 0;
  try {
    for (;;) {
      const n = reader.read(buffer);
      hash.update(buffer.subarray(0, n));
      sizeBytes += n;
      if (n < buffer.length) break;
      await new Promise(setImmediate); // a long package must not starve the event loop
    }
  } finally {
    reader.close();
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}
