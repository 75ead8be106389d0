// Endpoint: serves a model for real-time recognition. A new model is swapped in place (same id and URL);
// only a locale change replaces it. Deploy from `evaluation.approvedModel` to gate swaps on accuracy.
import * as pulumi from "@pulumi/pulumi";
import type * as m from "../speech-api/models";
import { defineSpeechResource, type ResourceSpec } from "./core";
import { SpeechResource, type CommonArgs } from "./resource";

export const endpointSpec: ResourceSpec<m.Endpoint> = {
  kind: "Endpoint",
  inputKeys: ["locale", "project", "model", "loggingEnabled"],
  replaceKeys: ["locale"],
  patchKeys: ["model", "project", "loggingEnabled"],
  references: { project: "projects", model: "models" },
  defaultWaitMinutes: 45,
  validate(c) {
    c.locale();
    c.reference("project", "project");
    c.reference("model", "model", true);
    c.boolean("loggingEnabled");
  },
  api: {
    create: (c, body) => c.createEndpoint(body),
    get: (c, id) => c.getEndpoint(id),
    list: (c, filter) => c.listEndpoints({ filter }),
    update: (c, id, patch) => c.updateEndpoint(id, patch),
    remove: (c, id) => c.deleteEndpoint(id),
    wait: (c, id, o) => c.waitForEndpoint(id, o),
  },
  createBody: (i, rc) => ({
    displayName: i.displayName,
    description: i.description,
    locale: i.locale,
    model: rc.ref(i.model, "models"),
    project: i.project ? rc.ref(i.project, "projects") : undefined,
    properties: i.loggingEnabled !== undefined ? { loggingEnabled: i.loggingEnabled } : undefined,
  }),
  patchBody(i, changed, rc) {
    const patch: m.EndpointUpdate = {};
    if (changed.includes("model")) patch.model = rc.ref(i.model, "models");
    if (changed.includes("project") && i.project) patch.project = rc.ref(i.project, "projects");
    // The service names the flag differently on PATCH.
    if (changed.includes("loggingEnabled")) patch.properties = { contentLoggingEnabled: !!i.loggingEnabled };
    return patch;
  },
  outputs: (e) => ({
    webSocketUrl: e.links?.webSocket ?? null,
    servedModel: e.model?.self ?? null,
  }),
  refreshedInputs: (e) => ({
    displayName: e.displayName,
    description: e.description,
    locale: e.locale,
    project: e.project?.self,
    model: e.model?.self,
    loggingEnabled: e.properties?.loggingEnabled,
  }),
  inUseHint: "the service refused to delete it",
};

/** The serialized provider (exported for engine-contract tests). */
export const endpointProvider = defineSpeechResource(endpointSpec);

export interface EndpointArgs extends CommonArgs {
  locale: pulumi.Input<string>;
  project?: pulumi.Input<string>;
  /** The model to serve (self URI or id); typically `evaluation.approvedModel`. Changing it swaps in place. */
  model: pulumi.Input<string>;
  /** Content logging (needs bring-your-own-storage on the Speech resource). */
  loggingEnabled?: pulumi.Input<boolean>;
}

export class Endpoint extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  declare readonly model: pulumi.Output<string>;
  declare readonly servedModel: pulumi.Output<string>;
  /** The Speech SDK websocket URL; the resource id is the SDK EndpointId. */
  declare readonly webSocketUrl: pulumi.Output<string>;

  constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(endpointSpec, endpointProvider, name, { ...args }, opts);
  }
}
