// The model-copy procedure of Speech to text 2025-10-15, shared by the ModelCopy resource and the region-migration
// tool: authorize on the TARGET, copy on the SOURCE, wait for the copy operation (on the source), read the result.
// An authorization that expired before the copy began is replaced by a new one, by itself.
import type { SpeechClient } from "./client";
import type * as m from "./models";
import { SpeechApiError } from "./errors";
import { idFromSelf } from "./ids";
import type { PollOptions } from "./polling";

/** The two sides of a copy and the source's ARM resource id (what the target authorizes). */
export interface CopySides {
  source: SpeechClient;
  target: SpeechClient;
  sourceResourceId: string;
  /** When given, an authorization for any other target resource is refused (the target endpoint is not that resource). */
  targetResourceId?: string;
}

/** How many times an expired authorization is replaced before the copy gives up. */
const AUTHORIZATION_ATTEMPTS = 3;

export function isAuthorizationExpired(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { innerCode?: string }).innerCode === "ModelCopyAuthorizationExpired";
}

/** The role a caller needs on both resources of a copy, named in every 401/403 message. */
export const COPY_ROLE = "Cognitive Services Speech Contributor";

/** For a 401/403 on one side: what is missing, where. Undefined for any other error. */
export function accessProblem(e: unknown, side: "source" | "target", endpoint: string): string | undefined {
  const status = (e as { statusCode?: number } | undefined)?.statusCode;
  if (status !== 401 && status !== 403) return undefined;
  const what = status === 401 ? "did not accept the credentials" : "refused the caller";
  return (
    `the ${side} Speech resource (${endpoint}) ${what} (${status}): a model copy needs the ${COPY_ROLE} role on both the source and ` +
    `the target resource for the Microsoft Entra identity in use, or a valid key for each`
  );
}

/** Starts the copy of `modelId` (a custom model of the source); returns the operation to wait for. */
export async function startModelCopy(sides: CopySides, modelId: string): Promise<{ operationId: string; operationLocation: string }> {
  // An error says which side answered it, so that a 401/403 can name the resource that lacks the role.
  const answeredBy = (side: "source" | "target") => (e: unknown) => {
    throw typeof e === "object" && e !== null ? Object.assign(e, { side }) : e;
  };
  for (let attempt = 1; ; attempt++) {
    const authorization = await sides.target.authorizeCopy(sides.sourceResourceId).catch(answeredBy("target"));
    if (sides.targetResourceId && authorization.targetResourceId.toLowerCase() !== sides.targetResourceId.toLowerCase()) {
      throw new SpeechApiError(
        `The target endpoint belongs to ${authorization.targetResourceId}, not to the target resource id given (${sides.targetResourceId}); ` +
          `give the endpoint and ARM resource id of the same Speech resource.`,
        { code: "InvalidArgument", innerCode: "InvalidParameterValue" },
      );
    }
    try {
      const started = await sides.source.copyModel(modelId, authorization).catch(answeredBy("source"));
      return { operationId: started.operation.id, operationLocation: started.operationLocation };
    } catch (e) {
      if (!isAuthorizationExpired(e) || attempt >= AUTHORIZATION_ATTEMPTS) throw e;
    }
  }
}

/** The target model a finished copy operation made, or the operation's own error. */
export function copyResult(operation: m.Operation): { id: string; self: string } {
  if (operation.status === "Failed" || !operation.result?.link) {
    const err = operation.error;
    throw new SpeechApiError(`The model copy ${operation.id} failed: ${err?.code ?? operation.status ?? "no result"}: ${err?.message ?? "the service gave no reason"}`, {
      code: "CopyFailed",
      innerCode: err?.code,
    });
  }
  return { id: idFromSelf(operation.result.link), self: operation.result.link };
}

/** Waits on the source for the copy operation (honouring Retry-After) and returns the target model's id and self. */
export async function waitForModelCopy(source: SpeechClient, operation: string, poll?: PollOptions): Promise<{ id: string; self: string; operation: m.Operation }> {
  const done = await source.waitForModelCopy(operation, poll);
  return { ...copyResult(done), operation: done };
}
