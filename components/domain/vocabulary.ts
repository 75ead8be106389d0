// The Custom Speech vocabulary, defined once: dataset kinds, locales, SKUs and their limits, the training-data
// container layout and the evaluation gate's bounds. Stack config, resources and tools all read it from here.
import type { DatasetKind } from "../speech-api/models";

export type { DatasetKind };

export const DATASET_KINDS: readonly DatasetKind[] = ["Acoustic", "AudioFiles", "Language", "LanguageMarkdown", "Pronunciation", "OutputFormatting"];

/**
 * Whether training on this kind adapts the base model, i.e. the base model must list it in
 * `supportsAdaptationsWith`. AudioFiles only serve tests; OutputFormatting changes display text, not recognition.
 */
export function adaptsBaseModel(kind: DatasetKind): boolean {
  return kind !== "AudioFiles" && kind !== "OutputFormatting";
}

/** Custom Speech locales are language[-Script]-REGION, e.g. en-US, zh-Hans-CN, es-419. */
const LOCALE = /^[a-z]{2,3}(-[A-Z][a-z]{3})?-([A-Z]{2}|[0-9]{3})$/;
export function isLocale(v: unknown): v is string {
  return typeof v === "string" && LOCALE.test(v);
}

export const SPEECH_SKUS = ["S0", "F0"] as const;
export type SpeechSku = (typeof SPEECH_SKUS)[number];

/** Per-resource limits that change what a deployment can do (speech-services-quotas-and-limits). */
export const SKU_LIMITS: Readonly<Record<SpeechSku, { datasets: number; endpointLifetimeDays?: number; textBytes: number; pronunciationBytes: number }>> = {
  S0: { datasets: 500, textBytes: 1.5 * 1024 ** 3, pronunciationBytes: 1024 ** 2 },
  F0: { datasets: 2, endpointLifetimeDays: 7, textBytes: 200 * 1024 ** 2, pronunciationBytes: 1024 },
};

export const F0_WARNING =
  `SKU F0 (free) allows at most ${SKU_LIMITS.F0.datasets} Custom Speech datasets per resource and deletes custom endpoints after ` +
  `${SKU_LIMITS.F0.endpointLifetimeDays} days; use S0 for anything that must last.`;

/** What a dataset is for: it decides the container it is synced to. */
export const PURPOSES = ["training", "test"] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The training-data store's containers, one per kind of data. */
export const CONTAINER_KINDS = ["trainingAudio", "testAudio", "relatedText", "pronunciation", "evaluationResults"] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];
export type ContainerLayout = Record<ContainerKind, string>;

export const DEFAULT_CONTAINERS: Readonly<ContainerLayout> = {
  trainingAudio: "training-audio",
  testAudio: "test-audio",
  relatedText: "related-text",
  pronunciation: "pronunciation",
  evaluationResults: "evaluation-results",
};

/** Where a BYOS Speech resource keeps its own files: never one of ours. */
export const RESERVED_CONTAINERS = ["customspeech-artifacts"] as const;

/** The container a dataset goes to, unless the dataset names one itself. */
export function containerFor(kind: DatasetKind, purpose: Purpose, layout: Partial<ContainerLayout> = {}): string {
  const c = { ...DEFAULT_CONTAINERS, ...layout };
  switch (kind) {
    case "Acoustic":
      return purpose === "test" ? c.testAudio : c.trainingAudio;
    case "AudioFiles":
      return purpose === "training" ? c.trainingAudio : c.testAudio;
    case "Pronunciation":
      return c.pronunciation;
    case "Language":
    case "LanguageMarkdown":
    case "OutputFormatting":
      return c.relatedText;
  }
}

/** AudioFiles datasets are only used for testing, every other kind defaults to training. */
export function defaultPurpose(kind: DatasetKind): Purpose {
  return kind === "AudioFiles" ? "test" : "training";
}

/**
 * The evaluation gate, in percent as Speech Studio shows WER. A negative minimum improvement tolerates a
 * candidate that is at most that many points worse than the baseline.
 */
/** The share of the custom model against the base model in a training (properties.customModelWeightPercent). */
export const MODEL_WEIGHT_PERCENT = { min: 1, max: 100, integer: true } as const;

/** How long one `up` may wait for an entity to finish (minutes), and the operational knobs' bounds. */
export const WAIT_MINUTES = { min: 0, max: 7 * 24 * 60 } as const;
export const TUNING_BOUNDS = {
  pollIntervalSeconds: { min: 0.001, max: 3600 },
  maxRetries: { min: 0, max: 20, integer: true },
  retryDelayMs: { min: 1, max: 600_000 },
  maxRetryDelayMs: { min: 1, max: 600_000 },
} as const;

export const GATE_BOUNDS = {
  maxWordErrorRate: { min: 0, max: 100 },
  minWordErrorRateImprovement: { min: -100, max: 100 },
} as const;

/**
 * The smoke test of a deployed endpoint: the highest WER (percent, like the evaluation gate) a clip may have. Short
 * clips make coarse rates (one error in ten words is 10 %), so the default leaves room for one or two.
 */
export const SMOKE_TEST = { maxWordErrorRate: { min: 0, max: 100 }, defaultMaxWordErrorRate: 20 } as const;

/**
 * The tag SpeechAccount puts on its Speech resource to say what the account is for: "training" (needs a region with
 * Custom Speech training hardware) or "inference-only" (a model-copy target, any region). The policy pack (policy/)
 * reads it, so a rule about training regions holds for the resources Azure has, not only for the program's args.
 */
export const ACCOUNT_ROLE_TAG = "custom-speech-role";
export const ACCOUNT_ROLES = ["training", "inference-only"] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** The dynamic-provider module of every Custom Speech resource: its type token is `pulumi-nodejs:dynamic/custom-speech:<Kind>`. */
export const RESOURCE_MODULE = "custom-speech";
export const DYNAMIC_TYPE_PREFIX = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:`;
/** The type tokens of the locale components (a policy pack or a preview reads them). */
export const LOCALE_PIPELINE_TYPE = "customspeech:index:LocalePipeline";
export const LOCALE_REPLICA_TYPE = "customspeech:index:LocaleReplica";
