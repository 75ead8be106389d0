// Dates that end a model's usefulness, judged one way everywhere: the program's expiry warnings, the preview
// summary and expiry report, and the policy pack.

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `now` until an ISO date (negative once it has passed). */
export function daysLeft(date: string, now = Date.now()): number {
  return Math.floor((Date.parse(date) - now) / DAY_MS);
}

/** A date string (not an unknown placeholder or garbage) at most `windowDays` days away, or already past. */
export function expiresWithin(date: unknown, windowDays: number, now = Date.now()): date is string {
  if (typeof date !== "string") return false;
  const at = Date.parse(date);
  return !Number.isNaN(at) && at - now <= windowDays * DAY_MS;
}
