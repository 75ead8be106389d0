/**
 * Test support for the control plane: Pulumi mocks that behave like Azure Resource Manager for the few outputs
 * the components read (ids, names, identity principal id, endpoints, keys), and loaders for the stack files.
 *
 * Why mocks and not the engine: the control plane is azure-native resources, and the azure-native provider plugin
 * cannot be installed where the suite runs (no network beyond the npm, Debian and Go registries). Everything the
 * engine can run (the Custom Speech resources, the sandbox, the shipped stack files up to their first azure-native
 * resource) runs on it in tests/deployments; these tests cover only the azure-native graph and its arguments.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { fakeAzureInvoke, fakeAzureResource } from "../support/azure-fakes";
import { PROJECT, namespaced, stackFileConfig } from "../support/stack-files";

export { PROJECT, ROOT, projectConfigDeclarations } from "../support/stack-files";
export { SUBSCRIPTION, fakePrincipalId } from "../support/azure-fakes";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  custom: boolean;
  /** The protect option the program registered it with (the engine gets it; Pulumi's mocks do not pass it on). */
  protect: boolean;
}
export interface RecordedCall {
  token: string;
  inputs: Record<string, any>;
}

/** Installs the mocks; returns live arrays of what the program registered and invoked. */
export async function mockAzure(stack = "test", preview = false): Promise<{ resources: RecordedResource[]; calls: RecordedCall[] }> {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  const protects = new Map<string, boolean>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, any>;
        resources.push({ type: args.type, name: args.name, inputs, custom: args.custom ?? true, protect: protects.get(`${args.type}::${args.name}`) ?? false });
        // A preview of a new stack: what ARM would compute (endpoints, identities) is not known yet.
        // (the Account's properties carry its endpoint, so they are left out as a whole).
        if (preview) {
          const { properties: _computed, ...known } = inputs;
          return { id: "", state: args.type === "azure-native:cognitiveservices:Account" ? known : inputs };
        }
        return fakeAzureResource(args.type, args.name, inputs);
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        return fakeAzureInvoke(args.token, args.inputs);
      },
    },
    PROJECT,
    stack,
    preview,
  );
  // The mock monitor hands newResource no options; the request it gets carries protect.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    protects.set(`${req.getType()}::${req.getName()}`, req.getProtect());
    return register(req, callback);
  };
  return { resources, calls };
}

/** Resolves an Output's value (rejects when the Output failed, e.g. a validation error inside apply). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  // An Output carries sibling promises (known-ness, secrecy) that reject with the value; observe them too.
  const o = output as any;
  for (const p of [o.isKnown, o.isSecret]) p?.catch?.(() => undefined);
  return o.promise() as Promise<T>;
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
  await (pulumi.runtime as any).waitForRPCs();
}

/** Counts of resource types, e.g. { "azure-native:storage:BlobContainer": 5 }. */
export function countByType(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/**
 * The config the Pulumi CLI would hand the program for a stack: the stack file's values over Pulumi.yaml's
 * defaults, namespaced, with objects as JSON (exactly what `pulumi.Config.get` returns).
 */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
  return namespaced({ ...stackFileConfig(stack), ...overrides });
}

/** Runs the stack program (index.ts) for a stack file under the mocks; returns its exports and what it declared. */
export async function runStackProgram(stack: string, overrides: Record<string, unknown> = {}, secretKeys: string[] = [], options: { preview?: boolean } = {}) {
  const recorded = await mockAzure(stack, options.preview);
  pulumi.runtime.setAllConfig(stackConfig(stack, overrides), secretKeys.map((k) => `${PROJECT}:${k}`));
  const outputs = require("../../index") as Record<string, any>;
  await settle();
  return { outputs, ...recorded };
}

/**
 * Runs the program from a temporary folder holding the given files (relative paths in the stack file, such as
 * dataset zips or the sync manifest, resolve against the working directory, as under `pulumi up`).
 * Returns a function that restores the working directory.
 */
export function inFolderWith(files: Record<string, string>): () => void {
  const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "stack-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  const previous = process.cwd();
  process.chdir(dir);
  return () => {
    process.chdir(previous);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** Counts outgoing HTTP(S) requests made in this process (the Speech client uses node:http/https). */
export function countHttpRequests(): { count: () => number; restore: () => void } {
  const spies = [jest.spyOn(require("node:https"), "request"), jest.spyOn(require("node:http"), "request")];
  return { count: () => spies.reduce((n, s) => n + s.mock.calls.length, 0), restore: () => spies.forEach((s) => s.mockRestore()) };
}

export const DYNAMIC = (kind: string) => `pulumi-nodejs:dynamic/custom-speech:${kind}`;

/** The control plane Pulumi.dev.yaml declares: resource types and counts. */
export const DEV_CONTROL_PLANE = {
  "azure-native:resources:ResourceGroup": 1,
  "customspeech:index:TrainingDataStore": 1,
  "azure-native:storage:StorageAccount": 1,
  "azure-native:storage:BlobContainer": 5,
  "azure-native:storage:ManagementPolicy": 1,
  "customspeech:index:SpeechAccount": 1,
  "azure-native:cognitiveservices:Account": 1,
  // team group: Speech Contributor + Blob Data Contributor; the Speech identity: Blob Data Reader
  "azure-native:authorization:RoleAssignment": 3,
};
