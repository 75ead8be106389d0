import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { SpeechClient } from "./client";
import { SpeechApiError } from "./errors";

// Unit level: a scripted transport (the SDK's HttpClient seam) shows which calls the client resends.
// The same behaviour is exercised end to end against the emulator in client.test.ts.
type Reply = number | [number, Record<string, string>, unknown?] | string; // status, [status, headers, body] or system error code

function scripted(...replies: Reply[]): HttpClient & { seen: PipelineRequest[] } {
  const seen: PipelineRequest[] = [];
  return {
    seen,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      seen.push(request);
      const reply = replies.length > 1 ? replies.shift()! : replies[0];
      if (typeof reply === "string") throw new RestError(`connect ${reply}`, { code: reply, request });
      const [status, headers, body] = typeof reply === "number" ? [reply, {}, undefined] : reply;
      const text = body === undefined ? (status >= 400 ? JSON.stringify({ code: "InternalServerError", message: "boom" }) : "{}") : JSON.stringify(body);
      return { request, status, headers: createHttpHeaders(headers), bodyAsText: text };
    },
  };
}

const endpoint = "https://contoso.cognitiveservices.azure.com";
const client = (httpClient: HttpClient, maxRetries = 5) =>
  new SpeechClient({ endpoint, key: "test-key-123456" }, { httpClient, maxRetries, retryDelayInMs: 1, maxRetryDelayInMs: 5, rateLimit: false });
const project = { displayName: "p", locale: "en-US" };

describe("SpeechClient retries", () => {
  it("resends a read after 5xx and connection resets until it succeeds", async () => {
    const http = scripted(500, "ECONNRESET", 502, [200, {}, { displayName: "p", locale: "en-US" }]);
    await expect(client(http).getProject("p1")).resolves.toEqual(project);
    expect(http.seen).toHaveLength(4);
    expect(http.seen.every((r) => r.headers.get("Ocp-Apim-Subscription-Key") === "test-key-123456")).toBe(true);
  });

  it("honours Retry-After on 429 and 503, also for a create", async () => {
    const http = scripted([429, { "Retry-After": "0" }], [503, { "Retry-After": "0" }], [201, {}, project]);
    await expect(client(http).createProject(project)).resolves.toEqual(project);
    expect(http.seen.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
  });

  it("does not resend a create the service may already have acted on (500, connection reset)", async () => {
    const http = scripted(500, [201, {}, project]);
    const err = await client(http).createModel({ displayName: "m", locale: "en-US" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeechApiError);
    expect((err as SpeechApiError).statusCode).toBe(500);
    expect(http.seen).toHaveLength(1);

    const reset = scripted("ECONNRESET", [201, {}, project]);
    await expect(client(reset).createProject(project)).rejects.toMatchObject({ code: "ECONNRESET", statusCode: undefined });
    expect(reset.seen).toHaveLength(1);
  });

  it("resends a create that never reached the service (connection refused)", async () => {
    const http = scripted("ECONNREFUSED", [201, {}, project]);
    await expect(client(http).createProject(project)).resolves.toEqual(project);
    expect(http.seen).toHaveLength(2);
  });

  it("resends harmless POST actions (authorize copy, commit blocks) like reads", async () => {
    const http = scripted(500, [200, {}, { id: "auth-1" }], 500, [200, {}, {}]);
    await client(http).authorizeCopy("/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/src");
    await client(http).commitDatasetBlocks("d1", [{ kind: "Latest", id: "MDAwMDAw" }]);
    expect(http.seen.map((r) => new URL(r.url).pathname)).toEqual([
      "/speechtotext/models:authorizecopy",
      "/speechtotext/models:authorizecopy",
      "/speechtotext/datasets/d1/blocks:commit",
      "/speechtotext/datasets/d1/blocks:commit",
    ]);
  });

  it("stops after maxRetries and reports the last status; never retries 501", async () => {
    const http = scripted(503);
    await expect(client(http, 2).getModel("m1")).rejects.toMatchObject({ statusCode: 503, code: "InternalServerError" });
    expect(http.seen).toHaveLength(3);
    const notImplemented = scripted(501);
    await expect(client(notImplemented).getModel("m1")).rejects.toMatchObject({ statusCode: 501 });
    expect(notImplemented.seen).toHaveLength(1);
  });

  it("does not resend a successful status read that carries Retry-After (it is a polling hint)", async () => {
    const http = scripted([200, { "Retry-After": "7" }, { status: "Running" }], [200, {}, { status: "Succeeded" }]);
    const c = client(http);
    await expect(c.getModel("m1")).resolves.toEqual({ status: "Running" });
    expect(http.seen).toHaveLength(1);
  });

  it("follows @nextLink only on its own endpoint, keeping api-version", async () => {
    const http = scripted(
      [200, {}, { values: [{ displayName: "a" }], "@nextLink": "https://elsewhere.example/speechtotext/projects?skip=1&top=1" }],
      [200, {}, { values: [{ displayName: "b" }] }],
    );
    const names = (await client(http).listProjects({ top: 1, filter: "locale eq 'en-US'" })).map((p) => p.displayName);
    expect(names).toEqual(["a", "b"]);
    expect(http.seen.map((r) => r.url)).toEqual([
      `${endpoint}/speechtotext/projects?api-version=2025-10-15&top=1&filter=locale+eq+%27en-US%27`,
      `${endpoint}/speechtotext/projects?skip=1&top=1&api-version=2025-10-15`,
    ]);
  });
});

describe("SpeechClient construction", () => {
  it("rejects a malformed endpoint, key or retry count naming the property", () => {
    expect(() => new SpeechClient({ endpoint: "contoso.cognitiveservices.azure.com", key: "k" })).toThrow(
      /SpeechConnection.endpoint must be an absolute URL such as https:\/\/<name>\.cognitiveservices\.azure\.com; got "contoso/,
    );
    // A key never travels in clear over the network: http only to this machine.
    expect(() => new SpeechClient({ endpoint: "http://contoso.cognitiveservices.azure.com", key: "k" })).toThrow(/must be an https URL \(http only for localhost/);
    expect(() => new SpeechClient({ endpoint: "https://contoso.cognitiveservices.azure.com?x=1", key: "k" })).toThrow(/must be a URL without query or fragment/);
    expect(() => new SpeechClient({ endpoint, key: "" })).toThrow(/SpeechConnection.key must be a non-empty string/);
    expect(() => new SpeechClient({ endpoint, key: "k" }, { maxRetries: -1 })).toThrow(/SpeechClientOptions.maxRetries must be a non-negative integer/);
  });

  it("builds self URIs on the endpoint whatever its trailing slash or path prefix", () => {
    expect(new SpeechClient({ endpoint: `${endpoint}/`, key: "k" }).url("/models/1")).toBe(`${endpoint}/speechtotext/models/1?api-version=2025-10-15`);
    expect(new SpeechClient({ endpoint: "http://127.0.0.1:7000/speech//", key: "k" }).url("/projects")).toBe(
      "http://127.0.0.1:7000/speech/speechtotext/projects?api-version=2025-10-15",
    );
  });
});
