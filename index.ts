/**
 * The stack program: typed config → resource group → TrainingDataStore → SpeechAccount (or existing ones) →
 * one LocalePipeline per configured locale. Composition only; every rule lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { LocalePipeline } from "./components/locale-pipeline";
import { SpeechAccount, type SpeechResource } from "./components/speech-account";
import { readStackConfig, speechSku } from "./components/stack-config";
import { TrainingDataStore, type TrainingDataLocation } from "./components/training-data-store";

const config = readStackConfig();
const tags = { ...config.tags, "pulumi-project": pulumi.getProject(), "pulumi-stack": pulumi.getStack() };
// A resource group only when this stack creates Azure resources (the sandbox creates none).
const createsAzureResources = config.speech.mode === "create" || !config.existingStorage;
const group: pulumi.Input<string> | undefined =
  config.resourceGroupName ??
  (createsAzureResources
    ? new resources.ResourceGroup("custom-speech", { resourceGroupName: `rg-${pulumi.getProject()}-${pulumi.getStack()}`, location: config.region, tags }).name
    : undefined);

const store: TrainingDataLocation = config.existingStorage
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
  (locale) => new LocalePipeline(`speech-${locale.locale.toLowerCase()}`, { speech: connection, config: locale, tuning: config.tuning, quota }, { dependsOn }),
);

export const speechEndpoint = speech.endpoint;
export const speechRegion = speech.region;
export const speechResourceId = speech.resourceId;
/** Null when the Speech resource's identity is not known (an existing resource given without its principalId). */
export const speechPrincipalId = speech.principalId.apply((id) => id ?? null);
/** Only when local (key) auth is on or an existing key was configured; always a secret. */
export const speechKey = speech.key;
export const storageAccountName = store.accountName;
export const blobEndpoint = store.blobEndpoint;
export const containers = store.containerNames;
export const containerUrls = store.containerUrls;
/** Per locale: what applications need (endpoint id and URL) and the dates that end a model's usefulness. */
export const locales = Object.fromEntries(
  config.locales.map((l, i) => [
    l.locale,
    {
      endpointId: pipelines[i].endpointId,
      endpointUrl: pipelines[i].endpointUrl,
      modelId: pipelines[i].modelId,
      modelTranscriptionExpiry: pipelines[i].modelTranscriptionExpiry,
      baseModelAdaptationExpiry: pipelines[i].baseModelAdaptationExpiry,
    },
  ]),
);
