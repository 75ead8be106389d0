// `npm run smoke-test` (scripts/smoke-test.ts) and the library behind it, against the in-process emulator with a
// deployed-like state: a healthy endpoint (a custom model at the scenario's 8 %) and one serving a degraded model.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SpeechClient, idFromSelf } from "../../components/speech-api";
import { SmokeTestAccessError, smokeTest } from "../../components/smoke-test";
import { ValidationError } from "../../components/domain";
import { makeWav } from "../../components/training-data/wav";
import { spokenClip } from "../../emulator/spoken-text";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { FakeClock } from "../../emulator/testing";
import { main } from "../../scripts/smoke-test";
import { capture } from "../support/capture";

const KEY = "smoke-key-7f3a9c";
const ROOT = path.resolve(__dirname, "../..");
const UNKNOWN = "0b0b0b0b-1111-4222-8333-444444444444";
const CLIPS = [
  { file: "greeting.wav", text: "Thank you for calling Contoso support. How can I help you today?" },
  { file: "refund.wav", text: "I was charged twice for the same order and want a refund" },
];

let emu: RunningEmulator;
let endpoint: string;
let healthy: string;
let degraded: string;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
  for (const c of CLIPS) fs.writeFileSync(path.join(dir, c.file), spokenClip(c.text, { durationMs: 800 }));
  emu = await startEmulator({ rateLimit: false, durations: { model: 20, endpoint: 20 }, resources: [{ name: "speech", region: "eastus", key: KEY }] });
  endpoint = emu.resources.speech.endpoint;
  const api = new SpeechClient({ endpoint, key: KEY }, { rateLimit: false });
  const data = await api.createDataset({ displayName: "text", locale: "en-US", kind: "Language", contentUrl: "https://data.example/text.txt" });
  const deploy = async (name: string): Promise<{ model: string; endpoint: string }> => {
    const model = await api.createModel({ displayName: name, locale: "en-US", datasets: [{ self: data.self! }] });
    await api.waitForModel(idFromSelf(model.self!), { initialDelayMs: 10 });
    const e = await api.createEndpoint({ displayName: name, locale: "en-US", model: { self: model.self! } });
    await api.waitForEndpoint(idFromSelf(e.self!), { initialDelayMs: 10 });
    return { model: idFromSelf(model.self!), endpoint: idFromSelf(e.self!) };
  };
  healthy = (await deploy("healthy")).endpoint;
  const bad = await deploy("degraded");
  degraded = bad.endpoint;
  // A model that mishears almost half the words, as a bad retrain would.
  emu.setScenario({ perModel: { [bad.model]: 45 } });
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const clipArgs = () => CLIPS.flatMap((c) => ["--clip", `${path.join(dir, c.file)}=${c.text}`]);
const explicit = (endpointId: string, extra: string[] = []) => ["--endpoint", endpoint, "--endpoint-id", endpointId, "--locale", "en-US", ...clipArgs(), "--retries", "0", ...extra];

