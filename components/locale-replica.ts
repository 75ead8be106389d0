// One locale served from a model trained elsewhere, as a component: Project → ModelCopy (from the source stack's
// served model) → Endpoint. When the source serves a new model, the copy is replaced and the endpoint swaps to the
// new copy in place (same id and URL); the old copy is deleted at the end of that `up`. Nothing here trains.
import * as pulumi from "@pulumi/pulumi";
import { ModelCopy, Project, type Endpoint } from "./custom-speech";
import type { SpeechConnectionInput, Tuning } from "./custom-speech";
import { localeEndpoint, warnOnExpiry } from "./locale-pipeline";
import { LOCALE_REPLICA_TYPE } from "./domain";
import type { CopiedLocaleConfig } from "./stack-config";

export interface LocaleReplicaArgs {
  /** The serving (target) Speech resource. */
  speech: pulumi.Input<SpeechConnectionInput>;
  /** ARM id of the serving resource. */
  resourceId: pulumi.Input<string>;
  /** Where the model is trained: the source resource and the model to serve (its self URI). */
  source: { speech: pulumi.Input<SpeechConnectionInput>; resourceId: pulumi.Input<string>; model: pulumi.Input<string> };
  config: CopiedLocaleConfig;
  tuning?: Tuning;
  /** Pulumi's `protect` on the Endpoint (the ModelCopy stays replaceable, for the next source retrain). */
  protectEndpoint?: boolean;
}

export class LocaleReplica extends pulumi.ComponentResource {
  readonly project: Project;
  readonly copy: ModelCopy;
  readonly endpoint: Endpoint;
  readonly endpointId: pulumi.Output<string>;
  readonly endpointUrl: pulumi.Output<string>;
  readonly modelId: pulumi.Output<string>;
  readonly sourceModel: pulumi.Output<string>;
  readonly modelTranscriptionExpiry: pulumi.Output<string | null>;

  constructor(name: string, args: LocaleReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LOCALE_REPLICA_TYPE, name, {}, opts);
    const c = args.config;
    const common = { speech: args.speech, tuning: args.tuning };
    const child = { parent: this };

    this.project = new Project(`${name}-project`, { ...common, locale: c.locale, displayName: c.displayName ?? `${c.locale} Custom Speech (copied)` }, child);
    this.copy = new ModelCopy(
      `${name}-copy`,
      {
        tuning: args.tuning,
        source: args.source,
        target: { speech: args.speech, resourceId: args.resourceId, project: this.project },
        locale: c.locale,
        waitMinutes: c.copyFrom.waitMinutes,
      },
      child,
    );
    this.endpoint = localeEndpoint(`${name}-endpoint`, c, { ...common, project: this.project.self, model: this.copy.self }, { ...child, protect: args.protectEndpoint });

    this.endpointId = this.endpoint.id;
    this.endpointUrl = this.endpoint.webSocketUrl;
    this.modelId = this.copy.modelId;
    this.sourceModel = this.copy.sourceModel;
    this.modelTranscriptionExpiry = this.copy.transcriptionExpiry;

    warnOnExpiry(this, c.locale, this, c.expiryWarningDays ?? 60, ` (retrain in the source stack ${c.copyFrom.stack})`);

    this.registerOutputs({
      endpointId: this.endpointId,
      endpointUrl: this.endpointUrl,
      modelId: this.modelId,
      sourceModel: this.sourceModel,
      modelTranscriptionExpiry: this.modelTranscriptionExpiry,
    });
  }
}
