// How a Custom Speech resource is described: each input once — how a change to it is applied (replace, patch,
// local, none), how old and new values compare, whether it is secret, how it is checked, what it puts in the
// request bodies and where the service reports it back. The input lists, the diff, update's change set, the
// secret outputs and the refreshed inputs are all derived from these descriptions.
import type { SpeechClient } from "../speech-api";
import type { PollOptions } from "../speech-api";
import { WAIT_MINUTES, string, uuid, within, type Rule } from "../domain";
import { Checker, IDENTITY_TAG_KEYS, UNKNOWN, isAbsent, isUnknown, referenceKey } from "./checks";

/**
 * replace: a change creates a new entity (create-before-delete); patch: the entity is PATCHed in place;
 * local: only the provider reads it (an update that writes nothing to the service); none: never a change.
 */
export type Change = "replace" | "patch" | "local" | "none";

/** How old and new values compare: as values, case-insensitively (ARM ids), as a URL without its query (a rotated SAS is not new data), or as entity references. */
export type Comparison = "value" | "caseInsensitive" | "urlWithoutQuery" | { reference: string } | { references: string };

/** Turns input values into request values: references become self URIs of the connected Speech resource. */
export interface RequestContext {
  client: SpeechClient;
  ref(value: unknown, collection: string): { self: string };
}

export type Inputs = Record<string, any>;
export type Body = Record<string, unknown>;

export interface InputSpec {
  /** Decides which entity this is although `change` is a function (see replaceKeys). */
  createOnly?: boolean;
  /** A function gets the stored and the new value, and all stored outputs (e.g. what the entity was made from). */
  change: Change | ((olds: unknown, news: unknown, stored: Inputs) => Change | undefined);
  compare?: Comparison;
  /** Kept secret in state and outputs (e.g. a URL that carries a SAS token). */
  secret?: boolean;
  /** A Speech connection ({ endpoint, key? | keyConfig? }): secret when it carries a key, and its key never shown. */
  connection?: boolean;
  required?: boolean;
  /**
   * An optional input the resource class also declares as an output: it gets an Output even when the program leaves
   * it out. (Required inputs always have one; other inputs left out have none, which keeps the program's per-property
   * work — several promises each in Pulumi's SDK — to what the resource exposes.)
   */
  exposed?: boolean;
  /** Offline check of a present, known value. */
  rule?: Rule;
  /** A check that needs more than one value's rule. */
  check?(c: Checker, property: string): void;
  /** The value when the program leaves it out (so the service's own default never reads as a change). */
  default?: unknown;
  /** This input's part of the create body; default `{ [key]: value }` (or a reference) for replace and patch inputs. */
  create?(value: any, inputs: Inputs, rc: RequestContext): Body | Promise<Body>;
  /** This input's part of a PATCH body; default: as in create. `olds` are the stored outputs. */
  patch?(value: any, inputs: Inputs, rc: RequestContext, olds: Inputs): Body;
  /** Where the service reports the value, for refresh and adoption (absent: the stored value is kept). */
  read?(entity: any): unknown;
}

export interface Entity {
  self?: string;
  status?: string;
  displayName?: string;
  description?: string;
  customProperties?: Record<string, string>;
  createdDateTime?: string;
  lastActionDateTime?: string;
  properties?: { error?: { code?: string; message?: string } } & Record<string, any>;
}

/** The entity-specific calls of the Speech API client. */
export interface EntityApi<E extends Entity> {
  create(c: SpeechClient, body: any): Promise<E>;
  get(c: SpeechClient, id: string): Promise<E>;
  list(c: SpeechClient, filter: string | undefined): Promise<E[]>;
  update(c: SpeechClient, id: string, patch: any): Promise<E>;
  remove(c: SpeechClient, id: string): Promise<void>;
  wait?(c: SpeechClient, id: string, o: PollOptions): Promise<E>;
}

