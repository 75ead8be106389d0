// Endpoint: serves a model for real-time recognition. A new model is swapped in place (same id and URL);
// only a locale change replaces it. Deploy from `evaluation.approvedModel` to gate swaps on accuracy.
import * as pulumi from "@pulumi/pulumi";
import { boolean } from "../domain";
import type * as m from "../speech-api/models";
import { SpeechResource, type CommonArgs } from "./resource";
import type { ResourceSpec } from "./spec";

export const endpointSpec: ResourceSpec<m.Endpoint> = {
  kind: "Endpoint",
  inputs: {
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    project: { change: "patch", compare: { reference: "projects" }, check: (c, p) => c.reference(p, "project"), read: (e) => e.project?.self },
    model: { change: "patch", compare: { reference: "models" }, required: true, check: (c, p) => c.reference(p, "model", true), read: (e) => e.model?.self },
    loggingEnabled: {
      change: "patch",
      rule: boolean,
      // The service's default: unset in the program must not read as a change when refresh brings back false.
      default: false,
      create: (v) => ({ properties: { loggingEnabled: v } }),
      // The service names the flag differently on PATCH.
      patch: (v) => ({ properties: { contentLoggingEnabled: !!v } }),
      read: (e) => e.properties?.loggingEnabled,
    },
  },
  defaultWaitMinutes: 45,
  api: {
    create: (c, body) => c.createEndpoint(body),
    get: (c, id) => c.getEndpoint(id),
    list: (c, filter) => c.listEndpoints({ filter }),
    update: (c, id, patch) => c.updateEndpoint(id, patch),
    remove: (c, id) => c.deleteEndpoint(id),
    wait: (c, id, o) => c.waitForEndpoint(id, o),
  },
  outputs: (e) => ({
    webSocketUrl: e.links?.webSocket ?? null,
    servedModel: e.model?.self ?? null,
  }),
  inUseHint: "the service refused to delete it",
};

export interface EndpointArgs extends CommonArgs {
  locale: pulumi.Input<string>;
  project?: pulumi.Input<string>;
  /** The model to serve (self URI or id); typically `evaluation.approvedModel`. Changing it swaps in place. */
  model: pulumi.Input<string>;
  /** Content logging (needs bring-your-own-storage on the Speech resource). Default false. */
  loggingEnabled?: pulumi.Input<boolean>;
}

export class Endpoint extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  declare readonly model: pulumi.Output<string>;
  declare readonly servedModel: pulumi.Output<string>;
  /** The Speech SDK websocket URL; the resource id is the SDK EndpointId. */
  declare readonly webSocketUrl: pulumi.Output<string>;

  constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(endpointSpec, name, { ...args }, opts);
  }
}
