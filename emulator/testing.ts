// Test support for the emulator's own tests: a controllable clock and a thin fetch wrapper (plain fetch, no client).
import type { RunningEmulator } from "./types";

export class FakeClock {
  constructor(public t = Date.UTC(2025, 10, 20, 12, 0, 0)) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Leave out the api-version query parameter. */
  noVersion?: boolean;
  /** Send no key. */
  anonymous?: boolean;
  raw?: Buffer;
}

/** Calls `{endpoint}/speechtotext{path}` of one emulated resource with its key and api-version. */
export function speech(emu: RunningEmulator, resource = "speech") {
  const { endpoint, key } = emu.resources[resource];
  async function call<T = any>(method: string, path: string, body?: unknown, o: CallOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(path.startsWith("http") ? path : `${endpoint}/speechtotext${path}`);
    if (!o.noVersion && !url.searchParams.has("api-version")) url.searchParams.set("api-version", "2025-10-15");
    const headers: Record<string, string> = { ...(o.anonymous ? {} : { "Ocp-Apim-Subscription-Key": key }), ...o.headers };
    let payload: Buffer | string | undefined;
    if (o.raw) {
      payload = o.raw;
      headers["Content-Type"] ??= "application/octet-stream";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["Content-Type"] ??= "application/json";
    }
    const res = await fetch(url, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as T) : (undefined as T) };
  }
  return {
    call,
    get: <T = any>(path: string, o?: CallOptions) => call<T>("GET", path, undefined, o),
    post: <T = any>(path: string, body?: unknown, o?: CallOptions) => call<T>("POST", path, body, o),
    patch: <T = any>(path: string, body: unknown, o?: CallOptions) => call<T>("PATCH", path, body, o),
    put: <T = any>(path: string, raw: Buffer, o?: CallOptions) => call<T>("PUT", path, undefined, { ...o, raw }),
    del: <T = any>(path: string, o?: CallOptions) => call<T>("DELETE", path, undefined, o),
  };
}

export type SpeechApi = ReturnType<typeof speech>;

/** The entity id at the end of a `self` URI (the client's pure parser; the tests still call the API with plain fetch). */
export { idFromSelf as idOf } from "../components/speech-api/ids";
import { idFromSelf as idOfSelf } from "../components/speech-api/ids";

/** Creates a succeeded Language dataset, a model trained on it and returns both (durations must be 0). */
export async function trainedModel(api: SpeechApi, locale = "en-US", extra: Record<string, unknown> = {}): Promise<{ dataset: any; model: any }> {
  const dataset = (await api.post("/datasets", { displayName: "text", locale, kind: "Language", contentUrl: "https://data.example/text.txt" })).body;
  const created = await api.post("/models", { displayName: "model", locale, datasets: [{ self: dataset.self }], ...extra });
  if (created.status !== 201) throw new Error(`model create failed: ${JSON.stringify(created.body)}`);
  return { dataset, model: created.body };
}

export async function acousticDataset(api: SpeechApi, locale = "en-US"): Promise<any> {
  return (await api.post("/datasets", { displayName: "audio", locale, kind: "Acoustic", contentUrl: "https://data.example/audio.zip" })).body;
}

// Required and allowed top-level properties of the 2025-10-15 schemas (copied from the spec's definitions).
const SCHEMAS: Record<string, { required: string[]; allowed: string[] }> = {
  Project: { required: ["displayName", "locale"], allowed: ["self", "displayName", "description", "customProperties", "locale", "createdDateTime", "links", "foundryProjectName"] },
  Dataset: {
    required: ["displayName", "locale", "kind"],
    allowed: ["self", "displayName", "description", "customProperties", "locale", "createdDateTime", "lastActionDateTime", "kind", "project", "links", "properties", "contentUrl", "status"],
  },
  CustomModel: {
    required: ["displayName", "locale"],
    allowed: ["self", "displayName", "description", "locale", "createdDateTime", "lastActionDateTime", "status", "customProperties", "baseModel", "datasets", "project", "links", "properties"],
  },
  BaseModel: { required: ["displayName", "locale"], allowed: ["self", "displayName", "description", "locale", "createdDateTime", "lastActionDateTime", "status", "links", "properties"] },
  Endpoint: {
    required: ["displayName", "locale"],
    allowed: ["self", "model", "project", "displayName", "description", "customProperties", "locale", "createdDateTime", "lastActionDateTime", "properties", "links", "status"],
  },
  Evaluation: {
    required: ["displayName", "model1", "model2", "dataset", "locale"],
    allowed: ["displayName", "description", "customProperties", "self", "createdDateTime", "lastActionDateTime", "model1", "model2", "dataset", "transcription1", "transcription2", "project", "links", "locale", "properties", "status"],
  },
  Operation: { required: ["id"], allowed: ["id", "self", "createdDateTime", "lastActionDateTime", "status", "result", "error"] },
  ModelCopyAuthorization: {
    required: ["targetResourceRegion", "targetResourceId", "targetResourceEndpoint", "sourceResourceId", "expirationDateTime", "id"],
    allowed: ["targetResourceRegion", "targetResourceId", "targetResourceEndpoint", "sourceResourceId", "expirationDateTime", "id"],
  },
  File: { required: [], allowed: ["self", "name", "kind", "links", "properties", "createdDateTime"] },
  ModelManifest: { required: ["model", "modelFiles", "properties"], allowed: ["model", "modelFiles", "properties"] },
  Error: { required: ["code", "message", "innerError"], allowed: ["code", "message", "target", "details", "innerError"] },
};

