import { isLocale } from "./vocabulary";

// One set of validation rules with one message format, used by stack config, resources and tools alike:
//   <property> must be <what is allowed>; got <the value>.
// A rule answers what is allowed when a value breaks it, and undefined when the value is fine.

export type Rule = (value: unknown) => string | undefined;

/** An error that names the property it is about. */
export class ValidationError extends Error {
  constructor(
    readonly property: string,
    message: string,
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The message for `value` breaking `rule`, or undefined. */
export function problem(property: string, value: unknown, rule: Rule): string | undefined {
  const allowed = rule(value);
  return allowed === undefined ? undefined : `${property} must be ${allowed}; got ${shown(value)}`;
}

/** Returns the value when it keeps the rule; throws a ValidationError naming the property otherwise. */
export function ensure<T>(property: string, value: unknown, rule: Rule): T {
  const message = problem(property, value, rule);
  if (message) throw new ValidationError(property, `${message}.`);
  return value as T;
}

/**
 * One of a fixed vocabulary, spelt exactly as the Speech API spells it — in a stack file, a resource's arguments and
 * on a command line alike (a value accepted in one place and refused in another is one rule too many). A value that
 * differs only in case gets the right spelling in the message.
 */
export const oneOf =
  (allowed: readonly string[]): Rule =>
  (v) => {
    if (typeof v === "string" && allowed.includes(v)) return undefined;
    const near = typeof v === "string" ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
    return `one of ${allowed.join(", ")}${near ? ` (spelt exactly: did you mean "${near}"?)` : ""}`;
  };

/** `value`, or `fallback` when absent. */
export function ensureOneOf<T extends string>(property: string, value: unknown, allowed: readonly T[], o: { fallback?: NoInfer<T> } = {}): T {
  if ((value === undefined || value === null) && o.fallback !== undefined) return o.fallback;
  return ensure<T>(property, value, oneOf(allowed));
}

/** Rejects keys outside `allowed`, naming the key and the allowed ones (a typo must not be silently ignored). */
export function knownKeys(property: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    const where = property ? `${property} has` : "has";
    throw new ValidationError(property, `${where} an unknown key ${shown(unknown[0])}; allowed keys: ${allowed.join(", ")}.`);
  }
}

export const string =
  (o: { maxLength?: number; minLength?: number } = {}): Rule =>
  (v) => {
    if (typeof v !== "string") return "a string";
    if (o.minLength !== undefined && v.length < o.minLength) return `at least ${o.minLength} character${o.minLength > 1 ? "s" : ""}`;
    if (o.maxLength !== undefined && v.length > o.maxLength) return `at most ${o.maxLength} characters`;
    return undefined;
  };

export const boolean: Rule = (v) => (typeof v === "boolean" ? undefined : "true or false");

export const number =
  (min: number, max: number, o: { integer?: boolean } = {}): Rule =>
  (v) =>
    typeof v === "number" && Number.isFinite(v) && (!o.integer || Number.isInteger(v)) && v >= min && v <= max
      ? undefined
      : `${o.integer ? "a whole number" : "a number"} from ${min} to ${max}`;

/** The rule for a number within one of the vocabulary's bounds ({ min, max, integer? }). */
export const within = (b: { min: number; max: number; integer?: boolean }): Rule => number(b.min, b.max, { integer: b.integer });

/** A percentage written with its sign, e.g. "0.3%": how a value between -1 and 1 is given on purpose. */
export type PercentText = `${number}%`;
const PERCENT_TEXT = /^(-?\d+(?:\.\d+)?)\s*%$/;

/** The number a percent rule accepted: 12 → 12, "0.3%" → 0.3. */
export function percentValue(v: number | string): number;
export function percentValue(v: number | string | undefined): number | undefined;
export function percentValue(v: number | string | undefined): number | undefined {
  if (typeof v !== "string") return v;
  const m = PERCENT_TEXT.exec(v.trim());
  return m ? Number(m[1]) : NaN;
}

/**
 * A WER (or a difference of WERs) in percent, as Speech Studio shows it: 8 means 8 %. The Speech API reports WER as a
 * fraction (0.08), so a number strictly between -1 and 1 is most likely a fraction that means 100 times more: it is
 * refused unless written with its % sign ("0.3%"), which says a value below 1 % is meant.
 */
export const percentRule =
  (b: { min: number; max: number }): Rule =>
  (v) => {
    const allowed = `a number in percent from ${b.min} to ${b.max} (8 means 8 %)`;
    if (typeof v === "string") {
      const n = percentValue(v);
      return PERCENT_TEXT.test(v.trim()) && n >= b.min && n <= b.max ? undefined : `${allowed}, or a percentage with its sign such as "0.5%"`;
    }
    if (number(b.min, b.max)(v) !== undefined) return allowed;
    const n = v as number;
    if (n !== 0 && Math.abs(n) < 1) {
      const whole = Number((n * 100).toFixed(6));
      return `${allowed}: the Speech API reports WER as a fraction, so ${n} may mean ${whole} %; write ${whole} for ${whole} %, or "${n}%" for ${n} %`;
    }
    return undefined;
  };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);
