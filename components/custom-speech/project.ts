// Project: groups a locale's datasets, models, evaluations and endpoints. locale → replace; the rest → PATCH.
import * as pulumi from "@pulumi/pulumi";
import type * as m from "../speech-api/models";
import { defineSpeechResource, type ResourceSpec } from "./core";
import { SpeechResource, type CommonArgs } from "./resource";

export const projectSpec: ResourceSpec<m.Project & { status?: string }> = {
  kind: "Project",
  inputKeys: ["locale", "foundryProjectName"],
  replaceKeys: ["locale"],
  patchKeys: ["foundryProjectName"],
  references: {},
  validate(c) {
    c.locale();
    c.string("foundryProjectName", { maxLength: 256 });
  },
  api: {
    create: (c, body) => c.createProject(body),
    get: (c, id) => c.getProject(id),
    list: (c, filter) => c.listProjects({ filter }),
    update: (c, id, patch) => c.updateProject(id, patch),
    remove: (c, id) => c.deleteProject(id),
  },
  createBody: (i) => ({ displayName: i.displayName, description: i.description, locale: i.locale, foundryProjectName: i.foundryProjectName }),
  patchBody: (i, changed) => (changed.includes("foundryProjectName") ? { foundryProjectName: i.foundryProjectName ?? "" } : {}),
  outputs: () => ({}),
  refreshedInputs: (e) => ({ displayName: e.displayName, description: e.description, locale: e.locale, foundryProjectName: e.foundryProjectName }),
  inUseHint: "it still contains datasets, models, evaluations or endpoints; delete those first",
};

/** The serialized provider (exported for engine-contract tests). */
export const projectProvider = defineSpeechResource(projectSpec);

export interface ProjectArgs extends CommonArgs {
  locale: pulumi.Input<string>;
  foundryProjectName?: pulumi.Input<string>;
}

export class Project extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  declare readonly foundryProjectName: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(projectSpec, projectProvider, name, { ...args }, opts);
  }
}
