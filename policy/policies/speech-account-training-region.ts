// Speech accounts only where Custom Speech can train, unless they only serve copied models. The region list and the
// rule are the components' own (components/regions.ts), so the pack and SpeechAccount never disagree.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { ValidationError } from "../../components/domain";
import { validateTrainingRegion } from "../../components/regions";
import { ACCOUNT_ROLE_TAG, listed, speechAccountOf } from "../lib/accounts";
import { readConfig } from "../lib/config";
import { isUnknown, knownString } from "../lib/values";

export interface TrainingRegionConfig {
  additionalTrainingRegions: string[];
  inferenceOnlyAccounts: string[];
  trustInferenceOnlyTag: boolean;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    additionalTrainingRegions: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: [],
      description: "Regions Microsoft has given Custom Speech training hardware since components/regions.ts was written.",
    },
    inferenceOnlyAccounts: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: [],
      description: "Accounts (Pulumi resource names or Azure account names) that only serve copied models and may be in any region.",
    },
    trustInferenceOnlyTag: {
      type: "boolean",
      default: true,
      description: `Whether the tag ${ACCOUNT_ROLE_TAG}: inference-only (set by SpeechAccount's inferenceOnly) exempts an account; false: only inferenceOnlyAccounts do.`,
    },
  },
};

const NAME = "speech-account-training-region";

export const speechAccountTrainingRegion: ResourceValidationPolicy = {
  name: NAME,
  description:
    "Speech accounts (kind SpeechServices, or any kind tagged custom-speech-role) are in a region with Custom Speech training hardware, unless inference-only.",
  enforcementLevel: "mandatory",
  configSchema,
  remediationSteps:
    "Deploy the account to a training region (components/regions.ts), or declare it a model-copy target: SpeechAccount's inferenceOnly: true " +
    `(it tags the account ${ACCOUNT_ROLE_TAG}: inference-only), or list it in inferenceOnlyAccounts. Add a region Microsoft has since enabled with additionalTrainingRegions.`,
  validateResource: (args, reportViolation) => {
    const account = speechAccountOf(args);
    const config = readConfig<TrainingRegionConfig>(NAME, configSchema, args.getConfig);
    const location = knownString(account.props.location);
    if (location === undefined) return; // unknown until the resource group exists, or left to ARM's default
    const byList = listed(config.inferenceOnlyAccounts, account.names);
    // The tag decides, and it is not known yet (a tag that is not trusted decides nothing: judged now).
    if (!byList && config.trustInferenceOnlyTag && isUnknown(account.role)) return;
    const tagged = account.role === "inference-only";
    const inferenceOnly = byList || (tagged && config.trustInferenceOnlyTag);
    try {
      validateTrainingRegion(location, { inferenceOnly, additionalTrainingRegions: config.additionalTrainingRegions });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const untrusted = tagged ? ` Its tag ${ACCOUNT_ROLE_TAG}: inference-only is not trusted here (trustInferenceOnlyTag is false).` : "";
      reportViolation(
        `Speech account ${account.label}: ${e.message}${untrusted} The pack sees inferenceOnly as the tag ${ACCOUNT_ROLE_TAG}: inference-only ` +
          `(SpeechAccount sets it) or the account in this policy's inferenceOnlyAccounts; additionalTrainingRegions is this policy's config too.`,
      );
    }
  },
};
