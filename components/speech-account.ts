/**
 * SpeechAccount: an Azure AI Speech resource (cognitiveservices Account, kind SpeechServices) set up for
 * Custom Speech, or a reference to an existing one via `SpeechAccount.existing`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { ACCOUNT_ROLE_TAG, F0_WARNING, SPEECH_SKUS, ensure, ensureEach, ensureOneOf, httpsOrLoopbackUrl, ipv4OrCidr, speechResourceId, subdomain, ValidationError, type SpeechSku } from "./domain";
import { defaultSubdomainName } from "./naming";
import { normalizeRegion, validateTrainingRegion } from "./regions";
import { assignRole, Principal, validatePrincipals } from "./roles";
import { checkedInput } from "./input-error";

export { SPEECH_SKUS, F0_WARNING, type SpeechSku };
export const PUBLIC_NETWORK_ACCESS = ["Enabled", "Disabled"] as const;
export const NETWORK_DEFAULT_ACTIONS = ["Allow", "Deny"] as const;
export const NETWORK_BYPASS = ["AzureServices", "None"] as const;

/** What every Speech resource offers to the data plane, whether this program created it or not. */
export interface SpeechResource {
  /** Custom-subdomain URL without a trailing slash (Entra ID tokens only work against it). */
  endpoint: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** ARM resource id, e.g. for model copy authorizations. */
  resourceId: pulumi.Output<string>;
  /** System-assigned identity of the resource, when known. */
  principalId: pulumi.Output<string | undefined>;
  /** Resource key as a secret; only present when local (key) auth is enabled or a key was supplied. */
  key: pulumi.Output<string> | undefined;
  /**
   * The stack config key holding `key`, when it comes from config: Custom Speech resources then read the key from
   * the stack config on every operation (refresh and destroy included) and never store it in the state.
   */
  keyConfig?: string;
  /** The SKU, when known: F0 limits how many datasets a deployment may hold at once. */
  sku?: SpeechSku;
}

export interface NetworkAcls {
  defaultAction: "Allow" | "Deny";
  /** IPv4 addresses or CIDR ranges allowed through. */
  ipRules?: string[];
  /** Subnet resource ids allowed through. */
  virtualNetworkSubnetIds?: string[];
  /** Trusted Azure services (default AzureServices, which Custom Speech model copy and BYOS rely on). */
  bypass?: "AzureServices" | "None";
}

/** The part of a TrainingDataStore a SpeechAccount needs. */
export interface TrainingDataStoreRef {
  storageAccountId: pulumi.Input<string>;
}

export interface SpeechAccountArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Azure region; must have dedicated Custom Speech training hardware unless `inferenceOnly`. */
  location: pulumi.Input<string>;
  /** Account name (default: derived from the component name plus a stable suffix). */
  accountName?: string;
  /** Globally unique custom subdomain (default: the account name). Cannot be removed once set. */
  customSubDomainName?: string;
  /** Default S0. F0 is allowed with a warning (2 datasets at most, endpoints deleted after 7 days). */
  sku?: SpeechSku;
  /**
   * A copy target that serves models trained elsewhere: skips the training-region check. The account is tagged
   * `custom-speech-role: inference-only` (else `training`), which the policy pack reads.
   */
  inferenceOnly?: boolean;
  /** Regions Microsoft added to the training list after this code was written. */
  additionalTrainingRegions?: string[];
  /** Default true: Entra ID only. Set false to get a key (returned as a secret). */
  disableLocalAuth?: boolean;
  /** Default Enabled. */
  publicNetworkAccess?: "Enabled" | "Disabled";
  networkAcls?: NetworkAcls;
  /** Grants the account's identity read access to this store (dataset URLs without SAS). */
  trainingDataStore?: TrainingDataStoreRef;
  /**
   * Bring your own storage: the Speech resource keeps its artifacts in `trainingDataStore` (Storage Blob Data
   * Contributor instead of Reader). Only settable at creation: changing it replaces the account.
   */
  bringYourOwnStorage?: boolean;
  /** Cognitive Services Speech Contributor (deployers: create projects, datasets, models, endpoints). */
  contributors?: Principal[];
  /** Cognitive Services Speech User (readers: use the APIs and custom models). */
  users?: Principal[];
  /** Recover a soft-deleted account of the same name instead of creating a new one. */
  restore?: boolean;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ExistingSpeechAccountArgs {
  /** Custom-subdomain URL (or the emulator's `${url}/${name}` for the local sandbox). */
  endpoint: string;
  region: string;
  /** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<name>` */
  resourceId: string;
  /** Resource key, if the platform team hands one out; it is kept as a secret. */
  key?: pulumi.Input<string>;
  /** The stack config key that holds `key` (see SpeechResource.keyConfig). */
  keyConfig?: string;
  /** Its SKU (S0 or F0), so that previews can refuse changes F0's dataset limit cannot hold. */
  sku?: SpeechSku;
  /** Its system-assigned identity, to grant it access to a TrainingDataStore. */
  principalId?: string;
  inferenceOnly?: boolean;
  additionalTrainingRegions?: string[];
}

