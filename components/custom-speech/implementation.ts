// What the thin provider (provider.ts) loads in the provider process: one provider per kind of Custom Speech
// resource, all on the shared lifecycle core, and `configure`, which receives the stack config from the engine.
import { configure, defineSpeechResource } from "./core";
import { datasetSpec } from "./dataset";
import { endpointSpec } from "./endpoint";
import { evaluationSpec } from "./evaluation";
import { modelSpec } from "./model";
import { modelCopyProvider } from "./model-copy-provider";
import { projectSpec } from "./project";

export const providers = {
  Project: defineSpeechResource(projectSpec),
  Dataset: defineSpeechResource(datasetSpec),
  Model: defineSpeechResource(modelSpec),
  Evaluation: defineSpeechResource(evaluationSpec),
  Endpoint: defineSpeechResource(endpointSpec),
  ModelCopy: modelCopyProvider,
};

export type ResourceKind = keyof typeof providers;

export { configure };
export type { ConfigSource } from "./core";
