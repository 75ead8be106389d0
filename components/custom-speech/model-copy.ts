// ModelCopy: a custom model copied from a Speech resource in one region (the source, where it was trained) to a
// resource in another (the target, where it is served). The entity is the target's model; `speech` is the
// target's connection and `sourceSpeech` the source's. A new source model is a replace (a new copy; the endpoint
// serving the old one swaps in place); deleting removes only the target's model, never the source's.
import * as pulumi from "@pulumi/pulumi";
import { locale, speechResourceId } from "../domain";
import type * as m from "../speech-api/models";
import { UNKNOWN, isUnknown, referenceKey } from "./checks";
import { SpeechResource, type CommonArgs, type SpeechConnectionInput } from "./resource";
import { Project } from "./project";
import type { ResourceSpec } from "./spec";

const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
const endpointOf = (c: unknown) => (c && typeof c === "object" && known((c as { endpoint?: unknown }).endpoint) ? (c as { endpoint: string }).endpoint.replace(/\/+$/, "").toLowerCase() : undefined);

export const modelCopySpec: ResourceSpec<m.CustomModel> = {
  kind: "ModelCopy",
  inputs: {
    // How to reach the source: only the source model and resource id say which model is copied.
    sourceSpeech: { change: (o, n) => (n === UNKNOWN || JSON.stringify(o ?? null) !== JSON.stringify(n ?? null) ? "local" : undefined), connection: true, required: true, check: (c, p) => c.connection(p) },
    sourceResourceId: { change: "replace", compare: "caseInsensitive", required: true, rule: speechResourceId },
    sourceModel: { change: "replace", compare: { reference: "models" }, required: true, check: (c, p) => c.reference(p, "source custom model", true) },
    targetResourceId: { change: "replace", compare: "caseInsensitive", required: true, rule: speechResourceId },
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    project: { change: "patch", compare: { reference: "projects" }, check: (c, p) => c.reference(p, "target project"), read: (e) => e.project?.self },
    /** The target project's locale when the program knows it (a Project resource): checked in preview. */
    projectLocale: { change: "none", check: (c, p) => c.rule(p, locale) },
  },
  validate(c, news) {
    const model = news.sourceModel;
    if (known(model) && String(referenceKey(model, "models")).startsWith("models/base/")) {
      c.fail("sourceModel", `source.model (sourceModel) is a base model (${model}); only custom models can be copied, and base models already exist in every region: use getBaseModel on the target`);
    }
    const [src, dst] = [news.sourceResourceId, news.targetResourceId];
    const sameId = known(src) && known(dst) && src.toLowerCase() === dst.toLowerCase();
    const sameEndpoint = endpointOf(news.sourceSpeech) !== undefined && endpointOf(news.sourceSpeech) === endpointOf(news.speech);
    if (sameId || sameEndpoint) {
      c.fail("targetResourceId", `source and target are the same Speech resource (${sameId ? src : endpointOf(news.speech)}); a copy goes to another resource (usually in another region)`);
    }
    if (known(news.projectLocale) && known(news.locale) && news.projectLocale !== news.locale) {
      c.fail("project", `target.project (project) is a ${news.projectLocale} project, but the model is ${news.locale}; a copy can only join a project of its own locale`);
    }
  },
  defaultWaitMinutes: 60,
  api: {
    create: () => Promise.reject(new Error("a ModelCopy is made by copying (model-copy-provider.ts), never by POST /models")),
    get: (c, id) => c.getModel(id),
    list: (c, filter) => c.listModels({ filter }),
    update: (c, id, patch) => c.updateModel(id, patch),
    remove: (c, id) => c.deleteModel(id),
  },
  outputs: (e) => ({
    modelId: e.self ? (e.self.split("?")[0].split("/").pop() ?? null) : null,
    baseModel: e.baseModel?.self ?? null,
    transcriptionExpiry: e.properties?.deprecationDates?.transcriptionDateTime ?? null,
    features: e.properties?.features ?? null,
    copyOperation: null,
  }),
  // A copy that arrived but was not yet tagged and connected (an `up` stopped in between) is finished by the next `up`.
  verdict: (outs) => (outs.self && !outs.managedTag ? "the copy has arrived in the target but is not tagged and connected yet" : undefined),
  inUseHint: "an endpoint in the target still serves it; re-point or delete that endpoint first",
};

export interface ModelCopyArgs extends Omit<CommonArgs, "speech"> {
  /** Where the model is: the training resource. Its endpoint and ARM id are the source stack's outputs. */
  source: {
    speech: pulumi.Input<SpeechConnectionInput>;
    /** ARM id of the source Speech resource (what the target authorizes). */
    resourceId: pulumi.Input<string>;
    /** The custom model to copy (self URI or id); a new one replaces the copy. */
    model: pulumi.Input<string>;
  };
  /** Where the copy goes. */
  target: {
    speech: pulumi.Input<SpeechConnectionInput>;
    /** ARM id of the target Speech resource: the authorization must be for it. */
    resourceId: pulumi.Input<string>;
    /** A project of the same locale in the target to connect the copy to (a Project resource, its self URI or id). */
    project?: pulumi.Input<string> | Project;
  };
  /** The model's locale (checked against the source model and the target project). */
  locale: pulumi.Input<string>;
}

/**
 * A custom model copied to another Speech resource. `self` and `modelId` are the copy's; the resource id is the
 * copy operation's (the copy has no id until the operation ends). Deploy the copy with an Endpoint on the target.
 */
export class ModelCopy extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  /** The copy's id in the target. */
  declare readonly modelId: pulumi.Output<string>;
  declare readonly sourceModel: pulumi.Output<string>;
  declare readonly baseModel: pulumi.Output<string | null>;
  /** When transcription with the copy stops working (read from the target). */
  declare readonly transcriptionExpiry: pulumi.Output<string | null>;
  declare readonly features: pulumi.Output<m.CustomModelFeatures | null>;
  declare readonly copyOperation: pulumi.Output<string>;

  constructor(name: string, args: ModelCopyArgs, opts?: pulumi.CustomResourceOptions) {
    const { source, target, ...rest } = args;
    const project = target.project;
    super(
      modelCopySpec,
      name,
      {
        ...rest,
        speech: target.speech,
        targetResourceId: target.resourceId,
        project: project instanceof Project ? project.self : project,
        projectLocale: project instanceof Project ? project.locale : undefined,
        sourceSpeech: source.speech,
        sourceResourceId: source.resourceId,
        sourceModel: source.model,
      },
      opts,
    );
  }
}