export const uuid: Rule = (v) => (isUuid(v) ? undefined : "a GUID such as 00000000-0000-0000-0000-000000000000");

export function isLoopbackHost(hostname: string): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
}

/** https, or plain http to this machine only (the local emulator, Azurite). */
export const httpsOrLoopbackUrl =
  (example = "https://<name>.cognitiveservices.azure.com"): Rule =>
  (v) => {
    let u: URL;
    try {
      u = new URL(String(v));
    } catch {
      return `an absolute URL such as ${example}`;
    }
    if (typeof v !== "string") return `an absolute URL such as ${example}`;
    return u.protocol === "https:" || (u.protocol === "http:" && isLoopbackHost(u.hostname)) ? undefined : "an https URL (http only for localhost or 127.0.0.1)";
  };

const IPV4_OR_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/([0-9]|[12]\d|3[0-2]))?$/;
export const ipv4OrCidr: Rule = (v) => (typeof v === "string" && IPV4_OR_CIDR.test(v) ? undefined : "an IPv4 address or CIDR range such as 203.0.113.0/24");

/** A list whose every item keeps `rule`; the message names the first bad item. */
export function ensureEach<T>(property: string, values: unknown, rule: Rule): T[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw new ValidationError(property, `${property} must be a list; got ${shown(values)}.`);
  values.forEach((v, i) => ensure(`${property}[${i}]`, v, rule));
  return values as T[];
}

// Names of Azure and Custom Speech things.
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$/;
export const subdomain: Rule = (v) =>
  typeof v === "string" && SUBDOMAIN.test(v) ? undefined : "a custom subdomain of 2-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit";

const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
export const storageAccountName: Rule = (v) => (typeof v === "string" && STORAGE_ACCOUNT.test(v) ? undefined : "a storage account name of 3-24 lowercase letters and digits");

const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
export const containerName =
  (reserved: readonly string[] = []): Rule =>
  (v) => {
    if (typeof v !== "string" || !CONTAINER.test(v)) return "a blob container name of 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit";
    return reserved.includes(v) ? `a container name other than ${reserved.join(", ")} (reserved by the Speech service)` : undefined;
  };

// Dataset names become one blob path segment, a manifest key and part of a Pulumi resource name.
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const datasetName: Rule = (v) =>
  typeof v === "string" && DATASET_NAME.test(v) ? undefined : "a dataset name of 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

export const locale: Rule = (v) => (isLocale(v) ? undefined : 'a locale such as "en-US" or "de-DE" (language-REGION)');

const SPEECH_RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+$/i;
export const speechResourceId: Rule = (v) =>
  typeof v === "string" && SPEECH_RESOURCE_ID.test(v) ? undefined : "an ARM id /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<name>";
