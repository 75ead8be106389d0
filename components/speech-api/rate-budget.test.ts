import { VirtualClock } from "./clock";
import { acquire, budgetKey, DEFAULT_RATE_LIMIT, rateBudgetPolicy, withSafetyMargin } from "./rate-budget";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";

let unique = 0;
const freshEndpoint = () => `https://budget-test-${process.pid}-${++unique}.cognitiveservices.azure.com`;

/** Largest number of grants inside any window of `windowMs` (sliding over the grant times). */
function busiestWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= windowMs) i++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

describe("the per-Speech-resource rate budget", () => {
  it("keeps 300 concurrent requests under 100 per 10 s and serves them in arrival order", async () => {
    const clock = new VirtualClock();
    const key = budgetKey(freshEndpoint());
    const limit = withSafetyMargin(DEFAULT_RATE_LIMIT);
    const granted: { n: number; t: number }[] = [];
    await Promise.all(Array.from({ length: 300 }, (_, n) => acquire(key, limit, clock).then(() => granted.push({ n, t: clock.now() }))));
    expect(granted.map((g) => g.n)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    const times = granted.map((g) => g.t);
    expect(busiestWindow(times, 10_000)).toBeLessThanOrEqual(100);
    expect(busiestWindow(times, 10_000)).toBeGreaterThan(80); // a budget, not a crawl
    expect(clock.now()).toBeLessThan(40_000);
  });

  it("leaves a safety margin below the service limit", () => {
    expect(withSafetyMargin({ requests: 100, windowMs: 10_000 })).toEqual({ requests: 95, windowMs: 10_500 });
    expect(withSafetyMargin({ requests: 1, windowMs: 1_000 })).toEqual({ requests: 1, windowMs: 1_250 });
  });

  it("is shared by every client of the same Speech resource in the process, and only by them", async () => {
    const clock = new VirtualClock();
    const endpoint = freshEndpoint();
    const limit = { requests: 3, windowMs: 1_000 };
    // Two independent policies (as two serialized client copies would build) on one resource...
    const a = rateBudgetPolicy(endpoint, limit, clock);
    const b = rateBudgetPolicy(`${endpoint}/`, limit, clock);
    const other = rateBudgetPolicy(freshEndpoint(), limit, clock);
    const sent: { who: string; t: number }[] = [];
    const send = (who: string, p: typeof a) => {
      const request = createPipelineRequest({ url: `${endpoint}/speechtotext/projects` });
      return p.sendRequest(request, async (req) => {
        sent.push({ who, t: clock.now() });
        return { request: req, status: 200, headers: createHttpHeaders() } as PipelineResponse;
      });
    };
    await Promise.all([send("a", a), send("b", b), send("a", a), send("b", b), send("other", other)]);
    // 3 requests minus the margin of 1 = 2 per 1 050 ms for the shared resource.
    expect(sent.filter((s) => s.who !== "other").map((s) => s.t)).toEqual([0, 0, 1_250, 1_250]);
    expect(sent.find((s) => s.who === "other")?.t).toBe(0);
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[Symbol.for("pulumi-custom-speech/rate-budget")];
    expect(registry.has(budgetKey(endpoint))).toBe(true);
  });

  it("drops a waiting caller that gives up without blocking the ones behind it", async () => {
    const clock = new VirtualClock();
    const key = budgetKey(freshEndpoint());
    const limit = { requests: 1, windowMs: 1_000 };
    await acquire(key, limit, clock);
    const controller = new AbortController();
    const abandoned = acquire(key, limit, clock, controller.signal);
    controller.abort();
    await expect(abandoned).rejects.toThrow(/aborted/);
    await acquire(key, limit, clock);
    expect(clock.now()).toBe(1_000);
  });

  it("rejects a nonsensical limit naming the property", () => {
    expect(() => rateBudgetPolicy(freshEndpoint(), { requests: 0, windowMs: 10 }, new VirtualClock())).toThrow(
      /rateLimit.requests must be an integer >= 1, got 0/,
    );
    expect(() => rateBudgetPolicy(freshEndpoint(), { requests: 5, windowMs: -1 }, new VirtualClock())).toThrow(/rateLimit.windowMs/);
  });
});
