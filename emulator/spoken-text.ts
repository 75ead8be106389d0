// How the emulator "hears" a clip, an emulator-only convention: the words spoken in a WAV file are written in its RIFF
// `LIST`/`INFO` chunk as the comment (`ICMT`, UTF-8). Real recordings don't carry it, and the real service hears the
// audio itself; a clip without the comment is silence to the emulator (RecognitionStatus NoMatch).

export interface WavChunk {
  id: string;
  /** Offset of the chunk's payload in the file. */
  at: number;
  size: number;
}

/** The chunks of a RIFF/WAVE buffer (top level), or undefined when it is not one. */
export function riffChunks(wav: Buffer): WavChunk[] | undefined {
  if (wav.length < 12 || wav.toString("latin1", 0, 4) !== "RIFF" || wav.toString("latin1", 8, 12) !== "WAVE") return undefined;
  const chunks: WavChunk[] = [];
  for (let pos = 12; pos + 8 <= wav.length; ) {
    const size = wav.readUInt32LE(pos + 4);
    chunks.push({ id: wav.toString("latin1", pos, pos + 4), at: pos + 8, size });
    pos += 8 + size + (size % 2); // chunks are word-aligned
  }
  return chunks;
}

/** The text of the clip's ICMT comment, or undefined when it has none. */
export function spokenText(wav: Buffer): string | undefined {
  for (const c of riffChunks(wav) ?? []) {
    if (c.id !== "LIST" || c.size < 4 || wav.toString("latin1", c.at, c.at + 4) !== "INFO") continue;
    const end = Math.min(wav.length, c.at + c.size);
    for (let pos = c.at + 4; pos + 8 <= end; ) {
      const id = wav.toString("latin1", pos, pos + 4);
      const size = wav.readUInt32LE(pos + 4);
      if (id === "ICMT") return wav.toString("utf8", pos + 8, Math.min(end, pos + 8 + size)).replace(/\0+$/, "");
      pos += 8 + size + (size % 2);
    }
  }
  return undefined;
}

/** The WAV with a `LIST`/`INFO` chunk whose ICMT says `text`, placed before the data chunk (any earlier LIST is dropped). */
export function withSpokenText(wav: Buffer, text: string): Buffer {
  const chunks = riffChunks(wav);
  if (!chunks) throw new Error("withSpokenText: not a RIFF/WAVE file");
  const comment = Buffer.from(`${text}\0`, "utf8");
  const icmt = Buffer.alloc(8 + comment.length + (comment.length % 2));
  icmt.write("ICMT", 0, "latin1");
  icmt.writeUInt32LE(comment.length, 4);
  comment.copy(icmt, 8);
  const list = Buffer.alloc(12);
  list.write("LIST", 0, "latin1");
  list.writeUInt32LE(4 + icmt.length, 4);
  list.write("INFO", 8, "latin1");
  const parts: Buffer[] = [wav.subarray(0, 12)];
  for (const c of chunks) {
    if (c.id === "LIST") continue;
    if (c.id === "data") parts.push(list, icmt);
    parts.push(wav.subarray(c.at - 8, Math.min(wav.length, c.at + c.size + (c.size % 2))));
  }
  const out = Buffer.concat(parts);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** A silent 16 kHz mono 16-bit PCM clip that the emulator hears as `text` (tests, the sandbox's smoke clips). */
export function spokenClip(text: string, o: { durationMs?: number } = {}): Buffer {
  const sampleRate = 16000;
  const dataBytes = Math.round(((o.durationMs ?? 2000) * sampleRate) / 1000) * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write("RIFF", 0, "latin1");
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write("WAVEfmt ", 8, "latin1");
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write("data", 36, "latin1");
  wav.writeUInt32LE(dataBytes, 40);
  return withSpokenText(wav, text);
}
