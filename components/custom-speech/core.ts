// The one lifecycle shared by every Custom Speech dynamic resource: check, diff, create (adopt-if-exists), wait
// within a budget, read, update (PATCH or resume), delete. Each resource file only describes its entity (a
// `ResourceSpec`); `defineSpeechResource` turns that into a `pulumi.dynamic.ResourceProvider`.
//
// The provider object is closure-serialized into the state, so nothing here may capture a key, an agent or a
// client: the SpeechClient is built inside each method from the `speech` input.
import type * as pulumi from "@pulumi/pulumi";
import { SpeechClient, idFromSelf, isInUse, isNotFound } from "../speech-api";
import type { PollOptions } from "../speech-api";
import { Checker, IDENTITY_TAG_KEYS, isUnknown, referenceKey, type CheckFailure } from "./checks";

/** How the provider reaches the Speech resource. `key` absent ⇒ Microsoft Entra ID via DefaultAzureCredential. */
export interface SpeechConnectionArgs {
  endpoint: string;
  key?: string;
}

/** Operational knobs: never a reason to update or replace. */
export interface Tuning {
  /** First poll delay while waiting on a long operation (default 10 s); later polls back off to 12× this (≤ 3 min). */
  pollIntervalSeconds?: number;
  /** Retries of 429/5xx/connection resets per request (default 5). */
  maxRetries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Inputs every resource has, after check. */
export interface CommonInputs {
  speech: SpeechConnectionArgs;
  /** Program-side identity (Pulumi project, stack, resource name) used to tag the entity and adopt it after a crash. */
  __identity: { project: string; stack: string; name: string };
  displayName: string;
  description?: string;
  customProperties?: Record<string, string>;
  /** How long create/update waits for the entity to finish before reporting a partial failure that the next `up` resumes. */
  waitMinutes?: number;
  tuning?: Tuning;
}

export type Inputs = CommonInputs & Record<string, any>;
export type Outputs = Inputs & { self: string; status: string | null; error: { code: string | null; message: string | null } | null } & Record<string, any>;

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

/** Turns input values into request values: references become self URIs of the connected Speech resource. */
export interface RequestContext {
  client: SpeechClient;
  ref(value: unknown, collection: string): { self: string };
}

export interface ResourceSpec<E extends Entity> {
  kind: string;
  /** Resource-specific input keys (the common ones are added by the core). */
  inputKeys: string[];
  /** Inputs that cannot change on the service: a change creates a new entity. */
  replaceKeys: string[];
  /** Inputs changed in place by PATCH. */
  patchKeys: string[];
  /** Inputs only the provider evaluates (e.g. gate thresholds): a change is an update without an API write. */
  localKeys?: string[];
  /** Reference inputs and the collection their bare ids live in, for offline comparison. */
  references: Record<string, string>;
  /** Minutes create/update waits for Succeeded by default; absent ⇒ the entity is ready at once (projects). */
  defaultWaitMinutes?: number;
  validate(c: Checker, inputs: Record<string, unknown>): void;
  api: EntityApi<E>;
  /** The POST body; may be async for a lookup only a create needs (it never runs in preview). */
  createBody(inputs: Inputs, rc: RequestContext): any;
  patchBody(inputs: Inputs, changed: string[], rc: RequestContext): any;
  /** Computed outputs (JSON-plain; `undefined` is dropped). */
  outputs(entity: E, inputs: Inputs): Record<string, unknown>;
  /** The service's current values of the inputs it holds, for refresh. */
  refreshedInputs(entity: E): Record<string, unknown>;
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

const COMMON_KEYS = ["speech", "__identity", "displayName", "description", "customProperties", "waitMinutes", "tuning"];
// Plain arrays, not Sets: the closure serializer cannot rebuild captured Sets/Maps.
const IGNORED_IN_DIFF = ["__provider", "__identity", "waitMinutes", "tuning"];

/** Error carrying the entity id so the engine keeps it in state (ErrorResourceInitFailed) and resumes with update. */
export interface PartialFailureError extends Error {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
}

// Plain Errors with fields, not Error subclasses: a closure-serialized subclass loses its message.
export function partialFailure(message: string, id: string, properties: Record<string, unknown>, reasons: string[] = [message]): PartialFailureError {
  // The ~100 KB serialized provider is left out: it would not fit the 64 KiB trailer a Node gRPC client accepts.
  // The engine forces an update next, which carries the provider again.
  const { __provider: _omit, ...rest } = properties;
  return Object.assign(new Error(message), { name: "PartialFailureError", id, properties: rest, reasons });
}

/** A readable message for any error, including serialized Error subclasses whose `message` was lost. */
export function messageOf(e: unknown): string {
  const x = e as { message?: string; statusCode?: number; code?: string; innerCode?: string } | undefined;
  if (x?.message) return x.message;
  const parts = [x?.statusCode, [x?.code, x?.innerCode].filter(Boolean).join("/")].filter(Boolean);
  return parts.length ? `Speech API error ${parts.join(" ")}` : String(e);
}

/** JSON-plain copy: the gRPC Struct conversion rejects `undefined`. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null));
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === "" ? null : v);
  return JSON.stringify(canonical(norm(a))) === JSON.stringify(canonical(norm(b)));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** `references` marker for a URL compared without its query (a rotated SAS token is not new content). */
export const URL_WITHOUT_QUERY = "#url-without-query";

function comparable(spec: ResourceSpec<any>, key: string, v: unknown): unknown {
  const collection = spec.references[key];
  if (!collection || v === undefined || v === null) return v;
  if (collection === URL_WITHOUT_QUERY) return typeof v === "string" ? v.split("?")[0] : v;
  if (Array.isArray(v)) return v.map((x) => referenceKey(x, collection)).sort();
  return referenceKey(v, collection);
}

/** Offline diff of checked new inputs against the inputs stored in the old outputs. */
export function diffInputs(spec: ResourceSpec<any>, olds: Record<string, any>, news: Record<string, any>): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  const changes: string[] = [];
  const differs = (k: string, a: unknown, b: unknown) => isUnknown(b) || !sameValue(comparable(spec, k, a), comparable(spec, k, b));
  // Another Speech resource is another entity; a rotated key is not a change.
  if (differs("speech", olds.speech?.endpoint, news.speech?.endpoint)) replaces.push("speech");
  for (const k of spec.replaceKeys) if (differs(k, olds[k], news[k])) replaces.push(k);
  const inPlace = [...COMMON_KEYS, ...spec.patchKeys, ...(spec.localKeys ?? [])].filter((k) => k !== "speech" && !IGNORED_IN_DIFF.includes(k));
  for (const k of new Set(inPlace)) if (differs(k, olds[k], news[k])) changes.push(k);
  return { changes: replaces.length + changes.length > 0, replaces, deleteBeforeReplace: false };
}

/** Offline check: validates and normalizes (defaults, no `undefined`). */
export function checkInputs(spec: ResourceSpec<any>, news: Record<string, any>): { inputs: Record<string, any>; failures: CheckFailure[] } {
  const c = new Checker(news);
  c.connection("speech");
  c.string("displayName", { maxLength: 256 });
  c.string("description", { maxLength: 1024 });
  c.customProperties();
  c.number("waitMinutes", 0, 7 * 24 * 60);
  spec.validate(c, news);
  const inputs: Record<string, any> = {};
  for (const k of [...COMMON_KEYS, ...spec.inputKeys]) {
    if (news[k] !== undefined && news[k] !== null) inputs[k] = news[k];
  }
  if (inputs.displayName === undefined && news.__identity?.name) inputs.displayName = news.__identity.name;
  if (inputs.__provider === undefined && news.__provider !== undefined) inputs.__provider = news.__provider;
  return { inputs: plain(inputs), failures: c.failures };
}

export function clientFor(inputs: { speech: SpeechConnectionArgs; tuning?: Tuning }): SpeechClient {
  const t = inputs.tuning ?? {};
  return new SpeechClient(
    { endpoint: inputs.speech.endpoint, key: inputs.speech.key || undefined },
    { maxRetries: t.maxRetries, retryDelayInMs: t.retryDelayMs, maxRetryDelayInMs: t.maxRetryDelayMs },
  );
}

function requestContext(client: SpeechClient): RequestContext {
  return {
    client,
    ref(value, collection) {
      const v = typeof value === "object" && value !== null ? (value as { self: string }).self : String(value);
      return { self: /^https?:\/\//.test(v) ? v : client.url(`/${collection}/${v}`) };
    },
  };
}

function sha256(text: string): string {
  return require("crypto").createHash("sha256").update(text).digest("hex");
}

/** The `pulumi-resource` tag value: which Pulumi resource of which stack manages the entity. */
export function resourceTag(kind: string, id: { project: string; stack: string; name: string }): string {
  const resource = `${id.project}/${id.stack}/${kind}/${id.name}`;
  return resource.length > 256 ? `sha256:${sha256(resource)}` : resource;
}

/** customProperties that name the Pulumi resource and the create-only inputs it was created from. */
export function identityTags(spec: ResourceSpec<any>, inputs: Inputs): Record<string, string> {
  const resource = resourceTag(spec.kind, inputs.__identity ?? { project: "", stack: "", name: inputs.displayName });
  // A replacement has other create-only inputs, so it never adopts the entity it replaces.
  const createOnly = Object.fromEntries(spec.replaceKeys.map((k) => [k, comparable(spec, k, inputs[k]) ?? null]));
  return { [IDENTITY_TAG_KEYS[0]]: resource, [IDENTITY_TAG_KEYS[1]]: sha256(JSON.stringify(canonical(createOnly))).slice(0, 32) };
}

function entityError(entity: Entity): { code: string | null; message: string | null } | null {
  const e = entity.properties?.error;
  return e ? { code: e.code ?? null, message: e.message ?? null } : null;
}

function userProperties(entity: Entity): Record<string, string> | undefined {
  const props = { ...(entity.customProperties ?? {}) };
  for (const k of IDENTITY_TAG_KEYS) delete props[k];
  return Object.keys(props).length ? props : undefined;
}

export function toOutputs<E extends Entity>(spec: ResourceSpec<E>, entity: E, inputs: Inputs): Outputs {
  return plain({
    ...inputs,
    self: entity.self ?? null,
    status: entity.status ?? null,
    createdDateTime: entity.createdDateTime ?? null,
    lastActionDateTime: entity.lastActionDateTime ?? null,
    error: entityError(entity),
    ...spec.outputs(entity, inputs),
  }) as Outputs;
}

async function findTagged<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, inputs: Inputs): Promise<E | undefined> {
  const tags = identityTags(spec, inputs);
  let candidates: E[];
  try {
    candidates = await spec.api.list(client, `displayName eq '${inputs.displayName.replace(/'/g, "''")}'`);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 400) throw e;
    candidates = await spec.api.list(client, undefined); // the filter is not supported here: scan
  }
  return candidates.find((e) => Object.entries(tags).every(([k, v]) => e.customProperties?.[k] === v));
}

