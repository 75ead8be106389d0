/**
 * The stack program: typed config → resource group → TrainingDataStore → SpeechAccount (or existing ones) →
 * one LocalePipeline per locale trained here, one LocaleReplica per locale copied from another stack (`copyFrom`).
 * Composition only; every rule lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { LocalePipeline } from "./components/locale-pipeline";
import { LocaleReplica } from "./components/locale-replica";
import { SpeechAccount, type SpeechResource } from "./components/speech-account";
import { InputError } from "./components/input-error";
import { readStackConfig, speechSku } from "./components/stack-config";
import { TrainingDataStore, type TrainingDataLocation } from "./components/training-data-store";

const config = readStackConfig();
const tags = { ...config.tags, "pulumi-project": pulumi.getProject(), "pulumi-stack": pulumi.getStack() };
// An inferenceOnly stack that trains no locale (it serves copies) has no training data and so no store. Any other
// stack has one, also before its first locale is added, so that data can be synced first.
const inferenceOnly = config.speech.mode === "create" ? config.speech.settings.inferenceOnly : config.speech.existing.inferenceOnly;
const trains = !inferenceOnly || config.locales.length > 0;
// A resource group only when this stack creates Azure resources (the sandbox creates none).
const createsAzureResources = config.speech.mode === "create" || (trains && !config.existingStorage);
const group: pulumi.Input<string> | undefined =
  config.resourceGroupName ??
  (createsAzureResources
    ? new resources.ResourceGroup("custom-speech", { resourceGroupName: `rg-${pulumi.getProject()}-${pulumi.getStack()}`, location: config.region, tags }).name
    : undefined);

const store: TrainingDataLocation | undefined = !trains
  ? undefined
  : config.existingStorage
    ? TrainingDataStore.existing(config.existingStorage)
    : new TrainingDataStore("training-data", { ...config.storage, resourceGroupName: group!, location: config.region, tags });

const speech: SpeechResource =
  config.speech.mode === "existing"
    ? SpeechAccount.existing(config.speech.existing)
    : new SpeechAccount("speech", {
        ...config.speech.settings,
        resourceGroupName: group!,
        location: config.region,
        trainingDataStore: store instanceof TrainingDataStore ? store : undefined,
        tags,
      });

// Datasets are read by the service from the store, so the pipelines wait for the store and its role grants.
const dependsOn = ([store, speech] as unknown[]).filter((r): r is pulumi.Resource => r instanceof pulumi.Resource);
// F0 holds 2 datasets: previews refuse a dataset replacement that would need a third while both exist.
const quota = { sku: speechSku(config.speech) ?? "S0", datasetsInStack: config.locales.reduce((n, l) => n + l.datasets.length, 0) };
const connection = { endpoint: speech.endpoint, key: speech.key, keyConfig: speech.keyConfig };
const pipelines = config.locales.map(
  (locale) => new LocalePipeline(`speech-${locale.locale.toLowerCase()}`, { speech: connection, config: locale, tuning: config.tuning, quota, protectEndpoint: config.protectEndpoints }, { dependsOn }),
);

// Copied locales read the source stack's outputs: its Speech endpoint and ARM id, and per locale the served model.
const sources = new Map([...new Set(config.copiedLocales.map((l) => l.copyFrom.stack))].map((name) => [name, new pulumi.StackReference(`copy-from-${name.replace(/[^A-Za-z0-9-]/g, "-")}`, { name })]));
const replicas = config.copiedLocales.map((l) => {
  const ref = sources.get(l.copyFrom.stack)!;
  const model = ref.getOutput("locales").apply((all: Record<string, { servedModel?: string }> | undefined) => {
    const served = all?.[l.locale]?.servedModel;
    if (!served) throw new InputError(`copyFrom: stack ${l.copyFrom.stack} exports no served model for ${l.locale} (locales.${l.locale}.servedModel); deploy the locale there first.`);
    return served;
  });
  return new LocaleReplica(
    `speech-${l.locale.toLowerCase()}`,
    {
      speech: connection,
      resourceId: speech.resourceId,
      source: { speech: { endpoint: ref.requireOutput("speechEndpoint") as pulumi.Output<string>, keyConfig: config.sourceKeyConfig }, resourceId: ref.requireOutput("speechResourceId") as pulumi.Output<string>, model },
      config: l,
      tuning: config.tuning,
      protectEndpoint: config.protectEndpoints,
    },
    { dependsOn },
  );
});

export const speechEndpoint = speech.endpoint;
export const speechRegion = speech.region;
export const speechResourceId = speech.resourceId;
/** Null when the Speech resource's identity is not known (an existing resource given without its principalId). */
export const speechPrincipalId = speech.principalId.apply((id) => id ?? null);
/** Only when local (key) auth is on or an existing key was configured; always a secret. */
export const speechKey = speech.key;
export const storageAccountName = store?.accountName ?? null;
export const blobEndpoint = store?.blobEndpoint ?? null;
export const containers = store?.containerNames ?? null;
export const containerUrls = store?.containerUrls ?? null;
/**
 * Per locale: what applications need (endpoint id and URL), the dates that end a model's usefulness, the model
 * the endpoint serves (what a stack with `copyFrom` copies) and, for trained locales, the evaluation gate's WER figures.
 */
export const locales = Object.fromEntries([
  ...config.locales.map((l, i) => [
    l.locale,
    {
      endpointId: pipelines[i].endpointId,
      endpointUrl: pipelines[i].endpointUrl,
      modelId: pipelines[i].modelId,
      servedModel: pipelines[i].endpoint!.servedModel,
      modelTranscriptionExpiry: pipelines[i].modelTranscriptionExpiry,
      baseModelAdaptationExpiry: pipelines[i].baseModelAdaptationExpiry,
      // The evaluation gate's figures in percent (null for a locale without an evaluation).
      gate: pipelines[i].evaluation
        ? {
            baselineWordErrorRate: pipelines[i].evaluation!.wordErrorRate1,
            candidateWordErrorRate: pipelines[i].evaluation!.wordErrorRate2,
            wordErrorRateImprovement: pipelines[i].evaluation!.wordErrorRateImprovement,
            passed: pipelines[i].evaluation!.passed,
          }
        : null,
    },
  ]),
  ...config.copiedLocales.map((l, i) => [
    l.locale,
    {
      endpointId: replicas[i].endpointId,
      endpointUrl: replicas[i].endpointUrl,
      modelId: replicas[i].modelId,
      servedModel: replicas[i].endpoint.servedModel,
      copiedFrom: replicas[i].sourceModel,
      modelTranscriptionExpiry: replicas[i].modelTranscriptionExpiry,
    },
  ]),
]);
