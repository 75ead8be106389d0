// Generated from the official Speech to text REST API 2025-10-15 OpenAPI definitions (azure-rest-api-specs,
// specification/cognitiveservices/data-plane/Speech/SpeechToText/stable/2025-10-15/speechtotext.json).
// Transcription and web-hook schemas are left out: this project manages the Custom Speech entities.
// Read-only fields are optional: they are absent from request bodies.
/* eslint-disable */

export interface BaseModel extends SharedModel {
  links?: BaseModelLinks;
  properties?: BaseModelProperties;
}

export interface BaseModelDeprecationDates {
  /** The date when adaptation becomes deprecated. */
  adaptationDateTime?: string;
  /** The date when transcription becomes deprecated. */
  transcriptionDateTime?: string;
}

/** Features supported by the model. */
export interface BaseModelFeatures extends SharedModelFeatures {
  /** Supported dataset kinds to adapt the model. */
  supportsAdaptationsWith?: DatasetKind[];
}

export interface BaseModelLinks {
  /** The location to get a manifest for this model to be used in the on-prem container. See operation "Models_GetCustomModelManifest" for more details. */
  manifest?: string;
}

export interface BaseModelProperties {
  deprecationDates?: BaseModelDeprecationDates;
  features?: BaseModelFeatures;
  /** A value indicating whether model adaptation is charged. */
  chargeForAdaptation?: boolean;
}

/** Type of data block. */
export type BlockKind = "Committed" | "Uncommitted" | "Latest";

/** Entry of the commit block list. */
export interface CommitBlocksEntry {
  kind?: BlockKind;
  id?: string;
}

export interface CustomModel extends SharedModel {
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
  baseModel?: EntityReference;
  /** Datasets used for adaptation. */
  datasets?: EntityReference[];
  project?: EntityReference;
  links?: CustomModelLinks;
  properties?: CustomModelProperties;
}

export interface CustomModelDeprecationDates {
  /** The date when transcription becomes deprecated. */
  transcriptionDateTime?: string;
}

/** Features supported by the model. */
export interface CustomModelFeatures extends SharedModelFeatures {
}

export interface CustomModelLinks {
  /** The location to get a manifest for this model to be used in the on-prem container. See operation "Models_GetCustomModelManifest" for more details. */
  manifest?: string;
  /** The location to the model copy action. See operation "Models_Copy" for more details. */
  copy?: string;
  /** The location to get all files of this entity. See operation "Models_ListFiles" for more details. */
  files?: string;
}

export interface CustomModelProperties {
  deprecationDates?: CustomModelDeprecationDates;
  /** The weight of custom model between 1 (1% custom model and 99% base model) and 100 (100% custom model and 0% base model). */
  customModelWeightPercent?: number;
  features?: CustomModelFeatures;
  error?: EntityError;
}

export interface Dataset {
  /** The location of this entity. */
  self?: string;
  /** The display name of the object. */
  displayName: string;
  /** The description of the object. */
  description?: string;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
  /** The locale of the contained data. */
  locale: string;
  /** The time-stamp when the object was created. */
  createdDateTime?: string;
  /** The time-stamp when the current status was entered. */
  lastActionDateTime?: string;
  kind: DatasetKind;
  project?: EntityReference;
  links?: DatasetLinks;
  properties?: DatasetProperties;
  /** The URL of the data for the dataset. */
  contentUrl?: string;
  status?: Status;
}

/** Type of data import. */
export type DatasetKind = "Language" | "Acoustic" | "Pronunciation" | "AudioFiles" | "LanguageMarkdown" | "OutputFormatting";

export interface DatasetLinks {
  /** The location to get all files of this entity. See operation "Datasets_ListFiles" for more details. */
  files?: string;
  /** The location to commit the list of blocks when uploading a dataset using blocks. See operation "Datasets_CommitBlocks" for more details. */
  commitBlocks?: string;
  /** The location to list the already uploaded blocks of this entity when uploading a dataset using blocks. See operation "Datasets_GetBlocks" for more details. */
  listBlocks?: string;
  /** The location to upload blocks to when uploading a dataset using blocks. See operation "Datasets_UploadBlock" for more details. */
  uploadBlocks?: string;
}

