// The type tokens the pack matches. Our dynamic resources are `pulumi-nodejs:dynamic/<module>:<kind>` with the
// module "custom-speech" (components/custom-speech/resource.ts) and the kind from each resource's spec; a test
// checks these against the components, so a renamed kind breaks the build, not the guard rail.

export const SPEECH_ACCOUNT = "azure-native:cognitiveservices:Account";
export const STORAGE_ACCOUNT = "azure-native:storage:StorageAccount";
export const BLOB_CONTAINER = "azure-native:storage:BlobContainer";

export const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/custom-speech:";
export type SpeechKind = "Project" | "Dataset" | "Model" | "Evaluation" | "Endpoint" | "ModelCopy";
export const dynamicType = (kind: SpeechKind): string => `${DYNAMIC_PREFIX}${kind}`;

export const ENDPOINT = dynamicType("Endpoint");
export const MODEL = dynamicType("Model");
export const MODEL_COPY = dynamicType("ModelCopy");
export const EVALUATION = dynamicType("Evaluation");

/** Our components (ComponentResources): a locale trained in the stack, and a locale copied from another stack. */
export const LOCALE_PIPELINE = "customspeech:index:LocalePipeline";
export const LOCALE_REPLICA = "customspeech:index:LocaleReplica";
