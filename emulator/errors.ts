// Errors answered with the spec's `Error` body at the top level: { code, message, innerError: { code, message } }.
import type { DetailedErrorCode, Error as ApiErrorBody, ErrorCode } from "../components/speech-api/models";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly innerCode: DetailedErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, innerError: { code: this.innerCode, message: this.message } };
  }
}

/** 400 InvalidArgument: the request names something wrong (a property value, a reference). */
export function invalid(innerCode: DetailedErrorCode, message: string): ApiError {
  return new ApiError(400, "InvalidArgument", innerCode, message);
}

/** 400 InvalidRequest: the request itself is malformed (body format, query). */
export function badRequest(innerCode: DetailedErrorCode, message: string): ApiError {
  return new ApiError(400, "InvalidRequest", innerCode, message);
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "NotFound", "InvalidParameterValue", `The ${what} with id '${id}' does not exist.`);
}

export function conflict(innerCode: DetailedErrorCode, message: string): ApiError {
  return new ApiError(409, "Conflict", innerCode, message);
}
