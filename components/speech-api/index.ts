// The typed Speech to text 2025-10-15 client (no Pulumi here; see README.md).
export * as models from "./models";
export { API_VERSION, COGNITIVE_SERVICES_SCOPE, MAX_BLOCK_SIZE, SpeechClient, blockIdFor } from "./client";
export type { FileGetOptions, FileListOptions, SpeechClientOptions, SpeechConnection } from "./client";
export { systemClock, VirtualClock } from "./clock";
export type { Clock } from "./clock";
export { SpeechApiError, isInUse, isNotFound, isThrottled, redact } from "./errors";
export { idFromSelf, ref } from "./ids";
export { COPY_ROLE, accessProblem, copyResult, isAuthorizationExpired, startModelCopy, waitForModelCopy } from "./copy";
export type { CopySides } from "./copy";
export type { ListOptions } from "./paging";
export { PollDeadlineExceededError, pollUntilTerminal } from "./polling";
export type { PollOptions } from "./polling";
export { DEFAULT_RATE_LIMIT } from "./rate-budget";
export type { RateLimit } from "./rate-budget";
export { RecognitionClient, SHORT_AUDIO_CONTENT_TYPE, isRegionalEndpoint, lexicalText, recognitionUrl } from "./recognition";
export type { RecognitionCandidate, RecognitionClientOptions, RecognitionConnection, RecognitionResult } from "./recognition";
