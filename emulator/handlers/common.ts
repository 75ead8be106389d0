// Validation, references, the fields every entity shares (displayName, description, customProperties, project)
// and the get/list/update/delete/files handlers that are the same for every kind of entity.
import type { DetailedErrorCode, EntityReference } from "../../components/speech-api/models";
import { jsonBody, type Ctx, type Handler, type Reply } from "../context";
import { invalid, notFound } from "../errors";
import type { Phase } from "../lifecycle";
import type { Common, ModelLink, ResourceState, StoredProject } from "../store";
import { LOCALES } from "../catalogue";
import { getFile, list, listFiles, noContent, ok, type FileSpec } from "./replies";

export function requireString(body: Record<string, unknown>, property: string): string {
  const value = body[property];
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid("InvalidPayload", `Property '${property}' is required and must be a non-empty string.`);
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, property: string): string | undefined {
  const value = body[property];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid("InvalidPayload", `Property '${property}' must be a string.`);
  return value;
}

export function requireOneOf<T extends string>(body: Record<string, unknown>, property: string, allowed: readonly T[]): T {
  const value = body[property];
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw invalid("InvalidParameterValue", `Property '${property}' must be one of: ${allowed.join(", ")}; got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

export function requireLocale(body: Record<string, unknown>, allowed: readonly string[] = LOCALES, property = "locale"): string {
  const locale = requireString(body, property);
  if (!allowed.includes(locale)) {
    throw invalid("InvalidLocale", `Property '${property}' '${locale}' is not supported here. Allowed: ${allowed.join(", ")}.`);
  }
  return locale;
}

/** customProperties: at most 10 entries, keys ≤ 64 and values ≤ 256 characters (spec). */
export function customProperties(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid("InvalidPayload", "Property 'customProperties' must be an object of strings.");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 10) throw invalid("InvalidParameterValue", "Property 'customProperties' allows at most 10 entries.");
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw invalid("InvalidPayload", `customProperties['${k}'] must be a string.`);
    if (k.length > 64) throw invalid("InvalidParameterValue", `customProperties key '${k.slice(0, 20)}…' is longer than 64 characters.`);
    if (v.length > 256) throw invalid("InvalidParameterValue", `customProperties['${k}'] is longer than 256 characters.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/**
 * Resolve a `{ self }` reference to `collection` in THIS resource (any host: callers may use 127.0.0.1 or localhost).
 * Returns the id, or throws 400 with `innerCode` naming the property.
 */
export function refId(ctx: Ctx, value: unknown, property: string, collection: string, innerCode: DetailedErrorCode): string {
  const self = value && typeof value === "object" ? (value as EntityReference).self : undefined;
  if (typeof self !== "string") throw invalid(innerCode, `Property '${property}' must be a reference { "self": "<URI>" }.`);
  let pathname: string;
  try {
    pathname = new URL(self).pathname;
  } catch {
    throw invalid(innerCode, `Property '${property}.self' is not an absolute URI: '${self}'.`);
  }
  const m = new RegExp(`^/([^/]+)/speechtotext/${collection}/(${UUID})$`).exec(pathname);
  if (!m) throw invalid(innerCode, `Property '${property}' must reference a ${collection} entity (…/speechtotext/${collection}/{id}); got '${self}'.`);
  if (m[1] !== ctx.resource.name) {
    throw invalid(innerCode, `Property '${property}' references resource '${m[1]}', not this Speech resource '${ctx.resource.name}'.`);
  }
  return m[2].toLowerCase();
}

/** A model reference may point to a base model or a custom model. */
export function modelRef(ctx: Ctx, value: unknown, property: string): ModelLink {
  const self = value && typeof value === "object" ? (value as EntityReference).self : undefined;
  if (typeof self === "string" && /\/speechtotext\/models\/base\//.test(self)) {
    const id = refId(ctx, value, property, "models/base", "InvalidBaseModel");
    if (!ctx.core.catalogue.some((m) => m.id === id)) throw invalid("InvalidBaseModel", `Property '${property}' references base model '${id}', which does not exist.`);
    return { base: true, id };
  }
  const id = refId(ctx, value, property, "models", "InvalidModel");
  if (!ctx.resource.state.models[id]) throw invalid("InvalidModel", `Property '${property}' references model '${id}', which does not exist.`);
  return { base: false, id };
}

export function modelLocale(ctx: Ctx, link: ModelLink): string {
  return link.base ? ctx.core.catalogue.find((m) => m.id === link.id)!.locale : ctx.resource.state.models[link.id].locale;
}

export function modelSelf(ctx: Ctx, link: ModelLink): string {
  return ctx.resource.self(link.base ? `/models/base/${link.id}` : `/models/${link.id}`);
}

export function projectRef(ctx: Ctx, value: unknown, locale: string | undefined): string {
  const id = refId(ctx, value, "project", "projects", "InvalidProject");
  const project: StoredProject | undefined = ctx.resource.state.projects[id];
  if (!project) throw invalid("InvalidProject", `Property 'project' references project '${id}', which does not exist.`);
  if (locale && project.locale !== locale) {
    throw invalid("InvalidProject", `The project's locale '${project.locale}' does not match the entity's locale '${locale}'.`);
  }
  return id;
}

export function requireLocaleMatch(what: string, expected: string, actual: string, innerCode: DetailedErrorCode): void {
  if (expected !== actual) throw invalid(innerCode, `The locale of ${what} ('${actual}') does not match the locale '${expected}'.`);
}

/** Fields set on create, shared by every entity. */
export function commonFromBody(ctx: Ctx, body: Record<string, unknown>, locale: string | undefined): Omit<Common, "id" | "seq" | "createdAt"> {
  return {
    displayName: requireString(body, "displayName"),
    description: optionalString(body, "description"),
    customProperties: customProperties(body.customProperties),
    projectId: body.project === undefined || body.project === null ? undefined : projectRef(ctx, body.project, locale),
  };
}

/**
 * Merge-patch (RFC 7386) of the shared updatable fields: null removes, customProperties merge key by key.
 * Other fields of the patch are ignored, as they are read-only or create-only.
 */
export function applyCommonPatch(ctx: Ctx, entity: Common, patch: Record<string, unknown>, locale: string | undefined): void {
  // Work on a copy so a rejected patch leaves the entity untouched.
  const draft: Common = { ...entity };
  if ("displayName" in patch) draft.displayName = requireString(patch, "displayName");
  if ("description" in patch) draft.description = optionalString(patch, "description");
  if ("customProperties" in patch) {
    if (patch.customProperties === null) {
      draft.customProperties = undefined;
    } else {
      const merged: Record<string, unknown> = { ...entity.customProperties };
      for (const [k, v] of Object.entries((patch.customProperties ?? {}) as Record<string, unknown>)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      draft.customProperties = customProperties(merged);
    }
  }
  if ("project" in patch) draft.projectId = patch.project === null ? undefined : projectRef(ctx, patch.project, locale);
  Object.assign(entity, draft);
}

export function commonView(ctx: Ctx, entity: Common): Record<string, unknown> {
  return {
    displayName: entity.displayName,
    ...(entity.description !== undefined && { description: entity.description }),
    ...(entity.customProperties && { customProperties: entity.customProperties }),
    ...(entity.projectId && { project: { self: ctx.resource.self(`/projects/${entity.projectId}`) } }),
  };
}

/** Look up an entity of this resource by the `{id}` path parameter, or 404. */
export function find<T>(ctx: Ctx, collection: Record<string, T>, what: string, param = "id"): T {
  const id = ctx.params[param].toLowerCase();
  const entity = collection[id];
  if (!entity) throw notFound(what, ctx.params[param]);
  return entity;
}

/** Entities of a collection in list order: newest first. */
export const newestFirst = <T extends { seq: number }>(collection: Record<string, T>): T[] =>
  Object.values(collection).sort((a, b) => b.seq - a.seq);

type AnyEntity = Common & { locale: string };

/** One kind of stored entity, as the generic handlers below see it. */
export interface EntityKind<T extends AnyEntity> {
  /** Noun for 404 messages, e.g. "dataset". */
  what: string;
  /** Collection path under /speechtotext, e.g. "/datasets". */
  path: string;
  collection(state: ResourceState): Record<string, T>;
  view(ctx: Ctx, entity: T): object;
  /** Processing phase, for Retry-After; absent for entities without a status (projects). */
  phase?(ctx: Ctx, entity: T): Phase;
}

export const findEntity = <T extends AnyEntity>(ctx: Ctx, kind: EntityKind<T>): T => find(ctx, kind.collection(ctx.resource.state), kind.what);

/** 200 with the entity's view, and Retry-After while it is processing. */
export const entityReply = <T extends AnyEntity>(ctx: Ctx, kind: EntityKind<T>, entity: T): Reply => ok(kind.view(ctx, entity), kind.phase?.(ctx, entity));

export function getHandler<T extends AnyEntity>(kind: EntityKind<T>): Handler {
  return (ctx) => entityReply(ctx, kind, findEntity(ctx, kind));
}

export function listHandler<T extends AnyEntity>(kind: EntityKind<T>): Handler {
  return (ctx) => list(ctx, newestFirst(kind.collection(ctx.resource.state)).map((e) => kind.view(ctx, e)));
}

/** PATCH for entities whose only updatable fields are the shared ones. */
export function updateHandler<T extends AnyEntity>(kind: EntityKind<T>): Handler {
  return (ctx) => {
    const entity = findEntity(ctx, kind);
    applyCommonPatch(ctx, entity, jsonBody(ctx), entity.locale);
    return entityReply(ctx, kind, entity);
  };
}

/** DELETE answers 204 whether or not the entity exists; `beforeDelete` may refuse (409) or drop what refers to it. */
export function deleteHandler<T extends AnyEntity>(kind: EntityKind<T>, beforeDelete?: (ctx: Ctx, entity: T) => void): Handler {
  return (ctx) => {
    const collection = kind.collection(ctx.resource.state);
    const entity = collection[ctx.params.id.toLowerCase()];
    if (entity) {
      beforeDelete?.(ctx, entity);
      delete collection[entity.id];
    }
    return noContent();
  };
}

/** GET {path}/{id}/files and GET {path}/{id}/files/{fileId} over the files an entity has now. */
export function fileHandlers<T extends AnyEntity>(kind: EntityKind<T>, files: (ctx: Ctx, entity: T) => FileSpec[]): { list: Handler; get: Handler } {
  const owned = (ctx: Ctx): [string, FileSpec[]] => {
    const entity = findEntity(ctx, kind);
    return [`${kind.path}/${entity.id}`, files(ctx, entity)];
  };
  return { list: (ctx) => listFiles(ctx, ...owned(ctx)), get: (ctx) => getFile(ctx, ...owned(ctx)) };
}
