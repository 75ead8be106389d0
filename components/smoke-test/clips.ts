// The clips a smoke test sends, checked before anything is sent: each must exist, be a 16 kHz mono 16-bit PCM WAV
// of at most 60 s (what the short-audio API takes in every region) and come with an expected text of at least one word.
import * as fs from "fs";
import * as path from "path";
import { ValidationError, shown } from "../domain";
import { words } from "../evaluation-report/alignment";
import { WavHeaderError, readWavInfo } from "../training-data/wav";

/** A clip and the words spoken in it. `file` is relative to the project (the folder of the stack file) or absolute. */
export interface SmokeClip {
  file: string;
  text: string;
}

export interface CheckedClip extends SmokeClip {
  /** The absolute path. */
  path: string;
  durationMs: number;
}

/** The short-audio API's limit. */
export const MAX_CLIP_SECONDS = 60;

/** Checks one clip; `where` names it in errors (e.g. `clips[0]`, `locales[0].smokeTest.clips[1]`). */
export function checkClip(clip: unknown, where: string, baseDir = process.cwd()): CheckedClip {
  if (typeof clip !== "object" || clip === null || Array.isArray(clip)) throw new ValidationError(where, `${where} must be an object { file, text }; got ${shown(clip)}.`);
  const { file, text } = clip as Partial<SmokeClip>;
  if (typeof file !== "string" || file.length === 0) throw new ValidationError(`${where}.file`, `${where}.file must be the path of a WAV file; got ${shown(file)}.`);
  if (typeof text !== "string" || words(text).length === 0) {
    throw new ValidationError(`${where}.text`, `${where}.text must be the words spoken in ${file} (at least one word); got ${shown(text)}.`);
  }
  const full = path.resolve(baseDir, file);
  const rule = (what: string) => new ValidationError(`${where}.file`, `clip ${file} (${where}.file) ${what}.`);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) throw rule(`does not exist (looked at ${full})`);
  let info;
  try {
    info = readWavInfo(full);
  } catch (e) {
    if (e instanceof WavHeaderError) throw rule(`is not a WAV file: ${e.message}`);
    throw e;
  }
  if (!info.pcm || info.sampleRate !== 16000 || info.channels !== 1 || info.bitsPerSample !== 16) {
    const got = `${info.pcm ? "PCM" : `format ${info.formatTag}`}, ${info.sampleRate} Hz, ${info.channels} channel(s), ${info.bitsPerSample}-bit`;
    throw rule(`must be 16 kHz mono 16-bit PCM WAV; got ${got}`);
  }
  if (info.missingBytes > 0) throw rule(`is cut off: ${info.missingBytes} bytes of its audio are missing`);
  if (info.durationMs === 0) throw rule("has no audio");
  if (info.durationMs > MAX_CLIP_SECONDS * 1000) throw rule(`must be at most ${MAX_CLIP_SECONDS} s long (the short-audio API's limit); got ${info.durationMs / 1000} s`);
  return { file, text, path: full, durationMs: info.durationMs };
}

/** Checks every clip (at least one); the first broken one is reported. */
export function checkClips(clips: unknown, where = "clips", baseDir?: string): CheckedClip[] {
  if (!Array.isArray(clips) || clips.length === 0) throw new ValidationError(where, `${where} must list at least one clip { file, text }; got ${shown(clips)}.`);
  return clips.map((c, i) => checkClip(c, `${where}[${i}]`, baseDir));
}
