// The report for machines: every figure, the service's totals and ours, and per audio file its name, reference and
// per model the hypothesis, counts and WER (a fraction, as the API reports it). No audio, nothing secret.
import type { EvaluationReport, ModelResult } from "./report";

export interface ReportJsonModel {
  hypothesis: string;
  correct?: number;
  substitutions?: number;
  deletions?: number;
  insertions?: number;
  wordErrorRate?: number;
}

function model(m: ModelResult | undefined, hasReference: boolean): ReportJsonModel | null {
  if (!m) return null;
  if (!hasReference) return { hypothesis: m.hypothesis };
  const { hypothesis, correct, substitutions, deletions, insertions, wordErrorRate } = m;
  return { hypothesis, correct, substitutions, deletions, insertions, ...(wordErrorRate !== undefined && { wordErrorRate }) };
}

export function reportJson(r: EvaluationReport): object {
  return {
    evaluation: r.evaluation,
    models: r.models,
    dataset: r.dataset,
    hasReferences: r.hasReferences,
    totals: { service: r.service, computed: r.computed },
    gate: r.gate,
    alignmentRule: r.alignmentRule,
    sources: r.sources,
    notes: r.notes,
    files: r.files.map((f) => ({
      name: f.name,
      reference: f.reference ?? null,
      model1: model(f.model1, f.reference !== undefined),
      model2: model(f.model2, f.reference !== undefined),
      ...(f.audio && "omitted" in f.audio && { audioOmitted: f.audio.omitted }),
    })),
  };
}

export const renderJson = (r: EvaluationReport): string => JSON.stringify(reportJson(r), null, 2) + "\n";