/** Waits for a terminal status within the budget, then turns Failed, a failing verdict or a timeout into a partial failure. */
async function settle<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, id: string, entity: E, inputs: Inputs): Promise<Outputs> {
  if (spec.api.wait && entity.status !== "Succeeded" && entity.status !== "Failed") {
    const minutes = inputs.waitMinutes ?? spec.defaultWaitMinutes ?? 60;
    const firstDelay = Math.max(1, (inputs.tuning?.pollIntervalSeconds ?? 10) * 1000);
    try {
      entity = await spec.api.wait(client, id, {
        deadline: Date.now() + minutes * 60_000,
        initialDelayMs: firstDelay,
        maxDelayMs: Math.min(180_000, Math.max(firstDelay, firstDelay * 12)),
      });
    } catch (e) {
      const last = (e as { lastValue?: E }).lastValue;
      if (last === undefined && !/deadline/i.test(String((e as Error).name) + String((e as Error).message))) throw e;
      const outs = toOutputs(spec, last ?? entity, inputs);
      throw partialFailure(
        `${spec.kind} ${id} is still ${outs.status ?? "running"} after the ${minutes}-minute wait budget (waitMinutes); ` +
          `it was kept in the state: run \`pulumi up\` again to resume waiting without starting it again`,
        id,
        outs,
      );
    }
  }
  const outs = toOutputs(spec, entity, inputs);
  if (entity.status === "Failed") {
    const err = entityError(entity);
    throw partialFailure(
      `${spec.kind} ${id} failed: ${err?.code ?? "Failed"}: ${err?.message ?? "the service gave no reason"}. ` +
        `It stays failed until its create-only inputs (${spec.replaceKeys.join(", ")}) change.`,
      id,
      outs,
    );
  }
  const verdict = spec.verdict?.(outs, inputs);
  if (verdict) throw partialFailure(verdict, id, outs);
  return outs;
}

