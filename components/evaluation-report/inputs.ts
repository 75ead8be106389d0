// What an evaluation report is made from: the service's evaluation (its totals are always the service's own) and,
// per audio file, the texts the service and the data gave. Collecting them (`collect.ts`, the Speech client) and
// turning them into a report (`report.ts`, alignment) are separate, so either side can be tested alone.
import type { Evaluation } from "../speech-api/models";

/** Where a figure or a text came from, named in the report. */
export type HypothesisSource = "evaluation-details" | "transcriptions" | "none";
export type ReferenceSource = "dataset-files" | "local-data" | "none";
export type AudioSource = "dataset-files" | "local-data" | "none";

export interface EvaluatedFile {
  /** The audio file's name as in the test dataset (e.g. `test-001.wav`). */
  name: string;
  /** The human-labeled transcript; absent for an audio-only test set. */
  reference?: string;
  /** What model1 and model2 heard; absent when the service gave nothing for this file and model. */
  hypothesis1?: string;
  hypothesis2?: string;
  /** The audio to embed, or why it was left out (size cap, not downloadable). */
  audio?: { mimeType: string; bytes: Buffer } | { omitted: string };
}

export interface EvaluationInputs {
  /** The evaluation as the service returned it (properties hold the service's totals). */
  evaluation: Evaluation;
  /** Display names of the two models and the dataset where known (else the report shows ids). */
  names?: { model1?: string; model2?: string; dataset?: string };
  /** The gate the stack applied, in percent as in the stack config, when known. */
  gate?: { maxWordErrorRate?: number; minWordErrorRateImprovement?: number };
  files: EvaluatedFile[];
  sources: { hypotheses: HypothesisSource; references: ReferenceSource; audio: AudioSource };
  /** Plain sentences the report shows as they are (e.g. "3 score files could not be parsed: …"). */
  notes: string[];
}
