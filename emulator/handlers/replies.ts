// Reply builders shared by the entity handlers: created (201 + Location), entity (200 + Retry-After), lists, files.
import type { File, FileKind } from "../../components/speech-api/models";
import type { Ctx, Reply } from "../context";
import { invalid, notFound } from "../errors";
import { iso, stableId } from "../ids";
import { retryAfterSeconds, type Phase } from "../lifecycle";
import { paginate } from "../listing";

const retryAfter = (phase?: Phase): Record<string, string> => {
  const seconds = phase && retryAfterSeconds(phase);
  return seconds === undefined ? {} : { "Retry-After": String(seconds) };
};

export function created(body: { self?: string }, phase?: Phase): Reply {
  return { status: 201, body, headers: { Location: body.self!, ...retryAfter(phase) } };
}

export function ok(body: unknown, phase?: Phase): Reply {
  return { status: 200, body, headers: retryAfter(phase) };
}

export const noContent = (): Reply => ({ status: 204 });

/** A paged list of this request's path, carrying filter/skip/top/api-version into @nextLink. */
export function list<T extends object>(ctx: Ctx, items: T[]): Reply {
  const page = paginate(items, ctx.query, ctx.core.pageSize, (q) => ctx.resource.self(ctx.path, q));
  return { status: 200, body: page };
}

export interface FileSpec {
  name: string;
  kind: FileKind;
  size: number;
  createdAt: number;
  durationMilliseconds?: number;
}

const DEFAULT_SAS_MINUTES = 12 * 60;

function sasLifetimeMinutes(ctx: Ctx, required: boolean): number {
  const raw = ctx.query.get("sasLifetimeMinutes");
  if (raw === null) {
    if (required) throw invalid("InvalidSasValidityDuration", "Query parameter 'sasLifetimeMinutes' is required (a positive number of minutes).");
    return DEFAULT_SAS_MINUTES;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw invalid("InvalidSasValidityDuration", `Query parameter 'sasLifetimeMinutes' must be a positive integer, got '${raw}'.`);
  }
  return Number(raw);
}

/**
 * A SAS-like download URL of a file named `name` of the entity at `ownerPath`, served by the emulator's
 * control plane; `sasLifetimeMinutes` (default 12 h) sets its `se` expiry (403 after it). The file id is stable.
 */
export function fileContentUrl(ctx: Ctx, ownerPath: string, name: string, sasRequired = false): { id: string; contentUrl: string } {
  const id = stableId(`${ownerPath}/${name}`);
  const expiry = iso(ctx.now + sasLifetimeMinutes(ctx, sasRequired) * 60_000);
  // The owner's path is part of the URL, so the control plane can find the content (see handlers/content.ts).
  const contentUrl = `${ctx.core.url}/_emulator/files/${ctx.resource.name}${ownerPath}/${id}/${encodeURIComponent(name)}?se=${encodeURIComponent(expiry)}&sp=r`;
  return { id, contentUrl };
}

function fileView(ctx: Ctx, ownerPath: string, f: FileSpec): File {
  const { id, contentUrl } = fileContentUrl(ctx, ownerPath, f.name);
  return {
    self: ctx.resource.self(`${ownerPath}/files/${id}`),
    name: f.name,
    kind: f.kind,
    links: { contentUrl },
    properties: { size: f.size, ...(f.durationMilliseconds !== undefined && { durationMilliseconds: f.durationMilliseconds }) },
    createdDateTime: iso(f.createdAt),
  };
}

export const listFiles = (ctx: Ctx, ownerPath: string, files: FileSpec[]): Reply => list(ctx, files.map((f) => fileView(ctx, ownerPath, f)));

export function getFile(ctx: Ctx, ownerPath: string, files: FileSpec[]): Reply {
  const file = files.map((f) => fileView(ctx, ownerPath, f)).find((f) => f.self!.includes(`/files/${ctx.params.fileId.toLowerCase()}?`));
  if (!file) throw notFound("file", ctx.params.fileId);
  return ok(file);
}