describe("smokeTest (library)", () => {
  test("a healthy endpoint hears each clip with at most one word wrong, and every clip passes", async () => {
    const r = await smokeTest({ endpoint, endpointId: healthy, locale: "en-US", clips: CLIPS, key: KEY, baseDir: dir, maxWordErrorRate: 20 });
    expect(r).toMatchObject({ passed: true, endpointId: healthy, locale: "en-US", maxWordErrorRate: 20, recognitionUrl: `${endpoint}/stt/speech/recognition/conversation/cognitiveservices/v1` });
    expect(r.alignmentRule).toMatch(/sclite/);
    for (const [i, c] of r.clips.entries()) {
      expect(c).toMatchObject({ file: CLIPS[i].file, expected: CLIPS[i].text, recognitionStatus: "Success", passed: true, words: 12 });
      // 8 % of 12 words: one error, so a WER of 1/12 (a fraction, as the API reports rates).
      expect(c.substitutions + c.deletions + c.insertions).toBe(1);
      expect(c.wordErrorRate).toBeCloseTo(1 / 12, 10);
      expect(c.correct).toBe(12 - c.substitutions - c.deletions);
    }
  });

  test("a degraded model fails the clips it mishears, with what it heard", async () => {
    const r = await smokeTest({ endpoint, endpointId: degraded, locale: "en-US", clips: CLIPS, key: KEY, baseDir: dir, maxWordErrorRate: 20 });
    expect(r.passed).toBe(false);
    for (const c of r.clips) {
      expect(c.passed).toBe(false);
      expect(c.wordErrorRate).toBeCloseTo(5 / 12, 10); // round(45 % × 12) = 5 errors
      expect(c.heard).not.toBe("");
    }
  });

  test("the threshold is a percent and the default is 20", async () => {
    const lenient = await smokeTest({ endpoint, endpointId: degraded, locale: "en-US", clips: CLIPS, key: KEY, baseDir: dir, maxWordErrorRate: 50 });
    expect(lenient.passed).toBe(true);
    const byDefault = await smokeTest({ endpoint, endpointId: degraded, locale: "en-US", clips: CLIPS, key: KEY, baseDir: dir });
    expect([byDefault.maxWordErrorRate, byDefault.passed]).toEqual([20, false]);
  });

  test("an endpoint the resource does not have is an access error naming it; a bad clip is refused before anything is sent", async () => {
    const e = await smokeTest({ endpoint, endpointId: UNKNOWN, locale: "en-US", clips: CLIPS, key: KEY, baseDir: dir }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SmokeTestAccessError);
    expect((e as SmokeTestAccessError).target).toBe(UNKNOWN);
    const mark = emu.requestLog.length;
    fs.writeFileSync(path.join(dir, "cd.wav"), makeWav({ sampleRate: 44100, channels: 2, durationMs: 200 }));
    const bad = await smokeTest({ endpoint, endpointId: healthy, locale: "en-US", clips: [{ file: "cd.wav", text: "hello" }], key: KEY, baseDir: dir }).catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as Error).message).toBe("clip cd.wav (clips[0].file) must be 16 kHz mono 16-bit PCM WAV; got PCM, 44100 Hz, 2 channel(s), 16-bit.");
    expect(emu.requestLog.length).toBe(mark);
  });
});

test("an endpoint still deploying does not serve yet: an access error, and the emulator refuses its recognitions too", async () => {
  const clock = new FakeClock();
  const slow = await startEmulator({ rateLimit: false, now: clock.now, durations: { endpoint: 60_000 }, resources: [{ name: "speech", region: "eastus", key: KEY }] });
  try {
    const api = new SpeechClient({ endpoint: slow.resources.speech.endpoint, key: KEY }, { rateLimit: false });
    const data = await api.createDataset({ displayName: "text", locale: "en-US", kind: "Language", contentUrl: "https://data.example/text.txt" });
    const model = await api.createModel({ displayName: "m", locale: "en-US", datasets: [{ self: data.self! }] });
    const id = idFromSelf((await api.createEndpoint({ displayName: "e", locale: "en-US", model: { self: model.self! } })).self!);
    const o = { endpoint: slow.resources.speech.endpoint, endpointId: id, locale: "en-US", clips: CLIPS, key: KEY, baseDir: dir, maxRetries: 0 };
    const e = await smokeTest(o).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SmokeTestAccessError);
    expect((e as Error).message).toBe(`endpoint ${id} is NotStarted, not Succeeded: it does not serve yet.`);
    const refused = await fetch(`${slow.resources.speech.endpoint}/stt/speech/recognition/conversation/cognitiveservices/v1?language=en-US&cid=${id}`, {
      method: "POST",
      headers: { "Ocp-Apim-Subscription-Key": KEY, "Content-Type": "audio/wav" },
      body: spokenClip("hello"),
    });
    expect(refused.status).toBe(409);
    clock.advance(60_000);
    expect((await smokeTest(o)).passed).toBe(true);
  } finally {
    await slow.stop();
  }
});

