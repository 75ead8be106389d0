/**
 * The stack's typed configuration (declared in Pulumi.yaml), read and validated into one StackConfig object.
 * `loadStackConfig` is a pure function over a config reader so it can be tested without a Pulumi engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { oneOf } from "./naming";
import type { Principal } from "./roles";
import { type ExistingSpeechAccountArgs, type NetworkAcls, SPEECH_SKUS, type SpeechAccountArgs } from "./speech-account";
import { validateTrainingRegion } from "./regions";
import type { DataLifecycle, ExistingTrainingDataStoreArgs, TrainingDataStoreArgs } from "./training-data-store";
import type { DatasetKind } from "./speech-api/models";
import { DATASET_KINDS, isLocale } from "./training-data/kinds";

export type { DatasetKind };

/** One locale's Custom Speech pipeline (consumed by LocalePipeline). */
export interface LocaleConfig {
  locale: string; // BCP-47, e.g. "en-US"
  displayName?: string;
  datasets: { name: string; kind: DatasetKind; contentUrl?: string; manifest?: string; file?: string; contentHash?: string }[];
  baseModel?: { id?: string; minAdaptationDaysLeft?: number }; // default: newest base model with >= 30 days of adaptation left
  training: { datasets: string[]; customModelWeightPercent?: number }; // names from `datasets`
  evaluation?: { dataset: string; maxWordErrorRate?: number; minWordErrorRateImprovement?: number }; // percent / percentage points
  endpoint?: { displayName?: string; loggingEnabled?: boolean };
  expiryWarningDays?: number; // default 60
}

/** Settings for creating the Speech resource (resource group, region and store are wired by the program). */
export type SpeechSettings = Omit<SpeechAccountArgs, "resourceGroupName" | "location" | "trainingDataStore" | "tags">;
export type StorageSettings = Omit<TrainingDataStoreArgs, "resourceGroupName" | "location" | "tags">;

export interface StackConfig {
  region: string;
  /** Use this resource group; when absent the program creates one. */
  resourceGroupName?: string;
  tags: Record<string, string>;
  /** Either create a Speech resource or use an existing one. */
  speech: { mode: "create"; settings: SpeechSettings } | { mode: "existing"; existing: ExistingSpeechAccountArgs };
  storage: StorageSettings;
  /** Use this blob service instead of creating a TrainingDataStore (a platform team's account, or Azurite). */
  existingStorage?: ExistingTrainingDataStoreArgs;
  locales: LocaleConfig[];
}

/** Defaults, shared with Pulumi.yaml (a test keeps the two in step). */
export const CONFIG_DEFAULTS = {
  sku: "S0",
  inferenceOnly: false,
  disableLocalAuth: true,
  publicNetworkAccess: "Enabled",
  bringYourOwnStorage: false,
  restoreSoftDeleted: false,
  storageSku: "Standard_LRS",
  storagePublicNetworkAccess: "Enabled",
  storageNetworkDefaultAction: "Allow",
} as const;

/** Every key the program reads; anything else in the project namespace is a typo. */
export const CONFIG_KEYS = [
  "region", "resourceGroupName", "tags",
  "speechAccountName", "sku", "inferenceOnly", "additionalTrainingRegions", "disableLocalAuth", "publicNetworkAccess",
  "networkAcls", "bringYourOwnStorage", "restoreSoftDeleted", "contributors", "users",
  "existingSpeech", "existingSpeechKey",
  "storageAccountName", "storageSku", "containers", "dataLifecycle", "storagePublicNetworkAccess",
  "storageNetworkDefaultAction", "storageIpRules", "dataReaders", "dataContributors", "existingStorage",
  "locales",
] as const;

/** What the loader needs from `pulumi.Config` (which satisfies it). Values are raw strings; objects are JSON. */
export interface ConfigReader {
  get(key: string): string | undefined;
  getSecret(key: string): pulumi.Output<string> | undefined;
}

class ConfigError extends Error {
  constructor(key: string, message: string) {
    super(`Stack config "${key}": ${message}`);
  }
}

function parsed(reader: ConfigReader, key: string): unknown {
  const raw = reader.get(key);
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // a plain string value
  }
}

function str(reader: ConfigReader, key: string): string | undefined {
  const v = reader.get(key);
  return v === undefined || v === "" ? undefined : v;
}

function bool(reader: ConfigReader, key: string, fallback: boolean): boolean {
  const v = str(reader, key);
  if (v === undefined) return fallback;
  if (v !== "true" && v !== "false") throw new ConfigError(key, `must be true or false, got "${v}".`);
  return v === "true";
}

function obj<T>(reader: ConfigReader, key: string): T | undefined {
  const v = parsed(reader, key);
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(key, "must be an object.");
  return v as T;
}

