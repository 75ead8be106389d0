// The package's library entry (`require("pulumi-custom-speech")`): components, Custom Speech resources and their Args
// types. Importing it declares nothing and reads no stack config: this repository's own index.ts is the example
// stack program that composes these, not the package entry. Sub-paths (package.json `exports`) hold the Speech
// client, the training-data library, region migration, preview summaries, the emulator and the provider
// implementation that the serialized providers load.

// Components (ComponentResources) and what they are composed from.
export {
  SpeechAccount,
  checkedRegion,
  speechAccountSettings,
  PUBLIC_NETWORK_ACCESS,
  NETWORK_DEFAULT_ACTIONS,
  NETWORK_BYPASS,
  type SpeechResource,
  type SpeechAccountArgs,
  type ExistingSpeechAccountArgs,
  type SpeechAccountSettings,
  type NetworkAcls,
  type TrainingDataStoreRef,
} from "./speech-account";
export {
  TrainingDataStore,
  trainingDataStoreSettings,
  STORAGE_SKUS,
  type StorageSku,
  type ContainerNames,
  type DataLifecycle,
  type TrainingDataStoreArgs,
  type ExistingTrainingDataStoreArgs,
  type TrainingDataStoreSettings,
  type TrainingDataLocation,
} from "./training-data-store";
export { LocalePipeline, expiryWarnings, type LocalePipelineArgs } from "./locale-pipeline";
export { LocaleReplica, type LocaleReplicaArgs } from "./locale-replica";

// Custom Speech entities as resources (dynamic providers over the Speech to text REST API 2025-10-15).
export * from "./custom-speech";

// Typed stack configuration, the way this repository's example program reads it (`readStackConfig` reads the
// current stack's config when called, never on import).
export {
  readStackConfig,
  loadStackConfig,
  validateLocale,
  validateCopiedLocale,
  speechSku,
  CONFIG_DEFAULTS,
  CONFIG_KEYS,
  type StackConfig,
  type LocaleConfig,
  type CopiedLocaleConfig,
  type DatasetConfig,
  type SpeechSettings,
  type StorageSettings,
  type ConfigReader,
  type SmokeTestConfig,
} from "./stack-config";

// One vocabulary and one set of validators (locales, dataset kinds, SKUs, regions, roles).
export * from "./domain/vocabulary";
export { ValidationError } from "./domain/validators";
export { InputError } from "./input-error";
export * as validators from "./domain/validators";
export { TRAINING_REGIONS, TRAINING_REGION_SOURCES, trainingRegions, validateTrainingRegion, normalizeRegion, type RegionSource, type RegionCheckOptions } from "./regions";
export { BuiltInRoles, PRINCIPAL_TYPES, validatePrincipals, type BuiltInRole, type PrincipalType, type Principal } from "./roles";
