/**
 * The stack's typed configuration (declared in Pulumi.yaml), read and validated into one StackConfig object.
 * `loadStackConfig` is a pure function over a config reader so it can be tested without a Pulumi engine.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Tuning } from "./custom-speech/core";
import {
  CONTAINER_KINDS,
  DATASET_KINDS,
  GATE_BOUNDS,
  SPEECH_SKUS,
  MODEL_WEIGHT_PERCENT,
  SKU_LIMITS,
  SMOKE_TEST,
  TUNING_BOUNDS,
  ValidationError,
  WAIT_MINUTES,
  boolean,
  datasetName,
  ensure,
  ensureEach,
  percentRule,
  percentValue,
  type PercentText,
  ensureOneOf,
  httpsOrLoopbackUrl,
  knownKeys,
  locale,
  number,
  oneOf,
  shown,
  string,
  uuid,
  within,
  type DatasetKind,
  type Rule,
} from "./domain";
import type { Principal } from "./roles";
import type { ExistingSpeechAccountArgs, NetworkAcls, SpeechAccountArgs } from "./speech-account";
import { validateTrainingRegion } from "./regions";
import { InputError } from "./input-error";
import type { DataLifecycle, ExistingTrainingDataStoreArgs, TrainingDataStoreArgs } from "./training-data-store";

export type { DatasetKind };

/** One dataset of a locale: exactly one of contentUrl, manifest (the sync manifest's entry of this name) or file. */
export interface DatasetConfig {
  name: string;
  kind: DatasetKind;
  contentUrl?: string;
  manifest?: string;
  file?: string;
  contentHash?: string;
  /** Wait budget for the import (minutes, default 60). */
  waitMinutes?: number;
}

/** One locale's Custom Speech pipeline (consumed by LocalePipeline). */
export interface LocaleConfig {
  locale: string; // BCP-47, e.g. "en-US"
  displayName?: string;
  datasets: DatasetConfig[];
  baseModel?: { id?: string; minAdaptationDaysLeft?: number }; // default: newest base model with >= 30 days of adaptation left
  /** names from `datasets`; waitMinutes: how long an `up` waits for the training (default 120) */
  training: { datasets: string[]; customModelWeightPercent?: number; waitMinutes?: number };
  /** thresholds in percent / percentage points; between -1 and 1 only with the sign ("0.5%"), as a fraction is likely meant */
  evaluation?: { dataset: string; maxWordErrorRate?: number | PercentText; minWordErrorRateImprovement?: number | PercentText; waitMinutes?: number };
  /** adoptId: an existing endpoint (its id) to bring under management instead of creating one */
  endpoint?: { displayName?: string; loggingEnabled?: boolean; waitMinutes?: number; adoptId?: string };
  expiryWarningDays?: number; // default 60
  smokeTest?: SmokeTestConfig;
}

/**
 * Clips the deployed endpoint must recognize (`npm run smoke-test -- --stack-config …`). file: a 16 kHz mono 16-bit
 * PCM WAV of at most 60 s, relative to the project folder; text: the words spoken in it. maxWordErrorRate: the
 * highest WER of any clip, in PERCENT like the evaluation gate (default 20).
 */
export interface SmokeTestConfig {
  clips: { file: string; text: string }[];
  /** Percent, like the evaluation gate (a value below 1 % written with its sign: "0.5%"). */
  maxWordErrorRate?: number | PercentText;
}

/**
 * A locale served from a model trained in another stack (region migration, or a second serving region): a
 * ModelCopy from that stack's served model and an Endpoint here; nothing trains in this stack.
 */
