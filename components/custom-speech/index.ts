// Custom Speech entities as Pulumi resources (dynamic providers over the Speech to text REST API 2025-10-15).
export { Project, type ProjectArgs } from "./project";
export { Dataset, hashFile, type DatasetArgs, type DatasetQuota } from "./dataset";
export { Model, type ModelArgs } from "./model";
export { Evaluation, evaluateGate, type EvaluationArgs, type GateResult } from "./evaluation";
export { Endpoint, type EndpointArgs } from "./endpoint";
export { ModelCopy, type ModelCopyArgs } from "./model-copy";
export { getBaseModel, getBaseModelOutput, selectBaseModel, type BaseModelPolicy, type BaseModelResult, type GetBaseModelArgs } from "./base-model";
export { DATASET_KINDS, type DatasetKind } from "../domain";
// The base class of every Custom Speech resource (named SpeechResource inside; exported under a name that does not
// clash with the SpeechAccount interface of the same name).
export { SpeechResource as CustomSpeechResource, type SpeechConnectionInput, type CommonArgs } from "./resource";
export type { models } from "../speech-api";
export type { Tuning } from "./core";
