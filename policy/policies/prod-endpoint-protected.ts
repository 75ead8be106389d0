// Applications hold a prod endpoint's id and URL; deleting the endpoint (a destroy, a removed locale, a replace)
// breaks them and a new one gets another id. `protect` makes the engine refuse until someone unprotects on purpose.
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { PROD_STACK_PATTERN, readConfig } from "../lib/config";
import { matchesStack, stackOf } from "../lib/stack";
import { ENDPOINT } from "../lib/types";

export interface ProdEndpointConfig {
  prodStackPattern: string;
}

const configSchema: PolicyConfigSchema = { properties: { prodStackPattern: PROD_STACK_PATTERN } };
const NAME = "prod-endpoint-protected";

export const prodEndpointProtected: ResourceValidationPolicy = {
  name: NAME,
  description: "Custom Speech endpoints in prod stacks (prodStackPattern, default prod*) are protected against deletion.",
  enforcementLevel: "mandatory",
  configSchema,
  remediationSteps:
    "Set the stack config protectEndpoints: true (this repository's program), pass protectEndpoint: true to its " +
    "LocalePipeline / LocaleReplica, or { protect: true } to the Endpoint itself. Not to the component: its Model would " +
    "inherit protect, and a retrain could never replace it. " +
    "To delete an endpoint on purpose, unprotect it first (`pulumi state unprotect <urn>`).",
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (args.type !== ENDPOINT) return args.notApplicable(`only ${ENDPOINT} resources`);
    const config = readConfig<ProdEndpointConfig>(NAME, configSchema, args.getConfig);
    const stack = stackOf(args.urn);
    if (!matchesStack(config.prodStackPattern, stack)) return args.notApplicable(`stack "${stack}" does not match prodStackPattern "${config.prodStackPattern}"`);
    if (args.opts.protect) return;
    reportViolation(
      `Endpoint "${args.name}" in prod stack "${stack}" is not protected: a destroy, a removed locale or a replace would delete it, and applications ` +
        `lose its id and URL. Set protectEndpoints: true in the stack config, protectEndpoint: true on its LocalePipeline / LocaleReplica, ` +
        `or { protect: true } on the Endpoint (not on the component: its Model would inherit it and a retrain could not replace it).`,
    );
  },
};
