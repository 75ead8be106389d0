// Short-audio recognition (`POST {endpoint}/stt/speech/recognition/{mode}/cognitiveservices/v1?language=…&format=…&cid=…`),
// the custom-domain form of `https://<region>.stt.speech.microsoft.com/speech/recognition/…`. The clip's words come
// from its ICMT comment (spoken-text.ts) and are degraded deterministically to the WER of the model the endpoint
// (`cid`) serves under the scenario; without `cid`, the base models' WER. An unknown `cid` is refused.
import { words } from "../../components/evaluation-report/alignment";
import type { Ctx, Reply } from "../context";
import { ApiError, badRequest, invalid } from "../errors";
import { endpointPhase } from "../status";
import { werFor } from "../scenario";
import { riffChunks, spokenText } from "../spoken-text";

export const RECOGNITION_PATH = /^\/stt\/speech\/recognition\/(conversation|interactive|dictation)\/cognitiveservices\/v1$/;
/** 60 s of 16 kHz 16-bit mono audio, and room for the header. */
export const MAX_RECOGNITION_BODY = 60 * 32_000 + 64 * 1024;
const MAX_AUDIO_MS = 60_000;
const AUDIO_TYPES = ["audio/wav", "audio/ogg"];
/** Words the emulator mishears with: never words of the clip itself, so each edit aligns as one error. */
const FILLERS = ["uh", "um", "er", "hmm", "ah", "eh", "oh", "mm"];

/** PCM parameters and length of the audio, or a 400 saying what the short-audio API accepts. */
function audioOf(body: Buffer): { durationMs: number } {
  const chunks = riffChunks(body);
  const fmt = chunks?.find((c) => c.id === "fmt ");
  const data = chunks?.find((c) => c.id === "data");
  if (!chunks || !fmt || !data || fmt.size < 16) {
    throw badRequest("InvalidAudioFormat", "The request body is not a WAV file: the emulator accepts 16 kHz mono 16-bit PCM WAV (the service also takes OGG Opus).");
  }
  const formatTag = body.readUInt16LE(fmt.at);
  const channels = body.readUInt16LE(fmt.at + 2);
  const sampleRate = body.readUInt32LE(fmt.at + 4);
  const bits = body.readUInt16LE(fmt.at + 14);
  if (formatTag !== 1 || channels !== 1 || sampleRate !== 16000 || bits !== 16) {
    throw badRequest("InvalidAudioFormat", `The audio is ${sampleRate} Hz, ${channels} channel(s), ${bits}-bit, format ${formatTag}; the short-audio API takes 16 kHz mono 16-bit PCM.`);
  }
  const durationMs = Math.round((Math.min(data.size, body.length - data.at) / (sampleRate * 2)) * 1000);
  if (durationMs > MAX_AUDIO_MS) throw invalid("AudioLengthLimitExceeded", `The audio is ${durationMs / 1000} s long; the short-audio API takes at most 60 s.`);
  return { durationMs };
}

