/**
 * The stack program: typed config → resource group → TrainingDataStore → SpeechAccount (or an existing one).
 * Composition only; every rule lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { SpeechAccount, type SpeechResource } from "./components/speech-account";
import { readStackConfig } from "./components/stack-config";
import { TrainingDataStore } from "./components/training-data-store";

const config = readStackConfig();
const tags = { ...config.tags, "pulumi-project": pulumi.getProject(), "pulumi-stack": pulumi.getStack() };

const resourceGroupName: pulumi.Input<string> =
  config.resourceGroupName ??
  new resources.ResourceGroup("custom-speech", {
    resourceGroupName: `rg-${pulumi.getProject()}-${pulumi.getStack()}`,
    location: config.region,
    tags,
  }).name;

const store = new TrainingDataStore("training-data", { ...config.storage, resourceGroupName, location: config.region, tags });

const speech: SpeechResource =
  config.speech.mode === "existing"
    ? SpeechAccount.existing(config.speech.existing)
    : new SpeechAccount("speech", { ...config.speech.settings, resourceGroupName, location: config.region, trainingDataStore: store, tags });

export const speechEndpoint = speech.endpoint;
export const speechRegion = speech.region;
export const speechResourceId = speech.resourceId;
export const speechPrincipalId = speech.principalId;
/** Only when local (key) auth is on or an existing key was configured; always a secret. */
export const speechKey = speech.key;
export const storageAccountName = store.accountName;
export const blobEndpoint = store.blobEndpoint;
export const containers = store.containerNames;
export const containerUrls = store.containerUrls;