/** Validated, defaulted plain settings; exported so the rules can be tested without a Pulumi runtime. */
export interface SpeechAccountSettings {
  accountName: string;
  customSubDomainName: string;
  sku: SpeechSku;
  disableLocalAuth: boolean;
  publicNetworkAccess: "Enabled" | "Disabled";
  networkAcls?: NetworkAcls;
  bringYourOwnStorage: boolean;
  contributors: Principal[];
  users: Principal[];
}

export function speechAccountSettings(name: string, args: SpeechAccountArgs): SpeechAccountSettings {
  const accountName = ensure<string>("accountName", args.accountName ?? defaultSubdomainName(name), subdomain);
  const bringYourOwnStorage = args.bringYourOwnStorage ?? false;
  if (bringYourOwnStorage && !args.trainingDataStore) {
    throw new ValidationError("bringYourOwnStorage", "bringYourOwnStorage needs trainingDataStore: the storage account the Speech resource will use.");
  }
  let networkAcls: NetworkAcls | undefined;
  if (args.networkAcls) {
    const acls = args.networkAcls;
    networkAcls = {
      defaultAction: ensureOneOf("networkAcls.defaultAction", acls.defaultAction, NETWORK_DEFAULT_ACTIONS, { fallback: "Allow" }),
      bypass: ensureOneOf("networkAcls.bypass", acls.bypass, NETWORK_BYPASS, { fallback: "AzureServices" }),
      ipRules: ensureEach("networkAcls.ipRules", acls.ipRules, ipv4OrCidr),
      virtualNetworkSubnetIds: acls.virtualNetworkSubnetIds ?? [],
    };
  }
  return {
    accountName,
    customSubDomainName: ensure<string>("customSubDomainName", args.customSubDomainName ?? accountName, subdomain),
    sku: ensureOneOf("sku", args.sku, SPEECH_SKUS, { fallback: "S0" }),
    disableLocalAuth: args.disableLocalAuth ?? true,
    publicNetworkAccess: ensureOneOf("publicNetworkAccess", args.publicNetworkAccess, PUBLIC_NETWORK_ACCESS, { fallback: "Enabled" }),
    networkAcls,
    bringYourOwnStorage,
    contributors: validatePrincipals(args.contributors, "contributors"),
    users: validatePrincipals(args.users, "users"),
  };
}

/** Validates a plain region now and an Output region when it resolves (both before anything is created). */
export function checkedRegion(location: pulumi.Input<string>, args: { inferenceOnly?: boolean; additionalTrainingRegions?: string[] }, property: string) {
  const options = { inferenceOnly: args.inferenceOnly, additionalTrainingRegions: args.additionalTrainingRegions, property };
  const check = (l: string) => checkedInput(() => validateTrainingRegion(l, options));
  return typeof location === "string" ? pulumi.output(check(location)) : pulumi.output(location).apply(check);
}

export class SpeechAccount extends pulumi.ComponentResource implements SpeechResource {
  public readonly endpoint: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;
  public readonly resourceId: pulumi.Output<string>;
  public readonly principalId: pulumi.Output<string | undefined>;
  public readonly key: pulumi.Output<string> | undefined;
  public readonly sku: SpeechSku;
  public readonly accountName: pulumi.Output<string>;
  /** The underlying azure-native account, for callers that need more of its outputs. */
  public readonly account: cognitiveservices.Account;

