// Project: groups a locale's datasets, models, evaluations and endpoints. locale → replace; the rest → PATCH.
import * as pulumi from "@pulumi/pulumi";
import { string } from "../domain";
import type * as m from "../speech-api/models";
import { SpeechResource, type CommonArgs } from "./resource";
import type { ResourceSpec } from "./spec";

export const projectSpec: ResourceSpec<m.Project & { status?: string }> = {
  kind: "Project",
  inputs: {
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    // Merge-patch: null unlinks the Foundry project.
    foundryProjectName: { change: "patch", exposed: true, rule: string({ maxLength: 256 }), read: (e) => e.foundryProjectName, patch: (v) => ({ foundryProjectName: v ?? null }) },
  },
  api: {
    create: (c, body) => c.createProject(body),
    get: (c, id) => c.getProject(id),
    list: (c, filter) => c.listProjects({ filter }),
    update: (c, id, patch) => c.updateProject(id, patch),
    remove: (c, id) => c.deleteProject(id),
  },
  outputs: () => ({}),
  inUseHint: "it still contains datasets, models, evaluations or endpoints; delete those first",
};

export interface ProjectArgs extends CommonArgs {
  locale: pulumi.Input<string>;
  foundryProjectName?: pulumi.Input<string>;
}

export class Project extends SpeechResource {
  declare readonly locale: pulumi.Output<string>;
  declare readonly foundryProjectName: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(projectSpec, name, { ...args }, opts);
  }
}
