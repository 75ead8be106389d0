// Word alignment as NIST SCTK sclite does it: a minimum-cost edit path with weights correct 0, insertion 3,
// deletion 3, substitution 4, so a user who checks a file with sclite gets the same counts. Words are compared in
// lexical form (see `words`). Where paths cost the same, walking back from the end prefers a match or a
// substitution, then a deletion, then an insertion — the rule the report names.

/** sclite's default weights. */
export const ALIGNMENT_WEIGHTS = { correct: 0, insertion: 3, deletion: 3, substitution: 4 } as const;
export const ALIGNMENT_RULE =
  "NIST SCTK sclite word alignment (weights: correct 0, insertion 3, deletion 3, substitution 4; on equal cost, walking back from the end: match or substitution, then deletion, then insertion), on lower-cased words without punctuation";

export type AlignedOp = "correct" | "substitution" | "deletion" | "insertion";

/** One step of an alignment: a reference word, a hypothesis word, or both. */
export interface AlignedWord {
  op: AlignedOp;
  /** Absent for an insertion. */
  ref?: string;
  /** Absent for a deletion. */
  hyp?: string;
}

export interface ErrorCounts {
  /** Words in the reference. */
  words: number;
  correct: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

export interface Alignment extends ErrorCounts {
  steps: AlignedWord[];
  /** (S + D + I) / N, a fraction as the API reports it; undefined when the reference has no words. */
  wordErrorRate: number | undefined;
}

/**
 * The words of a transcript in lexical form: lower case, split on white space, punctuation dropped except an
 * apostrophe or hyphen inside a word ("don't", "e-mail") or a point or comma between digits ("3.5", "1,000": else
 * "3.5" would match "35"). Letters and digits of every script are kept.
 */
export function words(text: string): string[] {
  return text
    .normalize("NFC")
    .toLocaleLowerCase()
    .split(/\s+/u)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "").replace(/[^\p{L}\p{N}\p{M}'’-]/gu, keepNumberSeparator))
    .filter((w) => w.length > 0);
}

function keepNumberSeparator(c: string, at: number, w: string): string {
  return (c === "." || c === ",") && /\p{N}/u.test(w[at - 1] ?? "") && /\p{N}/u.test(w[at + 1] ?? "") ? c : "";
}

/** Aligns a hypothesis to a reference (both already split into words). */
export function alignWords(ref: readonly string[], hyp: readonly string[]): Alignment {
  const n = ref.length;
  const m = hyp.length;
  const { insertion: ins, deletion: del, substitution: sub } = ALIGNMENT_WEIGHTS;
  // cost[i][j]: cheapest alignment of ref[0..i) with hyp[0..j); one flat array keeps 1,000-file reports fast.
  const width = m + 1;
  const cost = new Uint32Array((n + 1) * width);
  for (let j = 1; j <= m; j++) cost[j] = j * ins;
  for (let i = 1; i <= n; i++) {
    cost[i * width] = i * del;
    for (let j = 1; j <= m; j++) {
      const diagonal = cost[(i - 1) * width + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : sub);
      const up = cost[(i - 1) * width + j] + del;
      const left = cost[i * width + j - 1] + ins;
      cost[i * width + j] = Math.min(diagonal, up, left);
    }
  }
  const steps: AlignedWord[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = cost[i * width + j];
    if (i > 0 && j > 0) {
      const same = ref[i - 1] === hyp[j - 1];
      if (here === cost[(i - 1) * width + j - 1] + (same ? 0 : sub)) {
        steps.push({ op: same ? "correct" : "substitution", ref: ref[i - 1], hyp: hyp[j - 1] });
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === cost[(i - 1) * width + j] + del) {
      steps.push({ op: "deletion", ref: ref[i - 1] });
      i--;
      continue;
    }
    steps.push({ op: "insertion", hyp: hyp[j - 1] });
    j--;
  }
  steps.reverse();
  return { steps, ...countOf(steps, n) };
}

/** Aligns two transcripts in lexical form. */
export function align(reference: string, hypothesis: string): Alignment {
  return alignWords(words(reference), words(hypothesis));
}

function countOf(steps: readonly AlignedWord[], words: number): ErrorCounts & { wordErrorRate: number | undefined } {
  const counts: ErrorCounts = { words, correct: 0, substitutions: 0, deletions: 0, insertions: 0 };
  for (const s of steps) {
    if (s.op === "correct") counts.correct++;
    else if (s.op === "substitution") counts.substitutions++;
    else if (s.op === "deletion") counts.deletions++;
    else counts.insertions++;
  }
  return { ...counts, wordErrorRate: errorRate(counts) };
}

/** (S + D + I) / N as a fraction; undefined for an empty reference (sclite prints no rate there either). */
export function errorRate(c: ErrorCounts): number | undefined {
  return c.words === 0 ? undefined : (c.substitutions + c.deletions + c.insertions) / c.words;
}

/** Sums counts over files: the data set's figures computed the same way as each file's. */
export function sumCounts(all: Iterable<ErrorCounts>): ErrorCounts {
  const total: ErrorCounts = { words: 0, correct: 0, substitutions: 0, deletions: 0, insertions: 0 };
  for (const c of all) {
    total.words += c.words;
    total.correct += c.correct;
    total.substitutions += c.substitutions;
    total.deletions += c.deletions;
    total.insertions += c.insertions;
  }
  return total;
}
