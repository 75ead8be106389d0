// Evaluation: compares a baseline (model1) with a candidate (model2) on a test dataset and acts as a quality gate.
// The gate's outcome is `approvedModel`, set only when it passes; a failing gate fails the `up` (keeping the
// evaluation in state so it is not re-run) and nothing deployed from `approvedModel` changes.
import * as pulumi from "@pulumi/pulumi";
import { GATE_BOUNDS, percentRule, string, type PercentText } from "../domain";
import { evaluateGate, percent } from "../domain/gate";
import type { SpeechClient } from "../speech-api";
import type * as m from "../speech-api/models";
import { IDENTITY_TAG_KEYS, referenceKey } from "./checks";
import { resourceTag } from "./core";
import { SpeechResource, type CommonArgs } from "./resource";
import type { Inputs, ResourceSpec } from "./spec";

export { evaluateGate, percent, type GateResult } from "../domain/gate";

/** Counts the service reports per model (suffix 1 = baseline, 2 = candidate), passed through as outputs. */
const COUNT_FIGURES = ["sentenceCount", "wordCount", "correctWordCount", "wordSubstitutionCount", "wordDeletionCount", "wordInsertionCount"]
  .flatMap((k) => [`${k}1`, `${k}2`]);

/**
 * The baseline a new evaluation compares with: the model the stack's `baselineEndpoint` serves now, unless there is
 * none yet or it serves the candidate itself; otherwise `model1`. Only create calls this (a new candidate is a
 * replace), so previews make no call and a finished gate is not re-run once its candidate is served.
 */
export async function resolveBaseline(c: SpeechClient, i: Inputs): Promise<string> {
  if (!i.baselineEndpoint) return i.model1;
  const tag = resourceTag("Endpoint", { ...i.__identity, name: i.baselineEndpoint });
  const served = (await c.listEndpoints()).find((e) => e.customProperties?.[IDENTITY_TAG_KEYS[0]] === tag)?.model?.self;
  return served && referenceKey(served, "models") !== referenceKey(i.model2, "models") ? served : i.model1;
}

const g = GATE_BOUNDS;

export const evaluationSpec: ResourceSpec<m.Evaluation> = {
  kind: "Evaluation",
  inputs: {
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    project: { change: "patch", compare: { reference: "projects" }, check: (c, p) => c.reference(p, "project"), read: (e) => e.project?.self },
    model1: {
      change: "replace",
      compare: { reference: "models" },
      required: true,
      check: (c, p) => c.reference(p, "baseline model", true),
      create: async (_v, i, rc) => ({ model1: rc.ref(await resolveBaseline(rc.client, i), "models") }),
    },
    // Read only on create: which model the baseline endpoint serves then.
    baselineEndpoint: { change: "replace", rule: string({ maxLength: 256 }), create: () => ({}) },
    model2: { change: "replace", compare: { reference: "models" }, required: true, check: (c, p) => c.reference(p, "candidate model", true), read: (e) => e.model2?.self },
    dataset: { change: "replace", compare: { reference: "datasets" }, required: true, check: (c, p) => c.reference(p, "test dataset", true), read: (e) => e.dataset?.self },
    // The gate is decided by the provider: a new threshold re-decides it without an API write.
    maxWordErrorRate: { change: "local", rule: percentRule(g.maxWordErrorRate) },
    minWordErrorRateImprovement: { change: "local", rule: percentRule(g.minWordErrorRateImprovement) },
  },
  defaultWaitMinutes: 60,
  api: {
    create: (c, body) => c.createEvaluation(body),
    get: (c, id) => c.getEvaluation(id),
    list: (c, filter) => c.listEvaluations({ filter }),
    update: (c, id, patch) => c.updateEvaluation(id, patch),
    remove: (c, id) => c.deleteEvaluation(id),
    wait: (c, id, o) => c.waitForEvaluation(id, o),
  },
  outputs(e, i) {
    const p = e.properties ?? {};
    const wer1 = percent(p.wordErrorRate1);
    const wer2 = percent(p.wordErrorRate2);
    const done = e.status === "Succeeded" && wer1 !== null && wer2 !== null;
    const gate = done ? evaluateGate(wer1, wer2, { maxWordErrorRate: i.maxWordErrorRate, minWordErrorRateImprovement: i.minWordErrorRateImprovement }) : undefined;
    return {
      // What the service compared with: model1, or what baselineEndpoint served at create.
      baselineModel: e.model1?.self ?? null,
      wordErrorRate1: wer1,
      wordErrorRate2: wer2,
      sentenceErrorRate1: percent(p.sentenceErrorRate1),
      sentenceErrorRate2: percent(p.sentenceErrorRate2),
      tokenErrorRate1: percent(p.tokenErrorRate1),
      tokenErrorRate2: percent(p.tokenErrorRate2),
      ...Object.fromEntries(COUNT_FIGURES.map((k) => [k, (p as Record<string, unknown>)[k] ?? null])),
      wordErrorRateImprovement: gate?.improvement ?? null,
      passed: gate ? gate.passed : null,
      gateFailures: gate?.failures ?? [],
      // The only thing downstream resources should consume: absent unless the gate passed.
      approvedModel: gate?.passed ? (e.model2?.self ?? i.model2) : null,
    };
  },
  verdict: (outs, i) =>
    outs.passed === false
      ? `Evaluation gate failed for ${i.displayName}: ${(outs.gateFailures as string[]).join("; ")}. ` +
        `Baseline (model1) WER ${outs.wordErrorRate1}%, candidate (model2) WER ${outs.wordErrorRate2}%. Nothing downstream was changed.`
      : undefined,
  inUseHint: "the service refused to delete it",
};

