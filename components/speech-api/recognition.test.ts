// Where a Speech resource answers short-audio recognition, and the client that sends clips there.
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { spokenClip } from "../../emulator/spoken-text";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { RecognitionClient, SpeechApiError, isRegionalEndpoint, lexicalText, recognitionUrl } from "./index";

const PATH = "/speech/recognition/conversation/cognitiveservices/v1";
const link = (region: string) => ({ links: { webSocket: `wss://${region}.stt.speech.microsoft.com/stt/speech/universal/v2?cid=afa0669c-a01e-4693-ae3a-93baf40f26d6` } });

describe("recognitionUrl", () => {
  test("a custom-domain resource serves it under /stt on its own host (which also takes Entra tokens)", () => {
    expect(recognitionUrl("https://contoso-speech.cognitiveservices.azure.com/", link("westus"))).toBe(`https://contoso-speech.cognitiveservices.azure.com/stt${PATH}`);
  });
  test("a regional endpoint goes to the region's speech host, as the endpoint's webSocket link names it", () => {
    expect(recognitionUrl("https://westus.api.cognitive.microsoft.com/", link("westus"))).toBe(`https://westus.stt.speech.microsoft.com${PATH}`);
  });
  test("without the entity, the regional speech host is derived from the region, also in the sovereign clouds", () => {
    expect(recognitionUrl("https://eastus.api.cognitive.microsoft.com")).toBe(`https://eastus.stt.speech.microsoft.com${PATH}`);
    expect(recognitionUrl("https://chinaeast2.api.cognitive.azure.cn")).toBe(`https://chinaeast2.stt.speech.azure.cn${PATH}`);
  });
  test("an emulated resource (a path on a loopback host) is addressed like a custom domain", () => {
    expect(recognitionUrl("http://127.0.0.1:5599/speech", link("eastus"))).toBe(`http://127.0.0.1:5599/speech/stt${PATH}`);
  });
  test("a regional endpoint is told apart from a custom domain (which Entra tokens need)", () => {
    expect(isRegionalEndpoint("https://westeurope.api.cognitive.microsoft.com/")).toBe(true);
    expect(isRegionalEndpoint("https://contoso-speech.cognitiveservices.azure.com")).toBe(false);
    expect(isRegionalEndpoint("http://127.0.0.1:5599/speech")).toBe(false);
  });
  test("plain http to another host is refused, naming the property", () => {
    expect(() => recognitionUrl("http://speech.example.com")).toThrow(/speechEndpoint must be an https URL/);
  });
});

describe("RecognitionClient", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: false, resources: [{ name: "speech", region: "eastus", key: "secret-key-1234" }] });
  });
  afterAll(() => emu.stop());

  test("sends a WAV clip and returns the detailed result", async () => {
    const client = new RecognitionClient({ url: recognitionUrl(emu.resources.speech.endpoint), key: "secret-key-1234" });
    const result = await client.recognize(spokenClip("hello world"), { language: "en-US" });
    expect(result.RecognitionStatus).toBe("Success");
    expect(result.NBest?.[0].Lexical).toBe("hello world");
    expect(lexicalText(result)).toBe("hello world");
    expect(lexicalText({ RecognitionStatus: "NoMatch", DisplayText: "ignored" })).toBe("");
  });

  test("a refused key is a SpeechApiError with the status, and the key is in no message", async () => {
    const client = new RecognitionClient({ url: recognitionUrl(emu.resources.speech.endpoint), key: "wrong-key-5678" }, { maxRetries: 0 });
    const e = await client.recognize(spokenClip("hello"), { language: "en-US" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SpeechApiError);
    expect((e as SpeechApiError).statusCode).toBe(401);
    expect(JSON.stringify(e) + (e as Error).message).not.toContain("wrong-key-5678");
  });
});

describe("RecognitionClient retries", () => {
  /** A transport answering each request with the next status (the last one repeats). */
  function scripted(...statuses: number[]): HttpClient & { seen: PipelineRequest[] } {
    const seen: PipelineRequest[] = [];
    return {
      seen,
      async sendRequest(request): Promise<PipelineResponse> {
        seen.push(request);
        const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
        const body = status < 400 ? { RecognitionStatus: "Success", DisplayText: "Hi.", NBest: [{ Lexical: "hi" }] } : { code: "InternalServerError", message: "boom" };
        return { request, status, headers: createHttpHeaders(), bodyAsText: JSON.stringify(body) };
      },
    };
  }
  const url = recognitionUrl("https://contoso.cognitiveservices.azure.com");

  test("a recognition changes nothing, so a 5xx is resent (unlike a create)", async () => {
    const http = scripted(500, 502, 200);
    const client = new RecognitionClient({ url, key: "k-123456" }, { httpClient: http, retryDelayInMs: 1, maxRetryDelayInMs: 2 });
    expect(lexicalText(await client.recognize(spokenClip("hi"), { language: "en-US", endpointId: "e1" }))).toBe("hi");
    expect(http.seen).toHaveLength(3);
    const sent = new URL(http.seen[0].url);
    expect([sent.pathname, sent.searchParams.get("language"), sent.searchParams.get("format"), sent.searchParams.get("cid")]).toEqual([
      "/stt/speech/recognition/conversation/cognitiveservices/v1",
      "en-US",
      "detailed",
      "e1",
    ]);
    expect(http.seen[0].headers.get("Content-Type")).toBe("audio/wav; codecs=audio/pcm; samplerate=16000");
    expect(http.seen[0].headers.get("Ocp-Apim-Subscription-Key")).toBe("k-123456");
  });
});