export interface DatasetLocales {
  Language?: string[];
  Acoustic?: string[];
  Pronunciation?: string[];
  AudioFiles?: string[];
  LanguageMarkdown?: string[];
  OutputFormatting?: string[];
}

export interface DatasetProperties {
  /** The number of lines accepted for this data set. */
  acceptedLineCount?: number;
  /** The number of lines rejected for this data set. */
  rejectedLineCount?: number;
  /** The total duration in milliseconds of the datasets if it contains audio files. */
  durationMilliseconds?: number;
  textNormalizationKind?: TextNormalizationKind;
  error?: EntityError;
}

export interface DatasetUpdate {
  /** The name of the object. */
  displayName?: string;
  /** The description of the object. */
  description?: string;
  project?: EntityReference;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
}

/** Detailed error code enum. */
export type DetailedErrorCode = "InvalidParameterValue" | "InvalidRequestBodyFormat" | "EmptyRequest" | "MissingInputRecords" | "InvalidDocument" | "ModelVersionIncorrect" | "InvalidDocumentBatch" | "UnsupportedLanguageCode" | "DataImportFailed" | "InUseViolation" | "InvalidLocale" | "InvalidBaseModel" | "InvalidAdaptationMapping" | "InvalidDataset" | "InvalidTest" | "FailedDataset" | "InvalidModel" | "InvalidTranscription" | "InvalidPayload" | "InvalidParameter" | "EndpointWithoutLogging" | "InvalidPermissions" | "InvalidPrerequisite" | "InvalidProductId" | "InvalidSubscription" | "InvalidProject" | "InvalidProjectKind" | "InvalidRecordingsUri" | "OnlyOneOfUrlsOrContainerOrDataset" | "ExceededNumberOfRecordingsUris" | "InvalidChannels" | "ModelMismatch" | "ProjectGenderMismatch" | "ModelDeprecated" | "ModelExists" | "ModelNotDeployable" | "EndpointNotUpdatable" | "SingleDefaultEndpoint" | "EndpointCannotBeDefault" | "InvalidModelUri" | "SubscriptionNotFound" | "QuotaViolation" | "UnsupportedDelta" | "UnsupportedFilter" | "UnsupportedPagination" | "UnsupportedDynamicConfiguration" | "UnsupportedOrderBy" | "NoUtf8WithBom" | "ModelDeploymentNotCompleteState" | "SkuLimitsExist" | "DeployingFailedModel" | "UnsupportedTimeRange" | "InvalidLogDate" | "InvalidLogId" | "InvalidLogStartTime" | "InvalidLogEndTime" | "InvalidTopForLogs" | "InvalidSkipTokenForLogs" | "DeleteNotAllowed" | "Forbidden" | "DeployNotAllowed" | "UnexpectedError" | "InvalidCollection" | "InvalidCallbackUri" | "InvalidSasValidityDuration" | "InaccessibleCustomerStorage" | "UnsupportedClassBasedAdaptation" | "InvalidWebHookEventKind" | "InvalidTimeToLive" | "InvalidSourceAzureResourceId" | "ModelCopyAuthorizationExpired" | "EndpointLoggingNotSupported" | "NoLanguageIdentified" | "MultipleLanguagesIdentified" | "InvalidAudioFormat" | "BadChannelConfiguration" | "InvalidChannelSpecification" | "AudioLengthLimitExceeded" | "EmptyAudioFile";

export interface EditsSummary {
  /** The optional number of edits for a given type of error of the recognized transcription in comparison with the human transcription. */
  numberOfEdits?: number;
  /** The optional percentage of edits for a given type of error of the recognized transcription in comparison with the human transcription. */
  percentageOfAllEdits?: number;
}

export interface Endpoint {
  /** The location of this entity. */
  self?: string;
  model?: EntityReference;
  project?: EntityReference;
  /** The display name of the object. */
  displayName: string;
  /** The description of the object. */
  description?: string;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
  /** The locale of the contained data. */
  locale: string;
  /** The time-stamp when the object was created. */
  createdDateTime?: string;
  /** The time-stamp when the current status was entered. */
  lastActionDateTime?: string;
  properties?: EndpointProperties;
  links?: EndpointLinks;
  status?: Status;
}

