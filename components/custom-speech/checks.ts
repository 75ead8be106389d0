// Offline input validation shared by every Custom Speech resource, on the project's one set of validators.
// Nothing here calls the API, so it is safe in preview, and every helper lets the preview "unknown" sentinel through.
import { DATASET_KINDS, TUNING_BOUNDS, httpsOrLoopbackUrl, isUuid, locale, oneOf, problem, within, type Rule } from "../domain";

/** The value the engine sends for inputs that are not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** customProperties budget of the service, minus the keys the provider adds to tag an entity with its identity. */
export const MAX_CUSTOM_PROPERTIES = 10;
/**
 * The identity tags: which Pulumi resource manages the entity, a hash of the create-only inputs it was created
 * from, and, once the create has handed the entity to the engine, a random handover tag (see core.ts).
 */
export const IDENTITY_TAG_KEYS = ["pulumi-resource", "pulumi-inputs", "pulumi-managed"] as const;

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

export const isAbsent = (v: unknown): boolean => v === undefined || v === null;

/** Collects failures for one resource's inputs; each method is a no-op for absent (when optional) or unknown values. */
export class Checker {
  readonly failures: CheckFailure[] = [];
  constructor(readonly inputs: Record<string, unknown>) {}

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  /** True when the value should be validated further (present and known). */
  present(property: string, required: boolean): boolean {
    const v = this.inputs[property];
    if (isAbsent(v)) {
      if (required) this.fail(property, `${property} is required`);
      return false;
    }
    return !isUnknown(v);
  }

  rule(property: string, rule: Rule, required = false): void {
    if (!this.present(property, required)) return;
    const message = problem(property, this.inputs[property], rule);
    if (message) this.fail(property, message);
  }

  /** An entity reference: its self URI (any host) or its bare UUID. */
  reference(property: string, what: string, required = false): void {
    if (!this.present(property, required)) return;
    const message = problem(property, this.inputs[property], referenceRule(what));
    if (message) this.fail(property, message);
  }

  references(property: string, what: string, opts: { required?: boolean; min?: number } = {}): void {
    if (!this.present(property, !!opts.required)) return;
    const v = this.inputs[property];
    if (!Array.isArray(v)) return this.fail(property, `${property} must be a list of ${what} references (self URIs or ids); got ${JSON.stringify(v)}`);
    if (opts.min !== undefined && v.length < opts.min) this.fail(property, `${property} must list at least ${opts.min} ${what}${opts.min > 1 ? "s" : ""}`);
    v.forEach((item, i) => {
      const message = isUnknown(item) ? undefined : problem(`${property}[${i}]`, item, referenceRule(what));
      if (message) this.fail(`${property}[${i}]`, message);
    });
  }

  customProperties(property = "customProperties"): void {
    if (!this.present(property, false)) return;
    const v = this.inputs[property];
    if (typeof v !== "object" || Array.isArray(v) || v === null) return this.fail(property, `${property} must be a map of string to string`);
    const entries = Object.entries(v as Record<string, unknown>);
    const budget = MAX_CUSTOM_PROPERTIES - IDENTITY_TAG_KEYS.length;
    if (entries.length > budget) {
      this.fail(property, `${property} may hold at most ${budget} entries (the service allows ${MAX_CUSTOM_PROPERTIES}; ${IDENTITY_TAG_KEYS.length} are used for the Pulumi identity tags); got ${entries.length}`);
    }
    for (const [k, val] of entries) {
      if (k.length > 64) this.fail(`${property}.${k}`, `${property} keys must be at most 64 characters; "${k.slice(0, 20)}…" has ${k.length}`);
      if ((IDENTITY_TAG_KEYS as readonly string[]).includes(k)) this.fail(`${property}.${k}`, `${property} key "${k}" is reserved for the Pulumi identity tags`);
      if (isUnknown(val)) continue;
      if (typeof val !== "string") this.fail(`${property}.${k}`, `${property} values must be strings; "${k}" is ${typeof val}`);
      else if (val.length > 256) this.fail(`${property}.${k}`, `${property} values must be at most 256 characters; "${k}" has ${val.length}`);
    }
  }

  /** The `speech` connection: { endpoint, key? | keyConfig? }. */
  connection(property = "speech"): void {
    const v = this.inputs[property];
    if (v === UNKNOWN) return;
    if (v === undefined || v === null || typeof v !== "object" || Array.isArray(v)) {
      return this.fail(property, `${property} must be { endpoint, key? } (or { endpoint, keyConfig }): the Speech resource endpoint and, optionally, its key`);
    }
    const c = v as Record<string, unknown>;
    const at = (k: string) => `${property}.${k}`;
    if (isAbsent(c.endpoint)) this.fail(at("endpoint"), `${at("endpoint")} is required (e.g. https://<name>.cognitiveservices.azure.com)`);
    const rules: Record<string, Rule> = {
      endpoint: httpsOrLoopbackUrl(),
      key: (k) => (typeof k === "string" && k.length > 0 ? undefined : "the Speech resource key, or left out for Microsoft Entra ID"),
      keyConfig: (k) => (typeof k === "string" && /^[^:\s]+:[^:\s]+$/.test(k) ? undefined : 'a stack config key such as "custom-speech:existingSpeechKey"'),
    };
    for (const [k, rule] of Object.entries(rules)) {
      const message = isAbsent(c[k]) || isUnknown(c[k]) ? undefined : problem(at(k), c[k], rule);
      if (message) this.fail(at(k), message);
    }
    if (!isAbsent(c.key) && !isAbsent(c.keyConfig)) this.fail(at("keyConfig"), `${at("keyConfig")} must not be set together with ${at("key")}: give the key or the config key that holds it`);
  }

