// startEmulator: one node:http(s) server, one path prefix per emulated Speech resource (`{url}/{name}` is its
// endpoint). Per request: throttling → injected faults → auth → api-version → route → persist on change.
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import { randomUUID } from "crypto";
import { API_VERSION, Resource, type Core, type Ctx, type Reply } from "./context";
import { buildCatalogue } from "./catalogue";
import { ContentStore } from "./content";
import { EmulatorData } from "./data";
import { fileContent } from "./handlers/results";
import { ApiError, badRequest } from "./errors";
import { FaultInjector, SlidingWindowLimiter } from "./faults";
import { settleCopies } from "./handlers/copy";
import { MAX_RECOGNITION_BODY, RECOGNITION_PATH, recognize } from "./handlers/recognition";
import { ROUTES, Router } from "./routes";
import { DEFAULT_SCENARIO } from "./scenario";
import { emptyResourceState, loadState, saveState } from "./store";
import type { DurationKind, EmulatedResourceSpec, EmulatorOptions, EvaluationScenario, RequestLogEntry, RunningEmulator } from "./types";

const DEFAULT_RESOURCES: EmulatedResourceSpec[] = [{ name: "speech", region: "eastus", key: "local-key" }];
const DEFAULT_RATE_LIMIT = { requests: 100, windowMs: 10_000 };
const DEFAULT_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const MAX_JSON_BODY = 4 * 1024 * 1024;
const JSON_TYPES = ["application/json", "application/merge-patch+json"];

export const armResourceId = (r: EmulatedResourceSpec): string =>
  `/subscriptions/${r.subscriptionId ?? DEFAULT_SUBSCRIPTION}/resourceGroups/${r.resourceGroup ?? "rg-speech-emulator"}/providers/Microsoft.CognitiveServices/accounts/${r.name}`;

/** A self-signed certificate for 127.0.0.1 and localhost (selfsigned is a dev dependency: loaded only for tls). */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const { generate } = require("selfsigned") as typeof import("selfsigned");
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 30 * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | "tooLarge"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining past the limit (so the client can read the 413) but stop buffering.
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? "tooLarge" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { "apim-request-id": randomUUID(), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  headers["Content-Type"] ??= "application/json; charset=utf-8";
  res.writeHead(reply.status, headers).end(payload);
}

