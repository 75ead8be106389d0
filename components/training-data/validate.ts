// Validation before any upload: every rule of rules.ts, reported with file, line and rule id.
// Only headers of audio files are read; text files are streamed line by line.
import * as path from "path";
import { KIND_LAYOUT, TRANSCRIPT_FILE, type Sku } from "./kinds";
import { LIMITS, problem, type Problem } from "./rules";
import { listDataset, type DatasetListing, type LocalFile, type ResolvedDataset } from "./dataset";
import { packageSize } from "./package";
import { scanTextLines } from "./text";
import { readWavInfo, WavHeaderError } from "./wav";

export interface ValidationOptions {
  sku?: Sku;
}

export interface ValidationReport {
  dataset: ResolvedDataset;
  /** Files that go into the package, sorted by name. */
  files: LocalFile[];
  problems: Problem[];
  /** Sum of the audio files' durations (0 for text kinds). */
  audioDurationMs: number;
  /** Size of the package that would be uploaded. */
  packageSizeBytes: number;
}

/** At most this many findings of one rule per file are listed; the rest are counted in one more line. */
const MAX_PER_RULE_AND_FILE = 20;

class Findings {
  readonly list: Problem[] = [];
  private readonly counts = new Map<string, number>();
  add = (p: Problem): void => {
    const key = `${p.rule}\u0000${p.file}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= MAX_PER_RULE_AND_FILE) this.list.push(p);
  };
  /** Problems plus one summary line per rule and file that went over the cap. */
  done(): Problem[] {
    for (const [key, n] of this.counts) {
      if (n <= MAX_PER_RULE_AND_FILE) continue;
      const [rule, file] = key.split("\u0000");
      this.list.push(problem(rule, file, `${n - MAX_PER_RULE_AND_FILE} more findings of this rule in this file`));
    }
    return this.list;
  }
}

export async function validateDataset(dataset: ResolvedDataset, options: ValidationOptions = {}, listing?: DatasetListing): Promise<ValidationReport> {
  const sku = options.sku ?? "S0";
  const list = listing ?? (await listDataset(dataset));
  const findings = new Findings();
  list.problems.forEach(findings.add);
  const missing = list.problems.some((p) => p.rule === "layout-missing");
  const result = missing
    ? { files: [], audioDurationMs: 0 } // nothing to look at; follow-on findings would only repeat it
    : KIND_LAYOUT[dataset.kind].packaging === "zip"
      ? await validateAudio(dataset, list.files, findings)
      : await validateText(dataset, list.files, sku, findings);
  return {
    dataset,
    files: result.files,
    problems: findings.done(),
    audioDurationMs: result.audioDurationMs,
    packageSizeBytes: packageSize(dataset.kind, result.files),
  };
}

const isWav = (name: string) => path.extname(name).toLowerCase() === ".wav";
const isEnglishOrChinese = (locale: string) => /^(en|zh)-/.test(locale);

async function validateAudio(dataset: ResolvedDataset, all: LocalFile[], f: Findings): Promise<{ files: LocalFile[]; audioDurationMs: number }> {
  const acoustic = dataset.kind === "Acoustic";
  const audio = all.filter((x) => isWav(x.name));
  const transcript = acoustic ? all.find((x) => x.name === TRANSCRIPT_FILE) : undefined;
  for (const x of all) {
    if (isWav(x.name) || x === transcript) continue;
    f.add(problem("layout-unexpected-file", x.name, acoustic ? `only .wav files and ${TRANSCRIPT_FILE} belong in an Acoustic dataset` : "only .wav files belong in an AudioFiles dataset"));
  }
  if (audio.length === 0) f.add(problem("layout-empty", ".", "no .wav files in the dataset folder"));

  let audioDurationMs = 0;
  for (let i = 0; i < audio.length; i++) {
    audioDurationMs += checkWav(dataset, audio[i], f);
    if (i % 500 === 499) await new Promise(setImmediate); // let timers and I/O run between batches of header reads
  }
  if (acoustic && dataset.purpose === "training" && audioDurationMs > LIMITS.trainingAudioMs) {
    f.add(problem("audio-total-duration", ".", `${hours(audioDurationMs)} of audio; training uses at most ${hours(LIMITS.trainingAudioMs)}`));
  }

  if (acoustic) {
    if (!transcript) f.add(problem("trans-missing", TRANSCRIPT_FILE, `an Acoustic dataset needs ${TRANSCRIPT_FILE} with one \`file<TAB>transcript\` line per audio file`));
    else await checkTranscript(dataset, transcript, audio, f);
  }

  const files = transcript ? [...audio, transcript].sort((a, b) => (a.name < b.name ? -1 : 1)) : audio;
  if (files.length > LIMITS.zipFiles) f.add(problem("zip-file-count", ".", `${files.length} files; a dataset zip holds at most ${LIMITS.zipFiles}`));
  const size = packageSize(dataset.kind, files);
  if (size > LIMITS.zipBytes) f.add(problem("zip-size", ".", `the zip would be ${bytes(size)}; the limit is ${bytes(LIMITS.zipBytes)}: split the dataset`));
  return { files, audioDurationMs };
}