  locale(property = "locale"): void {
    this.rule(property, locale, true);
  }

  /** `{ adaptationKinds?, minAdaptationDaysLeft? }`: how a Model picks its base model. */
  baseModelPolicy(property = "baseModelPolicy"): void {
    if (!this.present(property, false)) return;
    const v = this.inputs[property];
    const keys = ["adaptationKinds", "minAdaptationDaysLeft"];
    if (typeof v !== "object" || v === null || Array.isArray(v)) return this.fail(property, `${property} must be { ${keys.join(", ")} }`);
    const p = v as Record<string, unknown>;
    for (const k of Object.keys(p)) if (!keys.includes(k)) this.fail(`${property}.${k}`, `${property} has an unknown key "${k}"; allowed keys: ${keys.join(", ")}`);
    if (!isAbsent(p.adaptationKinds) && !isUnknown(p.adaptationKinds)) {
      const kinds = p.adaptationKinds;
      if (!Array.isArray(kinds)) this.fail(`${property}.adaptationKinds`, `${property}.adaptationKinds must be a list of ${DATASET_KINDS.join(", ")}`);
      else kinds.forEach((k, i) => {
        const message = problem(`${property}.adaptationKinds[${i}]`, k, oneOf(DATASET_KINDS));
        if (message) this.fail(`${property}.adaptationKinds[${i}]`, message);
      });
    }
    const days = isAbsent(p.minAdaptationDaysLeft) || isUnknown(p.minAdaptationDaysLeft) ? undefined : problem(`${property}.minAdaptationDaysLeft`, p.minAdaptationDaysLeft, within({ min: 0, max: 36500, integer: true }));
    if (days) this.fail(`${property}.minAdaptationDaysLeft`, days);
  }

  /** Operational knobs: an object of known keys within their bounds. */
  tuning(property = "tuning"): void {
    if (!this.present(property, false)) return;
    const v = this.inputs[property];
    if (typeof v !== "object" || v === null || Array.isArray(v)) return this.fail(property, `${property} must be { ${Object.keys(TUNING_BOUNDS).join(", ")} }`);
    for (const [k, x] of Object.entries(v)) {
      const bounds = (TUNING_BOUNDS as Record<string, { min: number; max: number; integer?: boolean }>)[k];
      const message = bounds ? problem(`${property}.${k}`, x, within(bounds)) : `${property} has an unknown key "${k}"; allowed keys: ${Object.keys(TUNING_BOUNDS).join(", ")}`;
      if (message && !isUnknown(x)) this.fail(`${property}.${k}`, message);
    }
  }

  /** A URL that may carry a SAS token: checked and quoted without its query. */
  secretUrl(property: string, example: string): void {
    if (!this.present(property, false)) return;
    const v = this.inputs[property];
    const message = problem(property, typeof v === "string" ? v.split("?")[0] : v, httpsOrLoopbackUrl(example));
    if (message) this.fail(property, message);
  }
}

/** A self URI (…/speechtotext/…/<uuid>) or a bare UUID. */
export function referenceRule(what: string): Rule {
  return (v) => {
    if (typeof v === "object" && v !== null && typeof (v as { self?: unknown }).self === "string") v = (v as { self: string }).self;
    const allowed = `a ${what} self URI (…/speechtotext/…/<uuid>) or its UUID`;
    if (typeof v !== "string") return allowed;
    if (isUuid(v)) return undefined;
    try {
      return isUuid(new URL(v).pathname.split("/").pop()) ? undefined : allowed;
    } catch {
      return allowed;
    }
  };
}

/**
 * The comparable identity of a reference, offline: "models/base/<id>" for a self URI, "<collection>/<id>" for an id.
 * The host and api-version are left out so that the same entity written two ways is not a change.
 */
export function referenceKey(value: unknown, collection: string): unknown {
  if (typeof value === "object" && value !== null && typeof (value as { self?: unknown }).self === "string") {
    value = (value as { self: string }).self;
  }
  if (typeof value !== "string" || value === UNKNOWN) return value;
  if (isUuid(value)) return `${collection}/${value.toLowerCase()}`;
  try {
    return new URL(value).pathname.replace(/^.*\/speechtotext\//, "").toLowerCase();
  } catch {
    return value;
  }
}
