/**
 * Default names for the control plane's globally unique Azure names (the rules they must keep are in
 * domain/validators.ts).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

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
