// The pack's arguments, apart from the PolicyPack that serves them (constructing one starts the analyzer's gRPC
// server and writes its port to stdout), so tests can serve the very same arguments through @pulumi/policy.
import type { PolicyPackArgs } from "@pulumi/policy";
import { policies } from "./policies";

export const PACK_NAME = "custom-speech";

export const packArgs: PolicyPackArgs = {
  description: "Guard rails for Azure Speech and Custom Speech: where Speech accounts live and who reaches them, hardened training data, and gated, lasting, protected endpoints.",
  // Each policy sets its own level; this is the fallback for a policy that does not.
  enforcementLevel: "advisory",
  policies,
};
