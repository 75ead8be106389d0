import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { errorFromFailure, errorFromResponse, isInUse, isNotFound, isThrottled, parseErrorBody, redact, SpeechApiError } from "./errors";

function response(status: number, body: string, headers: Record<string, string> = {}): PipelineResponse {
  const request = createPipelineRequest({
    url: "https://contoso.cognitiveservices.azure.com/speechtotext/models/4f1c?api-version=2025-10-15",
    method: "DELETE",
  });
  return { request, status, headers: createHttpHeaders(headers), bodyAsText: body };
}

describe("Speech API errors", () => {
  it("carry the service's code, inner code, target, details and request id from the spec's top-level Error body", () => {
    const body = {
      code: "InvalidRequest",
      message: "The model is in use.",
      target: "model",
      details: [{ code: "InvalidArgument", message: "x" }],
      innerError: { code: "InUseViolation", message: "Endpoint 9 uses it." },
    };
    const err = errorFromResponse(response(400, JSON.stringify(body), { "apim-request-id": "req-1" }));
    expect(err).toBeInstanceOf(SpeechApiError);
    expect(err).toMatchObject({ statusCode: 400, code: "InvalidRequest", innerCode: "InUseViolation", requestId: "req-1", target: "model" });
    expect(err.details).toEqual(body.details);
    expect(err.message).toBe(
      "Speech API DELETE /speechtotext/models/4f1c returned 400 InvalidRequest/InUseViolation: The model is in use. (Endpoint 9 uses it.) [request id req-1]",
    );
    expect(isInUse(err)).toBe(true);
    expect(isNotFound(err)).toBe(false);
  });

  it("also understand a body wrapped in {error:{...}} and the other request id headers", () => {
    const err = errorFromResponse(
      response(404, JSON.stringify({ error: { code: "NotFound", message: "No model 4f1c." } }), { "x-ms-request-id": "req-2" }),
    );
    expect(err).toMatchObject({ statusCode: 404, code: "NotFound", innerCode: undefined, requestId: "req-2" });
    expect(isNotFound(err)).toBe(true);
    const throttled = errorFromResponse(response(429, "", { "x-requestid": "req-3" }));
    expect(throttled).toMatchObject({ statusCode: 429, code: undefined, requestId: "req-3" });
    expect(throttled.message).toBe("Speech API DELETE /speechtotext/models/4f1c returned 429 [request id req-3]");
    expect(isThrottled(throttled)).toBe(true);
  });

  it("keep a short excerpt of a non-JSON body such as a gateway HTML page", () => {
    const html = `<html><body>${"Bad gateway ".repeat(50)}</body></html>`;
    const err = errorFromResponse(response(502, html));
    expect(err.statusCode).toBe(502);
    expect(err.message).toMatch(/^Speech API DELETE \/speechtotext\/models\/4f1c returned 502: <html><body>Bad gateway/);
    expect(err.message.length).toBeLessThan(400);
    expect(parseErrorBody("   ")).toBeUndefined();
  });

  it("never show the resource key, a bearer token or a SAS signature", () => {
    const key = "0123456789abcdef0123456789abcdef";
    const body = { code: "InvalidArgument", message: `Cannot read https://a.blob.core.windows.net/c/x.zip?sv=2024&sig=SECRETSIG%3D&se=1 with key ${key}` };
    const err = errorFromResponse(response(400, JSON.stringify(body)), [key]);
    expect(err.message).not.toContain(key);
    expect(err.message).not.toContain("SECRETSIG");
    expect(err.message).toContain("sig=***&se=1");
    expect(redact("Authorization: Bearer eyJ0eXAi.abc-def_ghi")).toBe("Authorization: Bearer ***");
  });

  it("remove a SAS signature quoted URL-encoded (a URL inside a query) or JSON-escaped (a URL inside JSON text)", () => {
    expect(redact("next=https%3A%2F%2Fa.blob.core.windows.net%2Fc%2Fx%3Fsv%3D1%26sig%3DSECRET%253D%26se%3D2")).toBe("next=https%3A%2F%2Fa.blob.core.windows.net%2Fc%2Fx%3Fsv%3D1%26sig%3D***%26se%3D2");
    expect(redact('{"url":"https://a.blob.core.windows.net/c/x?sv=1\\u0026sig=SECRET\\u0026se=2"}')).toBe('{"url":"https://a.blob.core.windows.net/c/x?sv=1\\u0026sig=***\\u0026se=2"}');
  });

  it("wrap transport failures with the call they belong to and the system error code", () => {
    const request = createPipelineRequest({ url: "http://127.0.0.1:1/speech/speechtotext/projects?api-version=2025-10-15", method: "POST" });
    const failure = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const err = errorFromFailure(failure, request) as SpeechApiError;
    expect(err).toBeInstanceOf(SpeechApiError);
    expect(err).toMatchObject({ statusCode: undefined, code: "ECONNRESET" });
    expect(err.message).toBe("Speech API POST /speech/speechtotext/projects failed: socket hang up");
  });

  it("are recognised by the helpers even when thrown by another copy of this module", () => {
    const foreign = { name: "SpeechApiError", statusCode: 409, code: "Conflict", innerCode: "DeleteNotAllowed" };
    expect(isInUse(foreign)).toBe(true);
    expect(isNotFound({ statusCode: 404 })).toBe(true);
    expect(isThrottled(new Error("429"))).toBe(false);
    expect(isInUse(undefined)).toBe(false);
  });
});
