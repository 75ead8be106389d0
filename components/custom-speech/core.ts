// The one lifecycle shared by every Custom Speech dynamic resource: check, diff, create (adopt-if-exists or adopt
// by id), wait within a budget, read, update (PATCH or resume), delete. Each resource file only describes its
// entity (a ResourceSpec, spec.ts); `defineSpeechResource` turns that into a `pulumi.dynamic.ResourceProvider`.
//
// This module runs in the provider process, loaded by the thin provider (provider.ts) at run time: it is never
// closure-serialized into the state.
import { randomBytes, createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { SpeechClient, idFromSelf, isInUse, isNotFound, redact, type PollOptions } from "../speech-api";
import { Checker, IDENTITY_TAG_KEYS, isAbsent, isUnknown, type CheckFailure } from "./checks";
import { exitIfEngineGone, watchEngine } from "./engine-watch";
import { storedProviderIdentity } from "./provider";
import {
  type InputSpec,
  allInputs,
  canonicalJson,
  changedInputs,
  comparable,
  defaultBody,
  differs,
  mergeBodies,
  replaceKeys,
  userProperties,
  type Body,
  type Entity,
  type Inputs,
  type RequestContext,
  type ResourceSpec,
} from "./spec";

/** How the provider reaches the Speech resource. Neither key nor keyConfig ⇒ Microsoft Entra ID via DefaultAzureCredential. */
export interface SpeechConnectionArgs {
  endpoint: string;
  key?: string;
  /** A stack config key ("<project>:<key>") whose value is the key; read from the stack config on every call. */
  keyConfig?: string;
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

export type Outputs = Inputs & { self: string | null; status: string | null; error: { code: string | null; message: string | null } | null; managedTag: string | null };

/** What the engine gets for a partial failure (ErrorResourceInitFailed): the id and outputs stay in the state. */
export interface PartialFailureError extends Error {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
}

export function partialFailure(message: string, id: string, properties: Record<string, unknown>, reasons: string[] = [message]): PartialFailureError {
  return Object.assign(new Error(message), { name: "PartialFailureError", id, properties, reasons });
}

function isPartialFailure(e: unknown): e is PartialFailureError {
  return typeof e === "object" && e !== null && typeof (e as PartialFailureError).id === "string" && Array.isArray((e as PartialFailureError).reasons);
}

/** A readable message for any error. */
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

// ---- the stack config the engine hands the provider (Configure) ----

export interface ConfigSource {
  get(key: string): string | undefined;
}

const CONFIG = Symbol.for("pulumi-custom-speech/stack-config");
const store = globalThis as { [CONFIG]?: ConfigSource };

/** The engine configures dynamic providers with the whole stack config (secrets decrypted). */
export function configure(config: ConfigSource): void {
  store[CONFIG] = config;
  watchEngine();
}

/** The connection to use now: a key named by keyConfig is read from the current stack config, never from state. */
export function connectionOf(speech: SpeechConnectionArgs): { endpoint: string; key?: string } {
  if (!speech.keyConfig) return { endpoint: speech.endpoint, key: speech.key };
  const key = store[CONFIG]?.get(speech.keyConfig);
  if (!key) {
    const bare = speech.keyConfig.split(":").pop();
    throw new Error(
      `speech.keyConfig names the stack config key "${speech.keyConfig}", which is not set for this stack: ` +
        `run \`pulumi config set --secret ${bare} <key>\` (or remove keyConfig to use Microsoft Entra ID).`,
    );
  }
  return { endpoint: speech.endpoint, key };
}

/** A client for one connection input (default `speech`), with the resource's retry knobs. */
export function clientFor(inputs: Inputs, connection = "speech"): SpeechClient {
  const t = inputs.tuning ?? {};
  return new SpeechClient(connectionOf(inputs[connection]), { maxRetries: t.maxRetries, retryDelayInMs: t.retryDelayMs, maxRetryDelayInMs: t.maxRetryDelayMs });
}

/** Secrets that must never reach a message, an init error or a plaintext output: the key of every connection. */
export function secretsOf(inputs: Inputs | undefined): string[] {
  const out: (string | undefined)[] = [];
  for (const v of Object.values(inputs ?? {})) {
    const speech = v as SpeechConnectionArgs | undefined;
    if (!speech || typeof speech !== "object" || typeof speech.endpoint !== "string") continue;
    out.push(speech.key);
    try {
      out.push(connectionOf(speech).key);
    } catch {
      // not configured: nothing to hide
    }
  }
  return out.filter((s): s is string => !!s);
}

export function requestContext(client: SpeechClient): RequestContext {
  return {
    client,
    ref(value, collection) {
      const v = typeof value === "object" && value !== null ? (value as { self: string }).self : String(value);
      return { self: /^https?:\/\//.test(v) ? v : client.url(`/${collection}/${v}`) };
    },
  };
}

// ---- identity: which Pulumi resource an entity belongs to ----

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The `pulumi-resource` tag value: which Pulumi resource of which stack manages the entity. */
export function resourceTag(kind: string, id: { project: string; stack: string; name: string }): string {
  const resource = `${id.project}/${id.stack}/${kind}/${id.name}`;
  return resource.length > 256 ? `sha256:${sha256(resource)}` : resource;
}

/** The tags naming the Pulumi resource and the create-only inputs the entity was created from. */
export function identityTags(spec: ResourceSpec<any>, inputs: Inputs): Record<string, string> {
  const resource = resourceTag(spec.kind, inputs.__identity ?? { project: "", stack: "", name: inputs.displayName });
  const all = allInputs(spec);
  // A replacement has other create-only inputs, so it never adopts the entity it replaces.
  const createOnly = Object.fromEntries(replaceKeys(spec).map((k) => [k, comparable(all[k], inputs[k]) ?? null]));
  return { [IDENTITY_TAG_KEYS[0]]: resource, [IDENTITY_TAG_KEYS[1]]: sha256(canonicalJson(createOnly)).slice(0, 32) };
}

export const MANAGED = IDENTITY_TAG_KEYS[2];
/** The handover tag's value from the POST until the create has an answer for the engine. */
export const PENDING_HANDOVER = "pending";

/**
 * The handover tag. A create POSTs with `pulumi-managed: pending` and, once it has an answer for the engine (the id),
 * sets a random tag that the state records. Only a `pending` entity — the leftover of a create that never returned —
 * may be adopted by a rerun; an entity the engine holds (one being replaced by `up --replace` with the same inputs,
 * say), or one made before the tag existed, never is.
 */
export function newManagedTag(): string {
  // Never once the engine that would record the tag is gone (engine-watch.ts): the entity stays pending, to be adopted.
  exitIfEngineGone();
  return randomBytes(8).toString("hex");
}

export function customPropertiesBody(spec: ResourceSpec<any>, inputs: Inputs, managedTag: string | undefined, olds: Inputs = {}): Record<string, string | null> {
  // Merge-patch: keys the program dropped are removed with null; the identity tags are always sent.
  const removed = Object.keys(olds.customProperties ?? {}).filter((k) => !(k in (inputs.customProperties ?? {})));
  return {
    ...Object.fromEntries(removed.map((k) => [k, null])),
    ...(inputs.customProperties ?? {}),
    ...identityTags(spec, inputs),
    ...(managedTag ? { [MANAGED]: managedTag } : {}),
  };
}

// ---- outputs ----

function entityError(entity: Entity, secrets: string[]): { code: string | null; message: string | null } | null {
  const e = entity.properties?.error;
  return e ? { code: e.code ?? null, message: e.message ? redact(e.message, secrets) : null } : null;
}

export function toOutputs<E extends Entity>(spec: ResourceSpec<E>, entity: E, inputs: Inputs, managedTag: string | null): Outputs {
  return plain({
    ...inputs,
    self: entity.self ?? null,
    status: entity.status ?? null,
    createdDateTime: entity.createdDateTime ?? null,
    lastActionDateTime: entity.lastActionDateTime ?? null,
    error: entityError(entity, secretsOf(inputs)),
    managedTag,
    ...spec.outputs(entity, inputs),
  }) as Outputs;
}

// ---- check and diff: offline ----

/** Offline check: validates and normalizes (defaults, no `undefined`). `olds` are the stored inputs, or {}. */
export function checkInputs(spec: ResourceSpec<any>, news: Inputs, olds: Inputs = {}): { inputs: Inputs; failures: CheckFailure[] } {
  const c = new Checker(news);
  const all = allInputs(spec);
  for (const [key, input] of Object.entries(all)) {
    if (input.required && !c.present(key, true)) continue;
    if (input.rule) c.rule(key, input.rule);
    input.check?.(c, key);
  }
  spec.validate?.(c, news, olds);
  const inputs: Inputs = {};
  for (const [key, input] of Object.entries(all)) {
    const v = news[key];
    if (!isAbsent(v)) inputs[key] = v;
    else if (input.default !== undefined) inputs[key] = input.default;
  }
  if (inputs.displayName === undefined && news.__identity?.name) inputs.displayName = news.__identity.name;
  if (news.__provider !== undefined) inputs.__provider = news.__provider;
  // A failure quotes the value: never a key or a SAS token.
  const secrets = secretsOf(news);
  return { inputs: plain(inputs), failures: c.failures.map((f) => ({ ...f, reason: redact(f.reason, secrets) })) };
}


/**
 * Whether the stored outputs are of an entity that has not finished well: still running (a wait budget ran out),
 * Failed, or failing its verdict. Refresh clears the engine's init errors (pkg/resource/deploy/step.go RefreshStep:
 * Read cannot report a partial failure), so diff itself must make the next `up` resume or report it again.
 */
function unfinished(spec: ResourceSpec<any>, olds: Inputs): boolean {
  if (typeof olds.status === "string" && olds.status !== "Succeeded") return true;
  return olds.status === "Succeeded" && !!spec.verdict?.(olds, olds);
}

/** Offline diff of checked new inputs against the stored outputs. */
export function diffInputs(spec: ResourceSpec<any>, olds: Inputs, news: Inputs): pulumi.dynamic.DiffResult {
  const set = changedInputs(spec, olds, news);
  // A stored provider that does not load what the program's provider loads (a state from before the thin provider or
  // its identity stamp, a loader that moved or changed): one update, which writes nothing to the entity, stores the new
  // one in the outputs Delete and Read use. Providers that differ only in their compiled text are the same provider.
  const stored = storedProviderIdentity(olds.__provider);
  const current = typeof news.__provider === "string" && !isUnknown(news.__provider) ? storedProviderIdentity(news.__provider) : undefined;
  const provider = stored === undefined || (current !== undefined && current !== stored);
  const changed = provider || unfinished(spec, olds) || set.replace.length + set.patch.length + set.local.length > 0;
  return { changes: changed, replaces: set.replace, deleteBeforeReplace: false };
}

// ---- create, adopt, wait ----

async function findTagged<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, inputs: Inputs): Promise<E | undefined> {
  const tags = identityTags(spec, inputs);
  let candidates: E[];
  try {
    candidates = await spec.api.list(client, `displayName eq '${String(inputs.displayName).replace(/'/g, "''")}'`);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 400) throw e;
    candidates = await spec.api.list(client, undefined); // the filter is not supported here: scan
  }
  // Only the leftover of a create that never handed its entity over: never one the engine holds.
  return candidates.find((e) => Object.entries(tags).every(([k, v]) => e.customProperties?.[k] === v) && e.customProperties?.[MANAGED] === PENDING_HANDOVER);
}

/**
 * POSTs the entity unless an unclaimed one with the same identity tags exists: a run that crashed after its POST,
 * or a POST whose response was lost (the client does not retry a POST), is adopted instead of training twice.
 */
async function createOrAdopt<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, rc: RequestContext, inputs: Inputs): Promise<{ entity: E; leftover: boolean }> {
  const parts: Body[] = [];
  for (const [key, input] of Object.entries(allInputs(spec))) {
    if (input.change === "none" || input.change === "local") continue;
    parts.push(input.create ? await input.create(inputs[key], inputs, rc) : defaultBody(key, input, inputs[key], rc));
  }
  const body = mergeBodies([...parts, { customProperties: customPropertiesBody(spec, inputs, PENDING_HANDOVER) }]);
  for (let attempt = 1; ; attempt++) {
    const existing = await findTagged(spec, client, inputs);
    if (existing) return { entity: existing, leftover: true };
    try {
      return { entity: await spec.api.create(client, body), leftover: false };
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      const unanswered = status === undefined || status >= 500;
      if (!unanswered || attempt >= 4) throw e;
    }
  }
}

