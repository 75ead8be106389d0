// The single table of validation rules: reports, the CLI and docs/training-data.md all list these ids.
// Limits come from the Speech service quotas and data-preparation pages (see docs/training-data.md).
import { SKU_LIMITS } from "../domain";
import type { DatasetKind, Sku } from "./kinds";

export type Severity = "error" | "warning";

export interface Rule {
  id: string;
  severity: Severity;
  kinds: readonly DatasetKind[];
  /** What the rule checks, one sentence (docs and `--help` list it). */
  checks: string;
}

const AUDIO: readonly DatasetKind[] = ["Acoustic", "AudioFiles"];
const TEXT: readonly DatasetKind[] = ["Language", "LanguageMarkdown", "Pronunciation", "OutputFormatting"];
const ALL: readonly DatasetKind[] = [...AUDIO, ...TEXT];
const ACOUSTIC: readonly DatasetKind[] = ["Acoustic"];
const PLAIN: readonly DatasetKind[] = ["Language", "LanguageMarkdown"];
const WITH_TEXT: readonly DatasetKind[] = [...ACOUSTIC, ...TEXT];

export const LIMITS = {
  zipBytes: 2 * 1024 ** 3,
  zipFiles: 10_000,
  textBytes: { F0: SKU_LIMITS.F0.textBytes, S0: SKU_LIMITS.S0.textBytes } as Record<Sku, number>,
  pronunciationBytes: { F0: SKU_LIMITS.F0.pronunciationBytes, S0: SKU_LIMITS.S0.pronunciationBytes } as Record<Sku, number>,
  sampleRates: [8000, 16000] as readonly number[],
  bitsPerSample: 16,
  channels: 1,
  /** The service ignores longer clips when training. */
  trainingClipMs: 40_000,
  /** The longest audio file the service accepts. */
  maxClipMs: 2 * 3600_000,
  /** Audio used for training is capped at this many hours. */
  trainingAudioMs: 100 * 3600_000,
  outputFormattingLines: { itn: 200, rewrite: 1000, profanity: 1000 } as Record<string, number>,
  repeatedTokens: 3,
} as const;

const gb = (n: number) => `${n / 1024 ** 3} GB`;
const mb = (n: number) => `${n / 1024 ** 2} MB`;
const kb = (n: number) => `${n / 1024} KB`;
const lines = LIMITS.outputFormattingLines;