function list(reader: ConfigReader, key: string): unknown[] | undefined {
  const v = parsed(reader, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ConfigError(key, "must be a list.");
  return v;
}

function strings(reader: ConfigReader, key: string): string[] | undefined {
  const v = list(reader, key);
  if (v?.some((s) => typeof s !== "string")) throw new ConfigError(key, "must be a list of strings.");
  return v as string[] | undefined;
}

/** A principal is an object id string (type inferred by Azure) or `{ principalId, principalType }`. */
function principals(reader: ConfigReader, key: string): Principal[] | undefined {
  return list(reader, key)?.map((p) => (typeof p === "string" ? { principalId: p } : (p as Principal)));
}

/** Rethrows validation errors from the components with the config key in front. */
function under<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(key, (e as Error).message);
  }
}

function isInt(v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

/** Validates one locale entry; `where` is e.g. `locales[0]`. */
export function validateLocale(value: unknown, where: string): LocaleConfig {
  const fail = (path: string, message: string): never => {
    throw new Error(`${where}${path} ${message}`);
  };
  if (typeof value !== "object" || value === null) fail("", "must be an object with locale, datasets and training.");
  const l = value as LocaleConfig;
  if (!isLocale(l.locale)) fail(".locale", `must be a BCP-47 locale such as "en-US", got ${JSON.stringify(l.locale)}.`);
  if (!Array.isArray(l.datasets) || l.datasets.length === 0) fail(".datasets", "must list at least one dataset.");
  const names = new Set<string>();
  l.datasets.forEach((d, i) => {
    const at = `.datasets[${i}]`;
    if (typeof d?.name !== "string" || d.name === "") fail(`${at}.name`, "is required.");
    if (names.has(d.name)) fail(`${at}.name`, `"${d.name}" is used twice; dataset names must be unique per locale.`);
    names.add(d.name);
    if (!DATASET_KINDS.includes(d.kind)) fail(`${at}.kind`, `"${d.kind}" is not allowed. Allowed values: ${DATASET_KINDS.join(", ")}.`);
    const sources = (["contentUrl", "manifest", "file"] as const).filter((k) => d[k] !== undefined);
    if (sources.length !== 1) fail(at, `must set exactly one of contentUrl, manifest or file (got ${sources.join(", ") || "none"}).`);
  });
  if (!Array.isArray(l.training?.datasets) || l.training.datasets.length === 0) fail(".training.datasets", "must name at least one dataset.");
  for (const n of l.training.datasets) {
    if (!names.has(n)) fail(".training.datasets", `names "${n}", which is not in datasets (${[...names].join(", ")}).`);
  }
  const weight = l.training.customModelWeightPercent;
  if (weight !== undefined && !isInt(weight, 1, 100)) fail(".training.customModelWeightPercent", "must be a whole number from 1 to 100.");
  if (l.evaluation !== undefined) {
    if (!names.has(l.evaluation.dataset)) fail(".evaluation.dataset", `"${l.evaluation.dataset}" is not in datasets (${[...names].join(", ")}).`);
    for (const k of ["maxWordErrorRate", "minWordErrorRateImprovement"] as const) {
      const v = l.evaluation[k];
      // Percent, like Speech Studio shows WER (the REST API reports fractions; the Evaluation resource converts).
      if (v !== undefined && (typeof v !== "number" || v < 0 || v > 100)) fail(`.evaluation.${k}`, "must be a percentage from 0 to 100 (8 = 8 % WER).");
    }
  }
  const minDays = l.baseModel?.minAdaptationDaysLeft;
  if (minDays !== undefined && !isInt(minDays, 0)) fail(".baseModel.minAdaptationDaysLeft", "must be a whole number of days (0 or more).");
  if (l.expiryWarningDays !== undefined && !isInt(l.expiryWarningDays, 1)) fail(".expiryWarningDays", "must be a whole number of days (1 or more).");
  if (l.endpoint?.loggingEnabled !== undefined && typeof l.endpoint.loggingEnabled !== "boolean") fail(".endpoint.loggingEnabled", "must be true or false.");
  return l;
}

/**
 * Reads and validates the whole stack configuration. `keys` (the keys set in the project namespace, without the
 * prefix) enables the typo check.
 */
export function loadStackConfig(reader: ConfigReader, keys?: readonly string[]): StackConfig {
  for (const k of keys ?? []) {
    if (!(CONFIG_KEYS as readonly string[]).includes(k)) {
      throw new ConfigError(k, `is not a setting of this project. Known settings: ${CONFIG_KEYS.join(", ")}.`);
    }
  }
  const region = str(reader, "region");
  if (!region) throw new ConfigError("region", 'is required: the Azure region, e.g. `pulumi config set region eastus`.');
  const additionalTrainingRegions = strings(reader, "additionalTrainingRegions") ?? [];
  const inferenceOnly = bool(reader, "inferenceOnly", CONFIG_DEFAULTS.inferenceOnly);

  const existingRaw = obj<Omit<ExistingSpeechAccountArgs, "key">>(reader, "existingSpeech");
  let speech: StackConfig["speech"];
  if (existingRaw) {
    for (const k of ["endpoint", "region", "resourceId"] as const) {
      if (typeof existingRaw[k] !== "string") throw new ConfigError("existingSpeech", `needs ${k} (endpoint, region and resourceId are required).`);
    }
    speech = {
      mode: "existing",
      existing: { ...existingRaw, key: reader.getSecret("existingSpeechKey"), inferenceOnly, additionalTrainingRegions },
    };
  } else {
    validateTrainingRegionFor(region, inferenceOnly, additionalTrainingRegions);
    speech = {
      mode: "create",
      settings: {
        accountName: str(reader, "speechAccountName"),
        sku: under("sku", () => oneOf(str(reader, "sku"), SPEECH_SKUS, "sku", CONFIG_DEFAULTS.sku)),
        inferenceOnly,
        additionalTrainingRegions,
        disableLocalAuth: bool(reader, "disableLocalAuth", CONFIG_DEFAULTS.disableLocalAuth),
        publicNetworkAccess: str(reader, "publicNetworkAccess") as SpeechSettings["publicNetworkAccess"],
        networkAcls: obj<NetworkAcls>(reader, "networkAcls"),
        bringYourOwnStorage: bool(reader, "bringYourOwnStorage", CONFIG_DEFAULTS.bringYourOwnStorage),
        restore: bool(reader, "restoreSoftDeleted", CONFIG_DEFAULTS.restoreSoftDeleted),
        contributors: principals(reader, "contributors"),
        users: principals(reader, "users"),
      },
    };
  }

  const lifecycle = parsed(reader, "dataLifecycle");
  if (lifecycle !== undefined && lifecycle !== false && (typeof lifecycle !== "object" || lifecycle === null || Array.isArray(lifecycle))) {
    throw new ConfigError("dataLifecycle", "must be an object { tierToCoolAfterDays, deleteAfterDays, containers } or false.");
  }
  // An existing Speech resource's identity still needs to read the training data (dataset URLs without SAS).
  const existingIdentity = speech.mode === "existing" && speech.existing.principalId;
  const dataReaders = [
    ...(principals(reader, "dataReaders") ?? []),
    ...(existingIdentity ? [{ principalId: existingIdentity, principalType: "ServicePrincipal" as const }] : []),
  ];
  const storage: StorageSettings = {
    storageAccountName: str(reader, "storageAccountName"),
    sku: str(reader, "storageSku") as StorageSettings["sku"],
    containers: obj(reader, "containers"),
    lifecycle: lifecycle as DataLifecycle | false | undefined,
    publicNetworkAccess: str(reader, "storagePublicNetworkAccess") as StorageSettings["publicNetworkAccess"],
    networkDefaultAction: str(reader, "storageNetworkDefaultAction") as StorageSettings["networkDefaultAction"],
    ipRules: strings(reader, "storageIpRules"),
    dataReaders,
    dataContributors: principals(reader, "dataContributors"),
  };

  const existingStorage = obj<ExistingTrainingDataStoreArgs>(reader, "existingStorage");
  if (existingStorage && typeof existingStorage.blobEndpoint !== "string") {
    throw new ConfigError("existingStorage", 'needs blobEndpoint, e.g. {"blobEndpoint": "https://<account>.blob.core.windows.net"}.');
  }

  const tags = obj<Record<string, unknown>>(reader, "tags") ?? {};
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== "string") throw new ConfigError("tags", `tag "${k}" must be a string.`);
  }

  const locales = (list(reader, "locales") ?? []).map((l, i) => under("locales", () => validateLocale(l, `locales[${i}]`)));
  const seen = locales.map((l) => l.locale);
  const twice = seen.find((l, i) => seen.indexOf(l) !== i);
  if (twice) throw new ConfigError("locales", `"${twice}" appears twice; use one entry per locale.`);

  return { region, resourceGroupName: str(reader, "resourceGroupName"), tags: tags as Record<string, string>, speech, storage, existingStorage, locales };
}

function validateTrainingRegionFor(region: string, inferenceOnly: boolean, additionalTrainingRegions: string[]): void {
  under("region", () => validateTrainingRegion(region, { inferenceOnly, additionalTrainingRegions, property: "region" }));
}

/** Reads the current stack's config, with the typo check over the keys set in this project's namespace. */
export function readStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
  const prefix = `${config.name}:`;
  const keys = Object.keys(pulumi.runtime.allConfig())
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
  return loadStackConfig(config, keys);
}
