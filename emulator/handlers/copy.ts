// Model copy across emulated resources: authorize on the TARGET, copy on the SOURCE (202 + Operation-Location),
// poll the operation on the source. The copy gets a new id and its own dates in the target, and appears there
// only once the operation has succeeded (until then neither a GET nor a list of the target shows it).
import type { ModelCopyAuthorization, Operation } from "../../components/speech-api/models";
import type { Core, Ctx, Reply } from "../context";
import { jsonBody } from "../context";
import { invalid } from "../errors";
import { iso, newId } from "../ids";
import { phaseAt } from "../lifecycle";
import { modelPhase } from "../status";
import type { StoredCopyOperation, StoredModel } from "../store";
import { find, requireString } from "./common";
import { ok } from "./replies";

/** How long a copy authorization is valid. The spec leaves it open; the service's are valid for hours. */
export const COPY_AUTHORIZATION_LIFETIME_MS = 24 * 60 * 60 * 1000;

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function authorizeCopy(ctx: Ctx): Reply {
  const sourceResourceId = requireString(jsonBody(ctx), "sourceResourceId");
  if (!ctx.core.resourceById(sourceResourceId)) {
    throw invalid("InvalidSourceAzureResourceId", `Property 'sourceResourceId' '${sourceResourceId}' is not a known Speech resource.`);
  }
  const authorization: ModelCopyAuthorization = {
    targetResourceRegion: ctx.resource.region,
    targetResourceId: ctx.resource.resourceId,
    targetResourceEndpoint: ctx.resource.endpoint,
    sourceResourceId,
    expirationDateTime: iso(ctx.now + COPY_AUTHORIZATION_LIFETIME_MS),
    id: newId(),
  };
  ctx.resource.state.copyAuthorizations[authorization.id] = authorization;
  return ok(authorization);
}

const FIELDS: (keyof ModelCopyAuthorization)[] = ["targetResourceRegion", "targetResourceId", "targetResourceEndpoint", "sourceResourceId", "expirationDateTime", "id"];

export function copyModel(ctx: Ctx): Reply {
  const source = find(ctx, ctx.resource.state.models, "model");
  const body = jsonBody(ctx);
  for (const f of FIELDS) requireString(body, f);
  const auth = body as unknown as ModelCopyAuthorization;
  if (!sameId(auth.sourceResourceId, ctx.resource.resourceId)) {
    throw invalid("InvalidSourceAzureResourceId", `The authorization is for source '${auth.sourceResourceId}', not this resource '${ctx.resource.resourceId}'.`);
  }
  const target = ctx.core.resourceById(auth.targetResourceId);
  const granted = target?.state.copyAuthorizations[auth.id];
  if (!target || !granted || !sameId(granted.sourceResourceId, auth.sourceResourceId)) {
    throw invalid("InvalidParameterValue", `Copy authorization '${auth.id}' was not issued by target '${auth.targetResourceId}'; call models:authorizecopy on the target.`);
  }
  if (Date.parse(granted.expirationDateTime) <= ctx.now) {
    throw invalid("ModelCopyAuthorizationExpired", `Copy authorization '${auth.id}' expired at ${granted.expirationDateTime}; request a new one on the target.`);
  }
  if (modelPhase(ctx.resource.state, source, ctx.now).status !== "Succeeded") {
    throw invalid("InvalidModel", `Model ${source.id} can be copied once training has succeeded.`);
  }
  const timeline = { start: ctx.now, duration: ctx.core.durations.copy };
  const copy: StoredModel = {
    id: newId(),
    seq: target.nextSeq(),
    createdAt: ctx.now,
    displayName: source.displayName,
    description: source.description,
    customProperties: source.customProperties,
    locale: source.locale,
    baseModelId: source.baseModelId,
    datasetIds: [], // the training data stays in the source resource
    weight: source.weight,
    wordErrorRate: source.wordErrorRate, // a copy is the same model
    timeline,
  };
  const failure = ctx.resource.copyFailure ? { code: "InternalCommunicationFailed", message: ctx.resource.copyFailure } : undefined;
  const operation: StoredCopyOperation = {
    id: newId(),
    createdAt: ctx.now,
    timeline,
    sourceModelId: source.id,
    targetResource: target.name,
    targetModelId: copy.id,
    ...(failure ? { failure } : { copy }),
  };
  ctx.resource.state.copyOperations[operation.id] = operation;
  const view = operationView(ctx, operation);
  return {
    status: 202,
    body: view,
    headers: { "Operation-Location": view.self!, "Retry-After": String(Math.ceil(timeline.duration / 1000)) },
  };
}

function operationView(ctx: Ctx, op: StoredCopyOperation): Operation {
  const phase = phaseAt(op.timeline, ctx.now);
  const target = ctx.core.resources.get(op.targetResource);
  return {
    id: op.id,
    self: ctx.resource.self(`/operations/models/copy/${op.id}`),
    createdDateTime: iso(op.createdAt),
    lastActionDateTime: iso(phase.lastActionAt),
    status: op.failure && phase.status === "Succeeded" ? "Failed" : phase.status,
    ...(!op.failure && phase.status === "Succeeded" && target && { result: { link: target.self(`/models/${op.targetModelId}`) } }),
    ...(op.failure && phase.status === "Succeeded" && { error: op.failure }),
  };
}

export function getCopyOperation(ctx: Ctx): Reply {
  const op = find(ctx, ctx.resource.state.copyOperations, "copy operation");
  return ok(operationView(ctx, op), phaseAt(op.timeline, ctx.now));
}

/** Adds the model of every copy operation that has succeeded by `now` to its target resource (once). */
export function settleCopies(core: Core, now: number): boolean {
  let changed = false;
  for (const resource of core.resources.values()) {
    for (const op of Object.values(resource.state.copyOperations)) {
      if (!op.copy || phaseAt(op.timeline, now).status !== "Succeeded") continue;
      const target = core.resources.get(op.targetResource);
      if (target) target.state.models[op.copy.id] = op.copy;
      delete op.copy;
      changed = true;
    }
  }
  return changed;
}
