// Offline input validation shared by every Custom Speech resource. Nothing here calls the API, so it is safe in
// preview, and every helper lets the preview "unknown" sentinel through untouched.

import { isLocale } from "../training-data/kinds";

/** The value the engine sends for inputs that are not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** customProperties budget of the service, minus the keys the provider adds to tag an entity with its identity. */
export const MAX_CUSTOM_PROPERTIES = 10;
export const IDENTITY_TAG_KEYS = ["pulumi-resource", "pulumi-inputs"] as const;

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Collects failures for one resource's inputs; each method is a no-op for absent (when optional) or unknown values. */
export class Checker {
  // Assigned in the constructor, not as class fields: the closure serializer drops field initializers.
  declare readonly failures: CheckFailure[];
  declare private readonly inputs: Record<string, unknown>;
  constructor(inputs: Record<string, unknown>) {
    Object.assign(this, { inputs, failures: [] });
  }

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  /** Returns true when the value should be validated further (present and known). */
  private present(property: string, required: boolean): boolean {
    const v = this.inputs[property];
    if (v === undefined || v === null || v === "") {
      if (required) this.fail(property, `${property} is required`);
      return false;
    }
    return !isUnknown(v);
  }

  string(property: string, opts: { required?: boolean; maxLength?: number } = {}): void {
    if (!this.present(property, !!opts.required)) return;
    const v = this.inputs[property];
    if (typeof v !== "string") return this.fail(property, `${property} must be a string, got ${typeof v}`);
    if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      this.fail(property, `${property} must be at most ${opts.maxLength} characters, got ${v.length}`);
    }
  }

  locale(property = "locale"): void {
    if (!this.present(property, true)) return;
    const v = this.inputs[property];
    if (!isLocale(v)) {
      this.fail(property, `${property} must be a BCP-47 locale such as "en-US" or "de-DE" (language-REGION), got ${JSON.stringify(v)}`);
    }
  }

  oneOf(property: string, allowed: readonly string[], required = true): void {
    if (!this.present(property, required)) return;
    const v = this.inputs[property];
    if (typeof v !== "string" || !allowed.includes(v)) {
      this.fail(property, `${property} must be one of ${allowed.join(", ")}; got ${JSON.stringify(v)}`);
    }
  }

  number(property: string, min: number, max: number, opts: { required?: boolean; integer?: boolean } = {}): void {
    if (!this.present(property, !!opts.required)) return;
    const v = this.inputs[property];
    const kind = opts.integer ? "an integer" : "a number";
    if (typeof v !== "number" || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || v < min || v > max) {
      this.fail(property, `${property} must be ${kind} from ${min} to ${max}; got ${JSON.stringify(v)}`);
    }
  }

  boolean(property: string): void {
    if (!this.present(property, false)) return;
    if (typeof this.inputs[property] !== "boolean") {
      this.fail(property, `${property} must be true or false; got ${JSON.stringify(this.inputs[property])}`);
    }
  }

  /** https only, except http to a loopback host (local emulator, Azurite). */
  url(property: string, required = false): void {
    if (!this.present(property, required)) return;
    checkUrl(this, property, this.inputs[property]);
  }

  /** An entity reference: its self URI (any host) or its bare UUID. */
  reference(property: string, what: string, required = false): void {
    if (!this.present(property, required)) return;
    checkReference(this, property, what, this.inputs[property]);
  }

  references(property: string, what: string, opts: { required?: boolean; min?: number } = {}): void {
    if (!this.present(property, !!opts.required)) return;
    const v = this.inputs[property];
    if (!Array.isArray(v)) return this.fail(property, `${property} must be a list of ${what} references (self URIs or ids)`);
    if (opts.min !== undefined && v.length < opts.min) {
      this.fail(property, `${property} must list at least ${opts.min} ${what}${opts.min > 1 ? "s" : ""}`);
    }
    v.forEach((item, i) => {
      if (!isUnknown(item)) checkReference(this, `${property}[${i}]`, what, item);
    });
  }

  customProperties(property = "customProperties"): void {
    if (!this.present(property, false)) return;
    const v = this.inputs[property];
    if (typeof v !== "object" || Array.isArray(v) || v === null) {
      return this.fail(property, `${property} must be a map of string to string`);
    }
    const entries = Object.entries(v as Record<string, unknown>);
    const budget = MAX_CUSTOM_PROPERTIES - IDENTITY_TAG_KEYS.length;
    if (entries.length > budget) {
      this.fail(property, `${property} may hold at most ${budget} entries (the service allows ${MAX_CUSTOM_PROPERTIES}; ${IDENTITY_TAG_KEYS.length} are used for the Pulumi identity tags); got ${entries.length}`);
    }
    for (const [k, val] of entries) {
      if (k.length > 64) this.fail(`${property}.${k}`, `${property} keys must be at most 64 characters; "${k.slice(0, 20)}…" has ${k.length}`);
      if ((IDENTITY_TAG_KEYS as readonly string[]).includes(k)) this.fail(`${property}.${k}`, `${property} key "${k}" is reserved for the Pulumi identity tag`);
      if (isUnknown(val)) continue;
      if (typeof val !== "string") this.fail(`${property}.${k}`, `${property} values must be strings; "${k}" is ${typeof val}`);
      else if (val.length > 256) this.fail(`${property}.${k}`, `${property} values must be at most 256 characters; "${k}" has ${val.length}`);
    }
  }

  /** The `speech` connection: { endpoint, key? }. */
  connection(property = "speech"): void {
    const v = this.inputs[property];
    if (v === undefined || v === null || typeof v !== "object" || Array.isArray(v)) {
      if (v === UNKNOWN) return;
      return this.fail(property, `${property} must be { endpoint, key? }: the Speech resource endpoint and, optionally, its key`);
    }
    const c = v as Record<string, unknown>;
    if (c.endpoint === undefined || c.endpoint === null || c.endpoint === "") {
      this.fail(`${property}.endpoint`, `${property}.endpoint is required (e.g. https://<name>.cognitiveservices.azure.com)`);
    } else if (!isUnknown(c.endpoint)) {
      checkUrl(this, `${property}.endpoint`, c.endpoint);
    }
    if (c.key !== undefined && c.key !== null && !isUnknown(c.key) && typeof c.key !== "string") {
      this.fail(`${property}.key`, `${property}.key must be a string (the Speech resource key) or omitted for Microsoft Entra ID`);
    }
  }
}