/**
 * POSTs the entity unless one with the same identity tags exists: a run that crashed after its POST, or a POST
 * whose response was lost (the client does not retry a POST), is adopted instead of training twice.
 */
async function createOrAdopt<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, rc: RequestContext, inputs: Inputs): Promise<E> {
  const body = await spec.createBody(inputs, rc);
  body.customProperties = { ...(inputs.customProperties ?? {}), ...identityTags(spec, inputs) };
  for (let attempt = 1; ; attempt++) {
    const existing = await findTagged(spec, client, inputs);
    if (existing) return existing;
    try {
      return await spec.api.create(client, body);
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      const unanswered = status === undefined || status >= 500;
      if (!unanswered || attempt >= 4) throw e;
    }
  }
}

/** Rethrows errors with a message (the gRPC server needs one) and their fields (id, statusCode, ...). */
function withMessage(e: unknown): Error {
  if (e instanceof Error && e.message) return e;
  return Object.assign(new Error(messageOf(e)), typeof e === "object" && e !== null ? { ...e } : {});
}

function guarded(p: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
  const out: Record<string, unknown> = {};
  for (const [k, fn] of Object.entries(p)) {
    out[k] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        throw withMessage(e);
      }
    };
  }
  return out as unknown as pulumi.dynamic.ResourceProvider;
}

