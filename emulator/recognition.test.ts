// Short-audio recognition: what the emulator hears in a clip (its ICMT comment), degraded to the WER of the model the
// endpoint serves, and what it refuses.
import { align, words } from "../components/evaluation-report/alignment";
import { startEmulator } from "./index";
import { heardWords } from "./handlers/recognition";
import { spokenClip, spokenText, withSpokenText } from "./spoken-text";
import type { RunningEmulator } from "./types";
import { idOf, speech, trainedModel } from "./testing";
import { makeWav } from "../components/training-data/wav";

const TWENTY_WORDS = "please connect me with the billing team because my invoice shows a charge for a phone I returned in march";
const WAV = "audio/wav; codecs=audio/pcm; samplerate=16000";

let emu: RunningEmulator;
let endpointId: string;
let modelId: string;
let url: string;

beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false, resources: [{ name: "speech", region: "eastus", key: "k1" }] });
  const api = speech(emu);
  const { model } = await trainedModel(api);
  modelId = idOf(model.self);
  const endpoint = await api.post("/endpoints", { displayName: "calls", locale: "en-US", model: { self: model.self } });
  endpointId = idOf(endpoint.body.self);
  url = `${emu.resources.speech.endpoint}/stt/speech/recognition/conversation/cognitiveservices/v1`;
});
afterAll(() => emu.stop());

