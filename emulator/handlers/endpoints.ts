// Endpoints: deploy a base or custom model. PATCH `model` swaps it in place (same id and links) and redeploys
// for the endpoint duration; a swap while the endpoint is still deploying answers 409 EndpointNotUpdatable.
import type { Endpoint } from "../../components/speech-api/models";
import type { Ctx, Reply } from "../context";
import { jsonBody } from "../context";
import { LOCALES } from "../catalogue";
import { conflict, invalid } from "../errors";
import { iso, newId } from "../ids";
import { isTerminal } from "../lifecycle";
import { endpointPhase, modelLinkStatus } from "../status";
import type { ModelLink, StoredEndpoint } from "../store";
import { applyCommonPatch, commonFromBody, commonView, deleteHandler, entityReply, findEntity, getHandler, listHandler, modelLocale, modelRef, modelSelf, requireLocale, requireLocaleMatch, type EntityKind } from "./common";
import { created, ok } from "./replies";

export function endpointView(ctx: Ctx, e: StoredEndpoint): Endpoint {
  const phase = endpointPhase(e, ctx.now);
  return {
    self: ctx.resource.self(`/endpoints/${e.id}`),
    model: { self: modelSelf(ctx, e.model) },
    ...(commonView(ctx, e) as { displayName: string }),
    locale: e.locale,
    createdDateTime: iso(e.createdAt),
    lastActionDateTime: iso(phase.lastActionAt),
    properties: { loggingEnabled: e.loggingEnabled ?? false },
    links: { webSocket: `wss://${ctx.resource.region}.stt.speech.microsoft.com/stt/speech/universal/v2?cid=${e.id}` },
    status: phase.status,
  };
}

/** A model that can be deployed to an endpoint of `locale`. */
function deployableModel(ctx: Ctx, value: unknown, locale: string): ModelLink {
  if (value === undefined || value === null) throw invalid("InvalidModel", "Property 'model' is required: a reference { \"self\": … } to a base or custom model.");
  const link = modelRef(ctx, value, "model");
  requireLocaleMatch(`model ${link.id}`, locale, modelLocale(ctx, link), "ModelMismatch");
  const status = modelLinkStatus(ctx.resource.state, link, ctx.now);
  if (status === "Failed") throw invalid("DeployingFailedModel", `Model ${link.id} failed to train and cannot be deployed.`);
  if (status !== "Succeeded") throw invalid("ModelNotDeployable", `Model ${link.id} is ${status}; deploy it once training has succeeded.`);
  return link;
}

function loggingFlag(properties: unknown, property: string): boolean | undefined {
  const value = (properties as Record<string, unknown> | undefined)?.[property];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid("InvalidPayload", `Property 'properties.${property}' must be a boolean.`);
  return value;
}

export function createEndpoint(ctx: Ctx): Reply {
  const body = jsonBody(ctx);
  const locale = requireLocale(body);
  const endpoint: StoredEndpoint = {
    id: newId(),
    seq: ctx.resource.nextSeq(),
    createdAt: ctx.now,
    ...commonFromBody(ctx, body, locale),
    locale,
    model: deployableModel(ctx, body.model, locale),
    loggingEnabled: loggingFlag(body.properties, "loggingEnabled"),
    timeline: { start: ctx.now, duration: ctx.core.durations.endpoint },
  };
  ctx.resource.state.endpoints[endpoint.id] = endpoint;
  return created(endpointView(ctx, endpoint), endpointPhase(endpoint, ctx.now));
}

const endpoints: EntityKind<StoredEndpoint> = {
  what: "endpoint",
  path: "/endpoints",
  collection: (s) => s.endpoints,
  view: endpointView,
  phase: (ctx, e) => endpointPhase(e, ctx.now),
};

export const getEndpoint = getHandler(endpoints);
export const listEndpoints = listHandler(endpoints);
export const endpointLocales = (): Reply => ok(LOCALES);
export const deleteEndpoint = deleteHandler(endpoints);

export function updateEndpoint(ctx: Ctx): Reply {
  const e = findEntity(ctx, endpoints);
  const patch = jsonBody(ctx);
  // Validate everything before changing anything, so a rejected PATCH leaves the endpoint untouched.
  let swap: ModelLink | undefined;
  if (patch.model !== undefined && patch.model !== null) {
    const link = deployableModel(ctx, patch.model, e.locale);
    if (link.base !== e.model.base || link.id !== e.model.id) {
      if (!isTerminal(e.timeline, ctx.now)) {
        throw conflict("EndpointNotUpdatable", `Endpoint ${e.id} is still deploying; change its model once it has finished.`);
      }
      swap = link;
    }
  }
  const logging = loggingFlag(patch.properties, "contentLoggingEnabled");
  applyCommonPatch(ctx, e, patch, e.locale);
  if (logging !== undefined) e.loggingEnabled = logging;
  if (swap) {
    e.model = swap;
    e.timeline = { start: ctx.now, duration: ctx.core.durations.endpoint, startsRunning: true };
  }
  return entityReply(ctx, endpoints, e);
}
