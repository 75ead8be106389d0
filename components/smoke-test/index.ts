// The smoke test of a deployed endpoint: known short clips sent to it through short-audio recognition with its
// endpoint id, each result compared with the clip's expected text by the report's word alignment (sclite's), and a
// clip failing when its WER is above the threshold. No Pulumi here: the CLI and deploy jobs call it after `up`.
import * as fs from "fs";
import type { TokenCredential } from "@azure/core-auth";
import { SMOKE_TEST, ValidationError, ensure, httpsOrLoopbackUrl, locale as localeRule, percentRule, percentValue, uuid, type PercentText } from "../domain";
import { ALIGNMENT_RULE, align, type AlignedOp, type AlignedWord } from "../evaluation-report/alignment";
import { RecognitionClient, SpeechApiError, SpeechClient, isRegionalEndpoint, lexicalText, recognitionUrl, redact, type RecognitionResult } from "../speech-api";
import type { Endpoint } from "../speech-api/models";
import { checkClips, type CheckedClip, type SmokeClip } from "./clips";

export { MAX_CLIP_SECONDS, checkClip, checkClips, type CheckedClip, type SmokeClip } from "./clips";
export { ALIGNMENT_RULE, type AlignedOp, type AlignedWord };
export { changedLocales, deployedEndpoints, type DeployedEndpoints } from "./stack-export";

export interface SmokeTestOptions {
  /** The Speech resource's endpoint, e.g. https://<name>.cognitiveservices.azure.com (the stack's `speechEndpoint`). */
  endpoint: string;
  /** The deployed endpoint's id (the stack's `locales.<locale>.endpointId`). */
  endpointId: string;
  locale: string;
  clips: SmokeClip[];
  /** The highest WER a clip may have, in PERCENT like the evaluation gate (default 20; below 1 % as "0.5%"). */
  maxWordErrorRate?: number | PercentText;
  /** Ocp-Apim-Subscription-Key; without it `credential` (default DefaultAzureCredential, custom-domain endpoints only). */
  key?: string;
  credential?: TokenCredential;
  /** Relative clip paths are resolved against this folder (default: the working directory). */
  baseDir?: string;
  /** What errors call the clips (default "clips"; the CLI says "--clip", a stack "locales[0].smokeTest.clips"). */
  clipsProperty?: string;
  /** Retries of refused connections, throttling and 5xx (default 3), and the first delay (default 1000 ms). */
  maxRetries?: number;
  retryDelayInMs?: number;
  /** Extra CA (PEM) to trust, e.g. the emulator's in TLS mode. */
  tlsCa?: string;
  /** Called after each clip, e.g. to print progress. */
  onClip?: (result: ClipResult) => void;
}

export interface ClipResult {
  file: string;
  expected: string;
  /** What the endpoint heard, in lexical form (NBest[0].Lexical); empty when it recognized nothing. */
  heard: string;
  /** The display form (DisplayText). */
  display: string;
  /** RecognitionStatus: Success, NoMatch, InitialSilenceTimeout, … */
  recognitionStatus: string;
  /** Words of the expected text, and the alignment's counts. */
  words: number;
  correct: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** (S + D + I) / N as a FRACTION, as the Speech API reports rates. */
  wordErrorRate: number;
  passed: boolean;
  steps: AlignedWord[];
}

export interface SmokeTestResult {
  endpointId: string;
  locale: string;
  /** Where the clips were sent. */
  recognitionUrl: string;
  /** PERCENT. */
  maxWordErrorRate: number;
  alignmentRule: string;
  passed: boolean;
  clips: ClipResult[];
}

/**
 * The service could not be asked: the Speech resource or its recognition host is unreachable, refused the
 * credentials, or has no such endpoint (`target` names the endpoint id or the URL).
 */
export class SmokeTestAccessError extends Error {
  constructor(
    message: string,
    readonly target: string,
  ) {
    super(message);
    this.name = "SmokeTestAccessError";
  }
}

function checkOptions(o: SmokeTestOptions): { maxWordErrorRate: number; clips: CheckedClip[] } {
  ensure("endpoint", o.endpoint, httpsOrLoopbackUrl());
  if (!o.key && o.endpoint.startsWith("http:")) {
    throw new ValidationError("endpoint", `endpoint ${o.endpoint} is plain http: Microsoft Entra ID tokens go over https only; give a key.`);
  }
  if (!o.key && isRegionalEndpoint(o.endpoint)) {
    throw new ValidationError(
      "endpoint",
      `endpoint ${o.endpoint} is regional: Microsoft Entra ID needs the Speech resource's custom domain (https://<name>.cognitiveservices.azure.com); give that endpoint, or a key.`,
    );
  }
  ensure("endpointId", o.endpointId, uuid);
  ensure("locale", o.locale, localeRule);
  // The one percent rule of the gates: 0.3 would most likely mean 30 % (the API reports fractions).
  const given = o.maxWordErrorRate ?? SMOKE_TEST.defaultMaxWordErrorRate;
  ensure("maxWordErrorRate", given, percentRule(SMOKE_TEST.maxWordErrorRate));
  return { maxWordErrorRate: percentValue(given), clips: checkClips(o.clips, o.clipsProperty ?? "clips", o.baseDir) };
}

/** An error of a call as what it means for the smoke test: the service out of reach or refusing, else as it is. */
function accessProblem(e: unknown, where: string, secrets: (string | undefined)[]): unknown {
  if (!(e instanceof SpeechApiError)) return e;
  const status = e.statusCode;
  const message = redact(e.message, secrets);
  // A transport error has a code (ECONNREFUSED, ENOTFOUND…); without one, no request left (e.g. no Entra token).
  if (status === undefined) return new SmokeTestAccessError(`${where} ${e.code ? "is unreachable" : "could not be asked"}: ${message}`, where);
  if (status === 401 || status === 403) return new SmokeTestAccessError(`${where} refused the credentials (${status}): ${message}`, where);
  if (status === 429 || status >= 500) return new SmokeTestAccessError(`${where} did not answer (${status}) after retries: ${message}`, where);
  return e;
}

