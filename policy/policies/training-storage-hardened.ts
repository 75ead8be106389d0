// Training data is customer audio and transcripts. TrainingDataStore hardens its storage account; this holds the same
// line for any storage account and blob container in the stack, however it was declared. Settings whose Azure default
// changed between API versions (public blob access, TLS, shared keys) must be set explicitly.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { listed } from "../lib/accounts";
import { readConfig } from "../lib/config";
import { BLOB_CONTAINER, STORAGE_ACCOUNT } from "../lib/types";
import { isUnknown, knownString, plain, quoted } from "../lib/values";

export const TLS_VERSIONS = ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"] as const;

export interface TrainingStorageConfig {
  minimumTlsVersion: "TLS1_2" | "TLS1_3";
  exemptAccounts: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    minimumTlsVersion: { enum: ["TLS1_2", "TLS1_3"], default: "TLS1_2", description: "The oldest TLS version a storage account may accept." },
    exemptAccounts: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: [],
      description: "Storage accounts that hold no training data (Pulumi resource names or Azure account names), with their containers.",
    },
  },
};

const NAME = "training-storage-hardened";

export const trainingStorageHardened: ResourceValidationPolicy = {
  name: NAME,
  description: "Storage accounts for training data: no public blob access, TLS 1.2 or later, HTTPS only, shared-key access off; blob containers not public.",
  enforcementLevel: "mandatory",
  configSchema,
  remediationSteps:
    'Use TrainingDataStore, or set on the StorageAccount allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", enableHttpsTrafficOnly: true, ' +
    'allowSharedKeyAccess: false (grant Storage Blob Data roles instead of keys), and publicAccess: "None" on each BlobContainer.',
  validateResource: (args, reportViolation) => {
    if (args.type !== STORAGE_ACCOUNT && args.type !== BLOB_CONTAINER) return args.notApplicable(`only ${STORAGE_ACCOUNT} and ${BLOB_CONTAINER} resources`);
    const config = readConfig<TrainingStorageConfig>(NAME, configSchema, args.getConfig);
    const props = plain(args.props);
    const accountName = knownString(props.accountName);
    if (listed(config.exemptAccounts, args.type === STORAGE_ACCOUNT ? [args.name, ...(accountName ? [accountName] : [])] : accountName ? [accountName] : [])) {
      return args.notApplicable("exempt: listed in exemptAccounts");
    }

    if (args.type === BLOB_CONTAINER) {
      const access = props.publicAccess;
      if (access === undefined || access === null || isUnknown(access) || access === "None") return;
      reportViolation(`Blob container "${args.name}" allows anonymous reads: publicAccess is ${quoted(access)}. Set publicAccess: "None" (or leave it out).`);
      return;
    }

    const label = accountName && accountName !== args.name ? `"${args.name}" (account ${accountName})` : `"${args.name}"`;
    const finding = (problem: string, fix: string) => reportViolation(`Storage account ${label}: ${problem}. ${fix}`);
    const check = (key: string, bad: (v: unknown) => string | undefined, fix: string) => {
      const v = props[key];
      if (isUnknown(v)) return;
      const problem = bad(v);
      if (problem) finding(problem, fix);
    };
    const notSet = (v: unknown) => v === undefined || v === null;

    check(
      "allowBlobPublicAccess",
      (v) => (v === false ? undefined : notSet(v) ? "allowBlobPublicAccess is not set (its default differs by API version)" : `allowBlobPublicAccess is ${quoted(v)}`),
      "Set allowBlobPublicAccess: false: no anonymous reads of training audio.",
    );
    const minimum = TLS_VERSIONS.indexOf(config.minimumTlsVersion);
    check(
      "minimumTlsVersion",
      (v) => {
        const i = TLS_VERSIONS.indexOf(v as (typeof TLS_VERSIONS)[number]);
        if (i >= minimum) return undefined;
        return notSet(v) ? "minimumTlsVersion is not set (older API versions default to TLS1_0)" : `minimumTlsVersion is ${quoted(v)}`;
      },
      `Set minimumTlsVersion: "${config.minimumTlsVersion}" or later.`,
    );
    check(
      "enableHttpsTrafficOnly",
      (v) => (v === false ? "enableHttpsTrafficOnly is false: plain HTTP is accepted" : undefined),
      "Set enableHttpsTrafficOnly: true (or leave it out: Azure's default is HTTPS only).",
    );
    check(
      "allowSharedKeyAccess",
      (v) => (v === false ? undefined : notSet(v) ? "allowSharedKeyAccess is not set, and Azure then accepts account keys and SAS signed with them" : `allowSharedKeyAccess is ${quoted(v)}`),
      "Set allowSharedKeyAccess: false and grant Storage Blob Data Reader/Contributor (Entra ID) instead; user-delegation SAS keeps working.",
    );
  },
};