  /**
   * A Speech resource someone else manages (e.g. a platform team, or the local emulator): same outputs, nothing
   * created. Its role assignments and network rules stay with its owner.
   */
  public static existing(args: ExistingSpeechAccountArgs): SpeechResource {
    const region = checkedInput(() => {
      ensure("existing.endpoint", args.endpoint, httpsOrLoopbackUrl("https://<subdomain>.cognitiveservices.azure.com"));
      ensure("existing.resourceId", args.resourceId, speechResourceId);
      if (args.principalId !== undefined) validatePrincipals([{ principalId: args.principalId }], "existing.principalId");
      return validateTrainingRegion(args.region, { ...args, property: "existing.region" });
    });
    return {
      endpoint: pulumi.output(args.endpoint.replace(/\/+$/, "")),
      region: pulumi.output(region),
      resourceId: pulumi.output(args.resourceId),
      principalId: pulumi.output(args.principalId),
      key: args.key === undefined ? undefined : pulumi.secret(args.key),
      keyConfig: args.keyConfig,
      sku: args.sku === undefined ? undefined : ensureOneOf("existing.sku", args.sku, SPEECH_SKUS),
    };
  }

  constructor(name: string, args: SpeechAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, so bad input fails the preview with nothing half-declared.
    const settings = checkedInput(() => speechAccountSettings(name, args));
    const location = checkedRegion(args.location, args, "location");
    super("customspeech:index:SpeechAccount", name, {}, opts);
    if (settings.sku === "F0") pulumi.log.warn(F0_WARNING, this);
    this.sku = settings.sku;

    const acls = settings.networkAcls;
    this.account = new cognitiveservices.Account(
      `${name}-account`,
      {
        accountName: settings.accountName,
        resourceGroupName: args.resourceGroupName,
        location,
        kind: "SpeechServices",
        sku: { name: settings.sku },
        identity: { type: "SystemAssigned" },
        properties: {
          customSubDomainName: settings.customSubDomainName,
          disableLocalAuth: settings.disableLocalAuth,
          publicNetworkAccess: settings.publicNetworkAccess,
          networkAcls: acls && {
            defaultAction: acls.defaultAction,
            bypass: acls.bypass,
            ipRules: acls.ipRules?.map((value) => ({ value })),
            virtualNetworkRules: acls.virtualNetworkSubnetIds?.map((id) => ({ id })),
          },
          userOwnedStorage: settings.bringYourOwnStorage ? [{ resourceId: args.trainingDataStore!.storageAccountId }] : undefined,
          restore: args.restore || undefined,
        },
        // What the account is for, as a tag the policy pack reads (set last: it says what the region check did).
        tags: pulumi.output(args.tags).apply((t) => ({ ...t, [ACCOUNT_ROLE_TAG]: args.inferenceOnly ? "inference-only" : "training" })),
      },
      {
        parent: this,
        // BYOS is create-only in Azure; the name is fixed, so the old account must go first.
        replaceOnChanges: ["properties.userOwnedStorage"],
        deleteBeforeReplace: true,
      },
    );

    const account = this.account;
    this.accountName = account.name;
    this.resourceId = account.id;
    this.region = account.location.apply((l) => normalizeRegion(l ?? ""));
    this.endpoint = account.properties.apply((p) =>
      (p?.endpoint ?? `https://${settings.customSubDomainName}.cognitiveservices.azure.com`).replace(/\/+$/, ""),
    );
    this.principalId = account.identity.apply((i) => i?.principalId);

    const child = { parent: this };
    for (const p of settings.contributors) {
      assignRole(`${name}-speech-contributor-${p.principalId}`, { scope: account.id, role: "CognitiveServicesSpeechContributor", ...p }, child);
    }
    for (const p of settings.users) {
      assignRole(`${name}-speech-user-${p.principalId}`, { scope: account.id, role: "CognitiveServicesSpeechUser", ...p }, child);
    }
    if (args.trainingDataStore) {
      const role = settings.bringYourOwnStorage ? "StorageBlobDataContributor" : "StorageBlobDataReader";
      assignRole(
        `${name}-training-data-${settings.bringYourOwnStorage ? "byos-contributor" : "reader"}`,
        {
          scope: args.trainingDataStore.storageAccountId,
          role,
          principalId: this.principalId.apply((id) => id ?? ""),
          principalType: "ServicePrincipal",
        },
        child,
      );
    }

    this.key = settings.disableLocalAuth
      ? undefined
      : pulumi.secret(
          cognitiveservices
            .listAccountKeysOutput({ accountName: account.name, resourceGroupName: args.resourceGroupName }, child)
            .apply((k) => {
              if (!k.key1) throw new Error(`SpeechAccount ${name}: Azure listed no key although disableLocalAuth is false.`);
              return k.key1;
            }),
        );

    this.registerOutputs({
      endpoint: this.endpoint,
      region: this.region,
      resourceId: this.resourceId,
      principalId: this.principalId,
      key: this.key,
    });
  }
}