/** A small deterministic generator (FNV-1a seed, xorshift) so the same clip and model always sound the same. */
function randomFrom(seed: string): () => number {
  let x = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) x = Math.imul(x ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  x ||= 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/**
 * The words heard for `spoken` at `wer` percent: round(WER × N / 100) errors, split as the evaluation figures split
 * them (60 % substitutions, 25 % deletions, the rest insertions), at positions drawn from `seed`.
 */
export function heardWords(spoken: readonly string[], wer: number, seed: string): string[] {
  const n = spoken.length;
  const errors = Math.min(n, Math.round((wer * n) / 100));
  const substitutions = Math.round(errors * 0.6);
  const deletions = Math.min(n - substitutions, Math.round(errors * 0.25));
  const insertions = Math.max(0, errors - substitutions - deletions);
  const random = randomFrom(seed);
  const positions = spoken.map((_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [positions[i], positions[j]] = [positions[j], positions[i]];
  }
  const fillers = FILLERS.filter((f) => !spoken.includes(f));
  const filler = () => fillers[Math.floor(random() * fillers.length)] ?? "uh";
  const edit = new Map<number, "substitution" | "deletion">();
  positions.slice(0, substitutions).forEach((p) => edit.set(p, "substitution"));
  positions.slice(substitutions, substitutions + deletions).forEach((p) => edit.set(p, "deletion"));
  // Between two correct words, a run of r reference and h heard words aligns as max(r, h) errors, so an insertion in
  // the run of a deletion would count as a substitution: insert only between two correct words (else where it can).
  const correct = (i: number) => i >= n || !edit.has(i);
  const clean = positions.filter((p) => correct(p) && correct(p + 1));
  const spots = clean.length ? clean : positions.filter((p) => edit.get(p) !== "deletion" && edit.get(p + 1) !== "deletion");
  const after = new Map<number, number>();
  for (let k = 0; k < insertions; k++) {
    const p = spots.length ? spots[Math.floor(random() * spots.length)] : Math.floor(random() * n);
    after.set(p, (after.get(p) ?? 0) + 1);
  }
  const out: string[] = [];
  spoken.forEach((w, i) => {
    const e = edit.get(i);
    if (e === "substitution") out.push(filler());
    else if (e !== "deletion") out.push(w);
    for (let k = 0; k < (after.get(i) ?? 0); k++) out.push(filler());
  });
  return out;
}

const display = (ws: readonly string[]): string => (ws.length ? `${ws.join(" ").replace(/^./u, (c) => c.toLocaleUpperCase())}.` : "");

/** The WER (percent) and a stable name of the model `cid` serves; the base models' without `cid`. */
function servedBy(ctx: Ctx, cid: string | null, language: string): { wer: number; model: string } {
  const scenario = ctx.core.scenario;
  if (!cid) return { wer: werFor(scenario, "", true), model: `base/${language}` };
  const state = ctx.resource.state;
  const e = state.endpoints[cid] ?? state.endpoints[cid.toLowerCase()];
  if (!e) throw new ApiError(400, "InvalidArgument", "InvalidParameterValue", `Invalid deploymentId ${cid}: the Speech resource has no endpoint with this id.`);
  const phase = endpointPhase(e, ctx.now);
  if (phase.status !== "Succeeded" && !e.timeline.startsRunning) {
    throw new ApiError(409, "Conflict", "ModelDeploymentNotCompleteState", `Endpoint ${e.id} is ${phase.status}; it answers once its deployment has succeeded.`);
  }
  if (e.locale.toLowerCase() !== language.toLowerCase()) {
    throw invalid("InvalidLocale", `Endpoint ${e.id} serves ${e.locale}; the request asks for language ${language}.`);
  }
  const trained = e.model.base ? undefined : state.models[e.model.id]?.wordErrorRate;
  return { wer: werFor(scenario, e.model.id, e.model.base, trained), model: e.model.id };
}

export function recognize(ctx: Ctx): Reply {
  const language = ctx.query.get("language");
  if (!language) throw badRequest("InvalidParameterValue", "The language query parameter is required, e.g. ?language=en-US.");
  const format = (ctx.query.get("format") ?? "simple").toLowerCase();
  if (format !== "simple" && format !== "detailed") throw badRequest("InvalidParameterValue", `format must be simple or detailed; got '${format}'.`);
  const contentType = String(ctx.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!AUDIO_TYPES.includes(contentType)) {
    throw new ApiError(415, "UnsupportedMediaType", "InvalidAudioFormat", `Content-Type '${contentType}' is not audio; send audio/wav; codecs=audio/pcm; samplerate=16000.`);
  }
  if (ctx.body.length === 0) throw badRequest("EmptyAudioFile", "The request body is empty: send the audio.");
  const { wer, model } = servedBy(ctx, ctx.query.get("cid"), language);
  const { durationMs } = audioOf(ctx.body);
  const ticks = durationMs * 10_000; // 100-ns units
  const text = spokenText(ctx.body);
  const spoken = text === undefined ? [] : words(text);
  if (spoken.length === 0) return { status: 200, body: { RecognitionStatus: "NoMatch", Offset: 0, Duration: ticks } };
  const heard = heardWords(spoken, wer, `${model}\n${spoken.join(" ")}`);
  const lexical = heard.join(" ");
  const shown = display(heard);
  const offset = Math.min(ticks, 1_000_000); // speech starts 0.1 s in
  const base = { RecognitionStatus: "Success", Offset: offset, Duration: ticks - offset };
  if (format === "simple") return { status: 200, body: { ...base, DisplayText: shown } };
  const confidence = Math.round((1 - wer / 200) * 10_000) / 10_000;
  return {
    status: 200,
    body: { ...base, DisplayText: shown, NBest: [{ Confidence: confidence, Lexical: lexical, ITN: lexical, MaskedITN: lexical, Display: shown }] },
  };
}
