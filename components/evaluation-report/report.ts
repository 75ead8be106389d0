// An evaluation report: the service's own totals (always shown as the service gave them), the gate's verdict, and
// per audio file the two models' hypotheses aligned to the reference by sclite's rule, with the words where the
// models differ. Per-file figures are computed by us and named as such. Pure: no I/O.
import { evaluateGate } from "../domain/gate";
import { redact } from "../domain/redact";
import type { EvaluationProperties, TokenErrorDetails } from "../speech-api/models";
import { ALIGNMENT_RULE, alignWords, errorRate, sumCounts, words, type AlignedWord, type ErrorCounts } from "./alignment";
import type { EvaluatedFile, EvaluationInputs } from "./inputs";

/** One model's figures as the service reported them (rates as fractions). */
export interface ServiceFigures {
  wordErrorRate?: number;
  sentenceErrorRate?: number;
  tokenErrorRate?: number;
  sentenceCount?: number;
  wordCount?: number;
  correctWordCount?: number;
  wordSubstitutionCount?: number;
  wordDeletionCount?: number;
  wordInsertionCount?: number;
  tokenErrors?: TokenErrorDetails;
}

export interface ModelResult extends ErrorCounts {
  hypothesis: string;
  /** (S + D + I) / N, a fraction; absent without a reference. */
  wordErrorRate?: number;
  /** The hypothesis aligned to the reference (or, audio-only, model 2 aligned to model 1). */
  aligned: AlignedWord[];
  /** Per aligned step: true where the other model heard something else at this point. */
  differs: boolean[];
}

export interface ReportFile {
  name: string;
  reference?: string;
  model1?: ModelResult;
  model2?: ModelResult;
  /** model2's WER minus model1's (a fraction; positive = model 2 is worse); absent unless both have one. */
  wordErrorRateDelta?: number;
  audio?: EvaluatedFile["audio"];
}

export interface GateVerdict {
  maxWordErrorRate?: number;
  minWordErrorRateImprovement?: number;
  /** undefined: no gate, or the service gave no WER to decide on. */
  passed?: boolean;
  failures: string[];
}

export interface EvaluationReport {
  evaluation: { id: string; self?: string; displayName: string; locale: string; status?: string; createdDateTime?: string };
  models: { model1: { self?: string; name: string }; model2: { self?: string; name: string } };
  dataset: { self?: string; name: string };
  /** Whether the test set has human-labeled references (false: Studio's "inspect quality", no WER). */
  hasReferences: boolean;
  /** The service's totals, as reported. */
  service: { model1: ServiceFigures; model2: ServiceFigures; /** model1 − model2 WER in percentage points. */ improvementPoints?: number };
  gate: GateVerdict;
  /** Our sums of the per-file counts (same alignment as each file's). */
  computed: { model1: ErrorCounts & { wordErrorRate?: number }; model2: ErrorCounts & { wordErrorRate?: number } };
  alignmentRule: string;
  sources: EvaluationInputs["sources"];
  notes: string[];
  files: ReportFile[];
}

const FIGURE_KEYS = ["wordErrorRate", "sentenceErrorRate", "tokenErrorRate", "sentenceCount", "wordCount", "correctWordCount", "wordSubstitutionCount", "wordDeletionCount", "wordInsertionCount", "tokenErrors"] as const;

