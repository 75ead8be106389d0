// What the emulated models "hear" in a test set whose content the emulator knows: each audio file's reference
// (trans.txt), degraded deterministically so that a model's errors over the whole set match its scenario WER.
//
// The rule (documented in README.md, "Per-file results"):
// - a model makes E = round(WER × N / 100) word errors over the set's N reference words;
// - files are taken in the order of sha1(`${modelId}\n${fileName}`) (`degradationOrder`), and each takes as many of
//   the remaining errors as it can hold: one edit on every other word (positions 0, 2, 4, …), so a file of w words
//   holds ceil(w / 2). Errors therefore land on the first files of that order — the files "degraded" for that model —
//   and the rest are heard exactly. A WER above what the set can hold (about 50 %) is capped there;
// - the edits cycle substitution, deletion, substitution, insertion, substitution (60 % S, 20 % D, 20 % I); edits are
//   never next to each other, so sclite's alignment (alignment.ts) finds exactly these edits back.
// An audio-only set (no trans.txt) has no reference: the emulator makes up what each clip "says" from its name (a
// few call-center words) and degrades that the same way; only the hypotheses are served, and no WER.
import { createHash } from "crypto";
import type { DatasetKind, EvaluationProperties, TokenErrorDetails } from "../components/speech-api/models";
import { alignWords, sumCounts, words, type ErrorCounts } from "../components/evaluation-report/alignment";
import { zipEntries, zipEntryBytes } from "../components/training-data/unzip";

export interface IndexedAudio {
  /** The audio file's name at the zip's root (its base name when the zip has folders). */
  name: string;
  /** From trans.txt; absent for an audio-only set or a clip trans.txt does not list. */
  reference?: string;
}

export interface DatasetIndex {
  kind: DatasetKind;
  files: IndexedAudio[];
}

const AUDIO = /\.(wav|mp3|ogg|opus|flac|alaw|mulaw|amr|webm|m4a)$/i;
const baseName = (p: string): string => p.split("/").pop() ?? p;

/** The audio files and references of an Acoustic or AudioFiles zip; undefined when the bytes are not a zip. */
export function indexDataset(kind: DatasetKind, bytes: Buffer): DatasetIndex | undefined {
  if (kind !== "Acoustic" && kind !== "AudioFiles") return undefined;
  let entries;
  try {
    entries = zipEntries(bytes);
  } catch {
    return undefined;
  }
  const references = new Map<string, string>();
  const trans = kind === "Acoustic" ? entries.find((e) => baseName(e.name).toLowerCase() === "trans.txt") : undefined;
  if (trans) {
    const text = zipEntryBytes(bytes, trans).toString("utf8").replace(/^\ufeff/, "");
    for (const line of text.split(/\r?\n/)) {
      const tab = line.indexOf("\t");
      if (tab > 0) references.set(line.slice(0, tab).trim(), line.slice(tab + 1).trim());
    }
  }
  const files = entries
    .filter((e) => AUDIO.test(e.name) && !e.name.endsWith("/"))
    .map((e) => baseName(e.name))
    .sort()
    .map((name) => ({ name, ...(references.has(name) && { reference: references.get(name) }) }));
  return { kind, files };
}

const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