/** Fails with the offending property when `body` is not shaped like the named spec schema. */
export function expectSchema(body: Record<string, unknown>, schema: keyof typeof SCHEMAS): void {
  const { required, allowed } = SCHEMAS[schema];
  const missing = required.filter((k) => body[k] === undefined);
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (missing.length || extra.length) {
    throw new Error(`${schema}: missing [${missing.join(", ")}], not in the spec [${extra.join(", ")}]: ${JSON.stringify(body)}`);
  }
  if (typeof body.self === "string" && !/^https?:\/\/.+\?api-version=2025-10-15/.test(body.self)) throw new Error(`${schema}.self is not a full URI with api-version: ${body.self}`);
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The zip the training-data library uploads for a dataset folder (e.g. examples/sandbox/en-US/callcenter-test). */
export async function packagedFolder(dir: string, kind: "Acoustic" | "AudioFiles" = "Acoustic", locale = "en-US"): Promise<Buffer> {
  const { listDataset, openPackageReader, packageSize, resolveDataset } = await import("../components/training-data");
  const { files } = await listDataset(resolveDataset({ name: "test-set", dir, kind, locale, purpose: "test" }));
  const wanted = kind === "AudioFiles" ? files.filter((f) => f.name.toLowerCase().endsWith(".wav")) : files;
  const out = Buffer.alloc(packageSize(kind, wanted));
  const reader = openPackageReader(kind, wanted);
  try {
    reader.read(out);
  } finally {
    reader.close();
  }
  return out;
}

/** A dataset on the emulator whose content is `zip`, uploaded in blocks and committed (durations 0: Succeeded). */
export async function uploadedDataset(api: SpeechApi, zip: Buffer, kind: "Acoustic" | "AudioFiles" = "Acoustic", locale = "en-US"): Promise<any> {
  const dataset = (await api.post("/datasets", { displayName: "test set", locale, kind })).body;
  const id = idOfSelf(dataset.self);
  const blockSize = 64 * 1024;
  const ids: string[] = [];
  for (let at = 0; at < zip.length; at += blockSize) {
    const blockId = Buffer.from(String(ids.length).padStart(6, "0")).toString("base64");
    const put = await api.put(`/datasets/${id}/blocks?blockid=${encodeURIComponent(blockId)}`, zip.subarray(at, at + blockSize));
    if (put.status !== 201) throw new Error(`block upload failed: ${JSON.stringify(put.body)}`);
    ids.push(blockId);
  }
  const commit = await api.post(`/datasets/${id}/blocks:commit`, ids.map((b) => ({ kind: "Latest", id: b })));
  if (commit.status !== 200) throw new Error(`commit failed: ${JSON.stringify(commit.body)}`);
  return (await api.get(`/datasets/${id}`)).body;
}

/** An evaluation of the newest adaptable base model (model1) against `model2Self` on `datasetSelf`. */
export async function evaluationOf(api: SpeechApi, datasetSelf: string, model2Self: string, locale = "en-US"): Promise<any> {
  const base = (await api.get(`/models/base?filter=${encodeURIComponent(`locale eq '${locale}'`)}`)).body.values[0];
  const created = await api.post("/evaluations", { displayName: "evaluation", locale, model1: { self: base.self }, model2: { self: model2Self }, dataset: { self: datasetSelf } });
  if (created.status !== 201) throw new Error(`evaluation create failed: ${JSON.stringify(created.body)}`);
  return created.body;
}