const show = (v: unknown) => (isAbsent(v) ? "nothing" : JSON.stringify(v));

/** The PATCH that gives an existing entity the program's in-place values, where the service reports them differently. */
export function reconcile(spec: ResourceSpec<any>, entity: Entity, inputs: Inputs, rc: RequestContext): Body {
  return mergeBodies(
    Object.entries(allInputs(spec))
      .filter(([k, i]) => i.change === "patch" && k !== "customProperties" && i.read && differs(i, i.read(entity), inputs[k]))
      .map(([k, i]) => patchPart(k, i, inputs, rc, {})),
  );
}

/** One input's part of a PATCH; a value the program dropped is removed (merge-patch null). */
function patchPart(key: string, input: InputSpec, news: Inputs, rc: RequestContext, olds: Inputs): Body {
  if (input.patch) return input.patch(news[key], news, rc, olds);
  return isAbsent(news[key]) ? { [key]: null } : defaultBody(key, input, news[key], rc);
}

/** The values a create decided (spec.decide), from stored outputs. */
export function decided(spec: ResourceSpec<any>, stored: Inputs): Inputs {
  return Object.fromEntries((spec.decide?.outputs ?? []).filter((k) => stored[k] !== undefined).map((k) => [k, stored[k]]));
}

/** The PATCH body that applies the changed in-place inputs (update's change set). */
export function patchFor(spec: ResourceSpec<any>, olds: Inputs, news: Inputs, rc: RequestContext): Body {
  const all = allInputs(spec);
  const patchKeys = changedInputs(spec, olds, news).patch;
  const parts = patchKeys.filter((k) => k !== "customProperties").map((k) => patchPart(k, all[k], news, rc, olds));
  if (patchKeys.includes("customProperties")) parts.push({ customProperties: customPropertiesBody(spec, news, olds.managedTag ?? undefined, olds) });
  return mergeBodies(parts);
}

