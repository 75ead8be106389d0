#!/usr/bin/env node
// `npm run repair-state -- --in state.json --out repaired.json`: rewrites the serialized provider of every Custom
// Speech resource in an exported Pulumi state (`pulumi stack export`, or a DIY backend's checkpoint file) to the
// thin provider this version serializes. For states written by 0.1.0: their resources carry the whole
// implementation (~100 KB each, twice), and a partial failure stored none in its outputs — which makes refresh,
// destroy and the deletion of a replaced resource fail with "code must be a string, not undefined".
// Run it from the project directory (the provider is serialized relative to it), then `pulumi stack import`.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "../components/custom-speech/provider";
import { EXIT, UsageError, command, runCommand, runMain } from "./cli";

const TYPE = /^pulumi-nodejs:dynamic\/custom-speech:(\w+)$/;

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The resources of either shape: `{ deployment: { resources } }` (an export) or `{ checkpoint: { latest: { resources } } }`. */
function resourcesOf(state: any): StateResource[] {
  const resources = state?.deployment?.resources ?? state?.checkpoint?.latest?.resources;
  if (!Array.isArray(resources)) throw new Error("not a Pulumi state: expected deployment.resources (`pulumi stack export`) or checkpoint.latest.resources (a checkpoint file)");
  return resources;
}

/** Sets `__provider` in the inputs and outputs of every Custom Speech resource; returns the URNs it changed. */
export function repairProviders(state: unknown, providerFor: (kind: string) => string): string[] {
  const changed: string[] = [];
  for (const r of resourcesOf(state)) {
    const kind = TYPE.exec(r.type)?.[1];
    if (!kind) continue;
    const text = providerFor(kind);
    const stale = [r.inputs, r.outputs].some((props) => props?.__provider !== text);
    r.inputs = { ...r.inputs, __provider: text };
    r.outputs = { ...r.outputs, __provider: text };
    if (stale) changed.push(r.urn);
  }
  return changed;
}

/** The thin provider of each kind, serialized as a program in the current directory serializes it. */
export async function currentProviders(): Promise<(kind: string) => string> {
  const texts: Record<string, string> = {};
  for (const kind of ["Project", "Dataset", "Model", "Evaluation", "Endpoint"]) {
    const provider = thinProvider(kind);
    texts[kind] = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false })).text;
  }
  return (kind) => {
    if (!texts[kind]) throw new Error(`unknown Custom Speech resource kind ${kind}`);
    return texts[kind];
  };
}

export async function main(argv: string[]): Promise<number> {
  return runCommand("repair-state", async () => {
    const o = command(
      "repair-state",
      "Rewrite the serialized provider of every Custom Speech resource in an exported state to this version's. " +
        "Run it in the project folder, then `pulumi stack import --file <out>`.",
      { failed: "the state could not be repaired or written" },
    )
      .requiredOption("--in <file>", "the state: `pulumi stack export --file <file>`, or a DIY backend's checkpoint file")
      .option("--out <file>", "where to write the repaired state (default: standard output)")
      .parse(argv, { from: "user" })
      .opts<{ in: string; out?: string }>();
    let state: unknown;
    try {
      state = JSON.parse(fs.readFileSync(o.in, "utf8"));
      resourcesOf(state);
    } catch (e) {
      throw new UsageError(`${o.in}: ${(e as Error).message}`);
    }
    const changed = repairProviders(state, await currentProviders());
    const text = JSON.stringify(state, null, 4) + "\n";
    if (o.out) fs.writeFileSync(o.out, text);
    else process.stdout.write(text);
    process.stderr.write(`repair-state: ${changed.length} Custom Speech resource(s) now carry the current provider${o.out ? `; wrote ${o.out}` : ""}\n`);
    return EXIT.ok;
  });
}

if (require.main === module) runMain(main);
