// Model: a custom model trained on datasets over a base model. Any change of what it is trained on (locale,
// a named baseModel, datasets, customModelWeightPercent) is a replace, i.e. a retrain, and previews show it as one.
// Without a named base model, the create picks the newest one the policy allows and the state keeps it: a preview
// asks the service nothing, and the base model changes only with a retrain.
import * as pulumi from "@pulumi/pulumi";
import { MODEL_WEIGHT_PERCENT, within } from "../domain";
import { idFromSelf } from "../speech-api";
import type * as m from "../speech-api/models";
import { listBaseModels, selectBaseModel, type BaseModelPolicy } from "./base-model";
import { isAbsent } from "./checks";
import { SpeechResource, type CommonArgs } from "./resource";
import { differs, type ResourceSpec } from "./spec";

/** What the state keeps of the base model a model is trained on (null where it is not known). */
function baseModelFacts(b: m.BaseModel | undefined) {
  return {
    baseModelAdaptationExpiry: b?.properties?.deprecationDates?.adaptationDateTime ?? null,
    baseModelTranscriptionExpiry: b?.properties?.deprecationDates?.transcriptionDateTime ?? null,
    baseModelChargesForAdaptation: b?.properties?.chargeForAdaptation ?? null,
  };
}

export const modelSpec: ResourceSpec<m.CustomModel> = {
  kind: "Model",
  inputs: {
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    project: { change: "patch", compare: { reference: "projects" }, check: (c, p) => c.reference(p, "project"), read: (e) => e.project?.self },
    // Naming another base model retrains; dropping the name keeps the one trained on (until the next retrain).
    baseModel: {
      createOnly: true,
      change: (o, n, stored) => (isAbsent(n) || !differs(modelSpec.inputs.baseModel, o ?? stored.resolvedBaseModel, n) ? undefined : "replace"),
      compare: { reference: "models/base" },
      check: (c, p) => c.reference(p, "base model"),
      create: (v, i, rc) => (v ?? i.chosenBaseModel ? { baseModel: rc.ref(v ?? i.chosenBaseModel, "models/base") } : {}),
      read: (e) => e.baseModel?.self,
    },
    /**
     * How the create picks a base model when none is named. Read only by a create, so never a change: a new policy
     * applies from the next retrain on (and a state from before the policy existed shows no diff).
     */
    baseModelPolicy: { change: "none", check: (c, p) => c.baseModelPolicy(p), create: () => ({}) },
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
  decide: {
    outputs: ["chosenBaseModel", "baseModelAdaptationExpiry", "baseModelTranscriptionExpiry", "baseModelChargesForAdaptation"],
    async atCreate(c, i) {
      if (i.baseModel) return { chosenBaseModel: null, ...baseModelFacts(await c.getBaseModel(idFromSelf(String(i.baseModel)))) };
      // The service trains on the locale's default: nothing is known of it before the model exists.
      if (!i.baseModelPolicy) return { chosenBaseModel: null, ...baseModelFacts(undefined) };
      const chosen = selectBaseModel(await listBaseModels(c, i.locale), { locale: i.locale, ...i.baseModelPolicy });
      return {
        chosenBaseModel: chosen.self,
        baseModelAdaptationExpiry: chosen.adaptationExpiry,
        baseModelTranscriptionExpiry: chosen.transcriptionExpiry,
        baseModelChargesForAdaptation: chosen.chargeForAdaptation,
      };
    },
    async fromEntity(c, e) {
      const base = e.baseModel?.self ? await c.getBaseModel(idFromSelf(e.baseModel.self)).catch(() => undefined) : undefined;
      return { chosenBaseModel: null, ...baseModelFacts(base) };
    },
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
  /** Base model self URI (e.g. from getBaseModel). Omitted ⇒ chosen at create by `baseModelPolicy`, else the service's default. */
  baseModel?: pulumi.Input<string>;
  /** The newest base model that adapts with these kinds and stays trainable this many more days (checked at create only). */
  baseModelPolicy?: pulumi.Input<BaseModelPolicy>;
  /** Dataset self URIs or ids. */
  datasets: pulumi.Input<pulumi.Input<string>[]>;
  /** 1..100: the share of the custom model against the base model. */
  customModelWeightPercent?: pulumi.Input<number>;
}

export class Model extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  declare readonly resolvedBaseModel: pulumi.Output<string>;
  /** The base model the create chose by policy (null when one was named or the service chose). */
  declare readonly chosenBaseModel: pulumi.Output<string | null>;
  /** When the trained-on base model stops accepting training (from the state: a preview asks nothing). */
  declare readonly baseModelAdaptationExpiry: pulumi.Output<string | null>;
  declare readonly baseModelTranscriptionExpiry: pulumi.Output<string | null>;
  /** Whether training on the base model is charged (the service's chargeForAdaptation). */
  declare readonly baseModelChargesForAdaptation: pulumi.Output<boolean | null>;
  /** When transcription with this model stops working (endpoints then fall back to a base model). */
  declare readonly transcriptionExpiry: pulumi.Output<string | null>;
  declare readonly features: pulumi.Output<m.CustomModelFeatures | null>;

  constructor(name: string, args: ModelArgs, opts?: pulumi.CustomResourceOptions) {
    super(modelSpec, name, { ...args }, opts);
  }
}