export interface EndpointLinks {
  /** The Speech SDK endpoint for long requests with multiple final results. */
  webSocket?: string;
}

export interface EndpointProperties {
  /** A value indicating whether content logging (audio & transcriptions) is being used for a deployment. */
  loggingEnabled?: boolean;
  error?: EntityError;
}

export interface EndpointPropertiesUpdate {
  /** A value indicating whether content logging (audio & transcriptions) */
  contentLoggingEnabled?: boolean;
}

export interface EndpointUpdate {
  /** The name of the object. */
  displayName?: string;
  /** The description of the object. */
  description?: string;
  model?: EntityReference;
  properties?: EndpointPropertiesUpdate;
  project?: EntityReference;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
}

export interface EntityError {
  /** The code of this error. */
  code?: string;
  /** The message for this error. */
  message?: string;
}

export interface EntityReference {
  /** The location of the referenced entity. */
  self: string;
}

/** This error type contains an outer error with error code, message, details, target and an inner error with more descriptive details. */
export interface Error {
  /** High level error message. */
  message?: string;
  /** The source of the error. */
  target?: string;
  innerError?: InnerError;
  code?: ErrorCode;
  /** Additional supportive details regarding the error and/or expected policies. */
  details?: Error[];
}

/** High level error codes. */
export type ErrorCode = "InvalidRequest" | "InvalidArgument" | "InternalServerError" | "ServiceUnavailable" | "NotFound" | "PipelineError" | "Conflict" | "InternalCommunicationFailed" | "Forbidden" | "NotAllowed" | "Unauthorized" | "UnsupportedMediaType" | "TooManyRequests" | "UnprocessableEntity";

export interface Evaluation {
  /** The display name of the object. */
  displayName: string;
  /** The description of the object. */
  description?: string;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
  /** The location of this entity. */
  self?: string;
  /** The time-stamp when the object was created. */
  createdDateTime?: string;
  /** The time-stamp when the current status was entered. */
  lastActionDateTime?: string;
  model1: EntityReference;
  model2: EntityReference;
  dataset: EntityReference;
  transcription1?: EntityReference;
  transcription2?: EntityReference;
  project?: EntityReference;
  links?: EvaluationLinks;
  /** The locale of the contained data. */
  locale: string;
  properties?: EvaluationProperties;
  status?: Status;
}

export interface EvaluationLinks {
  /** The location to get all files of this entity. See operation "Evaluations_ListFiles" for more details. */
  files?: string;
}

export interface EvaluationProperties {
  /** The word error rate of recognition with model1. */
  wordErrorRate1?: number;
  /** The sentence error rate of recognition with model1. */
  sentenceErrorRate1?: number;
  /** The optional token error rate of recognition with model1. */
  tokenErrorRate1?: number;
  /** The number of processed sentences by model1. */
  sentenceCount1?: number;
  /** The number of processed words by model1. */
  wordCount1?: number;
  /** The number of correctly recognized words by model1. */
  correctWordCount1?: number;
  /** The number of recognized words by model1, that are substitutions. */
  wordSubstitutionCount1?: number;
  /** The number of recognized words by model1, that are deletions. */
  wordDeletionCount1?: number;
  /** The number of recognized words by model1, that are insertions. */
  wordInsertionCount1?: number;
  /** The optional number of processed tokens by model1. */
  tokenCount1?: number;
  /** The optional number of correctly recognized tokens by model1. */
  correctTokenCount1?: number;
  /** The optional number of recognized tokens by model1, that are substitutions. */
  tokenSubstitutionCount1?: number;
  /** The optional number of recognized tokens by model1, that are deletions. */
  tokenDeletionCount1?: number;
  /** The optional number of recognized tokens by model1, that are insertions. */
  tokenInsertionCount1?: number;
  tokenErrors1?: TokenErrorDetails;
  /** The word error rate of recognition with model2. */
  wordErrorRate2?: number;
  /** The sentence error rate of recognition with model2. */
  sentenceErrorRate2?: number;
  /** The optional token error rate of recognition with model2. */
  tokenErrorRate2?: number;
  /** The number of processed sentences by model2. */
  sentenceCount2?: number;
  /** The number of processed words by model2. */
  wordCount2?: number;
  /** The number of correctly recognized words by model2. */
  correctWordCount2?: number;
  /** The number of recognized words by model2, that are substitutions. */
  wordSubstitutionCount2?: number;
  /** The number of recognized words by model2, that are deletions. */
  wordDeletionCount2?: number;
  /** The number of recognized words by model2, that are insertions. */
  wordInsertionCount2?: number;
  /** The optional number of processed tokens by model2. */
  tokenCount2?: number;
  /** The optional number of correctly recognized tokens by model2. */
  correctTokenCount2?: number;
  /** The optional number of recognized tokens by model2, that are substitutions. */
  tokenSubstitutionCount2?: number;
  /** The optional number of recognized tokens by model2, that are deletions. */
  tokenDeletionCount2?: number;
  /** The optional number of recognized tokens by model2, that are insertions. */
  tokenInsertionCount2?: number;
  tokenErrors2?: TokenErrorDetails;
  error?: EntityError;
}