function serviceFigures(p: EvaluationProperties | undefined, n: 1 | 2): ServiceFigures {
  const out: Record<string, unknown> = {};
  for (const k of FIGURE_KEYS) {
    const v = (p as Record<string, unknown> | undefined)?.[`${k}${n}`];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out as ServiceFigures;
}

const idOf = (self: string | undefined): string => self?.split("?")[0].split("/").pop() ?? "";

/** Which hypothesis words the other model did not hear at the same place: aligns the two hypotheses. */
function differingWords(mine: readonly string[], other: readonly string[]): boolean[] {
  const steps = alignWords(other, mine).steps;
  const out: boolean[] = [];
  for (const s of steps) if (s.hyp !== undefined) out.push(s.op !== "correct");
  return out;
}

/** Maps per-word "differs" onto the aligned steps that carry a hypothesis word. */
function onSteps(steps: AlignedWord[], differs: boolean[]): boolean[] {
  let k = 0;
  return steps.map((s) => (s.hyp !== undefined ? (differs[k++] ?? false) : false));
}

function modelResult(reference: string[] | undefined, hyp: string[], other: string[] | undefined, text: string): ModelResult {
  const a = alignWords(reference ?? other ?? [], hyp);
  const differs = other ? onSteps(a.steps, differingWords(hyp, other)) : a.steps.map(() => false);
  const { steps, wordErrorRate, ...counts } = a;
  return { hypothesis: text, ...counts, ...(reference && wordErrorRate !== undefined && { wordErrorRate }), aligned: steps, differs };
}

function reportFile(f: EvaluatedFile): ReportFile {
  const ref = f.reference !== undefined ? words(f.reference) : undefined;
  const h1 = f.hypothesis1 !== undefined ? words(f.hypothesis1) : undefined;
  const h2 = f.hypothesis2 !== undefined ? words(f.hypothesis2) : undefined;
  // Audio-only: model 2 is aligned to model 1 so their differences show; model 1 has nothing to be compared with.
  const model1 = h1 ? modelResult(ref, h1, h2, f.hypothesis1!) : undefined;
  const model2 = h2 ? modelResult(ref ?? h1, h2, h1, f.hypothesis2!) : undefined;
  if (!ref && model2) delete model2.wordErrorRate;
  const w1 = model1?.wordErrorRate;
  const w2 = model2?.wordErrorRate;
  return {
    name: f.name,
    ...(f.reference !== undefined && { reference: f.reference }),
    ...(model1 && { model1 }),
    ...(model2 && { model2 }),
    ...(w1 !== undefined && w2 !== undefined && { wordErrorRateDelta: w2 - w1 }),
    ...(f.audio && { audio: "omitted" in f.audio ? { omitted: redact(f.audio.omitted) } : f.audio }),
  };
}

function computed(files: ReportFile[], n: "model1" | "model2", hasReferences: boolean): ErrorCounts & { wordErrorRate?: number } {
  if (!hasReferences) return { words: 0, correct: 0, substitutions: 0, deletions: 0, insertions: 0 };
  const total = sumCounts(files.flatMap((f) => (f.reference !== undefined && f[n] ? [f[n]!] : [])));
  const rate = errorRate(total);
  return { ...total, ...(rate !== undefined && { wordErrorRate: rate }) };
}

const pct = (fraction: number | undefined): number | undefined => (fraction === undefined ? undefined : Math.round(fraction * 100 * 10000) / 10000);

export function buildReport(inputs: EvaluationInputs): EvaluationReport {
  const ev = inputs.evaluation;
  const files = inputs.files.map(reportFile);
  const hasReferences = inputs.files.some((f) => f.reference !== undefined);
  const s1 = serviceFigures(ev.properties, 1);
  const s2 = serviceFigures(ev.properties, 2);
  const w1 = pct(s1.wordErrorRate);
  const w2 = pct(s2.wordErrorRate);
  const thresholds = inputs.gate ?? {};
  const hasGate = thresholds.maxWordErrorRate !== undefined || thresholds.minWordErrorRateImprovement !== undefined;
  const decided = hasGate && w1 !== undefined && w2 !== undefined ? evaluateGate(w1, w2, thresholds) : undefined;
  return {
    evaluation: { id: idOf(ev.self), ...(ev.self && { self: ev.self }), displayName: ev.displayName, locale: ev.locale, ...(ev.status && { status: ev.status }), ...(ev.createdDateTime && { createdDateTime: ev.createdDateTime }) },
    models: {
      model1: { ...(ev.model1?.self && { self: ev.model1.self }), name: inputs.names?.model1 ?? idOf(ev.model1?.self) },
      model2: { ...(ev.model2?.self && { self: ev.model2.self }), name: inputs.names?.model2 ?? idOf(ev.model2?.self) },
    },
    dataset: { ...(ev.dataset?.self && { self: ev.dataset.self }), name: inputs.names?.dataset ?? idOf(ev.dataset?.self) },
    hasReferences,
    service: { model1: s1, model2: s2, ...(w1 !== undefined && w2 !== undefined && { improvementPoints: Math.round((w1 - w2) * 1000) / 1000 }) },
    gate: { ...thresholds, ...(decided && { passed: decided.passed }), failures: decided?.failures ?? [] },
    computed: { model1: computed(files, "model1", hasReferences), model2: computed(files, "model2", hasReferences) },
    alignmentRule: ALIGNMENT_RULE,
    sources: inputs.sources,
    // Notes quote service answers: nothing secret may reach a report that is posted or uploaded.
    notes: inputs.notes.map((n) => redact(n)),
    files,
  };
}

/** Files where model 2 is worse than model 1, worst first (ties by name). */
export function regressions(report: EvaluationReport): ReportFile[] {
  return report.files.filter((f) => (f.wordErrorRateDelta ?? 0) > 0).sort((a, b) => b.wordErrorRateDelta! - a.wordErrorRateDelta! || a.name.localeCompare(b.name));
}

/** A fraction as a percentage for people: 0.0833 → "8.33 %". */
export function formatRate(fraction: number | undefined): string {
  return fraction === undefined ? "–" : `${(Math.round(fraction * 10000) / 100).toString()} %`;
}