/**
 * The inputs as refresh reports them. What can drift is what can be patched: create-only inputs cannot change on
 * the service, so they keep their stored values (a default the service chose is not the program's input).
 */
export function refreshedInputs(spec: ResourceSpec<any>, entity: Entity, props: Inputs): Inputs {
  const inputs: Inputs = {};
  for (const [key, input] of Object.entries(allInputs(spec))) {
    const current = input.read && input.change === "patch" ? input.read(entity) : props[key];
    const value = isAbsent(current) && input.default !== undefined ? input.default : current;
    if (!isAbsent(value)) inputs[key] = value;
  }
  return plain(inputs);
}

/** `adoptId`: GET the entity, check it is what the inputs describe, bring the patchable inputs over and tag it. */
async function adoptById<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, rc: RequestContext, inputs: Inputs): Promise<{ entity: E; managedTag: string }> {
  const id = String(inputs.adoptId);
  let entity: E;
  try {
    entity = await spec.api.get(client, id);
  } catch (e) {
    if (isNotFound(e)) throw new Error(`adoptId: ${spec.kind} ${id} does not exist on ${inputs.speech.endpoint}`);
    throw e;
  }
  const owner = entity.customProperties?.[IDENTITY_TAG_KEYS[0]];
  const ours = identityTags(spec, inputs)[IDENTITY_TAG_KEYS[0]];
  if (owner && owner !== ours) {
    throw new Error(`adoptId: ${spec.kind} ${id} is managed by another Pulumi resource (${owner}); adopt it there, or remove its pulumi-* custom properties first`);
  }
  const all = allInputs(spec);
  // A create-only input the program leaves out (a Model's base model chosen by policy) does not constrain it.
  const mismatches = replaceKeys(spec)
    .filter((k) => all[k].read && !isAbsent(all[k].read!(entity)) && !(all[k].createOnly && isAbsent(inputs[k])) && differs(all[k], all[k].read!(entity), inputs[k]))
    .map((k) => `${k}: the entity has ${show(all[k].read!(entity))}, the program says ${show(inputs[k])}`);
  if (mismatches.length) {
    throw new Error(`adoptId: ${spec.kind} ${id} is not what the inputs describe (${mismatches.join("; ")}); change the inputs to match or adopt another entity`);
  }
  const managedTag = newManagedTag();
  const patch = mergeBodies([reconcile(spec, entity, inputs, rc), { customProperties: customPropertiesBody(spec, inputs, managedTag, { customProperties: userProperties(entity) }) }]);
  return { entity: await spec.api.update(client, id, patch), managedTag };
}