const table: Rule[] = [
  // layout
  { id: "layout-missing", severity: "error", kinds: ALL, checks: "The dataset folder exists and is a folder." },
  { id: "layout-subfolder", severity: "error", kinds: ALL, checks: "No subfolders: the service reads files at the zip root only." },
  { id: "layout-unexpected-file", severity: "error", kinds: ALL, checks: "Audio kinds hold only .wav files (and trans.txt for Acoustic); text kinds hold exactly one text file with an accepted extension." },
  { id: "layout-empty", severity: "error", kinds: ALL, checks: "The dataset holds at least one audio file, or a text file with at least one non-empty line." },
  // WAV format
  { id: "wav-header", severity: "error", kinds: AUDIO, checks: "Each .wav is a RIFF/WAVE file with a fmt and a data chunk." },
  { id: "wav-encoding", severity: "error", kinds: AUDIO, checks: "Samples are uncompressed PCM (format tag 1, or WAVE_FORMAT_EXTENSIBLE with PCM)." },
  { id: "wav-sample-rate", severity: "error", kinds: AUDIO, checks: `The sample rate is ${LIMITS.sampleRates.join(" or ")} Hz.` },
  { id: "wav-bit-depth", severity: "error", kinds: AUDIO, checks: `Samples are ${LIMITS.bitsPerSample}-bit.` },
  { id: "wav-channels", severity: "error", kinds: AUDIO, checks: "Audio is mono (one channel)." },
  { id: "wav-truncated", severity: "error", kinds: AUDIO, checks: "The data chunk is not longer than the file and holds whole sample frames." },
  // clip length
  { id: "clip-length-training", severity: "warning", kinds: ACOUSTIC, checks: `Training clips are at most ${LIMITS.trainingClipMs / 1000} s; the service ignores longer ones when training.` },
  { id: "clip-length-max", severity: "error", kinds: AUDIO, checks: `Each audio file is at most ${LIMITS.maxClipMs / 3600_000} hours long.` },
  { id: "audio-total-duration", severity: "warning", kinds: ACOUSTIC, checks: `Training audio totals at most ${LIMITS.trainingAudioMs / 3600_000} hours; the service uses no more.` },
  // transcripts
  { id: "trans-missing", severity: "error", kinds: ACOUSTIC, checks: "An Acoustic dataset has trans.txt at its root." },
  { id: "trans-line-format", severity: "error", kinds: ACOUSTIC, checks: "Each trans.txt line is `file<TAB>transcript` with a non-empty file name and transcript." },
  { id: "trans-unknown-audio", severity: "error", kinds: ACOUSTIC, checks: "Each trans.txt line names an audio file of the dataset (exact case)." },
  { id: "trans-duplicate", severity: "error", kinds: ACOUSTIC, checks: "No audio file has more than one trans.txt line." },
  { id: "trans-unlisted-audio", severity: "error", kinds: ACOUSTIC, checks: "Each audio file has a trans.txt line." },
  // text encoding and content
  { id: "text-utf8", severity: "error", kinds: WITH_TEXT, checks: "Text files are valid UTF-8 (a byte-order mark is accepted)." },
  { id: "text-control-char", severity: "error", kinds: WITH_TEXT, checks: "Text lines hold no control characters other than tab." },
  { id: "text-bom", severity: "warning", kinds: ACOUSTIC, checks: "Transcripts for locales other than English and Chinese start with a UTF-8 byte-order mark, as the service asks." },
  { id: "text-ascii", severity: "warning", kinds: ACOUSTIC, checks: "en-US transcripts use ASCII characters only." },
  { id: "text-uri", severity: "warning", kinds: PLAIN, checks: "Lines hold no URIs; the service rejects such lines." },
  { id: "text-repetition", severity: "warning", kinds: PLAIN, checks: `No character or word repeats more than ${LIMITS.repeatedTokens} times in a row; the service rejects such lines.` },
  // size and count limits
  { id: "zip-size", severity: "error", kinds: AUDIO, checks: `The packaged zip is at most ${gb(LIMITS.zipBytes)}.` },
  { id: "zip-file-count", severity: "error", kinds: AUDIO, checks: `The zip holds at most ${LIMITS.zipFiles.toLocaleString("en-US")} files.` },
  { id: "text-size", severity: "error", kinds: PLAIN.concat(["OutputFormatting"]), checks: `A text file is at most ${mb(LIMITS.textBytes.F0)} on F0 and ${gb(LIMITS.textBytes.S0)} on S0.` },
  // pronunciation
  { id: "pronunciation-size", severity: "error", kinds: ["Pronunciation"], checks: `A pronunciation file is at most ${kb(LIMITS.pronunciationBytes.F0)} on F0 and ${mb(LIMITS.pronunciationBytes.S0)} on S0.` },
  { id: "pronunciation-line-format", severity: "error", kinds: ["Pronunciation"], checks: "Each non-empty line is `display form<TAB>spoken form`, both non-empty." },
  { id: "pronunciation-duplicate", severity: "warning", kinds: ["Pronunciation"], checks: "A display form appears on one line only." },
  // structured text and output formatting
  { id: "markdown-list-reference", severity: "error", kinds: ["LanguageMarkdown"], checks: "Each `{list}` used in a template sentence is defined by an `@list list =` section." },
  { id: "output-formatting-section", severity: "error", kinds: ["OutputFormatting"], checks: "Rules sit under a `#ITN`, `#rewrite` or `#profanity` section header." },
  { id: "output-formatting-limit", severity: "error", kinds: ["OutputFormatting"], checks: `At most ${lines.itn} ITN, ${lines.rewrite} rewrite and ${lines.profanity} profanity lines.` },
];

export const RULES: Readonly<Record<string, Rule>> = Object.freeze(Object.fromEntries(table.map((r) => [r.id, r])));
export const RULE_LIST: readonly Rule[] = table;

/** One finding: which rule, where (file relative to the dataset folder, 1-based line when it applies), and why. */
export interface Problem {
  rule: string;
  severity: Severity;
  file: string;
  line?: number;
  message: string;
}

export function problem(rule: string, file: string, message: string, line?: number): Problem {
  const r = RULES[rule];
  if (!r) throw new Error(`unknown validation rule ${rule}`);
  return line === undefined ? { rule, severity: r.severity, file, message } : { rule, severity: r.severity, file, line, message };
}

export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === "error");

/** `error wav-sample-rate a.wav: …` / `warning trans-line-format trans.txt:3: …` */
export function formatProblem(p: Problem, dataset?: string): string {
  const where = `${dataset ? `${dataset}/` : ""}${p.file}${p.line !== undefined ? `:${p.line}` : ""}`;
  return `${p.severity.padEnd(7)} ${p.rule.padEnd(26)} ${where}: ${p.message}`;
}
