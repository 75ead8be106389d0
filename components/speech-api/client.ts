import type { TokenCredential } from "@azure/core-auth";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
  type RequestBodyType,
} from "@azure/core-rest-pipeline";
import { ensure, httpsOrLoopbackUrl, type Rule } from "../domain/validators";
import type * as m from "./models";
import { systemClock, type Clock } from "./clock";
import { errorFromFailure, isNotFound, redact, sendOrThrow, SpeechApiError } from "./errors";
import { collectPages, listQuery, type ListOptions, type Page } from "./paging";
import { COGNITIVE_SERVICES_SCOPE, createDownloadPipeline, createSpeechPipeline, parseRetryAfter, type RetryOptions } from "./pipeline";
import { pollUntilTerminal, type PollOptions } from "./polling";
import { DEFAULT_RATE_LIMIT, validateRateLimit, type RateLimit } from "./rate-budget";

export const API_VERSION = "2025-10-15";
export { COGNITIVE_SERVICES_SCOPE };

/** How to reach one Speech resource. endpoint: custom-subdomain URL, regional URL or `${emulatorUrl}/${name}`. */
export interface SpeechConnection {
  endpoint: string;
  /** Ocp-Apim-Subscription-Key. Without it, `credential` (default DefaultAzureCredential) signs a Bearer token. */
  key?: string;
  credential?: TokenCredential;
}

export interface SpeechClientOptions {
  /** 429/5xx/connection resets, honouring Retry-After; default 5. */
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
  /** Default 100 per 10 000 ms per resource, shared process-wide. */
  rateLimit?: RateLimit | false;
  /** Used by polling and the rate budget; tests inject a virtual one. */
  clock?: Clock;
  /** Extra CA (PEM) to trust, for a local HTTPS emulator. */
  tlsCa?: string;
  /** Transport override (Azure SDK convention), e.g. to script responses in unit tests. */
  httpClient?: HttpClient;
}

/** The largest block the service accepts in one `PUT /datasets/{id}/blocks`. */
export const MAX_BLOCK_SIZE = 8 * 1024 * 1024;

/** Fixed-length, URL-safe base64 block id for the n-th block (the service needs equal-length ids). */
export function blockIdFor(index: number): string {
  return Buffer.from(String(index).padStart(6, "0")).toString("base64url");
}

interface Sent<T> {
  body: T;
  headers: { get(name: string): string | undefined };
}

interface SendOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  binary?: Buffer;
  /** PATCH bodies are merge patches. */
  contentType?: string;
}

function nonNegativeInt(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`SpeechClientOptions.${name} must be a non-negative integer, got ${v}`);
  return v;
}

/** https (http only to this machine: the emulator), no query: a key is never sent in clear over the network. */
const endpointRule: Rule = (v) =>
  httpsOrLoopbackUrl("https://<name>.cognitiveservices.azure.com")(v) ?? (new URL(String(v)).search || new URL(String(v)).hash ? "a URL without query or fragment" : undefined);