export function defineSpeechResource<E extends Entity>(spec: ResourceSpec<E>): pulumi.dynamic.ResourceProvider {
  return guarded({
    async check(_olds: Record<string, any>, news: Record<string, any>) {
      return checkInputs(spec, news);
    },

    async diff(_id: string, olds: Record<string, any>, news: Record<string, any>) {
      return diffInputs(spec, olds, news);
    },

    async create(inputs: Inputs) {
      const client = clientFor(inputs);
      const rc = requestContext(client);
      let entity = await createOrAdopt(spec, client, rc, inputs);
      const id = idFromSelf(entity.self as string);
      entity = await completeEntity(spec, client, entity, id, inputs);
      const outs = await settle(spec, client, id, entity, inputs);
      return { id, outs };
    },

    async update(id: string, olds: Record<string, any>, news: Inputs) {
      const client = clientFor(news);
      const rc = requestContext(client);
      const changed = spec.patchKeys.filter((k) => !sameValue(comparable(spec, k, olds[k]), comparable(spec, k, news[k])));
      for (const k of ["displayName", "description", "customProperties"]) if (!sameValue(olds[k], news[k])) changed.push(k);
      let entity: E;
      try {
        entity = changed.length
          ? await spec.api.update(client, id, { ...spec.patchBody(news, changed, rc), ...patchCommon(spec, news, changed) })
          : await spec.api.get(client, id);
      } catch (e) {
        if (isNotFound(e)) throw new Error(`${spec.kind} ${id} no longer exists; run \`pulumi refresh\` so the next \`up\` creates it again`);
        throw e;
      }
      entity = await completeEntity(spec, client, entity, id, news);
      // Resumes a wait that ran out of budget, or reports a Failed entity again; never creates a second one.
      const outs = await settle(spec, client, id, entity, news);
      return { outs };
    },

    async read(id: string, props: Record<string, any>) {
      const client = clientFor(props as Inputs);
      let entity: E;
      try {
        entity = await spec.api.get(client, id);
      } catch (e) {
        if (isNotFound(e)) return {}; // gone: the engine drops it from the state
        throw e;
      }
      const oldInputs: Record<string, any> = {};
      for (const k of [...COMMON_KEYS, ...spec.inputKeys]) if (props[k] !== undefined) oldInputs[k] = props[k];
      const inputs = plain({ ...oldInputs, customProperties: userProperties(entity), ...spec.refreshedInputs(entity) }) as Inputs;
      return { id, props: toOutputs(spec, entity, inputs), inputs };
    },

    async delete(id: string, props: Record<string, any>) {
      const client = clientFor(props as Inputs);
      try {
        await spec.api.remove(client, id);
      } catch (e) {
        if (isNotFound(e)) return;
        if (isInUse(e)) {
          throw new Error(`${spec.kind} ${id} (${props.displayName}) cannot be deleted: ${spec.inUseHint}. Service said: ${messageOf(e)}`);
        }
        throw e;
      }
    },
  } as pulumi.dynamic.ResourceProvider);
}

async function completeEntity<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, entity: E, id: string, inputs: Inputs): Promise<E> {
  if (!spec.complete) return entity;
  try {
    return await spec.complete(client, entity, id, inputs);
  } catch (e) {
    throw partialFailure(`${spec.kind} ${id} exists but could not be completed: ${messageOf(e)}`, id, toOutputs(spec, entity, inputs));
  }
}

function patchCommon(spec: ResourceSpec<any>, news: Inputs, changed: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (changed.includes("displayName")) patch.displayName = news.displayName;
  if (changed.includes("description")) patch.description = news.description ?? "";
  // The whole map is sent so the identity tags survive the PATCH.
  if (changed.includes("customProperties")) patch.customProperties = { ...(news.customProperties ?? {}), ...identityTags(spec, news) };
  return patch;
}