async function recognize(body: Buffer, query: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  const res = await fetch(u, { method: "POST", headers: { "Ocp-Apim-Subscription-Key": "k1", "Content-Type": WAV, ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const errorsOf = (expected: string, heard: string) => {
  const a = align(expected, heard);
  return a.substitutions + a.deletions + a.insertions;
};

describe("the emulator's ears", () => {
  test("a clip's ICMT comment is read back as written, next to the audio", () => {
    const clip = spokenClip("Hello, wörld!", { durationMs: 500 });
    expect(spokenText(clip)).toBe("Hello, wörld!");
    expect(spokenText(withSpokenText(clip, "second take"))).toBe("second take");
    expect(spokenText(makeWav({ durationMs: 100 }))).toBeUndefined();
  });

  test.each([
    [8, 20, 2],
    [10, 20, 2],
    [40, 20, 8],
    [0, 20, 0],
    [50, 20, 10],
    [25, 20, 5],
  ])("at %d %% WER, %d spoken words are heard with exactly round(WER × N) errors (%d) by the sclite alignment", (wer, n, errors) => {
    const spoken = words(TWENTY_WORDS).slice(0, n);
    const heard = heardWords(spoken, wer, "model-a");
    expect(errorsOf(spoken.join(" "), heard.join(" "))).toBe(errors);
    // The same clip and model always sound the same; another model mishears elsewhere.
    expect(heardWords(spoken, wer, "model-a")).toEqual(heard);
    // Wherever the errors fall (any model, any clip), the alignment counts them all, up to 50 %.
    for (let seed = 0; seed < 200; seed++) expect(errorsOf(spoken.join(" "), heardWords(spoken, wer, `model-${seed}`).join(" "))).toBe(errors);
  });
});

describe("POST …/stt/speech/recognition/conversation/cognitiveservices/v1", () => {
  test("a healthy custom endpoint (8 %) hears a 20-word clip with two errors, in the detailed format", async () => {
    const r = await recognize(spokenClip(TWENTY_WORDS, { durationMs: 4000 }), { language: "en-US", format: "detailed", cid: endpointId });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ RecognitionStatus: "Success", Offset: 1_000_000, Duration: 39_000_000 });
    const best = r.body.NBest[0];
    expect(Object.keys(best).sort()).toEqual(["Confidence", "Display", "ITN", "Lexical", "MaskedITN"]);
    expect(errorsOf(TWENTY_WORDS, best.Lexical)).toBe(2);
    expect(best.Lexical).toBe(best.Lexical.toLowerCase());
    expect(r.body.DisplayText).toBe(best.Display);
    expect(best.Display).toMatch(/^[A-Z].*\.$/);
    // Deterministic: the same clip gives the same words.
    const again = await recognize(spokenClip(TWENTY_WORDS, { durationMs: 4000 }), { language: "en-US", format: "detailed", cid: endpointId });
    expect(again.body.NBest[0].Lexical).toBe(best.Lexical);
  });

  test("the simple format has DisplayText and no NBest; without cid the base models' WER (12 %) applies", async () => {
    const r = await recognize(spokenClip(TWENTY_WORDS), { language: "en-US" });
    expect(r.status).toBe(200);
    expect(r.body.NBest).toBeUndefined();
    expect(errorsOf(TWENTY_WORDS, r.body.DisplayText)).toBe(2); // round(0.12 × 20)
    const fifty = words(`${TWENTY_WORDS} ${TWENTY_WORDS} and ten more words to make up fifty words in all`).join(" ");
    const base = await recognize(spokenClip(fifty), { language: "en-US", format: "detailed" });
    const custom = await recognize(spokenClip(fifty), { language: "en-US", format: "detailed", cid: endpointId });
    expect(errorsOf(fifty, base.body.NBest[0].Lexical)).toBe(6); // 12 % of 50
    expect(errorsOf(fifty, custom.body.NBest[0].Lexical)).toBe(4); // 8 % of 50
  });

  test("a model degraded by the scenario (perModel) is heard with its WER", async () => {
    emu.setScenario({ perModel: { [modelId]: 50 } });
    try {
      const r = await recognize(spokenClip(TWENTY_WORDS), { language: "en-US", format: "detailed", cid: endpointId });
      expect(errorsOf(TWENTY_WORDS, r.body.NBest[0].Lexical)).toBe(10);
    } finally {
      emu.setScenario({ perModel: {} });
    }
  });

  test("a clip without the ICMT comment is NoMatch", async () => {
    const r = await recognize(makeWav({ durationMs: 1500 }), { language: "en-US", format: "detailed", cid: endpointId });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ RecognitionStatus: "NoMatch", Offset: 0, Duration: 15_000_000 });
  });

  test("an endpoint id the resource does not have is refused naming it", async () => {
    const unknown = "0b0b0b0b-1111-4222-8333-444444444444";
    const r = await recognize(spokenClip("hello"), { language: "en-US", cid: unknown });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain(`Invalid deploymentId ${unknown}`);
  });

  test("a wrong key is 401; the wrong language, a missing language, audio that is not 16 kHz mono PCM or not audio at all is refused", async () => {
    expect((await recognize(spokenClip("hello"), { language: "en-US", cid: endpointId }, { "Ocp-Apim-Subscription-Key": "nope" })).status).toBe(401);
    const wrongLocale = await recognize(spokenClip("hallo"), { language: "de-DE", cid: endpointId });
    expect([wrongLocale.status, wrongLocale.body.message]).toEqual([400, `Endpoint ${endpointId} serves en-US; the request asks for language de-DE.`]);
    expect((await recognize(spokenClip("hello"), {})).body.message).toMatch(/language query parameter is required/);
    const stereo = await recognize(withSpokenText(makeWav({ sampleRate: 44100, channels: 2, durationMs: 100 }), "hello"), { language: "en-US" });
    expect([stereo.status, stereo.body.innerError.code]).toEqual([400, "InvalidAudioFormat"]);
    expect(stereo.body.message).toContain("44100 Hz, 2 channel(s)");
    expect((await recognize(Buffer.from("{}"), { language: "en-US" }, { "Content-Type": "application/json" })).status).toBe(415);
    const long = await recognize(spokenClip("hello", { durationMs: 61_000 }), { language: "en-US" });
    expect([long.status, long.body.innerError.code]).toEqual([400, "AudioLengthLimitExceeded"]);
  });
});
