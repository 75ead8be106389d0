// The engine's own floor for the real-engine figures of `npm run bench`: a program of trivial dynamic resources (create
// echoes its inputs, diff reports no change), as many as a stack of ours holds and in as many components, run the same
// way (TypeScript, tsconfig.pulumi.json). A ratio to it measures what our program and providers add to a command.
import * as pulumi from "@pulumi/pulumi";

const trivial: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super(trivial, name, { name }, opts);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string, perGroup: number) {
    super("floor:index:Group", name);
    for (let i = 0; i < perGroup; i++) new Trivial(`${name}-resource-${i}`, { parent: this });
    this.registerOutputs({});
  }
}

/** `groups` components of `perGroup` trivial resources each (stack config). */
export function program() {
  const config = new pulumi.Config();
  const groups = config.requireNumber("groups");
  const perGroup = config.requireNumber("perGroup");
  for (let g = 0; g < groups; g++) new Group(`group-${g}`, perGroup);
  return { resources: groups * perGroup };
}