/** Waits for a terminal status within the budget, then turns Failed, a failing verdict or a timeout into a partial failure. */
/** The wait budget (waitMinutes) and poll cadence (tuning) of one long wait. */
export function waitOptions(spec: ResourceSpec<any>, inputs: Inputs): { minutes: number; poll: PollOptions } {
  const minutes = inputs.waitMinutes ?? spec.defaultWaitMinutes ?? 60;
  const firstDelay = Math.max(1, (inputs.tuning?.pollIntervalSeconds ?? 10) * 1000);
  return { minutes, poll: { deadline: Date.now() + minutes * 60_000, initialDelayMs: firstDelay, maxDelayMs: Math.min(180_000, Math.max(firstDelay, firstDelay * 12)) } };
}

/** Whether a wait ended on its deadline (the budget ran out) rather than on an error. */
export function isDeadline(e: unknown): boolean {
  return /deadline/i.test(String((e as Error)?.name) + String((e as Error)?.message));
}

async function settle<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, id: string, entity: E, inputs: Inputs, managedTag: string | null): Promise<Outputs> {
  if (spec.api.wait && entity.status !== "Succeeded" && entity.status !== "Failed") {
    const { minutes, poll } = waitOptions(spec, inputs);
    try {
      entity = await spec.api.wait(client, id, poll);
    } catch (e) {
      const last = (e as { lastValue?: E }).lastValue;
      if (last === undefined && !isDeadline(e)) throw e;
      const outs = toOutputs(spec, last ?? entity, inputs, managedTag);
      throw partialFailure(
        `${spec.kind} ${id} is still ${outs.status ?? "running"} after the ${minutes}-minute wait budget (waitMinutes); ` +
          `it was kept in the state: run \`pulumi up\` again to resume waiting without starting it again`,
        id,
        outs,
      );
    }
  }
  const outs = toOutputs(spec, entity, inputs, managedTag);
  if (entity.status === "Failed") {
    const err = outs.error;
    throw partialFailure(
      `${spec.kind} ${id} failed: ${err?.code ?? "Failed"}: ${err?.message ?? "the service gave no reason"}. ` +
        `It stays failed until its create-only inputs (${replaceKeys(spec).join(", ")}) change.`,
      id,
      outs,
    );
  }
  const verdict = spec.verdict?.(outs, inputs);
  if (verdict) throw partialFailure(verdict, id, outs);
  return outs;
}

