// Keys leak and cannot say who called; Entra ID can. Every component here works without a key (Custom Speech
// resources use DefaultAzureCredential), so a Speech account with local auth on is a choice that should show.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { listed, speechAccountOf } from "../lib/accounts";
import { readConfig } from "../lib/config";
import { at, isUnknown } from "../lib/values";

export interface LocalAuthConfig {
  exemptAccounts: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    exemptAccounts: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: [],
      description: "Accounts (Pulumi resource names or Azure account names) allowed to keep key authentication.",
    },
  },
};

const NAME = "speech-account-local-auth-disabled";

export const speechAccountLocalAuthDisabled: ResourceValidationPolicy = {
  name: NAME,
  description: "Speech accounts disable local (key) authentication: callers use Microsoft Entra ID.",
  enforcementLevel: "mandatory",
  configSchema,
  remediationSteps:
    "Set properties.disableLocalAuth: true (SpeechAccount's default; remove disableLocalAuth: false) and grant callers Cognitive Services Speech User " +
    "or Speech Contributor (SpeechAccount users/contributors). To keep a key on purpose, list the account in exemptAccounts.",
  validateResource: (args, reportViolation) => {
    const account = speechAccountOf(args);
    const config = readConfig<LocalAuthConfig>(NAME, configSchema, args.getConfig);
    if (listed(config.exemptAccounts, account.names)) return;
    const disabled = at(account.props, "properties", "disableLocalAuth");
    if (isUnknown(disabled) || disabled === true) return;
    const why = disabled === false ? "properties.disableLocalAuth is false" : "properties.disableLocalAuth is not set, and Azure then keeps key authentication on";
    reportViolation(
      `Speech account ${account.label} accepts its keys: ${why}. Set properties.disableLocalAuth: true (SpeechAccount: leave disableLocalAuth at its default) ` +
        `and give callers Cognitive Services Speech roles; Custom Speech resources then authenticate with Entra ID and need no key.`,
    );
  },
};
