/**
 * TrainingDataStore: a hardened StorageV2 account with one blob container per kind of Custom Speech data,
 * a lifecycle rule for old data, and data-plane roles.
 */
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import {
  CONTAINER_KINDS,
  DEFAULT_CONTAINERS,
  RESERVED_CONTAINERS,
  ValidationError,
  containerName,
  ensure,
  ensureEach,
  ensureOneOf,
  httpsOrLoopbackUrl,
  ipv4OrCidr,
  isLoopbackHost,
  number,
  storageAccountName,
  type ContainerKind,
  type ContainerLayout,
} from "./domain";
import { defaultStorageAccountName } from "./naming";
import { assignRole, Principal, validatePrincipals } from "./roles";
import { checkedInput } from "./input-error";

export { CONTAINER_KINDS, DEFAULT_CONTAINERS, type ContainerKind };
export type ContainerNames = ContainerLayout;

export const STORAGE_SKUS = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"] as const;
export type StorageSku = (typeof STORAGE_SKUS)[number];

export interface DataLifecycle {
  /** Move blobs to the cool tier this many days after their last change (default 30; 0 turns it off). */
  tierToCoolAfterDays?: number;
  /** Delete blobs this many days after their last change (default: never; datasets may still point at them). */
  deleteAfterDays?: number;
  /** The containers the rule applies to (default: all). */
  containers?: ContainerKind[];
}

