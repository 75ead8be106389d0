import { createHash, randomUUID } from "crypto";

export const newId = (): string => randomUUID();

/** A stable UUID derived from text, so catalogue and file ids survive restarts. */
export function stableId(text: string): string {
  const h = createHash("sha1").update(text).digest("hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ISO 8601 like the service ("…T11:34:12Z"); milliseconds kept when non-zero so short phases stay distinguishable. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
