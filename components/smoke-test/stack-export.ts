// What a smoke test needs from `pulumi stack export`: the stack's outputs `speechEndpoint` and
// `locales.<locale>.endpointId` (index.ts exports both), read from the pulumi:pulumi:Stack resource.
import { ValidationError } from "../domain";

export interface DeployedEndpoints {
  speechEndpoint: string;
  /** locale → endpoint id */
  endpointIds: Record<string, string>;
  /** locale → the id of the model the endpoint serves (stack output locales.<locale>.modelId), where exported. */
  modelIds: Record<string, string>;
}

interface ExportedResource {
  urn?: string;
  type?: string;
  outputs?: Record<string, unknown>;
  delete?: boolean;
}

const isSecret = (v: unknown): boolean => typeof v === "object" && v !== null && "4dabf18193072939515e22adb298388d" in v;

/** Reads the endpoints of an exported stack; `from` names the export in errors (e.g. `--stack-export state.json`). */
export function deployedEndpoints(exported: unknown, from: string): DeployedEndpoints {
  const resources = (exported as { deployment?: { resources?: ExportedResource[] } } | null)?.deployment?.resources;
  if (!Array.isArray(resources)) throw new ValidationError(from, `${from} is not the JSON of \`pulumi stack export\` (no deployment.resources).`);
  const stack = resources.find((r) => !r.delete && r.type === "pulumi:pulumi:Stack");
  const outputs = stack?.outputs ?? {};
  const speechEndpoint = outputs.speechEndpoint;
  if (typeof speechEndpoint !== "string") {
    const why = isSecret(speechEndpoint) ? "is a secret" : "is missing";
    throw new ValidationError(from, `${from}: the stack output speechEndpoint ${why}; export the stack after a successful \`pulumi up\`.`);
  }
  const locales = (typeof outputs.locales === "object" && outputs.locales !== null ? outputs.locales : {}) as Record<string, { endpointId?: unknown; modelId?: unknown }>;
  const endpointIds: Record<string, string> = {};
  const modelIds: Record<string, string> = {};
  for (const [locale, l] of Object.entries(locales)) {
    if (typeof l?.endpointId === "string") endpointIds[locale] = l.endpointId;
    if (typeof l?.modelId === "string") modelIds[locale] = l.modelId;
  }
  return { speechEndpoint, endpointIds, modelIds };
}

/**
 * The locales whose endpoint is new or serves another model than in `before` (an export taken before the `up`; an
 * export of a stack never deployed has no endpoints, so every locale is new) — what a deploy job smoke-tests.
 */
export function changedLocales(before: unknown, after: DeployedEndpoints, from: string): string[] {
  let was: DeployedEndpoints = { speechEndpoint: "", endpointIds: {}, modelIds: {} };
  const resources = (before as { deployment?: { resources?: unknown } } | null)?.deployment?.resources;
  if (resources === undefined || (Array.isArray(resources) && !resources.some((r: ExportedResource) => r?.type === "pulumi:pulumi:Stack" && r.outputs?.speechEndpoint !== undefined))) {
    // Nothing deployed before: every endpoint is new.
  } else was = deployedEndpoints(before, from);
  return Object.keys(after.endpointIds).filter((l) => was.endpointIds[l] !== after.endpointIds[l] || was.modelIds[l] !== after.modelIds[l]);
}
