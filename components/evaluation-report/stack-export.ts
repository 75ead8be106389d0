// The evaluations of a deployed stack, from `pulumi stack export` (as scripts/expiry-report.ts reads it): the Speech
// endpoint, the evaluation's self URI and the gate's thresholds the Evaluation resource stores — so a report can be
// made from the export alone (`--stack-export file --locale en-US`). Secret values in an export are ciphertext
// objects or "[secret]": they are never read, so never shown.
import { percentValue } from "../domain/validators";
import { DYNAMIC_TYPE_PREFIX } from "../domain/vocabulary";

export interface StackEvaluation {
  /** The Pulumi resource name, e.g. `speech-en-us-evaluation`. */
  name: string;
  locale: string;
  /** The evaluation's self URI. */
  evaluation: string;
  /** The Speech resource endpoint the evaluation lives on (its self URI up to `/speechtotext`). */
  endpoint: string;
  /** In percent, as in the stack config. */
  gate: { maxWordErrorRate?: number; minWordErrorRateImprovement?: number };
  /** The gate's verdict as the stack recorded it (null: undecided, e.g. no WER). */
  passed?: boolean | null;
}

/** The Speech resource endpoint of an entity's self URI (everything before /speechtotext/); undefined when it has none. */
export function endpointOfSelf(self: string): string | undefined {
  const at = self.indexOf("/speechtotext/");
  return /^https?:\/\//i.test(self) && at > 0 ? self.slice(0, at) : undefined;
}

const EVALUATION_TYPE = `${DYNAMIC_TYPE_PREFIX}Evaluation`;
const plainString = (v: unknown): string | undefined => (typeof v === "string" && v !== "[secret]" ? v : undefined);
/** A threshold as the stack stores it: a number, or a percentage with its sign ("0.3%"). */
const plainNumber = (v: unknown): number | undefined => {
  const n = typeof v === "string" && /%\s*$/.test(v) ? percentValue(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

/**
 * The live Evaluation resources of an export, of one locale when given (compared case-insensitively). Throws when
 * the JSON is not an export; an empty list when it holds no evaluation (of that locale).
 */
export function evaluationsFromStackExport(exportJson: unknown, locale?: string): StackEvaluation[] {
  const resources = (exportJson as { deployment?: { resources?: unknown } } | null)?.deployment?.resources;
  if (!Array.isArray(resources)) throw new Error("not the JSON of `pulumi stack export` (deployment.resources is missing)");
  const out: StackEvaluation[] = [];
  for (const r of resources as { urn?: string; type?: string; delete?: boolean; outputs?: Record<string, unknown> }[]) {
    if (r?.type !== EVALUATION_TYPE || r.delete) continue;
    const o = r.outputs ?? {};
    const self = plainString(o.self);
    const endpoint = self ? endpointOfSelf(self) : undefined;
    const loc = plainString(o.locale);
    if (!self || !endpoint || !loc) continue;
    if (locale !== undefined && loc.toLowerCase() !== locale.toLowerCase()) continue;
    const gate = { maxWordErrorRate: plainNumber(o.maxWordErrorRate), minWordErrorRateImprovement: plainNumber(o.minWordErrorRateImprovement) };
    out.push({
      name: (r.urn ?? "").split("::").pop() ?? "",
      locale: loc,
      evaluation: self,
      endpoint,
      gate: Object.fromEntries(Object.entries(gate).filter(([, v]) => v !== undefined)),
      ...(typeof o.passed === "boolean" || o.passed === null ? { passed: o.passed as boolean | null } : {}),
    });
  }
  return out;
}