export interface EvaluationUpdate {
  /** The name of the object. */
  displayName?: string;
  /** The description of the object. */
  description?: string;
  project?: EntityReference;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
}

export interface File {
  /** The location of this entity. */
  self?: string;
  /** The name of this file. */
  name?: string;
  kind?: FileKind;
  links?: FileLinks;
  properties?: FileProperties;
  /** The creation time of this file. */
  createdDateTime?: string;
}

/** Type of data. */
export type FileKind = "DatasetReport" | "Audio" | "LanguageData" | "PronunciationData" | "AcousticDataArchive" | "AcousticDataTranscriptionV2" | "Transcription" | "TranscriptionReport" | "EvaluationDetails" | "ModelReport" | "OutputFormattingData";

export interface FileLinks {
  /** The url to retrieve the content of this file. */
  contentUrl?: string;
}

export interface FileProperties {
  /** The size of the data in bytes. */
  size?: number;
  /** The total duration in milliseconds of the file in case this file is an audio file. */
  durationMilliseconds?: number;
}

/** New Inner Error format which conforms to Cognitive Services API Guidelines which is available at https://microsoft.sharepoint.com/%3Aw%3A/t/CognitiveServicesPMO/EUoytcrjuJdKpeOKIK_QRC8BPtUYQpKBi8JsWyeDMRsWlQ?e=CPq8ow. */
export interface InnerError {
  /** High level error message. */
  message?: string;
  /** The source of the error. */
  target?: string;
  innerError?: InnerError;
  code?: DetailedErrorCode;
  /** Additional supportive details regarding the error and/or expected policies. */
  details?: Record<string, string>;
}

export interface ModelCopyAuthorization {
  /** The region (aka location) of the target speech resource (e.g., westus2). */
  targetResourceRegion: string;
  /** The Azure Resource ID of the target speech resource. */
  targetResourceId: string;
  /** The endpoint (base url) of the target resource (with custom domain name when it is used). */
  targetResourceEndpoint: string;
  /** The Azure Resource ID of the source speech resource. */
  sourceResourceId: string;
  /** The expiration date of this copy authorization. */
  expirationDateTime: string;
  /** The ID of this copy authorization. */
  id: string;
}

export interface ModelCopyAuthorizationDefinition {
  /** The Azure Resource ID of the source speech resource. */
  sourceResourceId: string;
}

export interface ModelFile {
  /** The name of this file. */
  name?: string;
  /** The url to retrieve the content of this file. */
  contentUrl?: string;
}

export interface ModelManifest {
  model: EntityReference;
  /** The model files of this model. */
  modelFiles: ModelFile[];
  /** The configuration for running this model in a container. */
  properties: Record<string, unknown>;
}

export interface ModelUpdate {
  /** The name of the object. */
  displayName?: string;
  /** The description of the object. */
  description?: string;
  project?: EntityReference;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
}

export interface Operation {
  /** The identifier of this Operation. */
  id: string;
  /** The location of this entity. */
  self?: string;
  /** The time-stamp when the object was created. */
  createdDateTime?: string;
  /** The time-stamp when the current status was entered. */
  lastActionDateTime?: string;
  status?: Status;
  result?: OperationResult;
  error?: EntityError;
}

