// The type tokens the pack matches, from the components that register them (components/custom-speech/resource.ts,
// locale-pipeline.ts, locale-replica.ts); a test checks the kinds against the components, so a renamed kind breaks
// the build, not the guard rail.
import { DYNAMIC_TYPE_PREFIX, LOCALE_PIPELINE_TYPE, LOCALE_REPLICA_TYPE } from "../../components/domain/vocabulary";

export const SPEECH_ACCOUNT = "azure-native:cognitiveservices:Account";
export const STORAGE_ACCOUNT = "azure-native:storage:StorageAccount";
export const BLOB_CONTAINER = "azure-native:storage:BlobContainer";

type SpeechKind = "Project" | "Dataset" | "Model" | "Evaluation" | "Endpoint" | "ModelCopy";
export const dynamicType = (kind: SpeechKind): string => `${DYNAMIC_TYPE_PREFIX}${kind}`;

export const ENDPOINT = dynamicType("Endpoint");
export const MODEL = dynamicType("Model");
export const MODEL_COPY = dynamicType("ModelCopy");
export const EVALUATION = dynamicType("Evaluation");

/** Our components (ComponentResources): a locale trained in the stack, and a locale copied from another stack. */
export const LOCALE_PIPELINE = LOCALE_PIPELINE_TYPE;
export const LOCALE_REPLICA = LOCALE_REPLICA_TYPE;
