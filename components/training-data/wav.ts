// Reads a WAV file's format by walking its RIFF chunk headers with positional reads: the samples are never read.
// Reads are synchronous on purpose: a header is a few hundred bytes, and for thousands of clips the
// thread-pool round trips of async reads cost about five times the reads themselves.
import * as fs from "fs";

export interface WavInfo {
  /** 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE (then `pcm` tells the sub-format). */
  formatTag: number;
  pcm: boolean;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  dataBytes: number;
  /** Bytes of the data chunk that are missing from the file (a truncated recording). */
  missingBytes: number;
  durationMs: number;
}

export class WavHeaderError extends Error {}

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
// KSDATAFORMAT_SUBTYPE_PCM starts with the PCM tag; the rest of the GUID is fixed.
const PCM_SUBFORMAT_TAIL = Buffer.from("000000001000800000aa00389b71", "hex");
const MAX_CHUNKS = 64;

/** Bytes read up front: enough for the header of almost every WAV file, so one read usually suffices. */
const HEAD_BYTES = 4096;

export function readWavInfo(path: string, knownSize?: number): WavInfo {
  const fd = fs.openSync(path, "r");
  try {
    const size = knownSize ?? fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const headLength = fs.readSync(fd, head, 0, head.length, 0);
    // Serve reads from the head when it covers them; fall back to a positional read past it.
    const bytesAt = (pos: number, len: number): Buffer => {
      if (pos + len <= headLength) return head.subarray(pos, pos + len);
      const buf = Buffer.alloc(len);
      return buf.subarray(0, fs.readSync(fd, buf, 0, len, pos));
    };
    if (headLength < 12 || head.toString("latin1", 0, 4) !== "RIFF" || head.toString("latin1", 8, 12) !== "WAVE") {
      throw new WavHeaderError("not a RIFF/WAVE file");
    }
    let fmt: Omit<WavInfo, "dataBytes" | "missingBytes" | "durationMs"> | undefined;
    let pos = 12;
    for (let i = 0; i < MAX_CHUNKS && pos + 8 <= size; i++) {
      const ch = bytesAt(pos, 8);
      if (ch.length < 8) break;
      const id = ch.toString("latin1", 0, 4);
      const len = ch.readUInt32LE(4);
      if (id === "fmt ") {
        if (len < 16) throw new WavHeaderError(`fmt chunk is ${len} bytes, expected at least 16`);
        const f = bytesAt(pos + 8, Math.min(len, 40));
        if (f.length < 16) throw new WavHeaderError("fmt chunk is cut off");
        const formatTag = f.readUInt16LE(0);
        const pcm =
          formatTag === FORMAT_PCM ||
          (formatTag === FORMAT_EXTENSIBLE && f.length >= 40 && f.readUInt16LE(24) === FORMAT_PCM && f.subarray(26, 40).equals(PCM_SUBFORMAT_TAIL));
        fmt = {
          formatTag,
          pcm,
          channels: f.readUInt16LE(2),
          sampleRate: f.readUInt32LE(4),
          blockAlign: f.readUInt16LE(12),
          bitsPerSample: f.readUInt16LE(14),
        };
      } else if (id === "data") {
        if (!fmt) throw new WavHeaderError("data chunk comes before the fmt chunk");
        const available = Math.max(0, size - (pos + 8));
        const byteRate = fmt.sampleRate * fmt.blockAlign;
        return {
          ...fmt,
          dataBytes: len,
          missingBytes: Math.max(0, len - available),
          durationMs: byteRate > 0 ? Math.round((Math.min(len, available) / byteRate) * 1000) : 0,
        };
      }
      pos += 8 + len + (len % 2); // chunks are word-aligned
    }
    throw new WavHeaderError(fmt ? "no data chunk" : "no fmt chunk");
  } finally {
    fs.closeSync(fd);
  }
}

/** A PCM WAV file's bytes: for tests, benchmarks and examples. */
export function makeWav(o: { sampleRate?: number; channels?: number; bitsPerSample?: number; durationMs?: number; formatTag?: number; seed?: number } = {}): Buffer {
  const sampleRate = o.sampleRate ?? 16000;
  const channels = o.channels ?? 1;
  const bits = o.bitsPerSample ?? 16;
  const blockAlign = channels * (bits / 8);
  const dataBytes = Math.round(((o.durationMs ?? 1000) * sampleRate) / 1000) * blockAlign;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write("RIFF", 0, "latin1");
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write("WAVEfmt ", 8, "latin1");
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(o.formatTag ?? FORMAT_PCM, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * blockAlign, 28);
  buf.writeUInt16LE(blockAlign, 32);
  buf.writeUInt16LE(bits, 34);
  buf.write("data", 36, "latin1");
  buf.writeUInt32LE(dataBytes, 40);
  // Cheap deterministic noise so different seeds give different bytes.
  let x = (o.seed ?? 1) >>> 0 || 1;
  for (let i = 44; i + 4 <= buf.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  return buf;
}
