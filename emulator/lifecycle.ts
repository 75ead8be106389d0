// Status computed lazily from a Timeline and the clock: no timers, so it is deterministic and restart-safe.
import type { EntityError, Status } from "../components/speech-api/models";
import type { Timeline } from "./store";

export interface Phase {
  status: Status;
  lastActionAt: number;
  /** ms until the terminal status; undefined when terminal or waiting for the caller (blocks). */
  remainingMs?: number;
}

/** The first tenth of a run shows NotStarted, the rest Running, then the terminal status. */
export function phaseAt(t: Timeline, now: number, failure?: EntityError): Phase {
  if (t.waiting) return { status: "NotStarted", lastActionAt: t.start };
  const end = t.start + t.duration;
  if (now >= end) return { status: failure ? "Failed" : "Succeeded", lastActionAt: end };
  const runningFrom = t.startsRunning ? t.start : t.start + Math.floor(t.duration / 10);
  if (now < runningFrom) return { status: "NotStarted", lastActionAt: t.start, remainingMs: end - now };
  return { status: "Running", lastActionAt: runningFrom, remainingMs: end - now };
}

export const endOf = (t: Timeline): number => (t.waiting ? Number.POSITIVE_INFINITY : t.start + t.duration);

export const isTerminal = (t: Timeline, now: number): boolean => !t.waiting && now >= t.start + t.duration;

/** Retry-After (integer seconds) for an entity still processing; undefined once there is nothing to wait for. */
export const retryAfterSeconds = (phase: Phase): number | undefined =>
  phase.remainingMs === undefined ? undefined : Math.max(1, Math.ceil(phase.remainingMs / 1000));
