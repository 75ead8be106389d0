// What a route handler sees: the emulated resource it was called on, path parameters, query, body and the clock.
import type { CatalogueModel } from "./catalogue";
import type { EvaluationScenario } from "./types";
import type { ResourceState } from "./store";
import type { DurationKind } from "./types";
import { badRequest } from "./errors";
import type { EmulatorData } from "./data";

export const API_VERSION = "2025-10-15";

export class Resource {
  readonly apiBase: string;
  /** setForbidden: authenticated callers get 403 (a principal without a Speech data-plane role). */
  forbidden = false;
  /** failCopies: copies started from this resource end Failed with this message. */
  copyFailure?: string;
  constructor(
    readonly name: string,
    readonly region: string,
    public key: string,
    readonly resourceId: string,
    readonly endpoint: string,
    readonly state: ResourceState,
    readonly sku: "S0" | "F0" = "S0",
  ) {
    this.apiBase = `${endpoint}/speechtotext`;
  }

  /** Absolute URI of a path under /speechtotext, with the api-version, as the service returns `self` links. */
  self(path: string, query?: URLSearchParams): string {
    const q = new URLSearchParams(query);
    q.set("api-version", API_VERSION);
    return `${this.apiBase}${path}?${q.toString()}`;
  }

  nextSeq(): number {
    return ++this.state.seq;
  }
}

/** Services shared by all resources of one emulator. */
export interface Core {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  resources: Map<string, Resource>;
  catalogue: CatalogueModel[];
  scenario: EvaluationScenario;
  durations: Record<DurationKind, number>;
  /** Dataset content, evaluation results and the import of contentUrls. */
  data: EmulatorData;
  pageSize: number;
  now(): number;
  resourceById(resourceId: string): Resource | undefined;
}

export interface Ctx {
  core: Core;
  resource: Resource;
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  now: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply;

/** The request body as a JSON object; 400 otherwise. */
export function jsonBody(ctx: Ctx): Record<string, unknown> {
  if (ctx.body.length === 0) throw badRequest("EmptyRequest", "The request body is empty; a JSON object is required.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.body.toString("utf8"));
  } catch {
    throw badRequest("InvalidRequestBodyFormat", "The request body is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw badRequest("InvalidRequestBodyFormat", "The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}
