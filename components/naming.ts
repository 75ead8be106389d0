/**
 * Azure naming rules and default names for the control plane, as pure functions that throw errors naming the
 * property and what is allowed (they run in component constructors, so bad input fails at preview).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Throws unless `value` is one of `allowed`; returns it typed. `undefined` yields the default. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], property: string, fallback: T): T;
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], property: string): T | undefined;
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], property: string, fallback?: T): T | undefined {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new Error(`${property} "${String(value)}" is not allowed. Allowed values: ${allowed.join(", ")}.`);
  }
  return value as T;
}

/** Custom subdomain (and by default the Speech account name): globally unique DNS label. */
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export function validateSubdomain(value: string, property: string): string {
  if (typeof value !== "string" || value.length < 2 || !SUBDOMAIN.test(value)) {
    throw new Error(
      `${property} "${String(value)}" is not a valid custom subdomain: use 2-64 lowercase letters, digits and ` +
        `hyphens, starting and ending with a letter or digit.`,
    );
  }
  return value;
}

const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
export function validateStorageAccountName(value: string, property: string): string {
  if (typeof value !== "string" || !STORAGE_ACCOUNT.test(value)) {
    throw new Error(`${property} "${String(value)}" is not a valid storage account name: use 3-24 lowercase letters and digits.`);
  }
  return value;
}

/** Blob container rules; `customspeech-artifacts` is where a BYOS Speech resource keeps its own files. */
const CONTAINER = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;
export const RESERVED_CONTAINERS = ["customspeech-artifacts"] as const;
export function validateContainerName(value: string, property: string): string {
  if (typeof value !== "string" || !CONTAINER.test(value)) {
    throw new Error(
      `${property} "${String(value)}" is not a valid blob container name: use 3-63 lowercase letters, digits and ` +
        `single hyphens, starting and ending with a letter or digit.`,
    );
  }
  if ((RESERVED_CONTAINERS as readonly string[]).includes(value)) {
    throw new Error(`${property} "${value}" is reserved by the Speech service for bring-your-own-storage artifacts.`);
  }
  return value;
}

/**
 * An absolute service URL: https, or plain http to this machine only (the local emulator, Azurite).
 * Returns the parsed URL; the error names the property and shows `example`.
 */
export function validateServiceUrl(value: string, property: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${property} "${value}" must be an absolute URL such as ${example}.`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url))) {
    throw new Error(`${property} "${value}" must use https (http only for localhost, e.g. the emulator or Azurite).`);
  }
  return url;
}

export function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/** 8 hex characters that differ per project, stack and component, so default global names don't collide. */
export function stableSuffix(name: string): string {
  return createHash("sha256").update(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`).digest("hex").slice(0, 8);
}

/** e.g. "speech" in stack "dev" → "speech-3f2a9c1b" (the suffix keeps it globally unique and stable). */
export function defaultSubdomainName(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 50);
  return `${base || "speech"}-${stableSuffix(name)}`;
}

/** e.g. "training-data" → "trainingdata3f2a9c1b". */
export function defaultStorageAccountName(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 16);
  return `${base || "data"}${stableSuffix(name)}`.slice(0, 24).padEnd(3, "0");
}
