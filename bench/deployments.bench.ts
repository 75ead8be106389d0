// Deployments on the test driver (tests/support/deployment), which follows the engine's steps and checkpoint:
// - checkpointBytes20Locales: the checkpoint after the first `up` of a 20-locale stack (goal ≤ 2 MB; the 0.1.0
//   provider made it ~24 MB);
// - duplicates / orphansAfterDestroy: the fault campaign (5xx, resets, 429 bursts) over a stack's whole life (goal 0);
// - previewApiCallsExistingStack: every Speech request (program and providers) of a `preview` of a deployed 2-locale
//   stack (goal 0: a pull-request preview needs no Speech credentials).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { LOCALES } from "../emulator/catalogue";
import { Deployment } from "../tests/support/deployment";
import { runFaultCampaign } from "../tests/support/fault-campaign";
import { FAST_DURATIONS, FAST_TUNING, PROJECT, ROOT, stackFileConfig } from "../tests/support/sandbox-stack";

/** The sandbox locale's shape for `locale`, its datasets read from URLs (with SAS tokens) instead of a manifest. */
function localeConfig(locale: string) {
  const [sandbox] = stackFileConfig("sandbox").locales as any[];
  return {
    ...sandbox,
    locale,
    displayName: `Call center (${locale})`,
    endpoint: { displayName: `callcenter-${locale}` },
    datasets: sandbox.datasets.map((d: { name: string; kind: string }) => ({
      name: d.name,
      kind: d.kind,
      contentUrl: `https://contosospeechdata.blob.core.windows.net/training-audio/${locale}/${d.name}.zip?sv=2024-11-04&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=c2lnbmF0dXJlLW9mLWEtc2FzLXRva2Vu`,
      contentHash: `sha256:${Buffer.from(`${locale}/${d.name}`).toString("hex").padEnd(64, "0").slice(0, 64)}`,
    })),
  };
}

async function checkpointOf20Locales(): Promise<{ bytes: number; resources: number; seconds: number }> {
  return deployed(20, async (d) => ({ bytes: d.checkpoint.bytes(), resources: d.checkpoint.resources.length }));
}

/** Requests the Speech service gets during a preview of a deployed 2-locale stack. */
async function previewCallsOfExistingStack(): Promise<number> {
  const { calls } = await deployed(2, async (d, emu) => {
    const mark = emu.requestLog.length;
    const p = await d.preview();
    if (p.error) throw p.error;
    return { calls: emu.requestLog.length - mark };
  });
  return calls;
}

/** A stack of `n` locales after its first `up`, handed to `f`. */
async function deployed<T extends object>(n: number, f: (d: Deployment, emu: RunningEmulator) => Promise<T>): Promise<T & { seconds: number }> {
  const emu = await startEmulator({ durations: FAST_DURATIONS, rateLimit: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${n}-locales-`));
  const speech = emu.resources.speech;
  const d = new Deployment({
    program: { file: path.join(ROOT, "index.ts") },
    project: PROJECT,
    stack: "bench",
    cwd: dir,
    config: {
      ...stackFileConfig("sandbox"),
      existingSpeech: { endpoint: speech.endpoint, region: speech.region, resourceId: speech.resourceId },
      existingSpeechKey: speech.key,
      existingStorage: { blobEndpoint: "https://contosospeechdata.blob.core.windows.net" },
      tuning: FAST_TUNING,
      locales: LOCALES.slice(0, n).map(localeConfig),
    },
    secretConfig: ["existingSpeechKey"],
  });
  const started = Date.now();
  try {
    const r = await d.up();
    if (r.error) throw r.error;
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    return { ...(await f(d, emu)), seconds };
  } finally {
    d.close();
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<Record<string, number>> {
  const checkpoint = await checkpointOf20Locales();
  process.stderr.write(`bench: 20-locale stack: ${checkpoint.resources} resources, first up ${checkpoint.seconds} s\n`);
  const previewApiCallsExistingStack = await previewCallsOfExistingStack();
  const campaign = await runFaultCampaign();
  if (campaign.errors.length) throw new Error(`fault campaign: ${campaign.errors.join("; ")}`);
  return {
    checkpointBytes20Locales: checkpoint.bytes,
    checkpointResources20Locales: checkpoint.resources,
    previewApiCallsExistingStack,
    duplicates: campaign.duplicates,
    orphansAfterDestroy: campaign.orphansAfterDestroy,
    faultCampaignServerErrors: campaign.serverErrors,
    faultCampaignResets: campaign.resets,
    faultCampaignThrottled: campaign.throttled,
  };
}
