// Shared set-up for the Custom Speech resource tests: a real emulator, short polls, and engine-like inputs.
import type * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../../emulator";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { SpeechClient } from "../../components/speech-api";
import { THIN_PROVIDER_MARKER, providerIdentity } from "../../components/custom-speech/provider";
import { FAST_TUNING } from "../support/stack-files";

export { FAST_TUNING as FAST } from "../support/stack-files";

export interface Env {
  emu: RunningEmulator;
  speech: { endpoint: string; key: string };
  client: SpeechClient;
}

export async function startEnv(options: EmulatorOptions = {}): Promise<Env> {
  const emu = await startEmulator({ durations: { dataset: 30, model: 60, endpoint: 30, evaluation: 30, copy: 30 }, ...options });
  const r = emu.resources.speech;
  return { emu, speech: { endpoint: r.endpoint, key: r.key }, client: new SpeechClient({ endpoint: r.endpoint, key: r.key }, { rateLimit: false }) };
}

/** Stands in for a serialized thin provider in calls made in-process (the provider server adds the real one). */
export const THIN_PROVIDER_TEXT = `/* ${THIN_PROVIDER_MARKER} */ var __provider = {identity: "${providerIdentity("Any", { file: "components/custom-speech/implementation.ts" })}"};`;

/** Engine-like inputs: what the Resource constructor adds (identity) plus the test's tuning. */
export function inputsOf(env: Env, name: string, props: Record<string, unknown>): Record<string, any> {
  return { __provider: THIN_PROVIDER_TEXT, speech: env.speech, __identity: { project: "tests", stack: "dev", name }, tuning: FAST_TUNING, ...props };
}

/** check + create, the way the engine calls them. */
export async function createVia(p: pulumi.dynamic.ResourceProvider, inputs: Record<string, unknown>) {
  const checked = await p.check!({}, inputs);
  if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
  const r = await p.create(checked.inputs);
  return { id: r.id, outs: r.outs as Record<string, any>, inputs: checked.inputs as Record<string, any> };
}

export async function checked(p: pulumi.dynamic.ResourceProvider, inputs: Record<string, unknown>): Promise<Record<string, any>> {
  const c = await p.check!({}, inputs);
  if (c.failures?.length) throw new Error(JSON.stringify(c.failures));
  return c.inputs as Record<string, any>;
}

/** Requests the emulator logged for `method` on a path matching `path` (query ignored). */
export function requests(emu: RunningEmulator, method: string, path: RegExp): number {
  return emu.requestLog.filter((r) => r.method === method && path.test(r.path.split("?")[0])).length;
}

export async function firstBaseModel(env: Env, locale = "en-US"): Promise<string> {
  const all = await env.client.listBaseModels();
  const b = all.find((m) => m.locale === locale && m.properties?.features?.supportsAdaptationsWith?.includes("Language"));
  if (!b?.self) throw new Error(`no base model for ${locale} in the emulator catalogue`);
  return b.self;
}

/** Resolves with the thrown error (the test fails if nothing is thrown). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
