// Collects what an evaluation report is made from (EvaluationInputs): the evaluation (its totals are the service's),
// per audio file what each model heard (the EvaluationDetails score files, else the two transcriptions' files), the
// references and audio (the test dataset's data zip, or the local data folder) — each with where it came from and a
// note for anything left out. Downloads run concurrently (bounded) through the client's key-less download pipeline.
import * as fs from "fs";
import * as path from "path";
import type { SpeechClient } from "../speech-api/client";
import { idFromSelf } from "../speech-api/ids";
import type { Evaluation, File } from "../speech-api/models";
import { zipEntries, zipEntryBytes, type ZipEntry } from "../training-data/unzip";
import type { AudioSource, EvaluatedFile, EvaluationInputs, HypothesisSource, ReferenceSource } from "./inputs";

export const DEFAULT_MAX_AUDIO_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_TOTAL_AUDIO_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 16;

export interface CollectOptions {
  /** The test set's local folder (as `sync-data` reads it: audio files and trans.txt at its root): references and audio come from it instead of the dataset's files. */
  localData?: string;
  /** Audio larger than this is left out (`{ omitted }`); default 2 MiB per file. */
  maxAudioBytes?: number;
  /** Audio is left out once the files embedded so far reach this; default 32 MiB. */
  maxTotalAudioBytes?: number;
  /** false: no audio at all (e.g. a Markdown or JSON report). Default true. */
  audio?: boolean;
  /** Downloads at once; default 16. */
  concurrency?: number;
  /** The gate the stack applied (percent), shown with the verdict. */
  gate?: EvaluationInputs["gate"];
}

