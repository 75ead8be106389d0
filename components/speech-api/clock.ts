import * as abortController from "@azure/abort-controller";
import * as coreUtil from "@azure/core-util";

/** Time source for polling and the rate budget; tests and benchmarks inject a virtual one. */
export interface Clock {
  now(): number;
  sleep(ms: number, abortSignal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, abortSignal) => coreUtil.delay(Math.max(0, ms), { abortSignal }),
};

/**
 * A clock whose `sleep` advances virtual time instantly, so hours of polling or rate-limited traffic
 * run in milliseconds. It first lets already-queued work run at the current time (one event-loop
 * turn). Concurrent sleepers each advance time by their own amount (good enough for the
 * single-sleeper loops in this package).
 */
export class VirtualClock implements Clock {
  sleeps: number[] = [];
  constructor(public time = 0) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
    if (abortSignal?.aborted) throw new abortController.AbortError("The operation was aborted.");
    this.sleeps.push(ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.time += Math.max(0, ms);
  }
}
