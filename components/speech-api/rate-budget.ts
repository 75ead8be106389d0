import * as abortController from "@azure/abort-controller";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { Clock } from "./clock";

/** The documented Speech to text limit: 100 requests per 10 s per resource. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 100, windowMs: 10_000 };

/**
 * What we actually allow ourselves: 5% fewer requests and a slightly longer window (5 %, at least 250 ms, at most
 * 1 s), so network jitter between our send time and the service's arrival time cannot push a window over the limit:
 * a burst on cold connections arrived up to ~50 ms after its send on a loaded machine, which was all of a 1 s window's 5 %.
 */
export function withSafetyMargin(limit: RateLimit): RateLimit {
  const spare = limit.requests > 1 ? Math.max(1, Math.ceil(limit.requests * 0.05)) : 0;
  return { requests: limit.requests - spare, windowMs: limit.windowMs + Math.min(1_000, Math.max(250, Math.ceil(limit.windowMs * 0.05))) };
}

export function validateRateLimit(limit: RateLimit): RateLimit {
  if (!Number.isInteger(limit.requests) || limit.requests < 1) {
    throw new RangeError(`SpeechClientOptions.rateLimit.requests must be an integer >= 1, got ${limit.requests}`);
  }
  if (!Number.isFinite(limit.windowMs) || limit.windowMs <= 0) {
    throw new RangeError(`SpeechClientOptions.rateLimit.windowMs must be a positive number of milliseconds, got ${limit.windowMs}`);
  }
  return limit;
}

interface Waiter {
  limit: RateLimit;
  clock: Clock;
  resolve(): void;
  reject(e: unknown): void;
}

/** Plain data only: it is shared by every (serialized) copy of this module in the process. */
interface BudgetState {
  grants: number[]; // send times still inside the longest window seen, ascending
  waiters: Waiter[]; // FIFO: first come, first served
  pumping: boolean;
}

function budgetFor(key: string): BudgetState {
  // Looked up on every call, not captured: Pulumi's closure serializer cannot capture a symbol value.
  const registryKey = Symbol.for("pulumi-custom-speech/rate-budget");
  const g = globalThis as unknown as Record<symbol, Map<string, BudgetState> | undefined>;
  const registry = (g[registryKey] ??= new Map<string, BudgetState>());
  let state = registry.get(key);
  if (!state) registry.set(key, (state = { grants: [], waiters: [], pumping: false }));
  return state;
}

/** The budget key of a Speech resource: endpoint origin + path, so two resources never share. */
export function budgetKey(endpoint: string): string {
  const u = new URL(endpoint);
  return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, "")}`;
}

function grantOrDelay(state: BudgetState, waiter: Waiter): number {
  const now = waiter.clock.now();
  const { requests, windowMs } = waiter.limit;
  while (state.grants.length > 0 && state.grants[0] <= now - windowMs) state.grants.shift();
  if (state.grants.length < requests) {
    state.grants.push(now);
    return 0;
  }
  // The slot frees when the oldest grant that keeps us at the limit leaves the window.
  return Math.max(1, state.grants[state.grants.length - requests] + windowMs - now);
}

async function pump(state: BudgetState): Promise<void> {
  state.pumping = true;
  try {
    while (state.waiters.length > 0) {
      const head = state.waiters[0];
      const wait = grantOrDelay(state, head);
      if (wait === 0) {
        state.waiters.shift();
        head.resolve();
      } else {
        await head.clock.sleep(wait);
      }
    }
  } finally {
    state.pumping = false;
  }
}

/** Resolves when one more request to `key` fits in the budget; callers are served in arrival order. */
export function acquire(key: string, limit: RateLimit, clock: Clock, abortSignal?: AbortSignal): Promise<void> {
  const state = budgetFor(key);
  return new Promise<void>((resolve, reject) => {
    if (abortSignal?.aborted) return reject(new abortController.AbortError("The operation was aborted."));
    // Declared in dependency order: Pulumi's closure serializer rejects use-before-declaration.
    const waiter: Waiter = { limit, clock, resolve, reject };
    const onAbort = (): void => {
      const i = state.waiters.indexOf(waiter);
      if (i >= 0) state.waiters.splice(i, 1);
      reject(new abortController.AbortError("The operation was aborted."));
    };
    waiter.resolve = () => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    };
    abortSignal?.addEventListener("abort", onAbort, { once: true });
    state.waiters.push(waiter);
    if (!state.pumping) pump(state).catch((e) => state.waiters.splice(0).forEach((w) => w.reject(e)));
  });
}

/** Spends budget per attempt: it sits after the retry policy, so retries are counted too. */
export function rateBudgetPolicy(endpoint: string, limit: RateLimit, clock: Clock): PipelinePolicy {
  const key = budgetKey(endpoint);
  const effective = withSafetyMargin(validateRateLimit(limit));
  return {
    name: "speechRateBudgetPolicy",
    async sendRequest(request, next) {
      await acquire(key, effective, clock, request.abortSignal as AbortSignal | undefined);
      return next(request);
    },
  };
}
