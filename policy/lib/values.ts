// Reading resource properties as the analyzer hands them over. @pulumi/policy wraps `props` in a proxy that throws
// on any unknown value (a value known only after the deployment, e.g. the id of a model not trained yet); the policy
// would then be reported as "can't run during preview" as a whole. Each policy here judges what is known and lets
// what is unknown pass: `pulumi up` analyzes every resource again with its inputs known before it creates or updates
// it, and runs the stack policies again on the outputs after the update.

/**
 * The engine's placeholders for unknown values (the string one is what the Pulumi engine sends; the others are the
 * typed ones of the Node.js SDK, recognised by the same proxy).
 */
export const UNKNOWN_VALUES: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The proxy's own escape hatch (@pulumi/policy proxy.ts `getSpecialProxyTarget`): the plain object beneath it. */
const PROXY_TARGET = "__getSpecialProxyTarget";

export type Props = Record<string, unknown>;

/**
 * The plain properties under the analyzer's unknown-checking proxy, unknowns left as their placeholders. A value
 * without the proxy (tests, or a future @pulumi/policy without it) is returned as it is.
 */
export function plain(props: unknown): Props {
  if (props === null || typeof props !== "object") return {};
  const target = (props as Record<string, unknown>)[PROXY_TARGET];
  return (target !== null && typeof target === "object" ? target : props) as Props;
}

/** True for a placeholder, or a list or object holding one. */
export function isUnknown(v: unknown): boolean {
  if (typeof v === "string") return UNKNOWN_VALUES.has(v);
  if (Array.isArray(v)) return v.some(isUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(isUnknown);
  return false;
}

/** Known and present (not undefined, null or a placeholder). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null && !isUnknown(v);

/** `obj.a.b…`, or undefined when a step is absent; a placeholder on the way is returned as it is. */
export function at(obj: unknown, ...path: string[]): unknown {
  let v = obj;
  for (const k of path) {
    if (typeof v === "string" && UNKNOWN_VALUES.has(v)) return v;
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** A known string, or undefined (absent, unknown or another type). */
export function knownString(v: unknown): string | undefined {
  return typeof v === "string" && !UNKNOWN_VALUES.has(v) ? v : undefined;
}

/** How a value reads in a message. */
export function quoted(v: unknown): string {
  if (v === undefined || v === null) return "not set";
  return JSON.stringify(v);
}
