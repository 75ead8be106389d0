// Constructed evaluation inputs: the service's totals deliberately differ from what our per-file alignment sums
// to, so a test can tell which the report shows.
import type { EvaluationInputs, EvaluatedFile } from "../../components/evaluation-report/inputs";
import type { EvaluationProperties } from "../../components/speech-api/models";

export const BASE = "https://westeurope.api.cognitive.microsoft.com/speechtotext";

export const SERVICE_PROPERTIES: EvaluationProperties = {
  wordErrorRate1: 0.12,
  wordErrorRate2: 0.08,
  sentenceErrorRate1: 0.5,
  sentenceErrorRate2: 0.25,
  sentenceCount1: 40,
  sentenceCount2: 40,
  wordCount1: 100,
  wordCount2: 100,
  correctWordCount1: 90,
  correctWordCount2: 93,
  wordSubstitutionCount1: 6,
  wordSubstitutionCount2: 4,
  wordDeletionCount1: 4,
  wordDeletionCount2: 3,
  wordInsertionCount1: 2,
  wordInsertionCount2: 1,
  tokenErrors2: { punctuation: { numberOfEdits: 3, percentageOfAllEdits: 50 } },
};

export const FILES: EvaluatedFile[] = [
  // Model 2 drops "my": a regression (0 → 1/6).
  { name: "a.wav", reference: "Can you reset my password, please?", hypothesis1: "can you reset my password please", hypothesis2: "can you reset password please" },
  // Model 1 substitutes twice, model 2 is right: an improvement.
  { name: "b.wav", reference: "I want to cancel my subscription.", hypothesis1: "I want to council my prescription", hypothesis2: "I want to cancel my subscription" },
  // Model 1 deletes "there", model 2 inserts "general": the same WER, different words.
  { name: "c.wav", reference: "Hello there.", hypothesis1: "hello", hypothesis2: "hello there general" },
];

export function inputsWith(over: Partial<EvaluationInputs> = {}, properties: EvaluationProperties = SERVICE_PROPERTIES): EvaluationInputs {
  return {
    evaluation: {
      displayName: "candidate vs baseline",
      self: `${BASE}/evaluations/e1`,
      model1: { self: `${BASE}/models/base/m1` },
      model2: { self: `${BASE}/models/m2` },
      dataset: { self: `${BASE}/datasets/d1` },
      locale: "en-US",
      status: "Succeeded",
      properties,
    },
    names: { model1: "baseline 2025", model2: "callcenter v2", dataset: "callcenter test" },
    gate: { maxWordErrorRate: 10, minWordErrorRateImprovement: 2 },
    files: FILES,
    sources: { hypotheses: "evaluation-details", references: "dataset-files", audio: "none" },
    notes: [],
    ...over,
  };
}
