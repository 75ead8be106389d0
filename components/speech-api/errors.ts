import { isRestError, type HttpClient, type Pipeline, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { redact } from "../domain/redact";
import type { Error as ApiErrorBody } from "./models";

export { redact };

/**
 * Pulumi's closure serializer rewrites `super(message)` into `Error.call(this, message)`, which sets
 * nothing on `this`: our Error subclasses set their name, message and stack themselves.
 */
export function initError(e: Error, name: string, message: string): void {
  e.name = name;
  e.message = message;
  if (!Object.prototype.hasOwnProperty.call(e, "stack")) Error.captureStackTrace?.(e);
}

/**
 * Any failure of a Speech to text call: an HTTP error status (with the service's error body parsed)
 * or a transport failure after retries (statusCode undefined, code e.g. "ECONNRESET").
 */
export class SpeechApiError extends Error {
  statusCode: number | undefined;
  /** Service `code` (ErrorCode), or the transport error code when no response arrived. */
  code: string | undefined;
  /** `innerError.code` (DetailedErrorCode), e.g. InUseViolation, ModelCopyAuthorizationExpired. */
  innerCode: string | undefined;
  requestId: string | undefined;
  target?: string;
  details?: unknown;

  constructor(
    message: string,
    init: { statusCode?: number; code?: string; innerCode?: string; requestId?: string; target?: string; details?: unknown } = {},
  ) {
    super(message);
    initError(this, "SpeechApiError", message);
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.innerCode = init.innerCode;
    this.requestId = init.requestId;
    if (init.target !== undefined) this.target = init.target;
    if (init.details !== undefined) this.details = init.details;
  }
}

// Duck-typed so errors thrown by another (serialized) copy of this module still match.
function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null ? (e as { statusCode?: number }).statusCode : undefined;
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e) === 404;
}

export function isThrottled(e: unknown): boolean {
  return statusOf(e) === 429;
}

const IN_USE_CODES = new Set(["InUseViolation", "DeleteNotAllowed"]);
export function isInUse(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { code, innerCode } = e as { code?: string; innerCode?: string };
  return IN_USE_CODES.has(innerCode ?? "") || IN_USE_CODES.has(code ?? "");
}

const REQUEST_ID_HEADERS = ["apim-request-id", "x-ms-request-id", "x-requestid"];

/** Parses the spec's top-level Error body; tolerates `{error:{...}}` and non-JSON bodies. */
export function parseErrorBody(text: string | undefined): ApiErrorBody | undefined {
  if (!text || text.trim().length === 0) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null) return { message: String(parsed) };
    const obj = parsed as { error?: unknown };
    const body = typeof obj.error === "object" && obj.error !== null ? obj.error : parsed;
    return body as ApiErrorBody;
  } catch {
    // HTML from a gateway or plain text: keep a short excerpt as the message.
    const plain = text.replace(/\s+/g, " ").trim();
    return { message: plain.length > 300 ? `${plain.slice(0, 300)}…` : plain };
  }
}

function callSummary(request: PipelineRequest): string {
  let path = request.url;
  try {
    path = new URL(request.url).pathname;
  } catch {
    /* keep the raw URL */
  }
  return `${request.method} ${path}`;
}

export function errorFromResponse(response: PipelineResponse, secrets: readonly (string | undefined)[] = []): SpeechApiError {
  const body = parseErrorBody(response.bodyAsText ?? undefined);
  const requestId = REQUEST_ID_HEADERS.map((h) => response.headers.get(h)).find((v) => !!v);
  const code = typeof body?.code === "string" ? body.code : undefined;
  const innerCode = typeof body?.innerError?.code === "string" ? body.innerError.code : undefined;
  const serviceMessage = body?.innerError?.message && body.message ? `${body.message} (${body.innerError.message})` : (body?.message ?? body?.innerError?.message);
  const codes = [code, innerCode].filter(Boolean).join("/");
  const message =
    `Speech API ${callSummary(response.request)} returned ${response.status}${codes ? ` ${codes}` : ""}` +
    `${serviceMessage ? `: ${serviceMessage}` : ""}${requestId ? ` [request id ${requestId}]` : ""}`;
  return new SpeechApiError(redact(message, secrets), {
    statusCode: response.status,
    code,
    innerCode,
    requestId,
    target: body?.target ?? body?.innerError?.target,
    details: body?.details ?? body?.innerError?.details,
  });
}

/** Wraps anything the pipeline threw (transport errors after retries, aborts) with the call it belonged to. */
export function errorFromFailure(e: unknown, request: PipelineRequest, secrets: readonly (string | undefined)[] = []): unknown {
  if (e instanceof SpeechApiError) return e;
  if (typeof e === "object" && e !== null && (e as { name?: string }).name === "AbortError") return e;
  if (isRestError(e) && e.response) return errorFromResponse(e.response as PipelineResponse, secrets);
  const code = isRestError(e) ? e.code : (e as { code?: string } | undefined)?.code;
  const reason = e instanceof Error ? e.message : String(e);
  return new SpeechApiError(redact(`Speech API ${callSummary(request)} failed: ${reason}`, secrets), { code });
}

/** Sends a request through a pipeline: a transport failure or an answer of 400 or more becomes the error above. */
export async function sendOrThrow(pipeline: Pipeline, httpClient: HttpClient, request: PipelineRequest, secrets: readonly (string | undefined)[]): Promise<PipelineResponse> {
  let response: PipelineResponse;
  try {
    response = await pipeline.sendRequest(httpClient, request);
  } catch (e) {
    throw errorFromFailure(e, request, secrets);
  }
  if (response.status >= 400) throw errorFromResponse(response, secrets);
  return response;
}