/**
 * From an entity that exists to the engine's answer: complete it, wait for it, hand it over. Every failure from
 * here on is a partial failure carrying the id, so the engine keeps the entity and the next `up` resumes it; its
 * properties carry `__provider`, because Delete and Read load the provider from the stored outputs only.
 */
async function finish<E extends Entity>(spec: ResourceSpec<E>, client: SpeechClient, id: string, entity: E, inputs: Inputs, managedTag: string | null, olds: Inputs = {}) {
  let outs: Outputs | undefined;
  let failure: PartialFailureError | undefined;
  try {
    if (spec.complete) {
      try {
        entity = await spec.complete(client, entity, id, inputs);
      } catch (e) {
        throw partialFailure(`${spec.kind} ${id} exists but could not be completed: ${messageOf(e)}`, id, toOutputs(spec, entity, inputs, managedTag));
      }
    }
    outs = await settle(spec, client, id, entity, inputs, managedTag);
  } catch (e) {
    failure = isPartialFailure(e)
      ? e
      : partialFailure(`${spec.kind} ${id} exists, but waiting for it failed: ${messageOf(e)}. Run \`pulumi up\` again to resume.`, id, toOutputs(spec, entity, inputs, managedTag));
  }
  if (!managedTag) {
    try {
      managedTag = newManagedTag();
      await spec.api.update(client, id, { customProperties: customPropertiesBody(spec, inputs, managedTag, olds) });
    } catch (e) {
      // The next update tags it; until then a rerun could still mistake it for a crashed create's leftover.
      managedTag = null;
      failure ??= partialFailure(`${spec.kind} ${id} was created but could not be tagged as managed: ${messageOf(e)}. Run \`pulumi up\` again to finish.`, id, outs ?? {});
    }
  }
  if (failure) {
    failure.properties = { ...failure.properties, managedTag, __provider: inputs.__provider };
    throw failure;
  }
  return { ...(outs as Outputs), managedTag };
}