const errorReply = (e: ApiError): Reply => ({ status: e.status, body: e.toBody(), headers: e.headers });

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const specs = options.resources ?? DEFAULT_RESOURCES;
  const state = loadState(options.statePath, options.catalogueEpoch ?? now());
  const durations: Record<DurationKind, number> = { dataset: 0, model: 0, endpoint: 0, evaluation: 0, copy: 0, ...options.durations };
  const limiter = new SlidingWindowLimiter(options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit);
  const faults = new FaultInjector(options.faults);
  const router = new Router(ROUTES);
  const requestLog: RequestLogEntry[] = [];
  let listener: ((entry: RequestLogEntry) => void) | undefined;
  const persist = (): void => {
    if (options.statePath) saveState(options.statePath, state);
  };

  const tls = options.tls ? await selfSignedCertificate() : undefined;
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }) : http.createServer();
  // Cloud front ends keep idle connections for minutes, not Node's default 5 s: a client that reuses its socket after
  // a few seconds' pause must not see the connection reset under it (a POST on a reset socket is not retried).
  server.keepAliveTimeout = 240_000;
  server.headersTimeout = 241_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const resources = new Map<string, Resource>();
  for (const spec of specs) {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(spec.name) || spec.name === "_emulator") {
      throw new Error(`Emulated resource name '${spec.name}' must be letters, digits and dashes.`);
    }
    state.resources[spec.name] ??= emptyResourceState();
    resources.set(spec.name, new Resource(spec.name, spec.region, spec.key, armResourceId(spec), `${url}/${spec.name}`, state.resources[spec.name], spec.sku));
  }
  const core: Core = {
    url,
    resources,
    catalogue: buildCatalogue(state.catalogueEpoch),
    scenario: { ...DEFAULT_SCENARIO },
    durations,
    data: new EmulatorData(ContentStore.beside(options.statePath), options.trustAzurite ?? true),
    pageSize: options.pageSize ?? 100,
    now,
    resourceById: (id) => [...resources.values()].find((r) => r.resourceId.toLowerCase() === id.toLowerCase()),
  };
  for (const cs of options.trustedStorage ?? []) core.data.trustStorage(cs);
  persist();

  /**
   * Hidden control plane, outside throttling, faults and auth: file contents behind the returned contentUrls, which
   * are SAS-like (`se` expiry, 403 after it, as Azure Storage answers an expired SAS).
   */
  function control(parsed: URL, res: http.ServerResponse): void {
    const file = /^\/_emulator\/files\/([^/]+)\/(.+)\/([^/]+)\/([^/]+)$/.exec(parsed.pathname);
    if (file) {
      const expiry = Date.parse(parsed.searchParams.get("se") ?? "");
      if (!Number.isNaN(expiry) && now() > expiry) {
        const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Signed expiry time [${new Date(expiry).toUTCString()}] must be after signed start time [${new Date(now()).toUTCString()}].</Message></Error>`;
        send(res, { status: 403, body: xml, headers: { "Content-Type": "application/xml" } });
        return;
      }
      const [, resourceName, ownerPath, , encodedName] = file;
      const name = decodeURIComponent(encodedName);
      const content = fileContent(core, resourceName, ownerPath, name);
      if (content) {
        res.writeHead(200, { "Content-Type": content.type, "Content-Length": String(Buffer.byteLength(content.body)) }).end(content.body);
        return;
      }
      send(res, { status: 200, body: `Emulated content of ${name} (${file[3]}) in ${resourceName}.\n`, headers: { "Content-Type": "text/plain" } });
      return;
    }
    send(res, { status: 404, body: new ApiError(404, "NotFound", "InvalidParameterValue", `No control operation at ${parsed.pathname}.`).toBody() });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? "/", url);
    const method = req.method ?? "GET";
    if (parsed.pathname.startsWith("/_emulator/")) return control(parsed, res);
    const [, name = "", ...rest] = parsed.pathname.split("/");
    const path = `/${rest.join("/")}`;
    const log = (status: number): void => {
      const entry = { resource: name, method, path, status, time: now() };
      requestLog.push(entry);
      listener?.(entry);
    };
    const reply = (r: Reply): void => {
      log(r.status);
      send(res, r);
    };
    const resource = resources.get(name);
    if (!resource) return reply(errorReply(new ApiError(404, "NotFound", "InvalidParameterValue", `No emulated Speech resource '${name}'. Known: ${[...resources.keys()].join(", ")}.`)));

    const retryAfter = limiter.take(name, now());
    if (retryAfter !== undefined) {
      return reply(errorReply(new ApiError(429, "TooManyRequests", "QuotaViolation", `Rate limit of the Speech resource '${name}' exceeded. Retry after ${retryAfter} s.`, { "Retry-After": String(retryAfter) })));
    }
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const fault = faults.decide();
    if (fault.kind === "reset") {
      log(0);
      req.socket.destroy();
      return;
    }
    if (fault.kind === "error") {
      const code = fault.status === 500 ? "InternalServerError" : "ServiceUnavailable";
      return reply(errorReply(new ApiError(fault.status, code, "UnexpectedError", `Injected ${fault.status} fault.`)));
    }

    const key = req.headers["ocp-apim-subscription-key"];
    const bearer = /^Bearer\s+\S+/i.test(req.headers.authorization ?? "");
    if (!bearer && key !== resource.key) {
      return reply(errorReply(new ApiError(401, "Unauthorized", "InvalidSubscription", "Access denied: send a valid Ocp-Apim-Subscription-Key or an Authorization: Bearer token.")));
    }
    if (resource.forbidden) {
      return reply(errorReply(new ApiError(403, "Forbidden", "InvalidPermissions", "The principal is authenticated but not authorized for this operation on the Speech resource.")));
    }
    // Short-audio recognition is another API on the same resource: no api-version, audio in the body.
    if (RECOGNITION_PATH.test(path) && method === "POST") {
      const audio = await readBody(req, MAX_RECOGNITION_BODY);
      if (audio === "tooLarge") return reply(errorReply(new ApiError(413, "InvalidArgument", "AudioLengthLimitExceeded", "The audio is longer than the 60 s the short-audio API takes.")));
      const ctx: Ctx = { core, resource, params: {}, query: parsed.searchParams, path, headers: req.headers, body: audio, now: now() };
      try {
        return reply(recognize(ctx));
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        return reply(errorReply(e));
      }
    }
    const version = parsed.searchParams.get("api-version");
    if (version !== API_VERSION) {
      const what = version === null ? "The api-version query parameter is required" : `Unsupported api-version '${version}'`;
      return reply(errorReply(badRequest("InvalidParameterValue", `${what}; supported: ${API_VERSION}.`)));
    }
    if (!path.startsWith("/speechtotext/")) return reply(errorReply(new ApiError(404, "NotFound", "InvalidParameterValue", `No operation at ${path}.`)));
    const apiPath = path.slice("/speechtotext".length);
    const match = router.match(method, apiPath);
    if (match === "notFound") return reply(errorReply(new ApiError(404, "NotFound", "InvalidParameterValue", `No operation at ${path}.`)));
    if (match === "methodNotAllowed") return reply(errorReply(new ApiError(405, "NotAllowed", "InvalidParameterValue", `${method} is not allowed on ${path}.`)));

    const limit = match.route.maxBody ?? MAX_JSON_BODY;
    const body = await readBody(req, limit);
    if (body === "tooLarge") return reply(errorReply(new ApiError(413, "InvalidArgument", "InvalidParameterValue", `The request body is larger than ${limit} bytes.`)));
    const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (!match.route.binary && body.length > 0 && contentType && !JSON_TYPES.includes(contentType)) {
      return reply(errorReply(new ApiError(415, "UnsupportedMediaType", "InvalidRequestBodyFormat", `Content-Type '${contentType}' is not supported; use ${JSON_TYPES.join(" or ")}.`)));
    }
    const ctx: Ctx = { core, resource, params: match.params, query: parsed.searchParams, path: apiPath, headers: req.headers, body, now: now() };
    if (settleCopies(core, ctx.now)) persist();
    // An evaluation is scored on what its test set holds: let contentUrl imports under way finish first.
    if (method === "POST" && apiPath === "/evaluations") await core.data.settled();
    let result: Reply;
    try {
      result = match.route.handler(ctx);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      result = errorReply(e);
    }
    if (method !== "GET" && result.status < 300) persist();
    if (method === "POST" && apiPath === "/datasets" && result.status === 201) {
      const created = resource.state.datasets[String((result.body as { self?: string }).self).split("?")[0].split("/").pop()!];
      if (created) core.data.startImport(resource.name, created);
    }
    reply(result);
  }

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return;
      send(res, errorReply(new ApiError(500, "InternalServerError", "UnexpectedError", `Emulator error: ${e instanceof Error ? e.message : String(e)}`)));
    });
  });

  const resourceInfo = Object.fromEntries(
    [...resources.values()].map((r) => [
      r.name,
      {
        endpoint: r.endpoint,
        region: r.region,
        resourceId: r.resourceId,
        get key() {
          return r.key;
        },
      },
    ]),
  );

  return {
    url,
    ...(tls && { ca: tls.cert }),
    resources: resourceInfo,
    requestLog,
    setFaults: (f) => faults.set(f),
    setScenario: (s: Partial<EvaluationScenario>) => {
      core.scenario = { ...core.scenario, ...s };
    },
    markDatasetBad: (resourceName, datasetId, message) => {
      const r = resources.get(resourceName);
      if (!r) throw new Error(`markDatasetBad: no emulated resource '${resourceName}'.`);
      const id = datasetId.toLowerCase();
      if (!r.state.datasets[id]) throw new Error(`markDatasetBad: resource '${resourceName}' has no dataset '${datasetId}'.`);
      r.state.badDatasets[id] = { at: now(), message: message ?? "The dataset was marked bad: its content cannot be used for training." };
      persist();
    },
    rotateKey: (resourceName, key) => {
      const r = resources.get(resourceName);
      if (!r) throw new Error(`rotateKey: no emulated resource '${resourceName}'.`);
      r.key = key;
    },
    expireCopyAuthorizations: (resourceName) => {
      const r = resources.get(resourceName);
      if (!r) throw new Error(`expireCopyAuthorizations: no emulated resource '${resourceName}'.`);
      for (const a of Object.values(r.state.copyAuthorizations)) a.expirationDateTime = new Date(now() - 1000).toISOString();
      persist();
    },
    failCopies: (resourceName, message) => {
      const r = resources.get(resourceName);
      if (!r) throw new Error(`failCopies: no emulated resource '${resourceName}'.`);
      r.copyFailure = message;
    },
    setForbidden: (resourceName, forbidden) => {
      const r = resources.get(resourceName);
      if (!r) throw new Error(`setForbidden: no emulated resource '${resourceName}'.`);
      r.forbidden = forbidden;
    },
    trustStorage: (connectionString) => core.data.trustStorage(connectionString),
    setEvaluationDetails: (mode) => {
      core.data.detailsMode = mode;
    },
    degradedFiles: (resourceName, evaluationId) => {
      const r = resources.get(resourceName);
      if (!r) throw new Error(`degradedFiles: no emulated resource '${resourceName}'.`);
      const results = core.data.evaluationResults(resourceName, evaluationId.toLowerCase());
      if (!results) throw new Error(`degradedFiles: evaluation '${evaluationId}' of '${resourceName}' has no per-file results (its test set's content was not known when it was created).`);
      return { model1: [...results.degraded[0]], model2: [...results.degraded[1]] };
    },
    onRequest: (l) => {
      listener = l;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        persist();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