/** The endpoint entity: it must exist, have deployed, and serve the locale asked for. */
async function deployedEndpoint(o: SmokeTestOptions, secrets: (string | undefined)[]): Promise<Endpoint> {
  const speech = new SpeechClient({ endpoint: o.endpoint, key: o.key, credential: o.credential }, { maxRetries: o.maxRetries ?? 3, retryDelayInMs: o.retryDelayInMs, tlsCa: o.tlsCa });
  let entity: Endpoint;
  try {
    entity = await speech.getEndpoint(o.endpointId);
  } catch (e) {
    // Recognition with an unknown `cid` may silently fall back to a base model, so existence is asked here.
    if (e instanceof SpeechApiError && e.statusCode === 404) {
      throw new SmokeTestAccessError(`endpoint ${o.endpointId} does not exist on the Speech resource ${speech.endpoint}.`, o.endpointId);
    }
    throw accessProblem(e, speech.endpoint, secrets);
  }
  if (entity.status !== "Succeeded") {
    throw new SmokeTestAccessError(`endpoint ${o.endpointId} is ${entity.status ?? "in an unknown state"}, not Succeeded: it does not serve yet.`, o.endpointId);
  }
  if (entity.locale.toLowerCase() !== o.locale.toLowerCase()) {
    throw new ValidationError("locale", `locale must be ${entity.locale}, the locale endpoint ${o.endpointId} serves; got "${o.locale}".`);
  }
  return entity;
}

function scored(clip: CheckedClip, result: RecognitionResult, maxWordErrorRate: number): ClipResult {
  const heard = lexicalText(result);
  const a = align(clip.text, heard);
  const wordErrorRate = a.wordErrorRate ?? 0; // the expected text has at least one word (checkClip)
  return {
    file: clip.file,
    expected: clip.text,
    heard,
    display: result.RecognitionStatus === "Success" ? (result.DisplayText ?? result.NBest?.[0]?.Display ?? "") : "",
    recognitionStatus: result.RecognitionStatus,
    words: a.words,
    correct: a.correct,
    substitutions: a.substitutions,
    deletions: a.deletions,
    insertions: a.insertions,
    wordErrorRate,
    // Compared in percent with a little slack for binary fractions (1/10 × 100 is 10.000000000000002).
    passed: wordErrorRate * 100 <= maxWordErrorRate + 1e-9,
    steps: a.steps,
  };
}

/**
 * Sends each clip to the deployed endpoint and scores what it heard. Throws ValidationError for bad options or clips
 * (naming the option or clip and the rule), SmokeTestAccessError when the service cannot be asked; a clip the
 * endpoint mishears is a result with `passed: false`, never an error.
 */
export async function smokeTest(o: SmokeTestOptions): Promise<SmokeTestResult> {
  const { maxWordErrorRate, clips } = checkOptions(o);
  const secrets = [o.key];
  const entity = await deployedEndpoint(o, secrets);
  const url = recognitionUrl(o.endpoint, entity);
  const recognition = new RecognitionClient({ url, key: o.key, credential: o.credential }, { maxRetries: o.maxRetries ?? 3, retryDelayInMs: o.retryDelayInMs, tlsCa: o.tlsCa });
  const results: ClipResult[] = [];
  for (const clip of clips) {
    let result: RecognitionResult;
    try {
      result = await recognition.recognize(fs.readFileSync(clip.path), { language: o.locale, endpointId: o.endpointId });
    } catch (e) {
      const problem = accessProblem(e, url, secrets);
      if (problem instanceof SmokeTestAccessError || !(e instanceof SpeechApiError)) throw problem;
      if (e.statusCode === 404) throw new SmokeTestAccessError(`${url} has no short-audio recognition (404): ${redact(e.message, secrets)}`, url);
      // The service refused this clip (its audio, its length): the clip fails, the others are still tried.
      result = { RecognitionStatus: `Error: ${redact(e.message, secrets)}` };
    }
    const r = scored(clip, result, maxWordErrorRate);
    results.push(r);
    o.onClip?.(r);
  }
  return {
    endpointId: o.endpointId,
    locale: entity.locale,
    recognitionUrl: url,
    maxWordErrorRate,
    alignmentRule: ALIGNMENT_RULE,
    passed: results.every((r) => r.passed),
    clips: results,
  };
}

/**
 * The alignment as sclite prints it: a REF and a HYP line in columns, errors in upper case, `***` where a word is
 * missing, and a line of S / D / I marks under the errors.
 */
export function alignedLines(steps: readonly AlignedWord[]): { ref: string; hyp: string; marks: string } {
  const ref: string[] = [];
  const hyp: string[] = [];
  const marks: string[] = [];
  for (const s of steps) {
    const wrong = s.op !== "correct";
    const r = s.ref === undefined ? "***" : wrong ? s.ref.toLocaleUpperCase() : s.ref;
    const h = s.hyp === undefined ? "***" : wrong ? s.hyp.toLocaleUpperCase() : s.hyp;
    const width = Math.max(r.length, h.length);
    ref.push(r.padEnd(width));
    hyp.push(h.padEnd(width));
    marks.push((wrong ? s.op[0].toUpperCase() : "").padEnd(width));
  }
  return { ref: ref.join(" ").trimEnd(), hyp: hyp.join(" ").trimEnd(), marks: marks.join(" ").trimEnd() };
}