function checkWav(dataset: ResolvedDataset, x: LocalFile, f: Findings): number {
  let info;
  try {
    info = readWavInfo(x.path, x.size);
  } catch (e) {
    if (e instanceof WavHeaderError) {
      f.add(problem("wav-header", x.name, e.message));
      return 0;
    }
    throw e;
  }
  if (!info.pcm) f.add(problem("wav-encoding", x.name, `format tag 0x${info.formatTag.toString(16)} is not PCM; allowed: uncompressed PCM`));
  if (!LIMITS.sampleRates.includes(info.sampleRate)) f.add(problem("wav-sample-rate", x.name, `sample rate ${info.sampleRate} Hz; allowed: ${LIMITS.sampleRates.join(" or ")} Hz`));
  if (info.bitsPerSample !== LIMITS.bitsPerSample) f.add(problem("wav-bit-depth", x.name, `${info.bitsPerSample}-bit samples; allowed: ${LIMITS.bitsPerSample}-bit`));
  if (info.channels !== LIMITS.channels) f.add(problem("wav-channels", x.name, `${info.channels} channels; allowed: 1 (mono)`));
  if (info.missingBytes > 0) f.add(problem("wav-truncated", x.name, `the data chunk declares ${info.dataBytes} bytes but the file holds ${info.dataBytes - info.missingBytes}`));
  else if (info.blockAlign > 0 && info.dataBytes % info.blockAlign !== 0) f.add(problem("wav-truncated", x.name, `the data chunk (${info.dataBytes} bytes) does not hold whole ${info.blockAlign}-byte frames`));
  if (info.durationMs > LIMITS.maxClipMs) {
    f.add(problem("clip-length-max", x.name, `${seconds(info.durationMs)} long; an audio file is at most ${hours(LIMITS.maxClipMs)}`));
  } else if (dataset.kind === "Acoustic" && dataset.purpose === "training" && info.durationMs > LIMITS.trainingClipMs) {
    f.add(problem("clip-length-training", x.name, `${seconds(info.durationMs)} long; training ignores clips over ${seconds(LIMITS.trainingClipMs)}`));
  }
  return info.durationMs;
}