export interface ResourceSpec<E extends Entity> {
  kind: string;
  /** The resource's own inputs (the common ones are added by COMMON_INPUTS). */
  inputs: Record<string, InputSpec>;
  /** Minutes create/update waits for Succeeded by default; absent ⇒ the entity is ready at once (projects). */
  defaultWaitMinutes?: number;
  /** Checks across inputs; `olds` are the stored inputs (empty for a new resource or a replacement). */
  validate?(c: Checker, news: Inputs, olds: Inputs): void;
  api: EntityApi<E>;
  /** Computed outputs (JSON-plain; `undefined` is dropped). The keys returned for `{}` are the declared outputs. */
  outputs(entity: E, inputs: Inputs): Record<string, unknown>;
  /**
   * What a create decides from the service once (e.g. which base model to train on): the values join the inputs the
   * create builds its body from, and are kept in the outputs from then on (read and update carry them over), so a
   * preview never asks the service again and they change only when the resource is replaced.
   */
  decide?: {
    outputs: string[];
    atCreate(c: SpeechClient, inputs: Inputs): Promise<Record<string, unknown>>;
    /** The same values read off an existing entity: an adopted one, a crashed create's leftover, or a state from before. */
    fromEntity(c: SpeechClient, entity: any): Promise<Record<string, unknown>>;
  };
  /**
   * Brings a just-created (or adopted, or resumed) entity to the point where the service works on it by itself,
   * e.g. uploads a dataset's local file in blocks. Must be idempotent: it runs again on resume.
   */
  complete?(c: SpeechClient, entity: E, id: string, inputs: Inputs): Promise<E>;
  /** A failure the program declared (e.g. a failing evaluation gate), decided on a Succeeded entity. */
  verdict?(outs: Record<string, unknown>, inputs: Inputs): string | undefined;
  /** Why a delete can be refused, and what to do about it. */
  inUseHint: string;
}

/** The connection: another endpoint is another entity; a new key (or key source) only needs to be stored. */
export function connectionChange(olds: unknown, news: unknown): Change | undefined {
  const a = (olds ?? {}) as { endpoint?: string; key?: string; keyConfig?: string };
  const b = (news ?? {}) as { endpoint?: string; key?: string; keyConfig?: string };
  // Unknown in a preview: a new Speech resource (the endpoint is unknown) is another entity; only a key is not.
  if (news === UNKNOWN || isUnknown(b.endpoint)) return "replace";
  if (a.endpoint?.replace(/\/+$/, "") !== b.endpoint?.replace(/\/+$/, "")) return "replace";
  return isUnknown(b) || a.key !== b.key || a.keyConfig !== b.keyConfig ? "local" : undefined;
}

/** Inputs every resource has. */
export const COMMON_INPUTS: Record<string, InputSpec> = {
  speech: { change: connectionChange, connection: true, required: true, check: (c, p) => c.connection(p), create: () => ({}) },
  /** Program-side identity (Pulumi project, stack, resource name): tags the entity so a rerun can adopt it. */
  __identity: { change: "none" },
  displayName: { change: "patch", rule: string({ minLength: 1, maxLength: 256 }), read: (e) => e.displayName },
  description: {
    change: "patch",
    rule: string({ maxLength: 1024 }),
    read: (e) => e.description,
    // Merge-patch: null removes the description.
    patch: (v) => ({ description: v ?? null }),
  },
  customProperties: {
    change: "patch",
    check: (c, p) => c.customProperties(p),
    read: (e) => userProperties(e),
    create: () => ({}), // the core adds them with the identity tags
  },
  /** How long create/update waits for the entity to finish before reporting a partial failure that the next `up` resumes. */
  waitMinutes: { change: "none", rule: within(WAIT_MINUTES) },
  tuning: { change: "none", check: (c, p) => c.tuning(p) },
  /** An existing entity to bring under management: create GETs, checks and tags it instead of POSTing. */
  adoptId: { change: "none", rule: uuid },
};

export function allInputs(spec: ResourceSpec<any>): Record<string, InputSpec> {
  return { ...COMMON_INPUTS, ...spec.inputs };
}