// ---- the provider ----

/**
 * What a 401 means when the key comes from the stack config: the engine hands dynamic providers the config stored at
 * the last `up` for `refresh` and `destroy` (a plain one runs no program), so after a key rotation those still send
 * the old key until an `up` stores the new config.
 */
function keyRotationHint(e: unknown, inputs: Inputs | undefined): string {
  if ((e as { statusCode?: number } | undefined)?.statusCode !== 401) return "";
  const keys = Object.values(inputs ?? {})
    .map((v) => (v as SpeechConnectionArgs | undefined)?.keyConfig)
    .filter((k): k is string => typeof k === "string");
  if (!keys.length) return "";
  const bare = keys[0].split(":").pop();
  return (
    ` The key came from the stack config "${bare}" as the engine handed it to the provider: \`pulumi refresh\` and ` +
    "`pulumi destroy` use the config stored by the last `pulumi up`. After a key rotation, run `pulumi up` once (it " +
    "writes nothing), or add --run-program to `pulumi refresh` / `pulumi destroy`."
  );
}

/** Rethrows any error with a message the gRPC server can send, and no secret in it or in what goes into state. */
function sanitized(e: unknown, inputs: Inputs | undefined): Error {
  const secrets = secretsOf(inputs);
  const message = redact(messageOf(e) + (isPartialFailure(e) ? "" : keyRotationHint(e, inputs)), secrets);
  if (isPartialFailure(e)) return partialFailure(message, e.id, e.properties, e.reasons.map((r) => redact(r, secrets)));
  return Object.assign(new Error(message), typeof e === "object" && e !== null ? { statusCode: (e as { statusCode?: number }).statusCode } : {});
}

/** Wraps a provider method so that whatever it throws is sanitized (see `sanitized`) for the inputs it was called with. */
export const guard =
  <A extends unknown[], R>(inputsOf: (...a: A) => Inputs | undefined, f: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await f(...a);
    } catch (e) {
      throw sanitized(e, inputsOf(...a));
    }
  };

/** The offline half of a provider, the same for every resource: Check and Diff derived from the spec. */
export function offlineMethods(spec: ResourceSpec<any>): Pick<Required<pulumi.dynamic.ResourceProvider>, "check" | "diff"> {
  return {
    check: guard(
      (_olds, news) => news,
      async (olds: Inputs, news: Inputs) => checkInputs(spec, news, olds),
    ),
    diff: guard(
      (_id, _olds, news) => news,
      async (_id: string, olds: Inputs, news: Inputs) => diffInputs(spec, olds, news),
    ),
  };
}

