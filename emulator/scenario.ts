// Deterministic evaluation figures. Each model "recognises" a fixed test set of WORDS words in SENTENCES
// sentences; its errors E = round(WER × WORDS / 100) split into substitutions, deletions and insertions,
// so WER = (S + D + I) / N × 100 holds exactly. Token figures add fixed punctuation/capitalization edits.
import type { EvaluationProperties, TokenErrorDetails } from "../components/speech-api/models";
import type { EvaluationScenario } from "./types";

export const DEFAULT_SCENARIO: EvaluationScenario = { baseModelWordErrorRate: 12, customModelWordErrorRate: 8 };

const WORDS = 2000;
const SENTENCES = 160;
const PUNCTUATION_EDITS = 12;
const CAPITALIZATION_EDITS = 6;

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function werFor(scenario: EvaluationScenario, modelId: string, isBase: boolean): number {
  const wer = scenario.perModel?.[modelId] ?? (isBase ? scenario.baseModelWordErrorRate : scenario.customModelWordErrorRate);
  return Math.min(100, Math.max(0, wer));
}

/** Figures of one model (suffix 1 or 2) as the spec names them. */
export function figures(wer: number, n: 1 | 2): EvaluationProperties {
  const errors = Math.round((wer * WORDS) / 100);
  const substitutions = Math.round(errors * 0.6);
  const deletions = Math.round(errors * 0.25);
  const insertions = errors - substitutions - deletions;
  const badSentences = Math.min(SENTENCES, Math.ceil(errors / 2));
  const tokenCount = WORDS + SENTENCES; // words plus one punctuation token per sentence
  const tokenSubstitutions = substitutions + PUNCTUATION_EDITS + CAPITALIZATION_EDITS;
  const tokenEdits = tokenSubstitutions + deletions + insertions;
  const share = (edits: number): { numberOfEdits: number; percentageOfAllEdits: number } => ({
    numberOfEdits: edits,
    percentageOfAllEdits: tokenEdits === 0 ? 0 : round2((edits / tokenEdits) * 100),
  });
  const tokenErrors: TokenErrorDetails = {
    punctuation: share(PUNCTUATION_EDITS),
    capitalization: share(CAPITALIZATION_EDITS),
    inverseTextNormalization: share(0),
    lexical: share(errors),
    others: share(0),
  };
  const values: Record<string, unknown> = {
    wordErrorRate: round2((errors / WORDS) * 100),
    sentenceErrorRate: round2((badSentences / SENTENCES) * 100),
    tokenErrorRate: round2((tokenEdits / tokenCount) * 100),
    sentenceCount: SENTENCES,
    wordCount: WORDS,
    correctWordCount: WORDS - substitutions - deletions,
    wordSubstitutionCount: substitutions,
    wordDeletionCount: deletions,
    wordInsertionCount: insertions,
    tokenCount,
    correctTokenCount: tokenCount - tokenSubstitutions - deletions,
    tokenSubstitutionCount: tokenSubstitutions,
    tokenDeletionCount: deletions,
    tokenInsertionCount: insertions,
    tokenErrors,
  };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${k}${n}`, v])) as EvaluationProperties;
}
