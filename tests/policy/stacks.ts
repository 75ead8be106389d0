// Stacks as our components declare them (LocalePipeline, LocaleReplica), with the outputs the dynamic providers
// store (components/custom-speech/*.ts specs: inputs, self, status and the spec's outputs).
import { PROVIDER, StackBuilder, isoIn, secret, type Entry } from "./engine";

export const HOST = "https://contoso-speech-prod.cognitiveservices.azure.com/speechtotext";
export const BASE = `${HOST}/models/base/00000000-0000-4000-8000-0000000000b1`;
export const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
export const selfOf = (collection: string, n: number) => `${HOST}/${collection}/${id(n)}`;

export const LOCALE_PIPELINE = "customspeech:index:LocalePipeline";
export const LOCALE_REPLICA = "customspeech:index:LocaleReplica";
export const T = (kind: string) => `pulumi-nodejs:dynamic/custom-speech:${kind}`;

function common(b: StackBuilder, name: string, locale: string) {
  return {
    __provider: PROVIDER,
    // A connection carrying a key is a secret in the state: it reaches policies unwrapped.
    speech: secret({ endpoint: "https://contoso-speech-prod.cognitiveservices.azure.com", key: "resource-key" }),
    __identity: { project: "custom-speech", stack: b.stack, name },
    displayName: name,
    locale,
    status: "Succeeded",
    error: null,
  };
}

export interface PipelineOptions {
  name?: string;
  locale?: string;
  /** Number of the trained model's id (default 11). */
  modelId?: number;
  model?: Record<string, unknown>;
  /** false: a pipeline without an evaluation gate. */
  evaluation?: Record<string, unknown> | false;
  endpoint?: Record<string, unknown>;
  /** What the endpoint's `model` input came from (default: the evaluation, else the model; none: not reported). */
  endpointFrom?: "evaluation" | "model" | "none";
  protect?: boolean;
}

export interface Pipeline {
  pipeline: Entry;
  project: Entry;
  model: Entry;
  evaluation?: Entry;
  endpoint: Entry;
}

/** A LocalePipeline after a successful `up`: the gate passed and the endpoint serves the approved model. */
export function addPipeline(b: StackBuilder, o: PipelineOptions = {}): Pipeline {
  const locale = o.locale ?? "en-US";
  const name = o.name ?? `speech-${locale.toLowerCase()}`;
  const n = o.modelId ?? 11;
  const pipeline = b.add(LOCALE_PIPELINE, name, {}, { protect: o.protect });
  const child = { parent: pipeline, protect: o.protect };
  const project = b.add(T("Project"), `${name}-project`, { ...common(b, `${name}-project`, locale), self: selfOf("projects", n) }, child);
  const model = b.add(
    T("Model"),
    `${name}-model`,
    {
      ...common(b, `${name}-model`, locale),
      project: project.props.self,
      datasets: [selfOf("datasets", n)],
      baseModelPolicy: { adaptationKinds: ["Acoustic"], minAdaptationDaysLeft: 90 },
      self: selfOf("models", n),
      resolvedBaseModel: BASE,
      chosenBaseModel: BASE,
      baseModelAdaptationExpiry: isoIn(200),
      baseModelTranscriptionExpiry: isoIn(500),
      transcriptionExpiry: isoIn(400),
      features: null,
      ...o.model,
    },
    { ...child, deps: { project: [project] } },
  );
  const evaluation =
    o.evaluation === false
      ? undefined
      : b.add(
          T("Evaluation"),
          `${name}-evaluation`,
          {
            ...common(b, `${name}-evaluation`, locale),
            project: project.props.self,
            model1: BASE,
            baselineEndpoint: `${name}-endpoint`,
            model2: model.props.self,
            dataset: selfOf("datasets", 90 + n),
            maxWordErrorRate: 12,
            minWordErrorRateImprovement: 1,
            self: selfOf("evaluations", n),
            baselineModel: BASE,
            wordErrorRate1: 14,
            wordErrorRate2: 9.5,
            wordErrorRateImprovement: 4.5,
            passed: true,
            gateFailures: [],
            approvedModel: model.props.self,
            ...o.evaluation,
          },
          { ...child, deps: { model2: [model], project: [project] } },
        );
  const from = o.endpointFrom ?? (evaluation ? "evaluation" : "model");
  const endpoint = b.add(
    T("Endpoint"),
    `${name}-endpoint`,
    {
      ...common(b, `${name}-endpoint`, locale),
      project: project.props.self,
      model: evaluation && from === "evaluation" ? evaluation.props.approvedModel : model.props.self,
      loggingEnabled: false,
      self: selfOf("endpoints", n),
      // The service reports the model with its api-version: the same model.
      servedModel: `${model.props.self}?api-version=2025-10-15`,
      webSocketUrl: `wss://westeurope.stt.speech.microsoft.com/speech/universal/v2?cid=${id(n)}`,
      ...o.endpoint,
    },
    { ...child, deps: from === "none" ? undefined : { model: [from === "evaluation" && evaluation ? evaluation : model], project: [project] } },
  );
  return { pipeline, project, model, evaluation, endpoint };
}

/** A LocaleReplica: Project → ModelCopy (of the source stack's served model) → Endpoint, no evaluation. */
export function addReplica(b: StackBuilder, o: { locale?: string; copyId?: number; copy?: Record<string, unknown> } = {}) {
  const locale = o.locale ?? "en-US";
  const name = `speech-${locale.toLowerCase()}`;
  const n = o.copyId ?? 51;
  const replica = b.add(LOCALE_REPLICA, name, {});
  const child = { parent: replica };
  const project = b.add(T("Project"), `${name}-project`, { ...common(b, `${name}-project`, locale), self: selfOf("projects", n) }, child);
  const copy = b.add(
    T("ModelCopy"),
    `${name}-copy`,
    {
      ...common(b, `${name}-copy`, locale),
      sourceSpeech: { endpoint: "https://contoso-speech-prod.cognitiveservices.azure.com" },
      sourceResourceId: "/subscriptions/s/resourceGroups/rg-prod/providers/Microsoft.CognitiveServices/accounts/contoso-speech-prod",
      sourceModel: selfOf("models", 11),
      targetResourceId: "/subscriptions/s/resourceGroups/rg-se/providers/Microsoft.CognitiveServices/accounts/contoso-speech-se",
      project: project.props.self,
      self: `https://contoso-speech-se.cognitiveservices.azure.com/speechtotext/models/${id(n)}`,
      modelId: id(n),
      baseModel: BASE,
      transcriptionExpiry: isoIn(400),
      ...o.copy,
    },
    { ...child, deps: { project: [project] } },
  );
  const endpoint = b.add(
    T("Endpoint"),
    `${name}-endpoint`,
    { ...common(b, `${name}-endpoint`, locale), project: project.props.self, model: copy.props.self, servedModel: copy.props.self, self: selfOf("endpoints", n) },
    { ...child, deps: { model: [copy], project: [project] } },
  );
  return { replica, project, copy, endpoint };
}