export interface EvaluationArgs extends CommonArgs {
  locale: pulumi.Input<string>;
  project?: pulumi.Input<string>;
  /** Baseline (self URI or id): the base model, or the fallback when `baselineEndpoint` serves nothing else. */
  model1: pulumi.Input<string>;
  /**
   * The Pulumi resource name of an Endpoint in this stack: when it serves a model other than the candidate at
   * create, that model is the baseline instead of `model1` (see `baselineModel`). Read only on create.
   */
  baselineEndpoint?: pulumi.Input<string>;
  /** Candidate model (self URI or id). */
  model2: pulumi.Input<string>;
  /** Test dataset (Acoustic or AudioFiles with transcripts). */
  dataset: pulumi.Input<string>;
  /**
   * Gate: the candidate's WER in percent (8 = 8 %) must not exceed this. A value between 0 and 1 is refused as a
   * likely fraction unless written with its sign ("0.5%").
   */
  maxWordErrorRate?: pulumi.Input<number | PercentText>;
  /** Gate: the candidate must beat the baseline by at least this many percentage points (between -1 and 1: "0.5%"). */
  minWordErrorRateImprovement?: pulumi.Input<number | PercentText>;
}

/** Error rates are in percent (the service's fractions × 100); counts are as the service reports them (1 = baseline, 2 = candidate). */
export class Evaluation extends SpeechResource {
  /** The model actually compared with: `model1`, or what `baselineEndpoint` served when the evaluation was created. */
  declare readonly baselineModel: pulumi.Output<string>;
  declare readonly wordErrorRate1: pulumi.Output<number | null>;
  declare readonly wordErrorRate2: pulumi.Output<number | null>;
  declare readonly sentenceErrorRate1: pulumi.Output<number | null>;
  declare readonly sentenceErrorRate2: pulumi.Output<number | null>;
  declare readonly tokenErrorRate1: pulumi.Output<number | null>;
  declare readonly tokenErrorRate2: pulumi.Output<number | null>;
  declare readonly sentenceCount1: pulumi.Output<number | null>;
  declare readonly sentenceCount2: pulumi.Output<number | null>;
  declare readonly wordCount1: pulumi.Output<number | null>;
  declare readonly wordCount2: pulumi.Output<number | null>;
  declare readonly correctWordCount1: pulumi.Output<number | null>;
  declare readonly correctWordCount2: pulumi.Output<number | null>;
  declare readonly wordSubstitutionCount1: pulumi.Output<number | null>;
  declare readonly wordSubstitutionCount2: pulumi.Output<number | null>;
  declare readonly wordDeletionCount1: pulumi.Output<number | null>;
  declare readonly wordDeletionCount2: pulumi.Output<number | null>;
  declare readonly wordInsertionCount1: pulumi.Output<number | null>;
  declare readonly wordInsertionCount2: pulumi.Output<number | null>;
  /** Percentage points the candidate gains over the baseline. */
  declare readonly wordErrorRateImprovement: pulumi.Output<number | null>;
  declare readonly passed: pulumi.Output<boolean | null>;
  declare readonly gateFailures: pulumi.Output<string[]>;
  /** model2's self URI when the gate passed; deploy endpoints from this. */
  declare readonly approvedModel: pulumi.Output<string>;

  constructor(name: string, args: EvaluationArgs, opts?: pulumi.CustomResourceOptions) {
    super(evaluationSpec, name, { ...args }, opts);
  }
}