export interface TrainingDataStoreArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Globally unique, 3-24 lowercase letters and digits (default: derived from the component name). */
  storageAccountName?: string;
  /** Default Standard_LRS. */
  sku?: StorageSku;
  /** Override any container name. */
  containers?: Partial<ContainerNames>;
  /** `false` for no lifecycle rule. */
  lifecycle?: DataLifecycle | false;
  /** Default Enabled. */
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** Default Allow. With Deny, trusted Azure services (the Speech resource) still get in. */
  networkDefaultAction?: "Allow" | "Deny";
  /** IPv4 addresses or CIDR ranges allowed when the default action is Deny. */
  ipRules?: string[];
  /** Storage Blob Data Reader: e.g. an existing Speech resource's identity, evaluators. */
  dataReaders?: Principal[];
  /** Storage Blob Data Contributor: e.g. whoever runs `npm run sync-data`. */
  dataContributors?: Principal[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface TrainingDataStoreSettings {
  storageAccountName: string;
  sku: StorageSku;
  containers: ContainerNames;
  lifecycle: Required<DataLifecycle> | undefined;
  publicNetworkAccess: "Enabled" | "Disabled";
  networkDefaultAction: "Allow" | "Deny";
  ipRules: string[];
  dataReaders: Principal[];
  dataContributors: Principal[];
}

function days(value: unknown, property: string): number | undefined {
  return value === undefined ? undefined : ensure<number>(property, value, number(0, 36500, { integer: true }));
}

const containerRule = containerName(RESERVED_CONTAINERS);

export function trainingDataStoreSettings(name: string, args: TrainingDataStoreArgs): TrainingDataStoreSettings {
  const containers: ContainerNames = { ...DEFAULT_CONTAINERS };
  for (const [kind, value] of Object.entries(args.containers ?? {})) {
    containers[ensureOneOf("containers key", kind, CONTAINER_KINDS)] = ensure(`containers.${kind}`, value, containerRule);
  }
  const names = Object.values(containers);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new ValidationError("containers", `containers: "${duplicate}" is used for more than one kind of data; each needs its own container.`);

  let lifecycle: Required<DataLifecycle> | undefined;
  if (args.lifecycle !== false) {
    const l = args.lifecycle ?? {};
    const cool = days(l.tierToCoolAfterDays, "lifecycle.tierToCoolAfterDays") ?? 30;
    const del = days(l.deleteAfterDays, "lifecycle.deleteAfterDays") ?? 0;
    if (del > 0 && cool > 0 && del <= cool) {
      throw new ValidationError("lifecycle.deleteAfterDays", `lifecycle.deleteAfterDays (${del}) must be greater than lifecycle.tierToCoolAfterDays (${cool}).`);
    }
    const kinds = (l.containers ?? [...CONTAINER_KINDS]).map((k, i) => ensureOneOf(`lifecycle.containers[${i}]`, k, CONTAINER_KINDS));
    if (kinds.length === 0) throw new ValidationError("lifecycle.containers", `lifecycle.containers must name at least one of: ${CONTAINER_KINDS.join(", ")} (or set lifecycle to false).`);
    lifecycle = cool > 0 || del > 0 ? { tierToCoolAfterDays: cool, deleteAfterDays: del, containers: kinds } : undefined;
  }
  return {
    storageAccountName: ensure<string>("storageAccountName", args.storageAccountName ?? defaultStorageAccountName(name), storageAccountName),
    sku: ensureOneOf("sku", args.sku, STORAGE_SKUS, { fallback: "Standard_LRS" }),
    containers,
    lifecycle,
    publicNetworkAccess: ensureOneOf("publicNetworkAccess", args.publicNetworkAccess, ["Enabled", "Disabled"] as const, { fallback: "Enabled" }),
    networkDefaultAction: ensureOneOf("networkDefaultAction", args.networkDefaultAction, ["Allow", "Deny"] as const, { fallback: "Allow" }),
    ipRules: ensureEach<string>("ipRules", args.ipRules, ipv4OrCidr),
    dataReaders: validatePrincipals(args.dataReaders, "dataReaders"),
    dataContributors: validatePrincipals(args.dataContributors, "dataContributors"),
  };
}

/** Where training data lives, whether this stack created the store or it already existed. */
export interface TrainingDataLocation {
  accountName: pulumi.Output<string>;
  /** e.g. https://<account>.blob.core.windows.net (no trailing slash). */
  blobEndpoint: pulumi.Output<string>;
  containerNames: ContainerNames;
  containerUrls: pulumi.Output<ContainerNames>;
}

/** An existing blob service (a platform team's account, or Azurite in the local sandbox). */
export interface ExistingTrainingDataStoreArgs {
  /** e.g. https://<account>.blob.core.windows.net, or http://127.0.0.1:10000/devstoreaccount1 for Azurite. */
  blobEndpoint: string;
  /** Defaults to the first label of the host (Azurite: the last path segment). */
  accountName?: string;
  containers?: Partial<ContainerNames>;
}

export class TrainingDataStore extends pulumi.ComponentResource {
  /** A store this stack does not manage: creates nothing; access is granted by whoever owns it. */
  public static existing(args: ExistingTrainingDataStoreArgs): TrainingDataLocation {
    ensure("existingStorage.blobEndpoint", args.blobEndpoint, httpsOrLoopbackUrl("https://<account>.blob.core.windows.net"));
    const url = new URL(args.blobEndpoint);
    const blob = args.blobEndpoint.replace(/\/+$/, "");
    const containers = { ...DEFAULT_CONTAINERS, ...args.containers };
    for (const [kind, n] of Object.entries(containers)) ensure(`existingStorage.containers.${kind}`, n, containerRule);
    const accountName = args.accountName ?? (isLoopbackHost(url.hostname) ? url.pathname.split("/").filter(Boolean).pop() ?? "" : url.hostname.split(".")[0]);
    return {
      accountName: pulumi.output(accountName),
      blobEndpoint: pulumi.output(blob),
      containerNames: containers,
      containerUrls: pulumi.output(Object.fromEntries(CONTAINER_KINDS.map((k) => [k, `${blob}/${containers[k]}`])) as ContainerNames),
    };
  }


  public readonly accountName: pulumi.Output<string>;
  /** ARM id of the storage account (role scope, BYOS `userOwnedStorage`). */
  public readonly storageAccountId: pulumi.Output<string>;
  /** e.g. https://<account>.blob.core.windows.net (no trailing slash). */
  public readonly blobEndpoint: pulumi.Output<string>;
  public readonly containerNames: ContainerNames;
  public readonly containerUrls: pulumi.Output<ContainerNames>;
  public readonly storageAccount: storage.StorageAccount;

  constructor(name: string, args: TrainingDataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = checkedInput(() => trainingDataStoreSettings(name, args));
    super("customspeech:index:TrainingDataStore", name, {}, opts);
    const child = { parent: this };

    const account = new storage.StorageAccount(
      `${name}-storage`,
      {
        accountName: settings.storageAccountName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "StorageV2",
        sku: { name: settings.sku },
        // Secure defaults: Entra ID (OAuth) only, TLS 1.2, HTTPS, nothing anonymous.
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        allowCrossTenantReplication: false,
        publicNetworkAccess: settings.publicNetworkAccess,
        networkRuleSet: {
          defaultAction: settings.networkDefaultAction,
          // The Speech resource reads dataset URLs without SAS through trusted-service access.
          bypass: "AzureServices",
          ipRules: settings.ipRules.map((iPAddressOrRange) => ({ iPAddressOrRange, action: "Allow" as const })),
        },
        tags: args.tags,
      },
      child,
    );
    this.storageAccount = account;

    for (const kind of CONTAINER_KINDS) {
      new storage.BlobContainer(
        `${name}-${settings.containers[kind]}`,
        { accountName: account.name, resourceGroupName: args.resourceGroupName, containerName: settings.containers[kind], publicAccess: "None" },
        child,
      );
    }

    const lifecycle = settings.lifecycle;
    if (lifecycle) {
      new storage.ManagementPolicy(
        `${name}-lifecycle`,
        {
          accountName: account.name,
          resourceGroupName: args.resourceGroupName,
          managementPolicyName: "default",
          policy: {
            rules: [
              {
                name: "age-out-training-data",
                enabled: true,
                type: "Lifecycle",
                definition: {
                  filters: { blobTypes: ["blockBlob"], prefixMatch: lifecycle.containers.map((k) => `${settings.containers[k]}/`) },
                  actions: {
                    baseBlob: {
                      tierToCool: lifecycle.tierToCoolAfterDays > 0 ? { daysAfterModificationGreaterThan: lifecycle.tierToCoolAfterDays } : undefined,
                      delete: lifecycle.deleteAfterDays > 0 ? { daysAfterModificationGreaterThan: lifecycle.deleteAfterDays } : undefined,
                    },
                  },
                },
              },
            ],
          },
        },
        child,
      );
    }

    for (const p of settings.dataReaders) {
      assignRole(`${name}-blob-reader-${p.principalId}`, { scope: account.id, role: "StorageBlobDataReader", ...p }, child);
    }
    for (const p of settings.dataContributors) {
      assignRole(`${name}-blob-contributor-${p.principalId}`, { scope: account.id, role: "StorageBlobDataContributor", ...p }, child);
    }

    this.accountName = account.name;
    this.storageAccountId = account.id;
    this.blobEndpoint = account.primaryEndpoints.apply((e) => e.blob.replace(/\/+$/, ""));
    this.containerNames = settings.containers;
    this.containerUrls = this.blobEndpoint.apply(
      (blob) => Object.fromEntries(CONTAINER_KINDS.map((k) => [k, `${blob}/${settings.containers[k]}`])) as ContainerNames,
    );
    this.registerOutputs({
      accountName: this.accountName,
      storageAccountId: this.storageAccountId,
      blobEndpoint: this.blobEndpoint,
      containerNames: this.containerNames,
      containerUrls: this.containerUrls,
    });
  }
}
