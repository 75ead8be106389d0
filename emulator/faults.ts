// Throttling (sliding window per resource) and seeded fault injection.
import type { FaultOptions } from "./types";

/** mulberry32: a tiny seeded PRNG, so a given seed faults the same requests every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly limit: { requests: number; windowMs: number } | false) {}

  /** Records a request at `now`; returns the Retry-After seconds when the resource is over its limit. */
  take(key: string, now: number): number | undefined {
    if (!this.limit) return undefined;
    const { requests, windowMs } = this.limit;
    const hits = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
    this.hits.set(key, hits);
    if (hits.length >= requests) {
      // Wait until enough of the oldest requests leave the window for one more to fit.
      const freeAt = hits[hits.length - requests] + windowMs;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    }
    hits.push(now);
    return undefined;
  }
}

export type FaultDecision = { kind: "none" } | { kind: "reset" } | { kind: "error"; status: 500 | 503 };

export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = seededRandom(1);

  constructor(options?: FaultOptions) {
    this.set(options);
  }

  set(options: FaultOptions | undefined): void {
    this.options = { ...options };
    this.random = seededRandom(this.options.seed ?? 1);
  }

  get latencyMs(): number {
    return this.options.latencyMs ?? 0;
  }

  decide(): FaultDecision {
    const { resetRate = 0, serverErrorRate = 0 } = this.options;
    if (resetRate > 0 && this.random() < resetRate) return { kind: "reset" };
    if (serverErrorRate > 0 && this.random() < serverErrorRate) return { kind: "error", status: this.random() < 0.5 ? 500 : 503 };
    return { kind: "none" };
  }
}
