// Short-audio recognition (the "Speech to text REST API for short audio"): one request per clip of at most 60 s,
// final results only, a custom endpoint chosen with `cid=<endpoint id>`. Not part of the 2025-10-15 spec, so its
// result types are written here from the service's documentation.
import type { TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient, type Pipeline } from "@azure/core-rest-pipeline";
import { ensure, httpsOrLoopbackUrl } from "../domain/validators";
import { systemClock } from "./clock";
import { errorFromFailure, sendOrThrow } from "./errors";
import type { Endpoint } from "./models";
import { createSpeechPipeline } from "./pipeline";

/** The one audio format every Speech region takes over REST (OGG Opus is the other). */
export const SHORT_AUDIO_CONTENT_TYPE = "audio/wav; codecs=audio/pcm; samplerate=16000";
const RECOGNITION_PATH = "/speech/recognition/conversation/cognitiveservices/v1";

/** One hypothesis of a detailed result. */
export interface RecognitionCandidate {
  Confidence: number;
  /** Words as spoken, lower case, numbers spelled out. */
  Lexical: string;
  ITN: string;
  MaskedITN: string;
  Display: string;
}

/** The JSON of a short-audio recognition (`format=detailed` adds NBest). Offset and Duration are in 100-ns units. */
export interface RecognitionResult {
  /** Success, NoMatch, InitialSilenceTimeout, BabbleTimeout, Error. */
  RecognitionStatus: string;
  Offset?: number;
  Duration?: number;
  DisplayText?: string;
  NBest?: RecognitionCandidate[];
}

/** The regional management host, `<region>.api.cognitive.microsoft.com` (and the sovereign clouds' equivalents). */
const REGIONAL_API_HOST = /^([a-z0-9]+)\.api\.cognitive\.(microsoft\.com|azure\.cn|microsoft\.us)$/i;
const STT_HOST_OF = { "microsoft.com": "stt.speech.microsoft.com", "azure.cn": "stt.speech.azure.cn", "microsoft.us": "stt.speech.azure.us" } as const;

/** A regional endpoint (no custom domain): keys only, as Microsoft Entra tokens need the resource's custom domain. */
export function isRegionalEndpoint(speechEndpoint: string): boolean {
  try {
    return REGIONAL_API_HOST.test(new URL(speechEndpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * Where a Speech resource answers short-audio recognition. A custom-domain endpoint (`https://<name>.cognitiveservices
 * .azure.com`, also behind a private endpoint) serves it under `/stt` (the Speech docs' rule: the `stt` of the regional
 * host name becomes the first path segment); that form also takes Microsoft Entra tokens. A regional endpoint
 * (`https://<region>.api.cognitive.microsoft.com`) has no such path: recognition is on the region's speech host, read
 * from the Endpoint entity's `links.webSocket` when given, else derived from the region.
 */
export function recognitionUrl(speechEndpoint: string, endpoint?: Pick<Endpoint, "links">): string {
  const u = new URL(ensure<string>("speechEndpoint", speechEndpoint, httpsOrLoopbackUrl()));
  const regional = REGIONAL_API_HOST.exec(u.hostname);
  if (!regional) return `${u.origin}${u.pathname.replace(/\/+$/, "")}/stt${RECOGNITION_PATH}`;
  const link = endpoint?.links?.webSocket;
  const linkHost = link ? new URL(link).hostname : undefined;
  const host = linkHost && /\.stt\.speech\./i.test(linkHost) ? linkHost : `${regional[1].toLowerCase()}.${STT_HOST_OF[regional[2].toLowerCase() as keyof typeof STT_HOST_OF]}`;
  return `https://${host}${RECOGNITION_PATH}`;
}

export interface RecognitionConnection {
  /** The recognition URL (see recognitionUrl). */
  url: string;
  /** Ocp-Apim-Subscription-Key. Without it, `credential` (default DefaultAzureCredential) signs a Bearer token. */
  key?: string;
  credential?: TokenCredential;
}

export interface RecognitionClientOptions {
  /** 429/5xx/connection failures, honouring Retry-After; default 3. A recognition changes nothing, so it is resent. */
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
  tlsCa?: string;
  httpClient?: HttpClient;
}

/** Sends clips to one recognition URL through the same pipeline as SpeechClient (retries, auth, redaction). */
export class RecognitionClient {
  readonly url: string;
  private readonly pipeline: Pipeline;
  private readonly secrets: (string | undefined)[];
  private httpClient: HttpClient | undefined;

  constructor(connection: RecognitionConnection, options: RecognitionClientOptions = {}) {
    this.url = ensure<string>("RecognitionConnection.url", connection.url, httpsOrLoopbackUrl());
    if (connection.key !== undefined && (typeof connection.key !== "string" || connection.key.length === 0)) {
      throw new TypeError("RecognitionConnection.key must be a non-empty string (or omitted to use Microsoft Entra ID)");
    }
    this.secrets = [connection.key];
    this.httpClient = options.httpClient;
    this.pipeline = createSpeechPipeline({
      endpoint: this.url,
      auth: connection.key ? { key: connection.key } : { credential: connection.credential ?? lazyDefaultCredential() },
      retry: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: options.retryDelayInMs ?? 1_000, maxRetryDelayInMs: options.maxRetryDelayInMs ?? 30_000 },
      // Recognition has its own quota (concurrent requests), not the management API's 100 per 10 s.
      rateLimit: false,
      clock: systemClock,
      tlsCa: options.tlsCa,
    });
  }

  /** Recognizes one clip (16 kHz mono 16-bit PCM WAV, ≤ 60 s) in `language`, with the custom endpoint `endpointId`. */
  async recognize(audio: Buffer, o: { language: string; endpointId?: string; format?: "detailed" | "simple"; abortSignal?: AbortSignal }): Promise<RecognitionResult> {
    const url = new URL(this.url);
    url.searchParams.set("language", o.language);
    url.searchParams.set("format", o.format ?? "detailed");
    if (o.endpointId) url.searchParams.set("cid", o.endpointId);
    const request = createPipelineRequest({
      url: url.toString(),
      method: "POST",
      headers: createHttpHeaders({ Accept: "application/json", "Content-Type": SHORT_AUDIO_CONTENT_TYPE }),
      body: audio,
      abortSignal: o.abortSignal,
      allowInsecureConnection: url.protocol === "http:",
    });
    const response = await sendOrThrow(this.pipeline, (this.httpClient ??= createDefaultHttpClient()), request, this.secrets);
    try {
      return JSON.parse(response.bodyAsText ?? "") as RecognitionResult;
    } catch {
      throw errorFromFailure(new Error(`response ${response.status} is not JSON`), request, this.secrets);
    }
  }
}

/** The result's words in lexical form (NBest[0].Lexical, else DisplayText); empty when nothing was recognized. */
export function lexicalText(result: RecognitionResult): string {
  if (result.RecognitionStatus !== "Success") return "";
  return result.NBest?.[0]?.Lexical ?? result.DisplayText ?? "";
}

/** DefaultAzureCredential, built on first use (loading @azure/identity is slow and often unneeded). */
function lazyDefaultCredential(): TokenCredential {
  let credential: TokenCredential | undefined;
  return {
    getToken: (scopes, options) => {
      if (!credential) {
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        credential = new identity.DefaultAzureCredential();
      }
      return credential.getToken(scopes, options);
    },
  };
}
