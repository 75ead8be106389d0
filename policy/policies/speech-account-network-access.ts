// Who may reach a Speech account over the network depends on the environment: a dev account may be open, a prod one
// is firewalled or private. The rules map stack-name patterns to a posture; the first rule whose pattern matches the
// stack decides (a list, not a map: JSON object order does not survive the CLI).
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { speechAccountOf } from "../lib/accounts";
import { readConfig } from "../lib/config";
import { matchesStack, stackOf } from "../lib/stack";
import { at, isUnknown, quoted } from "../lib/values";

/** open: anything; firewall: public access Disabled, or Enabled behind networkAcls defaultAction Deny; private: Disabled. */
export const NETWORK_POSTURES = ["open", "firewall", "private"] as const;
export type NetworkPosture = (typeof NETWORK_POSTURES)[number];

export interface NetworkAccessConfig {
  environments: { stacks: string; access: NetworkPosture }[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    environments: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["stacks", "access"],
        properties: {
          stacks: { type: "string", minLength: 1, description: "Stack-name pattern (* any characters, ? one; case-insensitive)." },
          access: { enum: [...NETWORK_POSTURES], description: "open, firewall (Disabled, or networkAcls defaultAction Deny) or private (Disabled)." },
        },
      },
      default: [
        { stacks: "prod*", access: "firewall" },
        { stacks: "*", access: "open" },
      ],
      description: "The network posture per environment; the first rule whose pattern matches the stack name applies.",
    },
  },
};

const NAME = "speech-account-network-access";

const FIX: Record<Exclude<NetworkPosture, "open">, string> = {
  firewall:
    'Set properties.networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules / virtualNetworkRules for the callers } ' +
    '(SpeechAccount networkAcls, stack config networkAcls; keep bypass AzureServices: model copy and BYOS rely on it), or properties.publicNetworkAccess: "Disabled" with private endpoints.',
  private: 'Set properties.publicNetworkAccess: "Disabled" (SpeechAccount publicNetworkAccess) and reach the account through private endpoints.',
};

export const speechAccountNetworkAccess: ResourceValidationPolicy = {
  name: NAME,
  description: "Speech accounts have the network exposure their environment allows: open, firewalled or private, by stack-name pattern.",
  enforcementLevel: "advisory",
  configSchema,
  remediationSteps: `firewall: ${FIX.firewall} private: ${FIX.private}`,
  validateResource: (args, reportViolation) => {
    const account = speechAccountOf(args);
    const config = readConfig<NetworkAccessConfig>(NAME, configSchema, args.getConfig);
    const stack = stackOf(args.urn);
    const rule = config.environments.find((e) => matchesStack(e.stacks, stack));
    if (!rule) return args.notApplicable(`no environments rule matches stack "${stack}"`);
    if (rule.access === "open") return;
    const publicAccess = at(account.props, "properties", "publicNetworkAccess");
    if (isUnknown(publicAccess)) return;
    if (typeof publicAccess === "string" && publicAccess.toLowerCase() === "disabled") return;
    const shownAccess = publicAccess === undefined ? '"Enabled" (Azure\'s default: not set)' : quoted(publicAccess);
    const where = `stack "${stack}" must be ${rule.access === "firewall" ? "firewalled" : "private"} (environments rule "${rule.stacks}": ${rule.access})`;
    if (rule.access === "private") {
      reportViolation(`Speech account ${account.label}: ${where}, but publicNetworkAccess is ${shownAccess}. ${FIX.private}`);
      return;
    }
    const defaultAction = at(account.props, "properties", "networkAcls", "defaultAction");
    if (isUnknown(defaultAction)) return;
    if (typeof defaultAction === "string" && defaultAction.toLowerCase() === "deny") return;
    reportViolation(
      `Speech account ${account.label}: ${where}, but publicNetworkAccess is ${shownAccess} and networkAcls.defaultAction is ${quoted(defaultAction)}: ` +
        `anyone on the internet may connect. ${FIX.firewall}`,
    );
  },
};
