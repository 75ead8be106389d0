// Base-model catalogue, supported locales and the quarterly deprecation rule
// (how-to-custom-speech-model-and-endpoint-lifecycle: quarters end Jan 15, Apr 15, Jul 15, Oct 15).
import type { BaseModel, DatasetKind, DatasetLocales } from "../components/speech-api/models";
import { iso, stableId } from "./ids";

// A subset of the Custom Speech locales, enough for stacks of many locales (the bench deploys 20).
export const LOCALES = [
  "en-US", "en-GB", "en-AU", "en-CA", "en-IN", "de-DE", "de-AT", "de-CH", "fr-FR", "fr-CA", "es-ES", "es-MX",
  "it-IT", "pt-BR", "pt-PT", "nl-NL", "ja-JP", "ko-KR", "zh-CN", "sv-SE", "da-DK", "nb-NO", "pl-PL", "fi-FI",
];

export { DATASET_KINDS } from "../components/domain/vocabulary";

export const DATASET_LOCALES: Required<DatasetLocales> = {
  Language: LOCALES,
  Acoustic: LOCALES,
  AudioFiles: LOCALES,
  Pronunciation: ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"],
  LanguageMarkdown: ["en-US", "en-GB", "de-DE", "fr-FR"],
  OutputFormatting: ["en-US", "en-GB"],
};

const DAY = 86_400_000;
const QUARTER_END_MONTHS = [0, 3, 6, 9]; // Jan, Apr, Jul, Oct (15th, 00:00 UTC)

/** The first quarter boundary strictly after `ms`: the end of the quarter `ms` falls in. */
export function endOfQuarter(ms: number): number {
  const d = new Date(ms);
  for (let year = d.getUTCFullYear(); ; year++) {
    for (const month of QUARTER_END_MONTHS) {
      const boundary = Date.UTC(year, month, 15);
      if (boundary > ms) return boundary;
    }
  }
}

function addYears(ms: number, years: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/** Training on a base model is possible until 1 year after the end of its creation quarter. */
export const adaptationDeadline = (createdMs: number): number => addYears(endOfQuarter(createdMs), 1);
/** Transcription (base or custom model) is possible until 2 years after the end of its creation quarter. */
export const transcriptionDeadline = (createdMs: number): number => addYears(endOfQuarter(createdMs), 2);

/** Base models created on/after this date bill adaptation (migrate-v3-1-to-v3-2). */
const CHARGE_FOR_ADAPTATION_FROM = Date.UTC(2023, 9, 1);

export interface CatalogueModel {
  id: string;
  locale: string;
  createdAt: number;
  displayName: string;
  adaptsWith: DatasetKind[];
  transcribe: boolean;
  containers: boolean;
}

// Ages relative to the catalogue epoch: two current models, one whose adaptation date has passed
// (transcription still allowed) and one fully deprecated, so callers must filter by the dates.
const GENERATIONS: { ageDays: number; adaptsWith: DatasetKind[]; transcribe: boolean; containers: boolean }[] = [
  { ageDays: 20, adaptsWith: ["Language", "Acoustic", "Pronunciation", "LanguageMarkdown", "OutputFormatting"], transcribe: true, containers: false },
  { ageDays: 200, adaptsWith: ["Language", "Acoustic", "Pronunciation", "LanguageMarkdown"], transcribe: true, containers: true },
  { ageDays: 500, adaptsWith: ["Language", "Acoustic", "Pronunciation"], transcribe: false, containers: true },
  { ageDays: 900, adaptsWith: ["Language", "Acoustic"], transcribe: false, containers: true },
];

const yyyymmdd = (ms: number): string => iso(ms).slice(0, 10).replace(/-/g, "");

/** The catalogue is anchored at `epoch` (the clock at first start, persisted with the state). */
export function buildCatalogue(epoch: number): CatalogueModel[] {
  const models: CatalogueModel[] = [];
  for (const locale of LOCALES) {
    for (const g of GENERATIONS) {
      const createdAt = Math.floor((epoch - g.ageDays * DAY) / DAY) * DAY;
      models.push({
        id: stableId(`base-model/${locale}/${createdAt}`),
        locale,
        createdAt,
        displayName: `${yyyymmdd(createdAt)} (${locale})`,
        adaptsWith: g.adaptsWith,
        transcribe: g.transcribe,
        containers: g.containers,
      });
    }
  }
  // A transcription-only model (like Whisper) that cannot be adapted: not a valid default for training.
  const whisperCreated = Math.floor((epoch - 120 * DAY) / DAY) * DAY;
  models.push({
    id: stableId(`base-model/en-US/whisper/${whisperCreated}`),
    locale: "en-US",
    createdAt: whisperCreated,
    displayName: `Whisper Large V3 ${yyyymmdd(whisperCreated)}`,
    adaptsWith: [],
    transcribe: false,
    containers: false,
  });
  // Newest first, as the service lists them.
  return models.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

export function renderBaseModel(m: CatalogueModel, self: (path: string) => string): BaseModel {
  return {
    self: self(`/models/base/${m.id}`),
    links: { manifest: self(`/models/base/${m.id}/manifest`) },
    properties: {
      deprecationDates: {
        adaptationDateTime: iso(adaptationDeadline(m.createdAt)),
        transcriptionDateTime: iso(transcriptionDeadline(m.createdAt)),
      },
      features: {
        supportsAdaptationsWith: m.adaptsWith,
        supportsTranscriptionsSubmit: true,
        supportsTranscriptionsTranscribe: m.transcribe,
        supportsEndpoints: true,
        supportsTranscriptionsOnSpeechContainers: m.containers,
        supportedOutputFormats: ["Display", "Lexical"],
      },
      chargeForAdaptation: m.adaptsWith.length > 0 && m.createdAt >= CHARGE_FOR_ADAPTATION_FROM,
    },
    displayName: m.displayName,
    description: `${m.locale} base model`,
    locale: m.locale,
    createdDateTime: iso(m.createdAt),
    lastActionDateTime: iso(m.createdAt),
    status: "Succeeded",
  };
}

/** The newest base model of a locale that can still be adapted with all the given dataset kinds. */
export function defaultBaseModel(catalogue: CatalogueModel[], locale: string, kinds: DatasetKind[], now: number): CatalogueModel | undefined {
  return catalogue.find(
    (m) => m.locale === locale && adaptationDeadline(m.createdAt) > now && kinds.every((k) => m.adaptsWith.includes(k)) && m.adaptsWith.length > 0,
  );
}