export interface OperationResult {
  /** The link to the result of the operation. */
  link?: string;
}

/** Type of output format. */
export type OutputFormatType = "Lexical" | "Display";

export interface PaginatedBaseModels {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: BaseModel[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface PaginatedCustomModels {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: CustomModel[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface PaginatedDatasets {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: Dataset[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface PaginatedEndpoints {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: Endpoint[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface PaginatedEvaluations {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: Evaluation[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface PaginatedFiles {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: File[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface PaginatedProjects {
  /** A list of entities limited by either the passed query parameters 'skip' and 'top' or their default values. */
  values?: Project[];
  /** A link to the next set of paginated results if there are more entities available; otherwise null. */
  "@nextLink"?: string;
}

export interface Project {
  /** The location of this entity. */
  self?: string;
  /** The display name of the object. */
  displayName: string;
  /** The description of the object. */
  description?: string;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
  /** The locale of the contained data. */
  locale: string;
  /** The time-stamp when the object was created. */
  createdDateTime?: string;
  links?: ProjectLinks;
  /** The foundry project name. */
  foundryProjectName?: string;
}

export interface ProjectLinks {
  /** The location to get a list of all evaluations of this project. See operation "Projects_ListEvaluations" for more details. */
  evaluations?: string;
  /** The location to get a list of all datasets of this project. See operation "Projects_ListDatasets" for more details. */
  datasets?: string;
  /** The location to get a list of all models of this project. See operation "Projects_ListModels" for more details. */
  models?: string;
  /** The location to get a list of all endpoints of this project. See operation "Projects_ListEndpoints" for more details. */
  endpoints?: string;
  /** The location to get a list of all transcriptions of this project. See operation "Projects_ListTranscriptions" for more details. */
  transcriptions?: string;
}

export interface ProjectUpdate {
  /** The name of the object. */
  displayName?: string;
  /** The description of the object. */
  description?: string;
  /** The custom properties of this entity. The maximum allowed key length is 64 characters, the maximum */
  customProperties?: Record<string, string>;
  /** The foundry project name. */
  foundryProjectName?: string;
}

/** ResponseBlock. */
export interface ResponseBlock {
  /** The name of the block. */
  name?: string;
  /** The size of the block. */
  size?: number;
}

export interface SharedModel {
  /** The location of this entity. */
  self?: string;
  /** The display name of the object. */
  displayName: string;
  /** The description of the object. */
  description?: string;
  /** The locale of the contained data. */
  locale: string;
  /** The time-stamp when the object was created. */
  createdDateTime?: string;
  /** The time-stamp when the current status was entered. */
  lastActionDateTime?: string;
  status?: Status;
}

/** Features supported by the model. */
export interface SharedModelFeatures {
  /** A value indicating whether submission of transcription jobs is supported (POST /transcriptions:submit). */
  supportsTranscriptionsSubmit?: boolean;
  /** A value indicating whether the transcribe action is supported (POST /transcriptions:transcribe). */
  supportsTranscriptionsTranscribe?: boolean;
  /** A value indicating whether creation of endpoints for live transcription is supported. */
  supportsEndpoints?: boolean;
  /** A value indicating whether this model can be used for transcription on speech container. This feature can be added on existing models when it becomes usable on speech container. */
  supportsTranscriptionsOnSpeechContainers?: boolean;
  /** Supported output formats. */
  supportedOutputFormats?: OutputFormatType[];
}

/** Describe the current state of the API. */
export type Status = "NotStarted" | "Running" | "Succeeded" | "Failed";

/** The kind of text normalization. */
export type TextNormalizationKind = "Default" | "None";

export interface TokenErrorDetails {
  punctuation?: EditsSummary;
  capitalization?: EditsSummary;
  inverseTextNormalization?: EditsSummary;
  lexical?: EditsSummary;
  others?: EditsSummary;
}

/** List of uploaded blocks. */
export interface UploadedBlocks {
  /** The block description of blocks already committed. */
  committedBlocks?: ResponseBlock[];
  /** The block description of blocks not committed to the blob. */
  uncommittedBlocks?: ResponseBlock[];
}