async function checkTranscript(dataset: ResolvedDataset, transcript: LocalFile, audio: LocalFile[], f: Findings): Promise<void> {
  const audioNames = new Set(audio.map((a) => a.name));
  const byLowerCase = new Map(audio.map((a) => [a.name.toLowerCase(), a.name]));
  const seen = new Map<string, number>();
  const ascii = dataset.locale === "en-US";
  const scan = await scanTextLines(transcript.path, TRANSCRIPT_FILE, f.add, (text, line) => {
    if (text.trim() === "") return;
    const tab = text.indexOf("\t");
    const name = tab < 0 ? "" : text.slice(0, tab).trim();
    const words = tab < 0 ? "" : text.slice(tab + 1).trim();
    if (!name || !words) {
      f.add(problem("trans-line-format", TRANSCRIPT_FILE, tab < 0 ? "no tab: expected `file<TAB>transcript`" : !name ? "empty file name before the tab" : "empty transcript after the tab", line));
      return;
    }
    if (!audioNames.has(name)) {
      const other = byLowerCase.get(name.toLowerCase());
      f.add(problem("trans-unknown-audio", TRANSCRIPT_FILE, other ? `${name} is not in the dataset; did you mean ${other}? (names are case-sensitive)` : `${name} is not in the dataset`, line));
    } else if (seen.has(name)) {
      f.add(problem("trans-duplicate", TRANSCRIPT_FILE, `${name} already has a transcript on line ${seen.get(name)}`, line));
    } else {
      seen.set(name, line);
    }
    if (ascii && /[^\x00-\x7f]/.test(words)) f.add(problem("text-ascii", TRANSCRIPT_FILE, "en-US transcripts use ASCII only: spell out or replace non-ASCII characters", line));
  });
  for (const a of audio) if (!seen.has(a.name)) f.add(problem("trans-unlisted-audio", a.name, `no line in ${TRANSCRIPT_FILE} for this file`));
  if (!scan.hasBom && !isEnglishOrChinese(dataset.locale)) {
    f.add(problem("text-bom", TRANSCRIPT_FILE, `${dataset.locale} transcripts should be UTF-8 with a byte-order mark`));
  }
}

async function validateText(dataset: ResolvedDataset, all: LocalFile[], sku: Sku, f: Findings): Promise<{ files: LocalFile[]; audioDurationMs: number }> {
  const accepted = KIND_LAYOUT[dataset.kind].textExtensions ?? [];
  const texts = all.filter((x) => accepted.includes(path.extname(x.name).toLowerCase()));
  for (const x of all) if (!texts.includes(x)) f.add(problem("layout-unexpected-file", x.name, `a ${dataset.kind} dataset holds one ${accepted.join(" or ")} file only`));
  if (texts.length === 0) {
    f.add(problem("layout-empty", ".", `no ${accepted.join(" or ")} file in the dataset folder`));
    return { files: [], audioDurationMs: 0 };
  }
  if (texts.length > 1) {
    for (const x of texts.slice(1)) f.add(problem("layout-unexpected-file", x.name, `a ${dataset.kind} dataset holds exactly one text file; ${texts[0].name} is already the dataset`));
  }
  const file = texts[0];
  const pronunciation = dataset.kind === "Pronunciation";
  const max = pronunciation ? LIMITS.pronunciationBytes[sku] : LIMITS.textBytes[sku];
  if (file.size > max) {
    // The service refuses the whole file: say so and spare reading what cannot be used.
    f.add(problem(pronunciation ? "pronunciation-size" : "text-size", file.name, `${bytes(file.size)}; a ${pronunciation ? "pronunciation" : "text"} file is at most ${bytes(max)} on ${sku}`));
    return { files: [file], audioDurationMs: 0 };
  }
  const check = LINE_CHECKS[dataset.kind]?.(file.name, f);
  const scan = await scanTextLines(file.path, file.name, f.add, (text, line) => check?.line(text, line));
  check?.end();
  if (scan.nonEmptyLines === 0) f.add(problem("layout-empty", file.name, "the file has no non-empty line"));
  return { files: [file], audioDurationMs: 0 };
}

interface LineCheck {
  line(text: string, line: number): void;
  end(): void;
}