function normalizeEndpoint(endpoint: unknown): string {
  const u = new URL(ensure<string>("SpeechConnection.endpoint", endpoint, endpointRule));
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/**
 * Typed client for the Speech to text REST API 2025-10-15 (Custom Speech entities).
 * Safe to construct inside a Pulumi dynamic-provider method: plain fields only, the HTTP pipeline
 * and any agent are created per instance, never at module scope.
 */
export class SpeechClient {
  readonly endpoint: string;
  private readonly pipeline: Pipeline;
  private readonly clock: Clock;
  private readonly secrets: (string | undefined)[];
  private readonly retryOptions: RetryOptions;
  private readonly tlsCa: string | undefined;
  private downloadPipeline: Pipeline | undefined;
  private httpClient: HttpClient | undefined;
  private defaultCredential: TokenCredential | undefined;

  constructor(connection: SpeechConnection, options: SpeechClientOptions = {}) {
    if (typeof connection !== "object" || connection === null) {
      throw new TypeError("SpeechClient: connection must be an object { endpoint, key? , credential? }");
    }
    this.endpoint = normalizeEndpoint(connection.endpoint);
    if (connection.key !== undefined && (typeof connection.key !== "string" || connection.key.length === 0)) {
      throw new TypeError("SpeechConnection.key must be a non-empty string (or omitted to use Microsoft Entra ID)");
    }
    this.clock = options.clock ?? systemClock;
    this.httpClient = options.httpClient;
    this.secrets = [connection.key];
    const rateLimit = options.rateLimit === false ? false : validateRateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT);
    this.retryOptions = {
      maxRetries: nonNegativeInt("maxRetries", options.maxRetries, 5),
      retryDelayInMs: nonNegativeInt("retryDelayInMs", options.retryDelayInMs, 1_000),
      maxRetryDelayInMs: nonNegativeInt("maxRetryDelayInMs", options.maxRetryDelayInMs, 60_000),
    };
    this.tlsCa = options.tlsCa;
    this.pipeline = createSpeechPipeline({
      endpoint: this.endpoint,
      auth: connection.key ? { key: connection.key } : { credential: connection.credential ?? this.lazyDefaultCredential() },
      retry: this.retryOptions,
      rateLimit,
      clock: this.clock,
      tlsCa: options.tlsCa,
    });
  }

  /** `${endpoint}/speechtotext${path}?api-version=2025-10-15` (also the form of `self` URIs). */
  url(path: string): string {
    return `${this.endpoint}/speechtotext${path}?api-version=${API_VERSION}`;
  }

  // ---- projects
  createProject(body: m.Project): Promise<m.Project> {
    return this.create("/projects", body);
  }
  getProject(id: string): Promise<m.Project> {
    return this.get(`/projects/${seg(id)}`);
  }
  listProjects(o?: ListOptions): Promise<m.Project[]> {
    return this.list("/projects", o);
  }
  updateProject(id: string, patch: m.ProjectUpdate): Promise<m.Project> {
    return this.patch(`/projects/${seg(id)}`, patch);
  }
  deleteProject(id: string): Promise<void> {
    return this.delete(`/projects/${seg(id)}`);
  }
  listProjectLocales(): Promise<string[]> {
    return this.get("/projects/locales");
  }

  // ---- datasets
  createDataset(body: m.Dataset): Promise<m.Dataset> {
    return this.create("/datasets", body);
  }
  /** Uploads `data` in blocks of at most 8 MiB (sequentially, within the rate budget), then commits them. */
  async uploadDatasetContent(id: string, data: Buffer | NodeJS.ReadableStream, o: { blockSize?: number } = {}): Promise<void> {
    const blockSize = o.blockSize ?? MAX_BLOCK_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new RangeError(`uploadDatasetContent: blockSize must be an integer from 1 to ${MAX_BLOCK_SIZE} bytes, got ${blockSize}`);
    }
    const entries: m.CommitBlocksEntry[] = [];
    for await (const chunk of blocksOf(data, blockSize)) {
      const blockId = blockIdFor(entries.length);
      await this.uploadDatasetBlock(id, blockId, chunk);
      entries.push({ kind: "Latest", id: blockId });
    }
    if (entries.length === 0) throw new RangeError(`uploadDatasetContent: dataset ${id} content is empty; nothing to upload`);
    await this.commitDatasetBlocks(id, entries);
  }
  async uploadDatasetBlock(id: string, blockId: string, chunk: Buffer): Promise<void> {
    if (chunk.length > MAX_BLOCK_SIZE) throw new RangeError(`uploadDatasetBlock: a block is at most ${MAX_BLOCK_SIZE} bytes, got ${chunk.length}`);
    await this.send("PUT", `/datasets/${seg(id)}/blocks`, { query: { blockid: blockId }, binary: chunk });
  }
  getDatasetBlocks(id: string): Promise<m.UploadedBlocks> {
    return this.get(`/datasets/${seg(id)}/blocks`);
  }
  async commitDatasetBlocks(id: string, entries: m.CommitBlocksEntry[]): Promise<void> {
    await this.send("POST", `/datasets/${seg(id)}/blocks:commit`, { json: entries });
  }
  getDataset(id: string): Promise<m.Dataset> {
    return this.get(`/datasets/${seg(id)}`);
  }
  listDatasets(o?: ListOptions): Promise<m.Dataset[]> {
    return this.list("/datasets", o);
  }
  updateDataset(id: string, patch: m.DatasetUpdate): Promise<m.Dataset> {
    return this.patch(`/datasets/${seg(id)}`, patch);
  }
  deleteDataset(id: string): Promise<void> {
    return this.delete(`/datasets/${seg(id)}`);
  }
  /** Datasets_ListFiles: the report and the data (`links.contentUrl` is a SAS URL: read it with `downloadFile`). */
  async listDatasetFiles(id: string, o?: FileListOptions): Promise<m.File[]> {
    return this.list(`/datasets/${seg(id)}/files`, o, fileQuery(o));
  }
  async getDatasetFile(id: string, fileId: string, o?: FileGetOptions): Promise<m.File> {
    return this.get(`/datasets/${seg(id)}/files/${seg(fileId)}`, fileQuery(o));
  }
  listDatasetLocales(): Promise<m.DatasetLocales> {
    return this.get("/datasets/locales");
  }

  // ---- models
  listBaseModels(o?: ListOptions): Promise<m.BaseModel[]> {
    return this.list("/models/base", o);
  }
  getBaseModel(id: string): Promise<m.BaseModel> {
    return this.get(`/models/base/${seg(id)}`);
  }
  getBaseModelManifest(id: string): Promise<m.ModelManifest> {
    return this.get(`/models/base/${seg(id)}/manifest`);
  }
  createModel(body: m.CustomModel): Promise<m.CustomModel> {
    return this.create("/models", body);
  }
  getModel(id: string): Promise<m.CustomModel> {
    return this.get(`/models/${seg(id)}`);
  }
  listModels(o?: ListOptions): Promise<m.CustomModel[]> {
    return this.list("/models", o);
  }
  updateModel(id: string, patch: m.ModelUpdate): Promise<m.CustomModel> {
    return this.patch(`/models/${seg(id)}`, patch);
  }
  deleteModel(id: string): Promise<void> {
    return this.delete(`/models/${seg(id)}`);
  }
  async getModelManifest(id: string, sasLifetimeMinutes: number): Promise<m.ModelManifest> {
    if (!Number.isInteger(sasLifetimeMinutes) || sasLifetimeMinutes < 0) {
      throw new RangeError(`getModelManifest: sasLifetimeMinutes must be a non-negative integer, got ${sasLifetimeMinutes}`);
    }
    return this.get(`/models/${seg(id)}/manifest`, { sasLifetimeMinutes });
  }
  listModelLocales(): Promise<string[]> {
    return this.get("/models/locales");
  }
  /** Called on the TARGET resource; the result is passed unchanged to copyModel on the source. */
  async authorizeCopy(sourceResourceId: string): Promise<m.ModelCopyAuthorization> {
    const body: m.ModelCopyAuthorizationDefinition = { sourceResourceId };
    return (await this.send<m.ModelCopyAuthorization>("POST", "/models:authorizecopy", { json: body })).body;
  }
  /** Called on the SOURCE resource; 202 with the copy Operation and where to poll it. */
  async copyModel(
    id: string,
    authorization: m.ModelCopyAuthorization,
  ): Promise<{ operation: m.Operation; operationLocation: string; retryAfterMs?: number }> {
    const res = await this.send<m.Operation>("POST", `/models/${seg(id)}:copy`, { json: authorization });
    const location = res.headers.get("operation-location") ?? res.body.self ?? this.url(`/operations/models/copy/${seg(res.body.id)}`);
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    return { operation: res.body, operationLocation: location, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  getModelCopyOperation(idOrUrl: string): Promise<m.Operation> {
    return this.get(this.copyOperationPath(idOrUrl));
  }

  // ---- endpoints
  createEndpoint(body: m.Endpoint): Promise<m.Endpoint> {
    return this.create("/endpoints", body);
  }
  getEndpoint(id: string): Promise<m.Endpoint> {
    return this.get(`/endpoints/${seg(id)}`);
  }
  listEndpoints(o?: ListOptions): Promise<m.Endpoint[]> {
    return this.list("/endpoints", o);
  }
  /** A model swap keeps the endpoint id (and its URL). */
  updateEndpoint(id: string, patch: m.EndpointUpdate): Promise<m.Endpoint> {
    return this.patch(`/endpoints/${seg(id)}`, patch);
  }
  deleteEndpoint(id: string): Promise<void> {
    return this.delete(`/endpoints/${seg(id)}`);
  }
  listEndpointLocales(): Promise<string[]> {
    return this.get("/endpoints/locales");
  }

  // ---- evaluations
  createEvaluation(body: m.Evaluation): Promise<m.Evaluation> {
    return this.create("/evaluations", body);
  }
  getEvaluation(id: string): Promise<m.Evaluation> {
    return this.get(`/evaluations/${seg(id)}`);
  }
  listEvaluations(o?: ListOptions): Promise<m.Evaluation[]> {
    return this.list("/evaluations", o);
  }
  updateEvaluation(id: string, patch: m.EvaluationUpdate): Promise<m.Evaluation> {
    return this.patch(`/evaluations/${seg(id)}`, patch);
  }
  deleteEvaluation(id: string): Promise<void> {
    return this.delete(`/evaluations/${seg(id)}`);
  }
  /** Evaluations_ListFiles: per audio file and model a score file of kind `EvaluationDetails` (content undocumented). */
  async listEvaluationFiles(id: string, o?: FileListOptions): Promise<m.File[]> {
    return this.list(`/evaluations/${seg(id)}/files`, o, fileQuery(o));
  }
  async getEvaluationFile(id: string, fileId: string, o?: FileGetOptions): Promise<m.File> {
    return this.get(`/evaluations/${seg(id)}/files/${seg(fileId)}`, fileQuery(o));
  }

  // ---- transcriptions (only their files: an evaluation links the two transcriptions it made)
  /** Transcriptions_ListFiles: per audio file a result of kind `Transcription`, and a `TranscriptionReport`. */
  async listTranscriptionFiles(id: string, o?: FileListOptions): Promise<m.File[]> {
    return this.list(`/transcriptions/${seg(id)}/files`, o, fileQuery(o));
  }
  async getTranscriptionFile(id: string, fileId: string, o?: FileGetOptions): Promise<m.File> {
    return this.get(`/transcriptions/${seg(id)}/files/${seg(fileId)}`, fileQuery(o));
  }

  // ---- file contents
  /**
   * The bytes behind a file's `links.contentUrl`: a SAS URL of the service's storage. Sent through a pipeline of
   * its own WITHOUT the Speech key or bearer token (the SAS in the query is the credential; the storage host must
   * never see ours), retried like reads. The URL's query is a secret: errors name only its host and path.
   */
  async downloadFile(contentUrl: string, o: { maxBytes?: number; abortSignal?: AbortSignal } = {}): Promise<Buffer> {
    const where = safeLocation(contentUrl);
    const problem = httpsOrLoopbackUrl("https://<account>.blob.core.windows.net/<container>/<blob>?<sas>")(contentUrl);
    if (problem) throw new SpeechApiError(`downloadFile: the content URL ${where} must be ${problem}`, { code: "InvalidContentUrl" });
    const request = createPipelineRequest({ url: contentUrl, method: "GET", allowInsecureConnection: contentUrl.startsWith("http://"), abortSignal: o.abortSignal });
    request.streamResponseStatusCodes = new Set([200]);
    const secrets = [...this.secrets, new URL(contentUrl).search.slice(1)];
    let response;
    try {
      response = await (this.downloadPipeline ??= createDownloadPipeline(this.retryOptions, this.tlsCa)).sendRequest((this.httpClient ??= createDefaultHttpClient()), request);
    } catch (e) {
      throw redactedDownloadError(errorFromFailure(e, request, secrets), contentUrl, where);
    }
    if (response.status !== 200) {
      const reason = response.status === 403 ? " (the link has expired or its signature was refused: list the files again for a fresh one)" : "";
      throw new SpeechApiError(`Download of ${where} returned ${response.status}${reason}`, { statusCode: response.status });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.readableStreamBody as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (o.maxBytes !== undefined && size > o.maxBytes) {
        (response.readableStreamBody as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        throw new SpeechApiError(`Download of ${where} is larger than ${o.maxBytes} bytes`, { code: "ContentTooLarge" });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
  listEvaluationLocales(): Promise<string[]> {
    return this.get("/evaluations/locales");
  }

  // ---- waiting
  waitForDataset(id: string, o?: PollOptions): Promise<m.Dataset> {
    return this.waitFor(`/datasets/${seg(id)}`, o);
  }
  waitForModel(id: string, o?: PollOptions): Promise<m.CustomModel> {
    return this.waitFor(`/models/${seg(id)}`, o);
  }
  waitForEndpoint(id: string, o?: PollOptions): Promise<m.Endpoint> {
    return this.waitFor(`/endpoints/${seg(id)}`, o);
  }
  waitForEvaluation(id: string, o?: PollOptions): Promise<m.Evaluation> {
    return this.waitFor(`/evaluations/${seg(id)}`, o);
  }
  waitForModelCopy(idOrUrl: string, o?: PollOptions): Promise<m.Operation> {
    return this.waitFor(this.copyOperationPath(idOrUrl), o);
  }

  // ---- plumbing
  /** Accepts an API path or a full URL (send() resolves both). */
  private waitFor<T extends { status?: m.Status }>(pathOrUrl: string, o?: PollOptions): Promise<T> {
    return pollUntilTerminal(() => this.getWithRetryAfter<T>(pathOrUrl), { clock: this.clock, ...o });
  }

  /** A copy operation id, or its Operation-Location (re-rooted on our endpoint). */
  private copyOperationPath(idOrUrl: string): string {
    return /^https?:\/\//i.test(idOrUrl) ? this.rebase(idOrUrl) : `/operations/models/copy/${seg(idOrUrl)}`;
  }

  private async getWithRetryAfter<T>(pathOrUrl: string): Promise<{ value: T; retryAfterMs?: number }> {
    const res = await this.send<T>("GET", pathOrUrl);
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    return retryAfterMs === undefined ? { value: res.body } : { value: res.body, retryAfterMs };
  }

  private async create<T>(path: string, body: T): Promise<T> {
    return (await this.send<T>("POST", path, { json: body })).body;
  }
  private async get<T>(pathOrUrl: string, query?: SendOptions["query"]): Promise<T> {
    return (await this.send<T>("GET", pathOrUrl, { query })).body;
  }
  private async patch<T>(path: string, patch: unknown): Promise<T> {
    return (await this.send<T>("PATCH", path, { json: patch, contentType: "application/merge-patch+json" })).body;
  }
  /** The service answers 204 also when the entity never existed; a 404 means the same here. */
  private async delete(path: string): Promise<void> {
    try {
      await this.send("DELETE", path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  private list<T>(path: string, o?: ListOptions, extra?: SendOptions["query"]): Promise<T[]> {
    const first = withQuery(this.url(path), { ...listQuery(o), ...extra });
    return collectPages<T>(first, async (url) => (await this.send<Page<T>>("GET", url === first ? url : this.rebase(url))).body);
  }

  /**
   * Links from the service (@nextLink, Operation-Location) are re-rooted on our endpoint so the key
   * or token only ever goes to the resource we were configured with; api-version is kept/added.
   */
  private rebase(link: string): string {
    const u = new URL(link, `${this.endpoint}/`);
    const at = u.pathname.indexOf("/speechtotext/");
    if (at < 0) throw new Error(`Speech API returned a link outside /speechtotext: ${u.origin}${u.pathname}`);
    const target = new URL(`${this.endpoint}${u.pathname.slice(at)}${u.search}`);
    if (!target.searchParams.has("api-version")) target.searchParams.set("api-version", API_VERSION);
    return target.toString();
  }

  private async send<T>(method: HttpMethods, pathOrUrl: string, o: SendOptions = {}): Promise<Sent<T>> {
    const url = withQuery(pathOrUrl.startsWith("/") ? this.url(pathOrUrl) : pathOrUrl, o.query);
    const headers = createHttpHeaders({ Accept: "application/json" });
    let body: RequestBodyType | undefined;
    if (o.binary) {
      headers.set("Content-Type", "application/octet-stream");
      body = o.binary;
    } else if (o.json !== undefined) {
      headers.set("Content-Type", o.contentType ?? "application/json");
      body = JSON.stringify(o.json);
    }
    const request = createPipelineRequest({ url, method, headers, body, allowInsecureConnection: url.startsWith("http://") });
    const response = await sendOrThrow(this.pipeline, (this.httpClient ??= createDefaultHttpClient()), request, this.secrets);
    const text = response.bodyAsText;
    let parsed: unknown = undefined;
    if (text && text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw errorFromFailure(new Error(`response ${response.status} is not JSON`), request, this.secrets);
      }
    }
    return { body: parsed as T, headers: { get: (name) => response.headers.get(name) } };
  }

  /** DefaultAzureCredential is built on first use: loading @azure/identity is slow and often unneeded. */
  private lazyDefaultCredential(): TokenCredential {
    return {
      getToken: (scopes, options) => {
        if (!this.defaultCredential) {
          const identity = require("@azure/identity") as typeof import("@azure/identity");
          this.defaultCredential = new identity.DefaultAzureCredential();
        }
        return this.defaultCredential.getToken(scopes, options);
      },
    };
  }
}

/** Options of the file lists: `sasLifetimeMinutes` sets how long the returned content URLs work (default 12 h). */
export interface FileListOptions extends ListOptions {
  sasLifetimeMinutes?: number;
}
export type FileGetOptions = Pick<FileListOptions, "sasLifetimeMinutes">;

function fileQuery(o: FileGetOptions | undefined): SendOptions["query"] {
  const v = o?.sasLifetimeMinutes;
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`sasLifetimeMinutes must be a positive integer, got ${v}`);
  return { sasLifetimeMinutes: v };
}

/** A content URL as errors may show it: host and path, never the query (the SAS). */
function safeLocation(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/** A transport failure of a download, said without the URL's query: the SDK's messages can quote the whole URL. */
function redactedDownloadError(e: unknown, url: string, where: string): unknown {
  if (!(e instanceof SpeechApiError)) return e;
  const message = redact(e.message.split(url).join(where));
  return new SpeechApiError(message.replace(/^Speech API GET \S+/, `Download of ${where}`), { code: e.code, statusCode: e.statusCode });
}

function seg(id: string): string {
  if (typeof id !== "string" || id.length === 0) throw new TypeError(`Speech entity id must be a non-empty string, got ${JSON.stringify(id)}`);
  return encodeURIComponent(id);
}

function withQuery(url: string, query: SendOptions["query"]): string {
  if (!query) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

/** Re-chunks a Buffer or byte stream into blocks of exactly `size` bytes (the last one shorter). */
async function* blocksOf(data: Buffer | NodeJS.ReadableStream, size: number): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(data)) {
    for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of data as AsyncIterable<Buffer | string>) {
    let chunk = typeof piece === "string" ? Buffer.from(piece) : piece;
    while (pendingBytes + chunk.length >= size) {
      const take = size - pendingBytes;
      yield Buffer.concat([...pending, chunk.subarray(0, take)]);
      chunk = chunk.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (chunk.length > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}
