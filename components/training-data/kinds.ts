// What each dataset kind looks like on disk, and the parsers for the option values users pass to the training-data
// tools. The vocabulary itself (kinds, SKUs, locales, container layout) lives in ../domain; these parsers use its
// validators, so their errors name the property and the allowed values in the project's one format.
import {
  DATASET_KINDS,
  PURPOSES,
  RESERVED_CONTAINERS,
  SPEECH_SKUS,
  containerName,
  datasetName,
  ensure,
  ensureOneOf,
  locale,
  type DatasetKind,
  type Purpose,
  type SpeechSku,
} from "../domain";

export { DATASET_KINDS, PURPOSES, SPEECH_SKUS, CONTAINER_KINDS, DEFAULT_CONTAINERS, containerFor, defaultPurpose, isLocale, ValidationError } from "../domain";
export type { DatasetKind, Purpose, ContainerLayout, ContainerKind, SpeechSku } from "../domain";
export type Sku = SpeechSku;

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

// Spelt exactly, as in a stack file and the Speech API: `acoustic` is refused with "did you mean \"Acoustic\"?".
export const parseKind = (v: unknown, property = "kind"): DatasetKind => ensureOneOf(property, v, DATASET_KINDS);
export const parseSku = (v: unknown, property = "sku"): Sku => ensureOneOf(property, v, SPEECH_SKUS);
export const parsePurpose = (v: unknown, property = "purpose"): Purpose => ensureOneOf(property, v, PURPOSES);
export const parseLocale = (v: unknown, property = "locale"): string => ensure(property, v, locale);
export const parseName = (v: unknown, property = "name"): string => ensure(property, v, datasetName);
export const parseContainer = (v: unknown, property = "container"): string => ensure(property, v, containerName(RESERVED_CONTAINERS));