const URI = /\b(?:https?|ftp):\/\/|\bwww\.[^\s.]+\./i;
const REPEATED_CHAR = new RegExp(`(\\p{L})\\1{${LIMITS.repeatedTokens},}`, "u");
const REPEATED_WORD = new RegExp(`(?<!\\p{L})(\\p{L}+)(?:\\s+\\1(?!\\p{L})){${LIMITS.repeatedTokens},}`, "iu");

function plainText(file: string, f: Findings, line: number, text: string): void {
  if (URI.test(text)) f.add(problem("text-uri", file, "the line holds a URI; the service rejects such lines", line));
  const rep = REPEATED_CHAR.exec(text) ?? REPEATED_WORD.exec(text);
  if (rep) f.add(problem("text-repetition", file, `"${rep[0].slice(0, 40)}" repeats more than ${LIMITS.repeatedTokens} times`, line));
}

const LINE_CHECKS: Partial<Record<ResolvedDataset["kind"], (file: string, f: Findings) => LineCheck>> = {
  Language: (file, f) => ({ line: (text, line) => plainText(file, f, line, text), end: () => undefined }),

  LanguageMarkdown: (file, f) => {
    const defined = new Set<string>();
    const used = new Map<string, number>();
    return {
      line(text, line) {
        const def = /^\s*@list\s+([\w-]+)\s*=/.exec(text);
        if (def) return void defined.add(def[1]);
        plainText(file, f, line, text);
        for (const m of text.matchAll(/\{([\w-]+)\}/g)) if (!used.has(m[1])) used.set(m[1], line);
      },
      end() {
        for (const [name, line] of used) {
          if (!defined.has(name)) f.add(problem("markdown-list-reference", file, `{${name}} is used but no \`@list ${name} =\` section defines it`, line));
        }
      },
    };
  },

  Pronunciation: (file, f) => {
    const seen = new Map<string, number>();
    return {
      line(text, line) {
        if (text.trim() === "") return;
        const parts = text.split("\t");
        const display = parts[0]?.trim() ?? "";
        const spoken = parts[1]?.trim() ?? "";
        if (parts.length !== 2 || !display || !spoken) {
          f.add(problem("pronunciation-line-format", file, parts.length < 2 ? "no tab: expected `display form<TAB>spoken form`" : parts.length > 2 ? "more than one tab: expected `display form<TAB>spoken form`" : "empty display or spoken form", line));
          return;
        }
        const first = seen.get(display.toLowerCase());
        if (first !== undefined) f.add(problem("pronunciation-duplicate", file, `"${display}" already has a pronunciation on line ${first}`, line));
        else seen.set(display.toLowerCase(), line);
      },
      end: () => undefined,
    };
  },

  OutputFormatting: (file, f) => {
    const counts = new Map<string, { header: number; lines: number }>();
    let section: string | undefined;
    return {
      line(text, line) {
        if (text.trim() === "") return;
        const header = /^#\s*([A-Za-z]+)\s*$/.exec(text.trim());
        if (header) {
          const name = header[1].toLowerCase();
          if (!(name in LIMITS.outputFormattingLines)) {
            f.add(problem("output-formatting-section", file, `unknown section #${header[1]}; allowed: #ITN, #rewrite, #profanity`, line));
            section = undefined;
            return;
          }
          section = name;
          if (!counts.has(name)) counts.set(name, { header: line, lines: 0 });
          return;
        }
        if (!section) {
          f.add(problem("output-formatting-section", file, "rule outside a section; put it under #ITN, #rewrite or #profanity", line));
          return;
        }
        counts.get(section)!.lines++;
      },
      end() {
        for (const [name, c] of counts) {
          const max = LIMITS.outputFormattingLines[name];
          if (c.lines > max) f.add(problem("output-formatting-limit", file, `#${name} has ${c.lines} lines; at most ${max}`, c.header));
        }
      },
    };
  },
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const hours = (ms: number) => `${+(ms / 3600_000).toFixed(2)} h`;
function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(2)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KB`;
  return `${n} bytes`;
}