function checkUrl(c: Checker, property: string, v: unknown): void {
  let u: URL;
  try {
    u = new URL(String(v));
  } catch {
    return c.fail(property, `${property} must be an absolute URL; got ${JSON.stringify(v)}`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) {
    c.fail(property, `${property} must use https (http is allowed only for localhost/127.0.0.1); got ${u.protocol.replace(":", "")}`);
  }
}

function checkReference(c: Checker, property: string, what: string, v: unknown): void {
  if (typeof v === "object" && v !== null && typeof (v as { self?: unknown }).self === "string") v = (v as { self: string }).self;
  if (typeof v !== "string") return c.fail(property, `${property} must be a ${what} self URI or id`);
  if (UUID.test(v)) return;
  try {
    const u = new URL(v);
    if (!UUID.test(u.pathname.split("/").pop() ?? "")) throw new Error("no id");
  } catch {
    c.fail(property, `${property} must be a ${what} self URI (…/speechtotext/…/<uuid>) or its UUID; got ${JSON.stringify(v)}`);
  }
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
  if (UUID.test(value)) return `${collection}/${value.toLowerCase()}`;
  try {
    const path = new URL(value).pathname.replace(/^.*\/speechtotext\//, "");
    return path.toLowerCase();
  } catch {
    return value;
  }
}
