// Model: a custom model trained on datasets over a base model. Any change of what it is trained on (locale,
// baseModel, datasets, customModelWeightPercent) is a replace, i.e. a retrain, and previews show it as one.
import * as pulumi from "@pulumi/pulumi";
import type * as m from "../speech-api/models";
import { defineSpeechResource, type ResourceSpec } from "./core";
import { SpeechResource, type CommonArgs } from "./resource";

export const modelSpec: ResourceSpec<m.CustomModel> = {
  kind: "Model",
  inputKeys: ["locale", "project", "baseModel", "datasets", "customModelWeightPercent"],
  replaceKeys: ["locale", "baseModel", "datasets", "customModelWeightPercent"],
  patchKeys: ["project"],
  references: { project: "projects", baseModel: "models/base", datasets: "datasets" },
  defaultWaitMinutes: 120,
  validate(c) {
    c.locale();
    c.reference("project", "project");
    c.reference("baseModel", "base model");
    c.references("datasets", "dataset", { required: true, min: 1 });
    c.number("customModelWeightPercent", 1, 100, { integer: true });
  },
  api: {
    create: (c, body) => c.createModel(body),
    get: (c, id) => c.getModel(id),
    list: (c, filter) => c.listModels({ filter }),
    update: (c, id, patch) => c.updateModel(id, patch),
    remove: (c, id) => c.deleteModel(id),
    wait: (c, id, o) => c.waitForModel(id, o),
  },
  createBody: (i, rc) => ({
    displayName: i.displayName,
    description: i.description,
    locale: i.locale,
    project: i.project ? rc.ref(i.project, "projects") : undefined,
    baseModel: i.baseModel ? rc.ref(i.baseModel, "models/base") : undefined,
    datasets: (i.datasets as string[]).map((d) => rc.ref(d, "datasets")),
    properties: i.customModelWeightPercent !== undefined ? { customModelWeightPercent: i.customModelWeightPercent } : undefined,
  }),
  patchBody: (i, changed, rc) => (changed.includes("project") && i.project ? { project: rc.ref(i.project, "projects") } : {}),
  outputs: (e) => ({
    resolvedBaseModel: e.baseModel?.self ?? null,
    transcriptionExpiry: e.properties?.deprecationDates?.transcriptionDateTime ?? null,
    features: e.properties?.features ?? null,
  }),
  refreshedInputs: (e) => ({ displayName: e.displayName, description: e.description, locale: e.locale, project: e.project?.self }),
  inUseHint: "an endpoint still serves it or an evaluation uses it; delete or re-point the endpoint (and delete the evaluation) first",
};

/** The serialized provider (exported for engine-contract tests). */
export const modelProvider = defineSpeechResource(modelSpec);

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
    super(modelSpec, modelProvider, name, { ...args }, opts);
  }
}