export interface CopiedLocaleConfig {
  locale: string;
  displayName?: string;
  /** stack: the source stack ("<org>/<project>/<stack>"), read with a StackReference; waitMinutes: the copy's wait budget (default 60) */
  copyFrom: { stack: string; waitMinutes?: number };
  endpoint?: LocaleConfig["endpoint"];
  expiryWarningDays?: number;
  smokeTest?: SmokeTestConfig;
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
  /** Locales trained in this stack. */
  locales: LocaleConfig[];
  /** Locales copied from another stack (`copyFrom`). */
  copiedLocales: CopiedLocaleConfig[];
  /** The config key holding the source Speech resource's key for copies, when set ("sourceSpeechKey"); else Microsoft Entra ID. */
  sourceKeyConfig?: string;
  /** Poll and retry knobs for every Custom Speech resource (never a change of a resource). */
  tuning?: Tuning;
  /** Endpoints get Pulumi's `protect`: no `destroy` or replacement deletes one until it is unset (prod). */
  protectEndpoints: boolean;
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
  protectEndpoints: false,
} as const;

/** Every key the program reads; anything else in the project namespace is a typo. */
export const CONFIG_KEYS = [
  "region", "resourceGroupName", "tags",
  "speechAccountName", "sku", "inferenceOnly", "additionalTrainingRegions", "disableLocalAuth", "publicNetworkAccess",
  "networkAcls", "bringYourOwnStorage", "restoreSoftDeleted", "contributors", "users",
  "existingSpeech", "existingSpeechKey",
  "storageAccountName", "storageSku", "containers", "dataLifecycle", "storagePublicNetworkAccess",
  "storageNetworkDefaultAction", "storageIpRules", "dataReaders", "dataContributors", "existingStorage",
  "locales", "tuning", "sourceSpeechKey", "protectEndpoints",
] as const;

/** What the loader needs from `pulumi.Config` (which satisfies it). Values are raw strings; objects are JSON. */
export interface ConfigReader {
  get(key: string): string | undefined;
  getSecret(key: string): pulumi.Output<string> | undefined;
}

/** A RunError (through InputError): the CLI prints the message alone, without a stack trace. */
class ConfigError extends InputError {
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
  return ensure<string>(key, v, oneOf(["true", "false"])) === "true";
}

/** An object whose keys must all be among `allowed` (a typo must never be silently ignored). */
function section<T>(value: unknown, where: string, allowed: readonly string[]): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(where, `${where} must be an object with keys among ${allowed.join(", ")}; got ${shown(value)}.`);
  }
  knownKeys(where, value as Record<string, unknown>, allowed);
  return value as T;
}

function obj<T>(reader: ConfigReader, key: string, allowed: readonly string[]): T | undefined {
  const v = parsed(reader, key);
  return v === undefined ? undefined : section<T>(v, key, allowed);
}

