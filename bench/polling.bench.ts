// Polling cost of waiting for a 2-hour Custom Speech training, in simulated time (runs in milliseconds):
// our exponential backoff (5 s doubling, capped at 3 min) versus a fixed 500 ms poll loop.
import { VirtualClock } from "../components/speech-api/clock";
import type { Status } from "../components/speech-api/models";
import { pollUntilTerminal } from "../components/speech-api/polling";

const TRAINING_MS = 2 * 3600 * 1000;

async function simulate(options: { initialDelayMs?: number; maxDelayMs?: number }): Promise<{ gets: number; lagSeconds: number }> {
  const clock = new VirtualClock();
  let gets = 0;
  const fetch = async () => {
    gets++;
    const status: Status = clock.now() >= TRAINING_MS ? "Succeeded" : "Running";
    return { value: { status } };
  };
  await pollUntilTerminal(fetch, { clock, ...options });
  return { gets, lagSeconds: (clock.now() - TRAINING_MS) / 1000 };
}

export default async function (): Promise<Record<string, number>> {
  const ours = await simulate({});
  // What a fixed-interval poller (spx-style, every 500 ms) costs for the same training.
  const fixed = await simulate({ initialDelayMs: 500, maxDelayMs: 500 });
  return {
    pollGetsFor2hTraining: ours.gets,
    pollDetectionLagSeconds: ours.lagSeconds,
    spxPollGetsFor2hTraining: fixed.gets,
    spxPollDetectionLagSeconds: fixed.lagSeconds,
    pollGetsRatioVsFixed500ms: Number((fixed.gets / ours.gets).toFixed(1)),
  };
}
