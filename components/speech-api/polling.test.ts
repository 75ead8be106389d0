import { VirtualClock } from "./clock";
import type { Status } from "./models";
import { PollDeadlineExceededError, pollUntilTerminal } from "./polling";

/** A Model whose training finishes `doneAtMs` after the start, observed through a status GET. */
function training(clock: VirtualClock, doneAtMs: number, final: Status = "Succeeded") {
  const calls: number[] = [];
  const fetch = async () => {
    calls.push(clock.now());
    const status: Status = clock.now() >= doneAtMs ? final : clock.now() === 0 ? "NotStarted" : "Running";
    return { value: { id: "model-1", status } };
  };
  return { fetch, calls };
}

describe("waiting for a Model, Dataset or Endpoint to finish", () => {
  it("notices a 2-hour training within 3 minutes using fewer than 60 status GETs", async () => {
    const clock = new VirtualClock();
    const twoHours = 2 * 3600_000;
    const { fetch, calls } = training(clock, twoHours);
    const model = await pollUntilTerminal(fetch, { clock });
    expect(model.status).toBe("Succeeded");
    expect(calls.length).toBeLessThanOrEqual(60);
    expect(clock.now() - twoHours).toBeGreaterThanOrEqual(0);
    expect(clock.now() - twoHours).toBeLessThanOrEqual(180_000);
  });

  it("backs off from 5 s, doubling, and never waits more than 3 minutes", async () => {
    const clock = new VirtualClock();
    const { fetch } = training(clock, 3600_000);
    await pollUntilTerminal(fetch, { clock });
    expect(clock.sleeps.slice(0, 8)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 180_000, 180_000]);
    expect(Math.max(...clock.sleeps)).toBe(180_000);
  });

  it("returns a Failed training to the caller instead of waiting on", async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = training(clock, 20_000, "Failed");
    const model = await pollUntilTerminal(fetch, { clock });
    expect(model.status).toBe("Failed");
    expect(calls).toEqual([0, 5_000, 15_000, 35_000]);
  });

  it("waits at least the service's Retry-After for that one wait, still capped at the maximum", async () => {
    const clock = new VirtualClock();
    const hints = [30_000, undefined, 900_000, undefined];
    let i = 0;
    const fetch = async () => ({ value: { status: (i < 4 ? "Running" : "Succeeded") as Status }, retryAfterMs: hints[i++] });
    await pollUntilTerminal(fetch, { clock, maxDelayMs: 60_000 });
    expect(clock.sleeps).toEqual([30_000, 10_000, 60_000, 40_000]);
  });

  it("gives up at the deadline with the last Dataset state, after a final check exactly at the deadline", async () => {
    const clock = new VirtualClock(1_000_000);
    const { fetch, calls } = training(clock, Number.MAX_SAFE_INTEGER);
    const deadline = 1_000_000 + 60_000;
    const err = await pollUntilTerminal(fetch, { clock, deadline }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PollDeadlineExceededError);
    expect((err as PollDeadlineExceededError).lastValue).toEqual({ id: "model-1", status: "Running" });
    expect((err as Error).message).toMatch(/Still Running at the deadline .* after 5 status checks/);
    expect(calls[calls.length - 1]).toBe(deadline);
  });

  it("reports every observed state to onProgress", async () => {
    const clock = new VirtualClock();
    const { fetch } = training(clock, 10_000);
    const seen: unknown[] = [];
    await pollUntilTerminal(fetch, { clock, onProgress: (v) => seen.push((v as { status: Status }).status) });
    expect(seen).toEqual(["NotStarted", "Running", "Succeeded"]);
  });

  it("stops waiting when aborted", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const fetch = async () => {
      controller.abort();
      return { value: { status: "Running" as Status } };
    };
    await expect(pollUntilTerminal(fetch, { clock, abortSignal: controller.signal })).rejects.toThrow(/aborted/);
  });

  it("rejects a non-positive delay naming the option", async () => {
    const fetch = async () => ({ value: { status: "Succeeded" as Status } });
    await expect(pollUntilTerminal(fetch, { initialDelayMs: 0 })).rejects.toThrow(/PollOptions.initialDelayMs must be a positive number/);
    await expect(pollUntilTerminal(fetch, { maxDelayMs: -5 })).rejects.toThrow(/PollOptions.maxDelayMs/);
  });
});