/** What a score or transcription file says was heard in one audio file. */
export interface HeardFile {
  /** The audio file's name, when the file names it (`source`). */
  source?: string;
  /** `model.self` when the file names its model. */
  modelSelf?: string;
  /** What was heard (lexical form where given). */
  text: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** An audio file's name from a `source` (a name, a path or a URL, whose query is dropped). */
function sourceName(source: string | undefined): string | undefined {
  if (!source) return undefined;
  let p = source;
  try {
    if (/^[a-z]+:\/\//i.test(source)) p = decodeURIComponent(new URL(source).pathname);
  } catch {
    /* keep as given */
  }
  return p.split(/[\\/]/).pop() || undefined;
}

/** The heard words of a `scoringResult`: deletions dropped, the other tags removed. */
export function heardFromScoringResult(scoring: string): string {
  return scoring
    .replace(/<deletion\b[^>]*>[\s\S]*?<\/deletion>/gi, " ")
    .replace(/<\/?[a-z][^>]*>/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function bestText(best: unknown): string | undefined {
  if (!isObject(best)) return undefined;
  const scoring = str(best.scoringResult);
  return str(best.lexical) ?? (scoring !== undefined ? heardFromScoringResult(scoring) : undefined) ?? str(best.display);
}

/**
 * A score file (kind EvaluationDetails). Its content is not documented; what is known publicly is
 * `recognizedPhrases[].nBest[0]` with a `scoringResult` carrying inline `<insertion>`/`<deletion>`/`<substitution>`
 * tags. Returns what was heard, or why the file cannot be read.
 */
export function parseScoreFile(text: string): HeardFile | { problem: string } {
  const parsed = jsonObject(text);
  if (!("json" in parsed)) return parsed;
  const json = parsed.json;
  const phrases = json.recognizedPhrases;
  if (!Array.isArray(phrases)) return { problem: "no recognizedPhrases array" };
  const texts: string[] = [];
  for (const [i, phrase] of phrases.entries()) {
    const nBest = isObject(phrase) ? phrase.nBest : undefined;
    const t = Array.isArray(nBest) ? bestText(nBest[0]) : undefined;
    if (t === undefined) return { problem: `recognizedPhrases[${i}].nBest[0] has no lexical, scoringResult or display text` };
    texts.push(t);
  }
  const model = isObject(json.model) ? str(json.model.self) : undefined;
  return { source: sourceName(str(json.source)), ...(model && { modelSelf: model }), text: texts.join(" ").trim() };
}

/** A file's text as a JSON object, or why it is not one. */
function jsonObject(text: string): { json: Record<string, unknown> } | { problem: string } {
  try {
    const json: unknown = JSON.parse(text);
    return isObject(json) ? { json } : { problem: "not a JSON object" };
  } catch {
    return { problem: "not JSON" };
  }
}

/** A transcription result file (kind Transcription, the batch transcription shape). */
export function parseTranscriptionFile(text: string): HeardFile | { problem: string } {
  const parsed = jsonObject(text);
  if (!("json" in parsed)) return parsed;
  const json = parsed.json;
  const combined = Array.isArray(json.combinedRecognizedPhrases) ? json.combinedRecognizedPhrases.filter(isObject) : [];
  const fromCombined = combined.length > 0 ? combined.map((c) => str(c.lexical) ?? str(c.display)) : undefined;
  if (fromCombined && fromCombined.every((t) => t !== undefined)) return { source: sourceName(str(json.source)), text: fromCombined.join(" ").trim() };
  if (Array.isArray(json.recognizedPhrases)) {
    const texts = json.recognizedPhrases.map((p) => (isObject(p) && Array.isArray(p.nBest) ? bestText(p.nBest[0]) : undefined));
    if (texts.every((t) => t !== undefined)) return { source: sourceName(str(json.source)), text: texts.join(" ").trim() };
  }
  return { problem: "neither combinedRecognizedPhrases nor recognizedPhrases[].nBest[0] gives the text" };
}

/** Runs `fn` over `items`, at most `limit` at once, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const some = (names: readonly string[], max = 5): string => (names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`);
const mib = (n: number): string => (n < 1024 * 1024 ? `${Math.round(n / 1024)} KiB` : `${(n / (1024 * 1024)).toFixed(1)} MiB`);
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

type Heard = Map<string, { hypothesis1?: string; hypothesis2?: string }>;

/** The audio file's name of a score file: its `source`, else the file name without the model folder and `.json`. */
const audioNameOf = (file: File, heard: HeardFile): string => heard.source ?? sourceName((file.name ?? "").replace(/\.json$/i, "")) ?? file.name ?? "";

/** Which model a score file is for: its `model.self`, else `model1`/`model2` in its name. */
function modelOf(file: File, heard: HeardFile, evaluation: Evaluation): 1 | 2 | undefined {
  const id = (self: string | undefined) => (self ? idFromSelf(self).toLowerCase() : undefined);
  if (heard.modelSelf) {
    const mine = id(heard.modelSelf);
    if (mine === id(evaluation.model1?.self)) return 1;
    if (mine === id(evaluation.model2?.self)) return 2;
  }
  const m = /(?:^|[/_.-])model([12])(?:[/_.-]|$)/i.exec(file.name ?? "");
  return m ? (Number(m[1]) as 1 | 2) : undefined;
}

async function heardFromFiles(
  client: SpeechClient,
  files: File[],
  concurrency: number,
  parse: (text: string) => HeardFile | { problem: string },
  model: (file: File, heard: HeardFile) => 1 | 2 | undefined,
): Promise<{ heard: Heard; problems: string[] }> {
  const heard: Heard = new Map();
  const problems: string[] = [];
  await mapLimit(files, concurrency, async (file) => {
    const url = file.links?.contentUrl;
    if (!url) return void problems.push(`${file.name} (no content URL)`);
    let parsed;
    try {
      parsed = parse((await client.downloadFile(url)).toString("utf8"));
    } catch (e) {
      return void problems.push(`${file.name} (${errorText(e)})`);
    }
    if ("problem" in parsed) return void problems.push(`${file.name} (${parsed.problem})`);
    const n = model(file, parsed);
    if (!n) return void problems.push(`${file.name} (cannot tell which model it is for)`);
    const name = audioNameOf(file, parsed);
    const entry = heard.get(name) ?? {};
    entry[`hypothesis${n}`] = parsed.text;
    heard.set(name, entry);
  });
  return { heard, problems };
}

interface AudioItem {
  name: string;
  size: number;
  read(): Buffer;
}

interface TestSetContent {
  references?: Map<string, string>;
  audio: AudioItem[];
}

const AUDIO_TYPES: Record<string, string> = { ".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".flac": "audio/flac", ".webm": "audio/webm", ".m4a": "audio/mp4" };
const mimeOf = (name: string): string | undefined => AUDIO_TYPES[path.extname(name).toLowerCase()];

function parseTrans(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.replace(/^\ufeff/, "").split(/\r?\n/)) {
    const tab = line.indexOf("\t");
    if (tab > 0) refs.set(line.slice(0, tab).trim(), line.slice(tab + 1).trim());
  }
  return refs;
}

function localContent(dir: string): TestSetContent {
  const names = fs.readdirSync(dir).filter((n) => !n.startsWith("."));
  const trans = names.find((n) => n.toLowerCase() === "trans.txt");
  const audio = names
    .filter((n) => mimeOf(n))
    .sort()
    .map((name) => {
      const full = path.join(dir, name);
      return { name, size: fs.statSync(full).size, read: () => fs.readFileSync(full) };
    });
  return { ...(trans && { references: parseTrans(fs.readFileSync(path.join(dir, trans), "utf8")) }), audio };
}

function zipContent(bytes: Buffer): TestSetContent {
  const entries = zipEntries(bytes).filter((e) => !e.name.endsWith("/"));
  const base = (e: ZipEntry) => e.name.split("/").pop() ?? e.name;
  const trans = entries.find((e) => base(e).toLowerCase() === "trans.txt");
  const audio = entries
    .filter((e) => mimeOf(e.name))
    .map((e) => ({ name: base(e), size: e.size, read: () => zipEntryBytes(bytes, e) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...(trans && { references: parseTrans(zipEntryBytes(bytes, trans).toString("utf8")) }), audio };
}

/** The evaluation's id from an id or a self URI. */
function evaluationId(evaluation: string): string {
  if (typeof evaluation !== "string" || evaluation.trim() === "") throw new TypeError("collectEvaluation: evaluation must be an evaluation id or its self URI");
  return /^https?:\/\//i.test(evaluation) ? idFromSelf(evaluation) : evaluation.trim();
}

async function displayName(get: () => Promise<{ displayName?: string }>): Promise<string | undefined> {
  try {
    return (await get()).displayName;
  } catch {
    return undefined;
  }
}

function modelName(client: SpeechClient, self: string | undefined): Promise<string | undefined> {
  if (!self) return Promise.resolve(undefined);
  const id = idFromSelf(self);
  return displayName(() => (/\/models\/base\//.test(self) ? client.getBaseModel(id) : client.getModel(id)));
}

/**
 * Everything a report of one evaluation shows. Never throws for a part it cannot read (names, references, audio,
 * score files): that part is left out and a note says which and why. Throws when the evaluation itself cannot be read.
 */
export async function collectEvaluation(client: SpeechClient, evaluation: string, options: CollectOptions = {}): Promise<EvaluationInputs> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`CollectOptions.concurrency must be a positive integer, got ${concurrency}`);
  const maxAudio = options.maxAudioBytes ?? DEFAULT_MAX_AUDIO_BYTES;
  const maxTotal = options.maxTotalAudioBytes ?? DEFAULT_MAX_TOTAL_AUDIO_BYTES;
  for (const [name, v] of [["maxAudioBytes", maxAudio], ["maxTotalAudioBytes", maxTotal]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`CollectOptions.${name} must be a non-negative integer number of bytes, got ${v}`);
  }
  const id = evaluationId(evaluation);
  const ev = await client.getEvaluation(id);
  const notes: string[] = [];
  const [model1, model2, dataset] = await Promise.all([
    modelName(client, ev.model1?.self),
    modelName(client, ev.model2?.self),
    ev.dataset?.self ? displayName(() => client.getDataset(idFromSelf(ev.dataset!.self!))) : Promise.resolve(undefined),
  ]);
  const names = { ...(model1 && { model1 }), ...(model2 && { model2 }), ...(dataset && { dataset }) };
  const base = { evaluation: ev, ...(Object.keys(names).length > 0 && { names }), ...(options.gate && { gate: options.gate }) };
  if (ev.status !== "Succeeded") {
    notes.push(`The evaluation is ${ev.status ?? "in an unknown state"}: the service has no per-file results for it.`);
    return { ...base, files: [], sources: { hypotheses: "none", references: "none", audio: "none" }, notes };
  }

  // What the models heard, and the test set, fetched side by side.
  const [heardResult, content] = await Promise.all([hypotheses(client, ev, id, concurrency, notes), testSet(client, ev, options, notes)]);

  const all = new Set<string>([...heardResult.heard.keys(), ...(content.content?.references?.keys() ?? []), ...(content.content?.audio.map((a) => a.name) ?? [])]);
  const audioByName = new Map((content.content?.audio ?? []).map((a) => [a.name, a]));
  let embedded = 0;
  const tooLarge: string[] = [];
  const overTotal: string[] = [];
  const files: EvaluatedFile[] = [...all].sort().map((name) => {
    const h = heardResult.heard.get(name) ?? {};
    const reference = content.content?.references?.get(name);
    const file: EvaluatedFile = { name, ...(reference !== undefined && { reference }), ...(h.hypothesis1 !== undefined && { hypothesis1: h.hypothesis1 }), ...(h.hypothesis2 !== undefined && { hypothesis2: h.hypothesis2 }) };
    const item = audioByName.get(name);
    if (options.audio === false || !item) return file;
    if (item.size > maxAudio) {
      tooLarge.push(name);
      return { ...file, audio: { omitted: `${mib(item.size)} is over the ${mib(maxAudio)} cap per file` } };
    }
    if (embedded + item.size > maxTotal) {
      overTotal.push(name);
      return { ...file, audio: { omitted: `the report's ${mib(maxTotal)} audio cap was reached` } };
    }
    embedded += item.size;
    return { ...file, audio: { mimeType: mimeOf(name) ?? "application/octet-stream", bytes: item.read() } };
  });
  if (heardResult.source !== "none") {
    for (const n of [1, 2] as const) {
      const without = files.filter((f) => f[`hypothesis${n}`] === undefined).map((f) => f.name);
      if (without.length) notes.push(`No hypothesis of model${n} for ${without.length} audio file(s): ${some(without)}.`);
    }
  }
  if (tooLarge.length) notes.push(`Audio of ${tooLarge.length} file(s) over the ${mib(maxAudio)} cap per file was left out: ${some(tooLarge)}.`);
  if (overTotal.length) notes.push(`Audio of ${overTotal.length} file(s) was left out once the report held ${mib(maxTotal)} of audio: ${some(overTotal)}.`);
  if (options.audio === false) notes.push("Audio was left out on request.");
  const audio: AudioSource = options.audio === false || !content.content?.audio.length ? "none" : content.source;
  const references: ReferenceSource = content.content?.references ? content.source : "none";
  return { ...base, files, sources: { hypotheses: heardResult.source, references, audio }, notes };
}

/** The score files when every one of them reads; else the two transcriptions' files; notes say which and why. */
async function hypotheses(client: SpeechClient, ev: Evaluation, id: string, concurrency: number, notes: string[]): Promise<{ heard: Heard; source: HypothesisSource }> {
  let details: File[] = [];
  try {
    details = (await client.listEvaluationFiles(id)).filter((f) => f.kind === "EvaluationDetails");
  } catch (e) {
    notes.push(`The evaluation's score files could not be listed: ${errorText(e)}.`);
  }
  let partial: Heard | undefined;
  if (details.length > 0) {
    const fromDetails = await heardFromFiles(client, details, concurrency, parseScoreFile, (f, h) => modelOf(f, h, ev));
    if (fromDetails.problems.length === 0) return { heard: fromDetails.heard, source: "evaluation-details" };
    notes.push(`${fromDetails.problems.length} of ${details.length} score files (EvaluationDetails) could not be read, so what the models heard comes from the transcription files: ${some(fromDetails.problems, 3)}.`);
    partial = fromDetails.heard;
  } else {
    notes.push("The evaluation lists no score files (EvaluationDetails): what the models heard comes from the transcription files.");
  }
  const heard: Heard = new Map();
  const missing: string[] = [];
  for (const n of [1, 2] as const) {
    const self = ev[`transcription${n}`]?.self;
    if (!self) {
      missing.push(`transcription${n} (not linked)`);
      continue;
    }
    try {
      const files = (await client.listTranscriptionFiles(idFromSelf(self))).filter((f) => f.kind === "Transcription");
      const got = await heardFromFiles(client, files, concurrency, parseTranscriptionFile, () => n);
      if (got.problems.length) notes.push(`${got.problems.length} transcription file(s) of transcription${n} could not be read: ${some(got.problems, 3)}.`);
      if (files.length === 0) missing.push(`transcription${n} (no files)`);
      else if (got.heard.size === 0) missing.push(`transcription${n} (none of its files could be read)`);
      for (const [name, h] of got.heard) heard.set(name, { ...heard.get(name), ...h });
    } catch (e) {
      missing.push(`transcription${n} (${errorText(e)})`);
    }
  }
  if (missing.length === 0) return { heard, source: "transcriptions" };
  if (partial && partial.size > 0) {
    notes.push(`The transcription files could not be read either (${missing.join("; ")}): the score files that could be read are shown.`);
    return { heard: partial, source: "evaluation-details" };
  }
  notes.push(`What the models heard could not be read: ${missing.join("; ")}.`);
  return { heard, source: heard.size > 0 ? "transcriptions" : "none" };
}

/** References and audio: the local folder when given, else the test dataset's data zip. */
async function testSet(client: SpeechClient, ev: Evaluation, options: CollectOptions, notes: string[]): Promise<{ content?: TestSetContent; source: ReferenceSource & AudioSource }> {
  if (options.localData) {
    try {
      return { content: localContent(options.localData), source: "local-data" };
    } catch (e) {
      notes.push(`The local test set ${options.localData} could not be read: ${errorText(e)}.`);
      return { source: "none" };
    }
  }
  const datasetSelf = ev.dataset?.self;
  if (!datasetSelf) {
    notes.push("The evaluation names no dataset: no references or audio.");
    return { source: "none" };
  }
  try {
    const files = await client.listDatasetFiles(idFromSelf(datasetSelf));
    const data = files.find((f) => f.kind === "AcousticDataArchive" || f.kind === "Audio" || /\.zip$/i.test(f.name ?? ""));
    if (!data?.links?.contentUrl) {
      notes.push("The test dataset lists no data archive: no references or audio.");
      return { source: "none" };
    }
    return { content: zipContent(await client.downloadFile(data.links.contentUrl)), source: "dataset-files" };
  } catch (e) {
    notes.push(`The test dataset's data could not be read (${errorText(e)}): no references or audio.`);
    return { source: "none" };
  }
}