export function defineSpeechResource<E extends Entity>(spec: ResourceSpec<E>): Required<Omit<pulumi.dynamic.ResourceProvider, "configure">> {
  return {
    ...offlineMethods(spec),

    create: guard(
      (inputs) => inputs,
      async (inputs: Inputs) => {
        const client = clientFor(inputs);
        const rc = requestContext(client);
        // Decided once, here (a create never runs in a preview), then kept in the outputs.
        if (spec.decide && !inputs.adoptId) inputs = { ...inputs, ...plain(await spec.decide.atCreate(client, inputs)) };
        const adopted = inputs.adoptId ? await adoptById(spec, client, rc, inputs) : undefined;
        const made = adopted ? undefined : await createOrAdopt(spec, client, rc, inputs);
        let entity = adopted?.entity ?? made!.entity;
        const id = idFromSelf(entity.self as string);
        // An entity that was not made from this run's decision says itself what it was made from.
        if (spec.decide && (adopted || made?.leftover)) inputs = { ...inputs, ...plain(await spec.decide.fromEntity(client, entity)) };
        // A crashed create's leftover gets the program's current in-place values (it may have changed since).
        const drifted = made?.leftover ? reconcile(spec, entity, inputs, rc) : {};
        if (Object.keys(drifted).length) entity = await spec.api.update(client, id, drifted);
        const leftoverProps = made?.leftover ? { customProperties: userProperties(entity) } : {};
        return { id, outs: await finish(spec, client, id, entity, inputs, adopted?.managedTag ?? null, leftoverProps) };
      },
    ),

    update: guard(
      (_id, _olds, news) => news,
      async (id: string, olds: Inputs, news: Inputs) => {
        news = { ...news, ...decided(spec, olds) };
        const client = clientFor(news);
        const patch = patchFor(spec, olds, news, requestContext(client));
        let entity: E;
        try {
          entity = Object.keys(patch).length ? await spec.api.update(client, id, patch) : await spec.api.get(client, id);
        } catch (e) {
          if (isNotFound(e)) throw new Error(`${spec.kind} ${id} no longer exists; run \`pulumi refresh\` so the next \`up\` creates it again`);
          throw e;
        }
        // Resumes a wait that ran out of budget, or reports a Failed entity again; never creates a second one.
        return { outs: await finish(spec, client, id, entity, news, olds.managedTag ?? null, olds) };
      },
    ),

    read: guard(
      (_id, props) => props,
      async (id: string, props: Inputs) => {
        const client = clientFor(props);
        let entity: E;
        try {
          entity = await spec.api.get(client, id);
        } catch (e) {
          if (isNotFound(e)) return {}; // gone: the engine drops it from the state
          throw e;
        }
        const inputs = refreshedInputs(spec, entity, props);
        // A state from before a value was decided (an earlier version) gets it from the entity.
        const kept = decided(spec, props);
        const missing = spec.decide && spec.decide.outputs.some((k) => !(k in kept)) ? plain(await spec.decide.fromEntity(client, entity)) : {};
        // The stored handover tag, not the entity's: a pending-delete resource must not take over a re-adoption's tag.
        return { id, props: toOutputs(spec, entity, { ...inputs, ...missing, ...kept }, props.managedTag ?? null), inputs };
      },
    ),

    delete: guard(
      (_id, props) => props,
      async (id: string, props: Inputs) => {
        const client = clientFor(props);
        try {
          if (props.adoptId && props.managedTag) {
            // An adopted entity is adopted again by a replacement (same adoptId, new handover tag): that one lives on.
            const current = await spec.api.get(client, id);
            if (current.customProperties?.[MANAGED] !== props.managedTag) return;
          }
          await spec.api.remove(client, id);
        } catch (e) {
          if (isNotFound(e)) return;
          if (isInUse(e)) throw new Error(`${spec.kind} ${id} (${props.displayName}) cannot be deleted: ${spec.inUseHint}. Service said: ${messageOf(e)}`);
          throw e;
        }
      },
    ),
  };
}

