// The report for a pull-request comment or a job summary: the headline figures, the gate's verdict, and the worst
// regressions with their aligned words. Short by design; the HTML report has every file.
import type { AlignedWord } from "./alignment";
import { formatRate, regressions, type EvaluationReport, type ModelResult } from "./report";

const WORST = 10;

/** Markdown-safe text: no HTML, no table breaks, no emphasis surprises. */
export function mdText(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#~]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

/** One aligned word: ~~deleted~~, **substituted** (was …), _inserted_; correct words plain. */
function mdWord(s: AlignedWord): string {
  if (s.op === "correct") return mdText(s.hyp!);
  if (s.op === "deletion") return `~~${mdText(s.ref!)}~~`;
  if (s.op === "insertion") return `+**${mdText(s.hyp!)}**`;
  return `**${mdText(s.hyp!)}**(${mdText(s.ref!)})`;
}

const aligned = (m: ModelResult | undefined): string => (m ? m.aligned.map(mdWord).join(" ") : "_(nothing heard)_");

function verdict(r: EvaluationReport): string {
  const g = r.gate;
  const limits = [
    g.maxWordErrorRate !== undefined && `WER ≤ ${g.maxWordErrorRate} %`,
    g.minWordErrorRateImprovement !== undefined && `≥ ${g.minWordErrorRateImprovement} points better than the baseline`,
  ].filter(Boolean);
  if (limits.length === 0) return "No gate.";
  const rule = limits.join(", ");
  if (g.passed === true) return `**Gate passed** (${rule}).`;
  if (g.passed === false) return `**Gate failed** (${rule}): ${mdText(g.failures.join("; "))}.`;
  return `Gate not decided (${rule}): the service gave no WER.`;
}

export function renderMarkdown(r: EvaluationReport): string {
  const s = r.service;
  const lines = [
    `### Evaluation ${mdText(r.evaluation.displayName)} (${mdText(r.evaluation.locale)})`,
    "",
  ];
  if (r.hasReferences) {
    lines.push(
      "| | Model 1 (baseline) | Model 2 (candidate) |",
      "|---|---|---|",
      `| Model | ${mdText(r.models.model1.name)} | ${mdText(r.models.model2.name)} |`,
      `| WER | ${formatRate(s.model1.wordErrorRate)} | ${formatRate(s.model2.wordErrorRate)} |`,
      `| Sentence error rate | ${formatRate(s.model1.sentenceErrorRate)} | ${formatRate(s.model2.sentenceErrorRate)} |`,
      `| Words (correct / S / D / I) | ${counts(s.model1)} | ${counts(s.model2)} |`,
      "",
      `Improvement: ${s.improvementPoints === undefined ? "–" : `${s.improvementPoints} points`}. ${verdict(r)}`,
      "",
    );
    const worst = regressions(r).slice(0, WORST);
    if (worst.length === 0) lines.push("No audio file is worse with model 2.");
    else {
      lines.push(`**${worst.length === WORST ? `The ${WORST} worst` : `${worst.length}`} regression${worst.length === 1 ? "" : "s"}** (model 2's words against the reference: **heard**(expected), ~~missed~~, +**inserted**):`, "");
      for (const f of worst) {
        lines.push(`- \`${f.name.replace(/`/g, "'")}\` WER ${formatRate(f.model1?.wordErrorRate)} → ${formatRate(f.model2?.wordErrorRate)}: ${aligned(f.model2)}`);
      }
    }
  } else {
    const differing = r.files.filter((f) => f.model2?.differs.some(Boolean) || f.model1?.differs.some(Boolean));
    lines.push(`Audio-only test set (no references, so no WER): the two models heard different words in ${differing.length} of ${r.files.length} audio files.`);
  }
  lines.push("", `_Totals are the service's; per-file figures are ours (${mdText(r.alignmentRule)})._`);
  if (r.notes.length) lines.push("", ...r.notes.map((n) => `> ${mdText(n)}`));
  return lines.join("\n") + "\n";
}

function counts(f: { wordCount?: number; correctWordCount?: number; wordSubstitutionCount?: number; wordDeletionCount?: number; wordInsertionCount?: number }): string {
  const v = (n: number | undefined): string => (n === undefined ? "–" : String(n));
  return `${v(f.wordCount)} (${v(f.correctWordCount)} / ${v(f.wordSubstitutionCount)} / ${v(f.wordDeletionCount)} / ${v(f.wordInsertionCount)})`;
}
