// Model: a custom model trained on datasets over a base model. Any change of what it is trained on (locale,
// baseModel, datasets, customModelWeightPercent) is a replace, i.e. a retrain, and previews show it as one.
import * as pulumi from "@pulumi/pulumi";
import { MODEL_WEIGHT_PERCENT, within } from "../domain";
import type * as m from "../speech-api/models";
import { SpeechResource, type CommonArgs } from "./resource";
import type { ResourceSpec } from "./spec";

export const modelSpec: ResourceSpec<m.CustomModel> = {
  kind: "Model",
  inputs: {
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    project: { change: "patch", compare: { reference: "projects" }, check: (c, p) => c.reference(p, "project"), read: (e) => e.project?.self },
    baseModel: { change: "replace", compare: { reference: "models/base" }, check: (c, p) => c.reference(p, "base model"), read: (e) => e.baseModel?.self },
    // Order-insensitive: the same datasets listed in another order are the same training.
    datasets: {
      change: "replace",
      compare: { references: "datasets" },
      required: true,
      check: (c, p) => c.references(p, "dataset", { required: true, min: 1 }),
      read: (e) => e.datasets?.map((d: m.EntityReference) => d.self),
    },
    customModelWeightPercent: {
      change: "replace",
      rule: within(MODEL_WEIGHT_PERCENT),
      create: (v) => (v === undefined ? {} : { properties: { customModelWeightPercent: v } }),
    },
  },
  defaultWaitMinutes: 120,
  api: {
    create: (c, body) => c.createModel(body),
    get: (c, id) => c.getModel(id),
    list: (c, filter) => c.listModels({ filter }),
    update: (c, id, patch) => c.updateModel(id, patch),
    remove: (c, id) => c.deleteModel(id),
    wait: (c, id, o) => c.waitForModel(id, o),
  },
  outputs: (e) => ({
    resolvedBaseModel: e.baseModel?.self ?? null,
    transcriptionExpiry: e.properties?.deprecationDates?.transcriptionDateTime ?? null,
    features: e.properties?.features ?? null,
  }),
  inUseHint: "an endpoint still serves it or an evaluation uses it; delete or re-point the endpoint (and delete the evaluation) first",
};

export interface ModelArgs extends CommonArgs {
  locale: pulumi.Input<string>;
  project?: pulumi.Input<string>;
  /** Base model self URI (e.g. from getBaseModel). Omitted ⇒ the service picks the locale's default. */
  baseModel?: pulumi.Input<string>;
  /** Dataset self URIs or ids. */
  datasets: pulumi.Input<pulumi.Input<string>[]>;
  /** 1..100: the share of the custom model against the base model. */
  customModelWeightPercent?: pulumi.Input<number>;
}

export class Model extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  declare readonly resolvedBaseModel: pulumi.Output<string>;
  /** When transcription with this model stops working (endpoints then fall back to a base model). */
  declare readonly transcriptionExpiry: pulumi.Output<string | null>;
  declare readonly features: pulumi.Output<m.CustomModelFeatures | null>;

  constructor(name: string, args: ModelArgs, opts?: pulumi.CustomResourceOptions) {
    super(modelSpec, name, { ...args }, opts);
  }
}
