import * as tls from "tls";
import type { TokenCredential } from "@azure/core-auth";
import * as coreUtil from "@azure/core-util";
import {
  bearerTokenAuthenticationPolicy,
  createPipelineFromOptions,
  retryPolicy,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type RetryStrategy,
} from "@azure/core-rest-pipeline";
import type { Clock } from "./clock";
import { rateBudgetPolicy, type RateLimit } from "./rate-budget";

export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
export const KEY_HEADER = "Ocp-Apim-Subscription-Key";

export interface RetryOptions {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

// Transport errors raised before the request could reach the service: always safe to resend.
const NOT_SENT_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);
// Transport errors where the service may or may not have acted on the request.
const MAYBE_SENT_ERRORS = new Set(["ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EPIPE"]);
// POST actions whose repetition is harmless (a second authorization or commit of the same list, a recognition).
const REPEATABLE_POST = /(\/models:authorizecopy|\/blocks:commit|\/speech\/recognition\/\w+\/cognitiveservices\/v1)$/;

/** GET/PUT/PATCH/DELETE are idempotent; POST creates are not (a resent create could train twice). */
export function isReplayable(request: PipelineRequest): boolean {
  if (request.method !== "POST") return true;
  try {
    return REPEATABLE_POST.test(new URL(request.url).pathname);
  } catch {
    return false;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * One strategy for the SDK's retryPolicy (which owns the loop, the bound and the abortable delay).
 * Not the SDK's defaultRetryPolicy: its throttling strategy retries ANY response carrying
 * Retry-After, and Speech sends Retry-After on successful GETs and on the 202 of a copy.
 *  - 429 and 503: the service refused before acting, so every method is retried, after Retry-After.
 *  - 408 and other 5xx (not 501/505), and ECONNRESET-like errors: retried for idempotent requests
 *    only; a create POST surfaces the error and is made idempotent one level up (adopt-if-exists).
 *  - connection refused / DNS failures: nothing was sent, always retried.
 */
export function speechRetryStrategy(options: RetryOptions): RetryStrategy {
  const backoff = (retryCount: number): number =>
    coreUtil.calculateRetryDelay(retryCount, { retryDelayInMs: options.retryDelayInMs, maxRetryDelayInMs: options.maxRetryDelayInMs })
      .retryAfterInMs;
  return {
    name: "speechRetryStrategy",
    retry({ retryCount, response, responseError }) {
      const request = response?.request ?? responseError?.request;
      if (response && response.status < 400 && !responseError) return { skipStrategy: true };
      if (response) {
        const status = response.status;
        const msHint = Number(response.headers.get("retry-after-ms") ?? response.headers.get("x-ms-retry-after-ms") ?? NaN);
        const hintMs = Number.isFinite(msHint) ? msHint : parseRetryAfter(response.headers.get("retry-after"));
        if (status === 429 || status === 503) return { retryAfterInMs: hintMs ?? backoff(retryCount) };
        const transient = status === 408 || (status >= 500 && status !== 501 && status !== 505);
        if (transient && request && isReplayable(request)) return { retryAfterInMs: hintMs ?? backoff(retryCount) };
        return { skipStrategy: true };
      }
      const code = responseError?.code ?? "";
      if (NOT_SENT_ERRORS.has(code) || (MAYBE_SENT_ERRORS.has(code) && request && isReplayable(request))) {
        return { retryAfterInMs: backoff(retryCount) };
      }
      return { skipStrategy: true };
    },
  };
}

export function subscriptionKeyPolicy(key: string): PipelinePolicy {
  return {
    name: "speechSubscriptionKeyPolicy",
    sendRequest(request, next) {
      request.headers.set(KEY_HEADER, key);
      return next(request);
    },
  };
}

export interface SpeechPipelineOptions {
  endpoint: string;
  auth: { key: string } | { credential: TokenCredential };
  retry: RetryOptions;
  rateLimit: RateLimit | false;
  clock: Clock;
  tlsCa?: string;
}

/**
 * The Azure SDK pipeline (user agent, request ids, redirects, logging with redaction) with our
 * retry strategy, the per-resource rate budget after it (every attempt spends budget) and auth
 * signing each attempt.
 */
export function createSpeechPipeline(o: SpeechPipelineOptions): Pipeline {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: "pulumi-custom-speech" },
    // The SDK's HTTP client builds (and caches) its https.Agent from these settings.
    tlsOptions: o.tlsCa ? { ca: [...tls.rootCertificates, o.tlsCa] } : undefined,
  });
  pipeline.removePolicy({ phase: "Retry" });
  pipeline.addPolicy(retryPolicy([speechRetryStrategy(o.retry)], { maxRetries: o.retry.maxRetries }), { phase: "Retry" });
  if (o.rateLimit) pipeline.addPolicy(rateBudgetPolicy(o.endpoint, o.rateLimit, o.clock), { afterPhase: "Retry" });
  pipeline.addPolicy(
    "key" in o.auth
      ? subscriptionKeyPolicy(o.auth.key)
      : bearerTokenAuthenticationPolicy({ credential: o.auth.credential, scopes: COGNITIVE_SERVICES_SCOPE }),
    { phase: "Sign" },
  );
  return pipeline;
}

/**
 * The pipeline of file downloads (SAS URLs of the service's storage): the same retries, no rate budget (storage is
 * not the Speech resource) and no auth policy at all, so neither the key nor a bearer token can reach the host.
 */
export function createDownloadPipeline(retry: RetryOptions, tlsCa?: string): Pipeline {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: "pulumi-custom-speech" },
    tlsOptions: tlsCa ? { ca: [...tls.rootCertificates, tlsCa] } : undefined,
    // The SDK's logging policy would log the URL; its redirect policy would follow a redirect with the same query.
    redirectOptions: { maxRetries: 0 },
  });
  pipeline.removePolicy({ phase: "Retry" });
  pipeline.addPolicy(retryPolicy([speechRetryStrategy(retry)], { maxRetries: retry.maxRetries }), { phase: "Retry" });
  return pipeline;
}
