import type { Status } from "./models";
import { systemClock, type Clock } from "./clock";
import { initError } from "./errors";

export interface PollOptions {
  /** Epoch ms (per clock): give up with PollDeadlineExceededError carrying the last value. */
  deadline?: number;
  /** First wait; doubles after every check. Default 5 000. */
  initialDelayMs?: number;
  /** Cap for every wait, Retry-After included. Default 180 000. */
  maxDelayMs?: number;
  clock?: Clock;
  abortSignal?: AbortSignal;
  onProgress?: (value: unknown) => void;
}

export const DEFAULT_POLL_INITIAL_DELAY_MS = 5_000;
export const DEFAULT_POLL_MAX_DELAY_MS = 180_000;

export class PollDeadlineExceededError extends Error {
  lastValue: unknown;
  constructor(message: string, lastValue: unknown) {
    super(message);
    initError(this, "PollDeadlineExceededError", message);
    this.lastValue = lastValue;
  }
}

export function isTerminal(status: Status | undefined): boolean {
  return status === "Succeeded" || status === "Failed";
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`PollOptions.${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

/**
 * Calls `fetch` until the value's status is Succeeded or Failed and returns that value (callers
 * decide what Failed means). Waits back off exponentially (5 s doubling to 3 min by default): a
 * 2-hour training costs under 60 GETs and is noticed at most one cap late. A Retry-After from the
 * service raises a single wait (never above the cap); the last wait is cut short to check once
 * more exactly at the deadline.
 */
export async function pollUntilTerminal<T extends { status?: Status }>(
  fetch: () => Promise<{ value: T; retryAfterMs?: number }>,
  options: PollOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const maxDelay = positive("maxDelayMs", options.maxDelayMs, DEFAULT_POLL_MAX_DELAY_MS);
  let delay = Math.min(positive("initialDelayMs", options.initialDelayMs, DEFAULT_POLL_INITIAL_DELAY_MS), maxDelay);
  let checks = 0;
  for (;;) {
    const { value, retryAfterMs } = await fetch();
    checks++;
    options.onProgress?.(value);
    if (isTerminal(value.status)) return value;
    const now = clock.now();
    if (options.deadline !== undefined && now >= options.deadline) {
      throw new PollDeadlineExceededError(
        `Still ${value.status ?? "without a status"} at the deadline ${new Date(options.deadline).toISOString()} after ${checks} status checks`,
        value,
      );
    }
    let wait = Math.min(Math.max(delay, retryAfterMs ?? 0), maxDelay);
    if (options.deadline !== undefined) wait = Math.min(wait, options.deadline - now);
    await clock.sleep(wait, options.abortSignal);
    delay = Math.min(delay * 2, maxDelay);
  }
}