/** The order in which a model's errors are given to files: by sha1(`${modelId}\n${name}`). */
export function degradationOrder(modelId: string, names: readonly string[]): string[] {
  return [...names].map((n) => ({ n, h: sha1(`${modelId}\n${n}`) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0)).map((x) => x.n);
}

type Edit = "S" | "D" | "I";
const EDIT_CYCLE: Edit[] = ["S", "D", "S", "I", "S"];
const FILLERS = ["uh", "um", "so", "like"];
const CONFUSIONS: Record<string, string> = { to: "two", two: "to", for: "four", four: "for", your: "you're", there: "their", their: "there", a: "the", the: "a", i: "eye", my: "might", can: "can't", want: "won't", please: "police", reset: "rest", cancel: "council" };

/** A word heard in place of `w`: a common confusion, else `w` with an `s` added or dropped. */
export function substituteFor(w: string): string {
  return CONFUSIONS[w] ?? (w.endsWith("s") && w.length > 2 ? w.slice(0, -1) : `${w}s`);
}

/** What a model hears in one file of `said` words when it makes `errors` edits there (errors ≤ ceil(words / 2)). */
function heard(said: readonly string[], errors: number, firstEdit: number): string[] {
  const out: string[] = [];
  let made = 0;
  for (let i = 0; i < said.length; i++) {
    const w = said[i];
    if (i % 2 !== 0 || made >= errors) {
      out.push(w);
      continue;
    }
    const edit = EDIT_CYCLE[(firstEdit + made) % EDIT_CYCLE.length];
    made++;
    if (edit === "S") out.push(substituteFor(w));
    else if (edit === "I") out.push(w, FILLERS[(firstEdit + made) % FILLERS.length]);
    // "D": the word is not heard
  }
  return out;
}

/** Per file, what a model heard given its WER (percent), and which files it got wrong. */
export function modelHears(files: readonly { name: string; said: string[] }[], modelId: string, wer: number): { heard: Map<string, string[]>; degraded: string[] } {
  const total = files.reduce((n, f) => n + f.said.length, 0);
  let remaining = Math.round((Math.min(100, Math.max(0, wer)) * total) / 100);
  const byName = new Map(files.map((f) => [f.name, f.said]));
  const result = new Map<string, string[]>();
  const degraded: string[] = [];
  let cycle = 0;
  for (const name of degradationOrder(modelId, [...byName.keys()])) {
    const said = byName.get(name)!;
    const errors = Math.min(remaining, Math.ceil(said.length / 2));
    result.set(name, heard(said, errors, cycle));
    if (errors > 0) degraded.push(name);
    remaining -= errors;
    cycle += errors;
  }
  return { heard: result, degraded };
}

const VOCABULARY = ["account", "billing", "question", "please", "help", "order", "number", "phone", "update", "address", "payment", "card", "service", "today", "thank", "you", "my", "the", "for", "about", "need", "call", "again", "later"];

/** What an audio-only clip "says": 6–11 words picked from its name's hash. */
export function madeUpSpeech(name: string): string[] {
  const h = sha1(`said\n${name}`);
  const count = 6 + (parseInt(h.slice(0, 2), 16) % 6);
  return Array.from({ length: count }, (_, i) => VOCABULARY[parseInt(h.slice(2 + i * 3, 5 + i * 3), 16) % VOCABULARY.length]);
}

/** One audio file of an evaluation: the reference (absent for audio-only sets) and what each model heard, lexical. */
export interface EvaluatedAudio {
  name: string;
  reference?: string;
  heard: [string, string];
}

/** Everything an evaluation with known content serves: kept beside the state (`evaluations/<id>.json`). */
export interface EvaluationResults {
  audioOnly: boolean;
  files: EvaluatedAudio[];
  /** The files each model got wrong, in degradation order (emulator test support). */
  degraded: [string[], string[]];
}

export function evaluateModels(index: DatasetIndex, models: [{ id: string; wer: number }, { id: string; wer: number }]): EvaluationResults {
  const audioOnly = index.kind === "AudioFiles" || index.files.every((f) => f.reference === undefined);
  const said = index.files.map((f) => ({ name: f.name, said: audioOnly ? madeUpSpeech(f.name) : words(f.reference ?? "") }));
  const [one, two] = models.map((m) => modelHears(said, m.id, m.wer));
  return {
    audioOnly,
    files: index.files.map((f) => ({
      name: f.name,
      ...(!audioOnly && { reference: f.reference ?? "" }),
      heard: [one.heard.get(f.name)!.join(" "), two.heard.get(f.name)!.join(" ")],
    })),
    degraded: [one.degraded, two.degraded],
  };
}

/** The display form of lexical words: first letter upper case, a full stop. */
export function displayOf(lexical: string): string {
  return lexical.length === 0 ? "" : `${lexical[0].toUpperCase()}${lexical.slice(1)}.`;
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/**
 * The evaluation's totals from its per-file results, aligned as alignment.ts does: the service's figures are the
 * sum of the files'. Sentences are the clips; tokens are the lexical words (the emulator's display form adds no
 * punctuation or capitalization errors). An audio-only set has no figures, as it has no reference.
 */
export function figuresOf(results: EvaluationResults): EvaluationProperties {
  if (results.audioOnly) return {};
  const out: Record<string, unknown> = {};
  for (const n of [1, 2] as const) {
    const perFile: ErrorCounts[] = results.files.map((f) => alignWords(words(f.reference ?? ""), words(f.heard[n - 1])));
    const c = sumCounts(perFile);
    const errors = c.substitutions + c.deletions + c.insertions;
    const sentences = results.files.length;
    const wrongSentences = perFile.filter((x) => x.substitutions + x.deletions + x.insertions > 0).length;
    const share = (edits: number) => ({ numberOfEdits: edits, percentageOfAllEdits: errors === 0 ? 0 : round4(edits / errors) });
    const tokenErrors: TokenErrorDetails = { punctuation: share(0), capitalization: share(0), inverseTextNormalization: share(0), lexical: share(errors), others: share(0) };
    const values: Record<string, unknown> = {
      wordErrorRate: c.words === 0 ? 0 : round4(errors / c.words),
      sentenceErrorRate: sentences === 0 ? 0 : round4(wrongSentences / sentences),
      tokenErrorRate: c.words === 0 ? 0 : round4(errors / c.words),
      sentenceCount: sentences,
      wordCount: c.words,
      correctWordCount: c.correct,
      wordSubstitutionCount: c.substitutions,
      wordDeletionCount: c.deletions,
      wordInsertionCount: c.insertions,
      tokenCount: c.words,
      correctTokenCount: c.correct,
      tokenSubstitutionCount: c.substitutions,
      tokenDeletionCount: c.deletions,
      tokenInsertionCount: c.insertions,
      tokenErrors,
    };
    for (const [k, v] of Object.entries(values)) out[`${k}${n}`] = v;
  }
  return out as EvaluationProperties;
}

/**
 * `scoringResult`: the heard words with each error tagged inline — `<substitution>heard</substitution>`,
 * `<deletion>reference word</deletion>`, `<insertion>heard</insertion>` — the shape one public helper reads.
 */
export function scoringResult(reference: string, heardLexical: string): string {
  return alignWords(words(reference), words(heardLexical))
    .steps.map((s) => (s.op === "correct" ? s.hyp : s.op === "deletion" ? `<deletion>${s.ref}</deletion>` : `<${s.op}>${s.hyp}</${s.op}>`))
    .join(" ");
}
