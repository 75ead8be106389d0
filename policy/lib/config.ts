// A policy's config as the analyzer gives it (`args.getConfig()`: the properties of --policy-pack-config or Pulumi
// Cloud, without enforcementLevel), over the schema's defaults. The Pulumi CLI validates config against a policy's
// schema, but it builds that schema from `properties` and `required` alone, so a misspelt top-level key would pass
// silently: it is refused here, naming the key and the allowed ones (one rule with the stack config's knownKeys).
import type { PolicyConfigSchema } from "@pulumi/policy";
import { ValidationError, knownKeys } from "../../components/domain";

export function readConfig<T extends object>(policy: string, schema: PolicyConfigSchema, getConfig: () => object): T {
  const given = { ...(getConfig() as Record<string, unknown>) };
  const allowed = Object.keys(schema.properties);
  if (allowed.length === 0 && Object.keys(given).length > 0) {
    throw new ValidationError(policy, `policy ${policy} takes no config besides enforcementLevel; got ${Object.keys(given).join(", ")}.`);
  }
  knownKeys(`policy ${policy} config`, given, allowed);
  const defaults: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(schema.properties)) {
    if (typeof s === "object" && s.default !== undefined) defaults[k] = structuredClone(s.default);
  }
  return { ...defaults, ...given } as T;
}

/** The schema of a stack-name pattern, shared by the policies that treat prod stacks differently. */
export const PROD_STACK_PATTERN = {
  type: "string",
  minLength: 1,
  default: "prod*",
  description: "Stacks whose name matches this pattern are prod stacks (* any characters, ? one; case-insensitive; the stack name without its organization).",
} as const;
