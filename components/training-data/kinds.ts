// What each dataset kind looks like on disk and in blob storage, and the option values users may pass.
// Every parser here throws an error that names the property and the allowed values.
import type { DatasetKind } from "../speech-api/models";

export type { DatasetKind };
export type Sku = "F0" | "S0";
export type Purpose = "training" | "test";

export const DATASET_KINDS: readonly DatasetKind[] = [
  "Acoustic",
  "AudioFiles",
  "Language",
  "LanguageMarkdown",
  "Pronunciation",
  "OutputFormatting",
];
export const SKUS: readonly Sku[] = ["F0", "S0"];
export const PURPOSES: readonly Purpose[] = ["training", "test"];

/** Audio kinds are zipped (audio files, plus `trans.txt` for Acoustic, at the zip root); text kinds upload one file as is. */
export type Packaging = "zip" | "file";

export interface KindLayout {
  packaging: Packaging;
  /** Extensions accepted for the single text file of a text kind. */
  textExtensions?: readonly string[];
}

export const KIND_LAYOUT: Readonly<Record<DatasetKind, KindLayout>> = {
  Acoustic: { packaging: "zip" },
  AudioFiles: { packaging: "zip" },
  Language: { packaging: "file", textExtensions: [".txt"] },
  LanguageMarkdown: { packaging: "file", textExtensions: [".md", ".txt"] },
  Pronunciation: { packaging: "file", textExtensions: [".txt"] },
  OutputFormatting: { packaging: "file", textExtensions: [".md", ".txt"] },
};

/** The transcript file of an Acoustic dataset, at the zip root. */
export const TRANSCRIPT_FILE = "trans.txt";

/** Containers of the TrainingDataStore layout. */
export interface ContainerLayout {
  trainingAudio: string;
  testAudio: string;
  relatedText: string;
  pronunciation: string;
  evaluationResults: string;
}

export const DEFAULT_CONTAINERS: Readonly<ContainerLayout> = {
  trainingAudio: "training-audio",
  testAudio: "test-audio",
  relatedText: "related-text",
  pronunciation: "pronunciation",
  evaluationResults: "evaluation-results",
};

/** The container a dataset goes to, unless the dataset names one itself. */
export function containerFor(kind: DatasetKind, purpose: Purpose, layout: Partial<ContainerLayout> = {}): string {
  const c = { ...DEFAULT_CONTAINERS, ...layout };
  switch (kind) {
    case "Acoustic":
      return purpose === "test" ? c.testAudio : c.trainingAudio;
    case "AudioFiles":
      return purpose === "training" ? c.trainingAudio : c.testAudio;
    case "Pronunciation":
      return c.pronunciation;
    case "Language":
    case "LanguageMarkdown":
    case "OutputFormatting":
      return c.relatedText;
  }
}

/** AudioFiles datasets are only used for testing, every other kind defaults to training. */
export function defaultPurpose(kind: DatasetKind): Purpose {
  return kind === "AudioFiles" ? "test" : "training";
}

export class InvalidOptionError extends Error {
  constructor(
    readonly property: string,
    message: string,
  ) {
    super(message);
    this.name = "InvalidOptionError";
  }
}

function oneOf<T extends string>(property: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === "string") {
    // Accept any letter case: `acoustic` is an obvious spelling of `Acoustic`.
    const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (hit) return hit;
  }
  throw new InvalidOptionError(property, `${property}: ${JSON.stringify(value)} is not allowed; allowed values: ${allowed.join(", ")}`);
}

export const parseKind = (v: unknown, property = "kind"): DatasetKind => oneOf(property, v, DATASET_KINDS);
export const parseSku = (v: unknown, property = "sku"): Sku => oneOf(property, v, SKUS);
export const parsePurpose = (v: unknown, property = "purpose"): Purpose => oneOf(property, v, PURPOSES);

/** Custom Speech locales are language[-Script]-REGION, e.g. en-US, zh-Hans-CN, es-419. One rule for every validator. */
const LOCALE = /^[a-z]{2,3}(-[A-Z][a-z]{3})?-([A-Z]{2}|[0-9]{3})$/;
export function isLocale(v: unknown): v is string {
  return typeof v === "string" && LOCALE.test(v);
}
export function parseLocale(v: unknown, property = "locale"): string {
  if (isLocale(v)) return v;
  throw new InvalidOptionError(property, `${property}: ${JSON.stringify(v)} is not a locale; expected language-REGION such as en-US or de-DE`);
}

// Dataset names become one blob path segment and a manifest key.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export function parseName(v: unknown, property = "name"): string {
  if (typeof v === "string" && NAME.test(v)) return v;
  throw new InvalidOptionError(
    property,
    `${property}: ${JSON.stringify(v)} is not a dataset name; use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit`,
  );
}

// Container names follow the Azure Storage rules.
const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
export function parseContainer(v: unknown, property = "container"): string {
  if (typeof v === "string" && CONTAINER.test(v)) return v;
  throw new InvalidOptionError(
    property,
    `${property}: ${JSON.stringify(v)} is not a container name; use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit`,
  );
}