function list(reader: ConfigReader, key: string): unknown[] | undefined {
  const v = parsed(reader, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ValidationError(key, `${key} must be a list; got ${shown(v)}.`);
  return v;
}

function strings(reader: ConfigReader, key: string): string[] | undefined {
  const v = list(reader, key);
  return v && ensureEach<string>(key, v, string());
}

/** A principal is an object id string (type inferred by Azure) or `{ principalId, principalType }`. */
function principals(reader: ConfigReader, key: string): Principal[] | undefined {
  return list(reader, key)?.map((p, i) => (typeof p === "string" ? { principalId: p } : section<Principal>(p, `${key}[${i}]`, PRINCIPAL_KEYS)));
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

const PRINCIPAL_KEYS = ["principalId", "principalType"] as const;
const LOCALE_KEYS = ["locale", "displayName", "datasets", "baseModel", "training", "evaluation", "endpoint", "expiryWarningDays", "smokeTest", "copyFrom"] as const;
const COPIED_LOCALE_KEYS = ["locale", "displayName", "copyFrom", "endpoint", "expiryWarningDays", "smokeTest"] as const;
/** "<org>/<project>/<stack>" (or "<project>/<stack>", or a bare stack name), as `pulumi.StackReference` takes it. */
const STACK_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;
const DATASET_KEYS = ["name", "kind", "contentUrl", "manifest", "file", "contentHash", "waitMinutes"] as const;
const WAIT = within(WAIT_MINUTES);
const DAYS = (min: number) => number(min, 36500, { integer: true });

/** Each value that is set must keep its rule. */
function fields(where: string, value: Record<string, unknown>, rules: Record<string, Rule>): void {
  for (const [k, rule] of Object.entries(rules)) if (value[k] !== undefined) ensure(`${where}.${k}`, value[k], rule);
}

function validateEndpoint(value: unknown, where: string): void {
  if (value === undefined) return;
  fields(where, section(value, where, ["displayName", "loggingEnabled", "waitMinutes", "adoptId"]), {
    displayName: string({ maxLength: 256 }),
    loggingEnabled: boolean,
    waitMinutes: WAIT,
    adoptId: uuid,
  });
}

const spokenWords: Rule = (v) => (typeof v === "string" && /[\p{L}\p{N}]/u.test(v) ? undefined : "the words spoken in the clip (at least one word)");

/** The shape of a locale's smoke test; the clip files themselves are checked by the smoke test before it sends them. */
function validateSmokeTest(value: unknown, where: string): void {
  if (value === undefined) return;
  const t = section<SmokeTestConfig>(value, where, ["clips", "maxWordErrorRate"]);
  if (!Array.isArray(t.clips) || t.clips.length === 0) throw new ValidationError(`${where}.clips`, `${where}.clips must list at least one clip { file, text }; got ${shown(t.clips)}.`);
  t.clips.forEach((c, i) => {
    const at = `${where}.clips[${i}]`;
    section(c, at, ["file", "text"]);
    ensure(`${at}.file`, c.file, string({ minLength: 1 }));
    ensure(`${at}.text`, c.text, spokenWords);
  });
  // Percent, like the evaluation gate's maxWordErrorRate.
  fields(where, t as unknown as Record<string, unknown>, { maxWordErrorRate: percentRule(SMOKE_TEST.maxWordErrorRate) });
}

/** A locale served from another stack's model: nothing of training may be set. */
export function validateCopiedLocale(value: unknown, where: string): CopiedLocaleConfig {
  const l = section<CopiedLocaleConfig>(value, where, COPIED_LOCALE_KEYS);
  ensure(`${where}.locale`, l.locale, locale);
  fields(where, l as unknown as Record<string, unknown>, { displayName: string({ maxLength: 256 }), expiryWarningDays: DAYS(1) });
  const c = section<CopiedLocaleConfig["copyFrom"]>(l.copyFrom, `${where}.copyFrom`, ["stack", "waitMinutes"]);
  ensure(`${where}.copyFrom.stack`, c.stack, (v) => (typeof v === "string" && STACK_NAME.test(v) ? undefined : 'a stack name such as "<org>/custom-speech/prod"'));
  fields(`${where}.copyFrom`, c as Record<string, unknown>, { waitMinutes: WAIT });
  validateEndpoint(l.endpoint, `${where}.endpoint`);
  validateSmokeTest(l.smokeTest, `${where}.smokeTest`);
  return l;
}

/** Whether a locale entry copies its model from another stack. */
const copies = (value: unknown): boolean => typeof value === "object" && value !== null && "copyFrom" in value;

/** Validates one locale entry; `where` is e.g. `locales[0]`. Unknown keys are errors at every level. */
export function validateLocale(value: unknown, where: string): LocaleConfig {
  const l = section<LocaleConfig>(value, where, LOCALE_KEYS);
  if (copies(l)) {
    const training = ["datasets", "baseModel", "training", "evaluation"].filter((k) => k in l);
    throw new ValidationError(`${where}.copyFrom`, `${where} copies its model (copyFrom), so it cannot also train: remove ${training.join(", ")}.`);
  }
  ensure(`${where}.locale`, l.locale, locale);
  fields(where, l as unknown as Record<string, unknown>, { displayName: string({ maxLength: 256 }), expiryWarningDays: DAYS(1) });
  if (!Array.isArray(l.datasets) || l.datasets.length === 0) throw new ValidationError(`${where}.datasets`, `${where}.datasets must list at least one dataset.`);
  const names: string[] = [];
  l.datasets.forEach((d, i) => {
    const at = `${where}.datasets[${i}]`;
    section(d, at, DATASET_KEYS);
    ensure(`${at}.name`, d.name, datasetName);
    if (names.includes(d.name)) throw new ValidationError(`${at}.name`, `${at}.name "${d.name}" is used twice; dataset names must be unique per locale.`);
    names.push(d.name);
    ensure(`${at}.kind`, d.kind, oneOf(DATASET_KINDS));
    fields(at, d as unknown as Record<string, unknown>, {
      // Checked (and quoted) without its query: it may carry a SAS token.
      contentUrl: (v) => httpsOrLoopbackUrl("https://<account>.blob.core.windows.net/<container>/<blob>")(typeof v === "string" ? v.split("?")[0] : v),
      manifest: string({ minLength: 1 }),
      file: string({ minLength: 1 }),
      contentHash: string({ maxLength: 128 }),
      waitMinutes: WAIT,
    });
    const sources = (["contentUrl", "manifest", "file"] as const).filter((k) => d[k] !== undefined);
    if (sources.length !== 1) throw new ValidationError(at, `${at} must set exactly one of contentUrl, manifest or file (got ${sources.join(", ") || "none"}).`);
  });
  const isDataset = oneOf(names);
  if (l.baseModel !== undefined) {
    fields(`${where}.baseModel`, section(l.baseModel, `${where}.baseModel`, ["id", "minAdaptationDaysLeft"]), { id: string({ minLength: 1 }), minAdaptationDaysLeft: DAYS(0) });
  }
  const training = section<LocaleConfig["training"]>(l.training, `${where}.training`, ["datasets", "customModelWeightPercent", "waitMinutes"]);
  if (!Array.isArray(training.datasets) || training.datasets.length === 0) throw new ValidationError(`${where}.training.datasets`, `${where}.training.datasets must name at least one dataset.`);
  ensureEach(`${where}.training.datasets`, training.datasets, isDataset);
  fields(`${where}.training`, training, { customModelWeightPercent: within(MODEL_WEIGHT_PERCENT), waitMinutes: WAIT });
  if (l.evaluation !== undefined) {
    const e = section<NonNullable<LocaleConfig["evaluation"]>>(l.evaluation, `${where}.evaluation`, ["dataset", "maxWordErrorRate", "minWordErrorRateImprovement", "waitMinutes"]);
    ensure(`${where}.evaluation.dataset`, e.dataset, isDataset);
    const g = GATE_BOUNDS;
    fields(`${where}.evaluation`, e, {
      // Percent, like Speech Studio shows WER (the REST API reports fractions; the Evaluation resource converts);
      // below 1 only with the sign, "0.3%".
      maxWordErrorRate: percentRule(g.maxWordErrorRate),
      minWordErrorRateImprovement: percentRule(g.minWordErrorRateImprovement),
      waitMinutes: WAIT,
    });
    for (const k of ["maxWordErrorRate", "minWordErrorRateImprovement"] as const) if (e[k] !== undefined) e[k] = percentValue(e[k]);
  }
  validateEndpoint(l.endpoint, `${where}.endpoint`);
  validateSmokeTest(l.smokeTest, `${where}.smokeTest`);
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
  // Every validation error below is reported under the setting it concerns.
  const region = str(reader, "region");
  if (!region) throw new ConfigError("region", 'is required: the Azure region, e.g. `pulumi config set region eastus`.');
  const additionalTrainingRegions = under("additionalTrainingRegions", () => strings(reader, "additionalTrainingRegions") ?? []);
  const inferenceOnly = under("inferenceOnly", () => bool(reader, "inferenceOnly", CONFIG_DEFAULTS.inferenceOnly));

  const existingRaw = under("existingSpeech", () => obj<Omit<ExistingSpeechAccountArgs, "key">>(reader, "existingSpeech", EXISTING_SPEECH_KEYS));
  let speech: StackConfig["speech"];
  if (existingRaw) {
    for (const k of ["endpoint", "region", "resourceId"] as const) {
      if (typeof existingRaw[k] !== "string") throw new ConfigError("existingSpeech", `needs ${k} (endpoint, region and resourceId are required).`);
    }
    if (existingRaw.sku !== undefined) under("existingSpeech", () => ensureOneOf("existingSpeech.sku", existingRaw.sku, SPEECH_SKUS));
    const key = reader.getSecret("existingSpeechKey");
    speech = {
      mode: "existing",
      // The key is read from the stack config on every provider operation (refresh and destroy included), so
      // `pulumi config set --secret existingSpeechKey <new key>` is all a key rotation takes.
      existing: { ...existingRaw, key, keyConfig: key && "existingSpeechKey", inferenceOnly, additionalTrainingRegions },
    };
  } else {
    validateTrainingRegionFor(region, inferenceOnly, additionalTrainingRegions);
    speech = {
      mode: "create",
      settings: {
        accountName: str(reader, "speechAccountName"),
        sku: under("sku", () => ensureOneOf("sku", str(reader, "sku"), SPEECH_SKUS, { fallback: CONFIG_DEFAULTS.sku })),
        inferenceOnly,
        additionalTrainingRegions,
        disableLocalAuth: under("disableLocalAuth", () => bool(reader, "disableLocalAuth", CONFIG_DEFAULTS.disableLocalAuth)),
        publicNetworkAccess: str(reader, "publicNetworkAccess") as SpeechSettings["publicNetworkAccess"],
        networkAcls: under("networkAcls", () => obj<NetworkAcls>(reader, "networkAcls", ["defaultAction", "ipRules", "virtualNetworkSubnetIds", "bypass"])),
        bringYourOwnStorage: under("bringYourOwnStorage", () => bool(reader, "bringYourOwnStorage", CONFIG_DEFAULTS.bringYourOwnStorage)),
        restore: under("restoreSoftDeleted", () => bool(reader, "restoreSoftDeleted", CONFIG_DEFAULTS.restoreSoftDeleted)),
        contributors: under("contributors", () => principals(reader, "contributors")),
        users: under("users", () => principals(reader, "users")),
      },
    };
  }

  const lifecycle = under("dataLifecycle", () => {
    const v = parsed(reader, "dataLifecycle");
    return v === undefined || v === false ? v : section<DataLifecycle>(v, "dataLifecycle", ["tierToCoolAfterDays", "deleteAfterDays", "containers"]);
  });
  // An existing Speech resource's identity still needs to read the training data (dataset URLs without SAS).
  const existingIdentity = speech.mode === "existing" && speech.existing.principalId;
  const dataReaders = [
    ...(under("dataReaders", () => principals(reader, "dataReaders")) ?? []),
    ...(existingIdentity ? [{ principalId: existingIdentity, principalType: "ServicePrincipal" as const }] : []),
  ];
  const storage: StorageSettings = {
    storageAccountName: str(reader, "storageAccountName"),
    sku: str(reader, "storageSku") as StorageSettings["sku"],
    containers: under("containers", () => obj(reader, "containers", CONTAINER_KINDS)),
    lifecycle: lifecycle as DataLifecycle | false | undefined,
    publicNetworkAccess: str(reader, "storagePublicNetworkAccess") as StorageSettings["publicNetworkAccess"],
    networkDefaultAction: str(reader, "storageNetworkDefaultAction") as StorageSettings["networkDefaultAction"],
    ipRules: under("storageIpRules", () => strings(reader, "storageIpRules")),
    dataReaders,
    dataContributors: under("dataContributors", () => principals(reader, "dataContributors")),
  };

  const existingStorage = under("existingStorage", () => obj<ExistingTrainingDataStoreArgs>(reader, "existingStorage", ["blobEndpoint", "accountName", "containers"]));
  if (existingStorage && typeof existingStorage.blobEndpoint !== "string") {
    throw new ConfigError("existingStorage", 'needs blobEndpoint, e.g. {"blobEndpoint": "https://<account>.blob.core.windows.net"}.');
  }
  if (existingStorage?.containers !== undefined) under("existingStorage", () => section(existingStorage.containers, "existingStorage.containers", CONTAINER_KINDS));

  const tags = under("tags", () => {
    const t = parsed(reader, "tags");
    if (t === undefined) return {};
    if (typeof t !== "object" || t === null || Array.isArray(t)) throw new ValidationError("tags", `tags must be an object of strings; got ${shown(t)}.`);
    for (const [k, v] of Object.entries(t)) ensure(`tags.${k}`, v, string({ maxLength: 256 }));
    return t as Record<string, string>;
  });

  const tuning = under("tuning", () => {
    const t = obj<Tuning>(reader, "tuning", Object.keys(TUNING_BOUNDS));
    if (t) fields("tuning", t as Record<string, unknown>, Object.fromEntries(Object.entries(TUNING_BOUNDS).map(([k, b]) => [k, within(b)])));
    return t;
  });

  const entries = under("locales", () => list(reader, "locales")) ?? [];
  const locales = entries.flatMap((l, i) => (copies(l) && !trainsToo(l) ? [] : [under("locales", () => validateLocale(l, `locales[${i}]`))]));
  const copiedLocales = entries.flatMap((l, i) => (copies(l) && !trainsToo(l) ? [under("locales", () => validateCopiedLocale(l, `locales[${i}]`))] : []));
  const seen = [...locales, ...copiedLocales].map((l) => l.locale);
  const twice = seen.find((l, i) => seen.indexOf(l) !== i);
  if (twice) throw new ConfigError("locales", `"${twice}" appears twice; use one entry per locale.`);
  checkDatasetLimit(speech, locales);

  const sourceKeyConfig = reader.getSecret("sourceSpeechKey") ? "sourceSpeechKey" : undefined;
  const protectEndpoints = under("protectEndpoints", () => bool(reader, "protectEndpoints", CONFIG_DEFAULTS.protectEndpoints));
  return { region, resourceGroupName: str(reader, "resourceGroupName"), tags, speech, storage, existingStorage, locales, copiedLocales, sourceKeyConfig, tuning, protectEndpoints };
}

/** An entry with copyFrom and training keys is reported by validateLocale (it names the keys to remove). */
const trainsToo = (l: unknown): boolean => ["datasets", "baseModel", "training", "evaluation"].some((k) => k in (l as object));

const EXISTING_SPEECH_KEYS = ["endpoint", "region", "resourceId", "principalId", "sku"] as const;

/** The SKU of the Speech resource the stack deploys to, when the config tells it. */
export function speechSku(speech: StackConfig["speech"]): (typeof SPEECH_SKUS)[number] | undefined {
  return speech.mode === "create" ? speech.settings.sku : speech.existing.sku;
}

/** The datasets a stack declares must fit the SKU's per-resource limit (F0: 2), or no deployment can succeed. */
function checkDatasetLimit(speech: StackConfig["speech"], locales: LocaleConfig[]): void {
  const sku = speechSku(speech);
  const declared = locales.reduce((n, l) => n + l.datasets.length, 0);
  if (sku && declared > SKU_LIMITS[sku].datasets) {
    throw new ConfigError(
      "locales",
      `declares ${declared} datasets, but a ${sku} Speech resource holds at most ${SKU_LIMITS[sku].datasets}; use S0 or declare fewer datasets.`,
    );
  }
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