test("with Microsoft Entra ID: a bearer token from the credential (over TLS); a credential without a token is an access error", async () => {
  const tls = await startEmulator({ rateLimit: false, tls: true, resources: [{ name: "speech", region: "eastus", key: KEY }] });
  try {
    const api = new SpeechClient({ endpoint: tls.resources.speech.endpoint, key: KEY }, { rateLimit: false, tlsCa: tls.ca });
    const data = await api.createDataset({ displayName: "text", locale: "en-US", kind: "Language", contentUrl: "https://data.example/text.txt" });
    const model = await api.createModel({ displayName: "m", locale: "en-US", datasets: [{ self: data.self! }] });
    const id = idFromSelf((await api.createEndpoint({ displayName: "e", locale: "en-US", model: { self: model.self! } })).self!);
    const scopes: string[] = [];
    const credential = {
      getToken: async (scope: string | string[]) => {
        scopes.push(...[scope].flat());
        return { token: "eyJ0eXAi.entra.token", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const o = { endpoint: tls.resources.speech.endpoint, endpointId: id, locale: "en-US", clips: CLIPS, baseDir: dir, tlsCa: tls.ca, maxRetries: 0 };
    expect((await smokeTest({ ...o, credential })).passed).toBe(true);
    expect(new Set(scopes)).toEqual(new Set(["https://cognitiveservices.azure.com/.default"]));
    const none = { getToken: async () => Promise.reject(new Error("no signed-in account")) };
    const e = await smokeTest({ ...o, credential: none }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SmokeTestAccessError);
    expect((e as Error).message).toMatch(new RegExp(`^${tls.resources.speech.endpoint.replace(/[.]/g, "\\.")} could not be asked: .*no signed-in account`));
  } finally {
    await tls.stop();
  }
});

describe("npm run smoke-test", () => {
  test("a healthy endpoint: exit 0, each clip with its expected and heard text, the aligned marks and its WER; --json has every figure; the key is never printed", async () => {
    const json = path.join(dir, "healthy.json");
    const r = await capture(() => main(explicit(healthy, ["--key", KEY, "--json", json])));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Smoke test of endpoint ${healthy} (en-US) on ${endpoint}`);
    expect(r.out).toMatch(/PASS \S+greeting\.wav: WER 8\.3 % \(1 error\(s\) in 12 words: \d S, \d D, \d I; at most 20 %\)/);
    expect(r.out).toContain("  expected: Thank you for calling Contoso support. How can I help you today?");
    expect(r.out).toMatch(/ {2}heard: {4}\w+( \w+){10,12}\n {2}REF: .*\n {2}HYP: .*\n {7}.*[SDI]/);
    expect(r.out).toContain("2 of 2 clip(s) passed");
    const written = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(written.passed).toBe(true);
    expect(written.results[0].clips[0]).toMatchObject({ expected: CLIPS[0].text, words: 12, passed: true });
    expect(written.results[0].clips[0].wordErrorRate).toBeCloseTo(1 / 12, 10);
    expect(r.out + r.err + fs.readFileSync(json, "utf8")).not.toContain(KEY);
  });

  test("a degraded model: exit 1 naming each failed clip with its expected and heard text", async () => {
    const r = await capture(() => main(explicit(degraded), { SPEECH_KEY: KEY }));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL \S+refund\.wav: WER 41\.7 %/);
    expect(r.err).toMatch(/failed: \S+greeting\.wav \(en-US\): expected "Thank you for calling Contoso support\. How can I help you today\?", heard "[a-z ]+" \(WER 41\.7 %, at most 20 %\)/);
    expect(r.err).toMatch(/failed: \S+refund\.wav/);
    expect(r.out + r.err).not.toContain(KEY);
  });

  test("an endpoint id the Speech resource does not have: exit 3 naming it", async () => {
    const r = await capture(() => main(explicit(UNKNOWN), { SPEECH_KEY: KEY }));
    expect(r.code).toBe(3);
    expect(r.err).toBe(`error: endpoint ${UNKNOWN} does not exist on the Speech resource ${endpoint}.\n`);
  });

  test("a Speech resource that is not running: exit 3 naming its URL", async () => {
    const gone = await startEmulator({ rateLimit: false });
    const url = gone.resources.speech.endpoint;
    await gone.stop();
    const r = await capture(() => main(["--endpoint", url, "--endpoint-id", healthy, "--locale", "en-US", ...clipArgs(), "--retries", "0"], { SPEECH_KEY: KEY }));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`^error: ${url.replace(/[.]/g, "\\.")} is unreachable: .*ECONNREFUSED`));
  });

  test("a refused key: exit 3, and neither key is printed", async () => {
    const r = await capture(() => main(explicit(healthy, ["--key", "wrong-key-2b8e41"]), { SPEECH_KEY: KEY }));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`error: ${endpoint.replace(/[.]/g, "\\.")} refused the credentials \\(401\\)`));
    expect(r.out + r.err).not.toMatch(/wrong-key-2b8e41|smoke-key-7f3a9c/);
  });

  test("an empty $SPEECH_KEY is no key: Entra ID, whose tokens never go over plain http (exit 2 naming --endpoint)", async () => {
    const r = await capture(() => main(explicit(healthy), { SPEECH_KEY: "" }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: --endpoint: endpoint http:\/\/127\.0\.0\.1:\d+\/speech is plain http: Microsoft Entra ID tokens go over https only; give a key\./);
  });

  test.each([
    [[], /^error: --endpoint is required \(or give --stack-config and --stack-export\)\./],
    [["--endpoint", "http://speech.example.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "a.wav=hi"], /^error: --endpoint: endpoint must be an https URL/],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", "ep-1", "--locale", "en-US", "--clip", "a.wav=hi"], /^error: --endpoint-id: endpointId must be a GUID/],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", UNKNOWN, "--locale", "en-US"], /^error: --clip is required/],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "a.wav"], /^error: --clip must be <file>=<text>/],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "a.wav=hi", "--max-wer", "120"], /^error: --max-wer must be a number in percent from 0 to 100 \(8 means 8 %\); got 120\./],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "a.wav=hi", "--max-wer", "0.3"], /^error: --max-wer must be .*0\.3 may mean 30 %; write 30 for 30 %, or "0\.3%" for 0\.3 %/],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "a.wav=hi", "--max-wer", "ten"], /^error: --max-wer must be a number in percent from 0 to 100 \(8 means 8 %\), or a percentage with its sign such as "0\.5%"; got "ten"\./],
    [["--endpoint", "https://x.cognitiveservices.azure.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "missing.wav=hi"], /^error: clip missing\.wav \(--clip\[0\]\.file\) does not exist/],
    [["--endpoint", "https://westeurope.api.cognitive.microsoft.com", "--endpoint-id", UNKNOWN, "--locale", "en-US", "--clip", "a.wav=hi"], /^error: --endpoint: endpoint https:\/\/westeurope\.api\.cognitive\.microsoft\.com is regional: Microsoft Entra ID needs the Speech resource's custom domain/],
    [["--stack-export", "state.json"], /^error: --stack-config is required with --stack-export/],
    [["--stack-config", "Pulumi.sandbox.yaml"], /^error: --stack-export is required with --stack-config/],
    [["--retries", "many"], /^error: --retries must be a whole number from 0 to 10; got "many"\./],
  ])("usage error %#: exit 2 naming the option", async (args, message) => {
    const r = await capture(() => main(args as string[], {}));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test("the endpoint's locale must be the one asked for: exit 2 naming --locale", async () => {
    const r = await capture(() => main(["--endpoint", endpoint, "--endpoint-id", healthy, "--locale", "de-DE", ...clipArgs()], { SPEECH_KEY: KEY }));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: --locale: locale must be en-US, the locale endpoint ${healthy} serves; got "de-DE".\n`);
  });

  test("--help lists the exit codes", async () => {
    const r = await capture(() => main(["--help"]));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 {2}a clip failed: .*\n {2}2 {2}usage or bad input .*\n {2}3 {2}a service unreachable, credentials refused, or no such endpoint/);
  });
});

describe("npm run smoke-test with the stack's files", () => {
  /** What `pulumi stack export` holds of the stack program's outputs (index.ts: speechEndpoint, locales.<l>.endpointId). */
  function stackExport(endpointId: string | undefined): string {
    const file = path.join(dir, `export-${endpointId ?? "none"}.json`);
    const locales = endpointId ? { "en-US": { endpointId, endpointUrl: `wss://eastus.stt.speech.microsoft.com/stt/speech/universal/v2?cid=${endpointId}` } } : {};
    const resources = [{ urn: "urn:pulumi:sandbox::custom-speech::pulumi:pulumi:Stack::custom-speech-sandbox", type: "pulumi:pulumi:Stack", outputs: { speechEndpoint: endpoint, locales } }];
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
    return file;
  }
  const sandbox = path.join(ROOT, "Pulumi.sandbox.yaml");

  test("the sandbox stack's own clips pass on a healthy endpoint", async () => {
    const json = path.join(dir, "stack.json");
    const r = await capture(() => main(["--stack-config", sandbox, "--stack-export", stackExport(healthy), "--json", json], { SPEECH_KEY: KEY }));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("PASS examples/sandbox/en-US/smoke/greeting.wav");
    expect(r.out).toContain("3 of 3 clip(s) passed");
    expect(JSON.parse(fs.readFileSync(json, "utf8")).results[0]).toMatchObject({ endpointId: healthy, locale: "en-US", maxWordErrorRate: 20 });
  });

  test("and fail on a degraded one (exit 1), unless --max-wer raises the threshold", async () => {
    const exported = stackExport(degraded);
    const r = await capture(() => main(["--stack-config", sandbox, "--stack-export", exported, "--locale", "en-US"], { SPEECH_KEY: KEY }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/failed: examples\/sandbox\/en-US\/smoke\/order-status\.wav \(en-US\): expected "I would like to check the status of my order, please\.", heard "[a-z ]+"/);
    expect((await capture(() => main(["--stack-config", sandbox, "--stack-export", exported, "--max-wer", "60"], { SPEECH_KEY: KEY }))).code).toBe(0);
  });

  test("a locale without clips, an export without the locale's endpoint, or a stack file that is not valid: exit 2 naming the option", async () => {
    const wrongLocale = await capture(() => main(["--stack-config", sandbox, "--stack-export", stackExport(healthy), "--locale", "de-DE"], {}));
    expect([wrongLocale.code, wrongLocale.err]).toEqual([2, expect.stringMatching(/^error: --locale de-DE names no smokeTest in .*Pulumi\.sandbox\.yaml; locales with clips: en-US\./)]);
    const notDeployed = await capture(() => main(["--stack-config", sandbox, "--stack-export", stackExport(undefined)], {}));
    expect(notDeployed.code).toBe(2);
    expect(notDeployed.err).toMatch(/--stack-export \S+ has no endpoint for en-US \(stack output locales\.en-US\.endpointId\)/);
    const broken = path.join(dir, "Pulumi.broken.yaml");
    fs.writeFileSync(broken, fs.readFileSync(sandbox, "utf8").replace("maxWordErrorRate: 20 #", "maxWER: 20 #"));
    const typo = await capture(() => main(["--stack-config", broken, "--stack-export", stackExport(healthy)], {}));
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/--stack-config \S+Pulumi\.broken\.yaml: Stack config "locales": locales\[0\]\.smokeTest has an unknown key "maxWER"; allowed keys: clips, maxWordErrorRate\./);
    // Clip paths are relative to the stack file's folder: here (a copy in another folder) the sandbox's clips are missing.
    const elsewhere = path.join(dir, "Pulumi.sandbox.yaml");
    fs.copyFileSync(sandbox, elsewhere);
    const missing = await capture(() => main(["--stack-config", elsewhere, "--stack-export", stackExport(healthy)], { SPEECH_KEY: KEY }));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`clip examples/sandbox/en-US/smoke/greeting.wav (Pulumi.sandbox.yaml locales[0].smokeTest.clips[0].file) does not exist (looked at ${path.join(dir, "examples/sandbox/en-US/smoke/greeting.wav")})`);
  });
});
