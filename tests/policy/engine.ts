// Policy arguments shaped as the analyzer hands them over. The engine sends a resource's properties as a protobuf
// Struct over gRPC (unknowns as the string placeholder, secrets as signature objects); @pulumi/policy's server
// deserializes them and wraps them in its unknown-checking proxy. These helpers run the library's own
// deserializeProperties and unknownCheckingProxy on a real Struct, and build PolicyResources (parent, dependencies,
// property dependencies resolved from URNs) as its analyzeStack does.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
  deserializeProperties(props: Struct, proxySecrets: boolean): Record<string, any>;
};
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy<T>(v: T): T };

/** The engine's placeholder for a value not known before the deployment. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** A secret as it travels over gRPC (the SDK's special signature key and secret signature). */
export const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
/** What a dynamic resource carries besides its inputs: the serialized provider. */
export const PROVIDER = "exports.handler = __f0; /* pulumi-custom-speech:thin-provider */";

export const PROJECT = "custom-speech";
export const DAY = 86_400_000;
export const isoIn = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** A Struct has no undefined: a key set to undefined here is a property the engine does not send. */
function absentDropped(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(absentDropped);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, absentDropped(x)]));
}

/** Properties through a protobuf Struct, the library's deserialization and its unknown-checking proxy. */
export function engineProps(raw: Record<string, unknown>): Record<string, any> {
  return unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(absentDropped(raw) as any), false));
}

export class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "not applicable");
  }
}

export interface Outcome {
  violations: { message: string; urn?: string }[];
  /** The reason given to notApplicable, when the policy called it. */
  notApplicable?: string;
  messages: string[];
}

function options(protect = false, parent?: string): PolicyResourceOptions {
  return { protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], ...(parent ? { parent } : {}) };
}

async function outcome(run: (report: (message: string, urn?: string) => void) => unknown): Promise<Outcome> {
  const violations: Outcome["violations"] = [];
  let notApplicable: string | undefined;
  try {
    await run((message, urn) => violations.push({ message, urn }));
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
    notApplicable = e.reason;
  }
  return { violations, notApplicable, messages: violations.map((v) => v.message) };
}

export interface ResourceInput {
  type: string;
  name: string;
  props: Record<string, unknown>;
  stack?: string;
  protect?: boolean;
  /** The parent's qualified type, for the URN. */
  parentType?: string;
  config?: object;
}

export const urnOf = (stack: string, qualifiedType: string, name: string) => `urn:pulumi:${stack}::${PROJECT}::${qualifiedType}::${name}`;

/** Runs a resource policy on one resource as the analyzer's Analyze call would. */
export function runResource(policy: ResourceValidationPolicy, r: ResourceInput): Promise<Outcome> {
  const props = engineProps(r.props);
  const stack = r.stack ?? "dev";
  const args: ResourceValidationArgs = {
    type: r.type,
    name: r.name,
    urn: urnOf(stack, r.parentType ? `${r.parentType}$${r.type}` : r.type, r.name),
    props,
    opts: options(r.protect),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => (r.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  return outcome(async (report) => {
    for (const v of validations) await v(args, report);
  });
}

/** One resource of a stack under construction; `deps` name the resources each property came from. */
export interface Entry {
  type: string;
  name: string;
  urn: string;
  qualifiedType: string;
  props: Record<string, unknown>;
  parent?: Entry;
  propertyDependencies?: Record<string, Entry[]>;
  protect?: boolean;
}

/** A stack's resources, as AnalyzeStack lists them (the root Stack resource first). */
export class StackBuilder {
  readonly entries: Entry[] = [];
  constructor(readonly stack = "prod") {
    this.add("pulumi:pulumi:Stack", `${PROJECT}-${stack}`, {});
  }

  add(type: string, name: string, props: Record<string, unknown>, o: { parent?: Entry; deps?: Record<string, Entry[]>; protect?: boolean } = {}): Entry {
    const qualifiedType = o.parent && o.parent.type !== "pulumi:pulumi:Stack" ? `${o.parent.qualifiedType}$${type}` : type;
    const entry: Entry = { type, name, qualifiedType, urn: urnOf(this.stack, qualifiedType, name), props, parent: o.parent ?? this.entries[0], propertyDependencies: o.deps, protect: o.protect };
    this.entries.push(entry);
    return entry;
  }

  /** PolicyResources with parent, dependencies and property dependencies resolved from URNs (server.js analyzeStack). */
  resources(): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const made = this.entries.map((e) => {
      const props = engineProps(e.props);
      const r: PolicyResource = {
        type: e.type,
        name: e.name,
        urn: e.urn,
        props,
        opts: options(e.protect, e.parent?.urn),
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      };
      byUrn.set(e.urn, r);
      return r;
    });
    this.entries.forEach((e, i) => {
      const r = made[i];
      if (e.parent) r.parent = byUrn.get(e.parent.urn);
      const deps = new Set<string>();
      for (const [k, list] of Object.entries(e.propertyDependencies ?? {})) {
        r.propertyDependencies[k] = list.map((d) => byUrn.get(d.urn)!).filter(Boolean);
        for (const d of list) deps.add(d.urn);
      }
      r.dependencies = [...deps].map((u) => byUrn.get(u)!);
    });
    return made;
  }
}

/** Runs a stack policy on the stack as the analyzer's AnalyzeStack call would. */
export function runStack(policy: StackValidationPolicy, stack: StackBuilder, config: object = {}): Promise<Outcome> {
  const args: StackValidationArgs = {
    resources: stack.resources(),
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  return outcome((report) => policy.validateStack(args, report));
}
