// Deterministic evaluation figures. Each model "recognises" a fixed test set of WORDS words in SENTENCES
// sentences; its errors E = round(WER × WORDS / 100) split into substitutions, deletions and insertions.
// Scenario WERs are percentages (readable test knobs); the API reports rates as FRACTIONS, as the official
// create_evaluation example does (3 errors in 46 words → wordErrorRate1 0.065), so WER = (S + D + I) / N.
import type { EvaluationProperties, TokenErrorDetails } from "../components/speech-api/models";
import type { EvaluationScenario } from "./types";

export const DEFAULT_SCENARIO: EvaluationScenario = { baseModelWordErrorRate: 12, customModelWordErrorRate: 8 };

/**
 * Named WER scenarios for the CLI (`--wer-scenario`), each told against the sandbox stack's gate
 * (Pulumi.sandbox.yaml: at most 10 % WER, at least 2 points better than the baseline).
 */
export const WER_SCENARIOS = {
  default: { scenario: DEFAULT_SCENARIO, meaning: "custom models 8 %, base models 12 %: the sandbox gate passes" },
  "gate-fails": { scenario: { baseModelWordErrorRate: 12, customModelWordErrorRate: 15 }, meaning: "custom models 15 %, worse than the 12 % base models: the gate fails" },
  "small-gain": { scenario: { baseModelWordErrorRate: 11, customModelWordErrorRate: 9.5 }, meaning: "custom models 9.5 % against 11 %: under the ceiling, but only 1.5 points better" },
} as const satisfies Record<string, { scenario: EvaluationScenario; meaning: string }>;
export type WerScenarioName = keyof typeof WER_SCENARIOS;
export const WER_SCENARIO_NAMES = Object.keys(WER_SCENARIOS) as WerScenarioName[];

const WORDS = 2000;
const SENTENCES = 160;
const PUNCTUATION_EDITS = 12;
const CAPITALIZATION_EDITS = 6;

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/** perModel wins; else a custom model scores what the scenario said when it was trained; base models score the base WER. */
export function werFor(scenario: EvaluationScenario, modelId: string, isBase: boolean, trainedWordErrorRate?: number): number {
  const wer = scenario.perModel?.[modelId] ?? (isBase ? scenario.baseModelWordErrorRate : (trainedWordErrorRate ?? scenario.customModelWordErrorRate));
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
    percentageOfAllEdits: tokenEdits === 0 ? 0 : round4(edits / tokenEdits),
  });
  const tokenErrors: TokenErrorDetails = {
    punctuation: share(PUNCTUATION_EDITS),
    capitalization: share(CAPITALIZATION_EDITS),
    inverseTextNormalization: share(0),
    lexical: share(errors),
    others: share(0),
  };
  const values: Record<string, unknown> = {
    wordErrorRate: round4(errors / WORDS),
    sentenceErrorRate: round4(badSentences / SENTENCES),
    tokenErrorRate: round4(tokenEdits / tokenCount),
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
