// The newest base model that can still be trained on: the rule (selectBaseModel), the Model's create uses it (with
// baseModelPolicy), and getBaseModel offers it to programs as a read (like a data source: it runs in previews too).
import * as pulumi from "@pulumi/pulumi";
import type * as m from "../speech-api/models";
import { SpeechClient, idFromSelf } from "../speech-api";
import type { DatasetKind } from "../training-data/kinds";

export interface GetBaseModelArgs {
  speech: { endpoint: string; key?: string };
  locale: string;
  /** Dataset kinds the model must accept for adaptation (default: Language). */
  adaptationKinds?: DatasetKind[];
  /** Days that must remain before the adaptation (training) deprecation date (default 30). */
  minAdaptationDaysLeft?: number;
  /** Only models that can back an endpoint (default true). */
  requireEndpoints?: boolean;
  /** For tests: "now" in epoch ms. */
  now?: number;
}

export interface BaseModelResult {
  id: string;
  self: string;
  displayName: string;
  locale: string;
  createdDateTime: string | null;
  adaptationExpiry: string | null;
  transcriptionExpiry: string | null;
  supportsAdaptationsWith: string[];
  /** Whether training on it is charged (base models from 2023-10-01 on). */
  chargeForAdaptation: boolean | null;
}

const DAY = 24 * 60 * 60 * 1000;

/** Pure selection rule, separated for tests: newest first among models that qualify. */
export function selectBaseModel(models: m.BaseModel[], args: Omit<GetBaseModelArgs, "speech">): BaseModelResult {
  const kinds = args.adaptationKinds?.length ? args.adaptationKinds : ["Language"];
  const minDays = args.minAdaptationDaysLeft ?? 30;
  const now = args.now ?? Date.now();
  const needEndpoints = args.requireEndpoints ?? true;
  const ofLocale = models.filter((b) => b.locale === args.locale);
  const why: string[] = [];
  const ok = ofLocale.filter((b) => {
    const f = b.properties?.features;
    const adapt = b.properties?.deprecationDates?.adaptationDateTime;
    const missing = kinds.filter((k) => !(f?.supportsAdaptationsWith ?? []).includes(k as m.DatasetKind));
    if (missing.length) return why.push(`${b.displayName}: no adaptation with ${missing.join(", ")}`), false;
    if (needEndpoints && f?.supportsEndpoints === false) return why.push(`${b.displayName}: cannot back an endpoint`), false;
    if (adapt && Date.parse(adapt) - now < minDays * DAY) {
      return why.push(`${b.displayName}: adaptation ends ${adapt.slice(0, 10)} (< ${minDays} days away)`), false;
    }
    return true;
  });
  ok.sort((a, b) => Date.parse(b.createdDateTime ?? "0") - Date.parse(a.createdDateTime ?? "0"));
  const best = ok[0];
  if (!best) {
    throw new Error(
      `getBaseModel: no base model for locale ${args.locale} supports adaptation with ${kinds.join(", ")} ` +
        `with at least ${minDays} days before its adaptation date` +
        (ofLocale.length ? ` (${why.join("; ")})` : ` (the Speech resource lists no base model for ${args.locale})`),
    );
  }
  return {
    id: idFromSelf(best.self as string),
    self: best.self as string,
    displayName: best.displayName,
    locale: best.locale,
    createdDateTime: best.createdDateTime ?? null,
    adaptationExpiry: best.properties?.deprecationDates?.adaptationDateTime ?? null,
    transcriptionExpiry: best.properties?.deprecationDates?.transcriptionDateTime ?? null,
    supportsAdaptationsWith: best.properties?.features?.supportsAdaptationsWith ?? [],
    chargeForAdaptation: best.properties?.chargeForAdaptation ?? null,
  };
}

/** How a Model picks its base model at create when none is named. */
export interface BaseModelPolicy {
  adaptationKinds?: DatasetKind[];
  minAdaptationDaysLeft?: number;
}

/** The locale's base models (filtered by the service where it can, else by us). */
export async function listBaseModels(client: SpeechClient, locale: string): Promise<m.BaseModel[]> {
  try {
    return await client.listBaseModels({ filter: `locale eq '${locale}'` });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 400) throw e;
    return client.listBaseModels();
  }
}

/** The newest base model for a locale that supports the needed adaptation and is at least N days from its adaptation date. */
export async function getBaseModel(args: GetBaseModelArgs): Promise<BaseModelResult> {
  const client = new SpeechClient({ endpoint: args.speech.endpoint, key: args.speech.key });
  return selectBaseModel(await listBaseModels(client, args.locale), args);
}

/** `getBaseModel` over `pulumi.Input`s, for programs. */
export function getBaseModelOutput(args: { [K in keyof GetBaseModelArgs]: pulumi.Input<GetBaseModelArgs[K]> }): pulumi.Output<BaseModelResult> {
  return pulumi.output(args).apply((a) => getBaseModel(a as GetBaseModelArgs));
}