export function inputKeys(spec: ResourceSpec<any>): string[] {
  return Object.keys(allInputs(spec));
}

/** Inputs whose values are kept secret (the connection when it carries a key is added by the program side). */
export function secretInputs(spec: ResourceSpec<any>): string[] {
  return Object.entries(spec.inputs)
    .filter(([, i]) => i.secret)
    .map(([k]) => k);
}

/** Inputs that are Speech connections (`speech`, and a copy's source). */
export function connectionKeys(spec: ResourceSpec<any>): string[] {
  return Object.entries(allInputs(spec))
    .filter(([, i]) => i.connection)
    .map(([k]) => k);
}

/** Create-only inputs: their values decide which entity this is. */
export function replaceKeys(spec: ResourceSpec<any>): string[] {
  return Object.entries(spec.inputs)
    .filter(([, i]) => i.change === "replace" || i.createOnly)
    .map(([k]) => k);
}

export function comparable(input: InputSpec, v: unknown): unknown {
  if (isAbsent(v) || v === UNKNOWN || !input.compare || input.compare === "value") return v;
  if (input.compare === "urlWithoutQuery") return typeof v === "string" ? v.split("?")[0] : v;
  if (input.compare === "caseInsensitive") return typeof v === "string" ? v.toLowerCase() : v;
  if ("references" in input.compare) return Array.isArray(v) ? v.map((x) => referenceKey(x, (input.compare as { references: string }).references)).sort() : v;
  return referenceKey(v, input.compare.reference);
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v ?? null));
}

/** Whether two values of an input differ (an unknown new value always may). */
export function differs(input: InputSpec, olds: unknown, news: unknown): boolean {
  if (isUnknown(news)) return true;
  // Absent, null and an empty map are the same: the service reports no custom properties as none at all.
  const empty = (v: unknown) => isAbsent(v) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);
  const norm = (v: unknown) => comparable(input, empty(v) ? (input.default ?? null) : v) ?? null;
  return canonicalJson(norm(olds)) !== canonicalJson(norm(news));
}

export interface ChangeSet {
  replace: string[];
  patch: string[];
  local: string[];
}

/** The one place that decides which inputs changed and how: diff and update both use it. */
export function changedInputs(spec: ResourceSpec<any>, olds: Inputs, news: Inputs): ChangeSet {
  const set: ChangeSet = { replace: [], patch: [], local: [] };
  for (const [key, input] of Object.entries(allInputs(spec))) {
    const kind = typeof input.change === "function" ? input.change(olds[key], news[key], olds) : differs(input, olds[key], news[key]) ? input.change : undefined;
    if (kind && kind !== "none") set[kind].push(key);
  }
  return set;
}

/** The service's custom properties without the identity tags. */
export function userProperties(entity: Entity): Record<string, string> | undefined {
  const props = { ...(entity.customProperties ?? {}) };
  for (const k of IDENTITY_TAG_KEYS) delete props[k];
  return Object.keys(props).length ? props : undefined;
}

/** The default body part of an input: its value, or a reference to the connected resource. */
export function defaultBody(key: string, input: InputSpec, value: unknown, rc: RequestContext): Body {
  if (isAbsent(value)) return {};
  const c = input.compare;
  if (c && typeof c === "object" && "reference" in c) return { [key]: rc.ref(value, c.reference) };
  if (c && typeof c === "object" && "references" in c) return { [key]: (value as unknown[]).map((v) => rc.ref(v, c.references)) };
  return { [key]: value };
}

/** Deep merge of body parts (two inputs may both write into `properties`). */
export function mergeBodies(parts: Body[]): Body {
  const out: Body = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      const prev = out[k];
      out[k] =
        prev && v && typeof prev === "object" && typeof v === "object" && !Array.isArray(prev) && !Array.isArray(v)
          ? mergeBodies([prev as Body, v as Body])
          : v;
    }
  }
  return out;
}
