// The evaluation gate's rule, pure and shared: the Evaluation resource decides with it, the evaluation report shows
// the same verdict. WERs and thresholds in percent (8 = 8 % WER; "0.3%" = 0.3 %).
import { percentValue, type PercentText } from "./validators";

export interface GateResult {
  passed: boolean;
  /** Percentage points model2 gains over model1 (positive = fewer errors). */
  improvement: number;
  failures: string[];
}

/** The gate rule, pure: WERs and thresholds in percent (8 = 8 % WER; "0.3%" = 0.3 %). */
export function evaluateGate(wer1: number, wer2: number, gate: { maxWordErrorRate?: number | PercentText; minWordErrorRateImprovement?: number | PercentText }): GateResult {
  const improvement = Math.round((wer1 - wer2) * 1000) / 1000;
  const failures: string[] = [];
  const max = percentValue(gate.maxWordErrorRate);
  const min = percentValue(gate.minWordErrorRateImprovement);
  if (max !== undefined && wer2 > max) {
    failures.push(`candidate WER ${wer2}% is above maxWordErrorRate ${max}%`);
  }
  if (min !== undefined && improvement < min) {
    failures.push(`improvement ${improvement} points (baseline WER ${wer1}% → candidate WER ${wer2}%) is below minWordErrorRateImprovement ${min} points`);
  }
  return { passed: failures.length === 0, improvement, failures };
}

/**
 * The service reports error rates as fractions (the official example: 3 errors in 46 words → 0.065); gates,
 * outputs and messages use percent, as Speech Studio shows WER. Rounded to hide binary-float noise.
 */
export function percent(rate: number | undefined): number | null {
  return typeof rate === "number" ? Math.round(rate * 100 * 10000) / 10000 : null;
}

