// Deployments on the real Pulumi engine (the CLI on PATH, a file backend), against the emulator:
// - engine ratios, each against the engine's own floor (bench/engine-floor.ts: as many trivial dynamic resources, in
//   as many components), measured in the same run, commands interleaved, median of 3, seconds beside them:
//   sandboxPreviewRatio (a no-change `pulumi preview` of the sandbox stack, goal ≤ 1.3), locales20PreviewRatio (a
//   `pulumi preview` of a deployed 20-locale stack, goal ≤ 1.5), sandboxNoChangeUpRatio (a no-change `pulumi up`,
//   goal ≤ 1.5) with sandboxNoChangeUpRequests (Speech requests during it, goal 0);
// - checkpointBytes20Locales: the checkpoint the backend stores after the first `up` of a 20-locale stack (goal ≤ 2 MB; the 0.1.0
//   provider made it ~24 MB);
// - previewApiCallsExistingStack: every Speech request (program and providers) of a `pulumi preview` of a deployed
//   20-locale stack (goal 0: a pull-request preview needs no Speech credentials);
// - duplicates / orphansAfterDestroy: the fault campaign (5xx, resets, 429 bursts) over a stack's whole life (goal 0).
import * as path from "path";
import { startEmulator } from "../emulator";
import { LOCALES } from "../emulator/catalogue";
import { EngineStack, PulumiBackend } from "../tests/support/engine";
import { runFaultCampaign } from "../tests/support/fault-campaign";
import { FAST_DURATIONS, FAST_TUNING, deployedSandboxStack, stackFileValues } from "../tests/support/sandbox-stack";

const RUNS = 3;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The sandbox locale's shape for `locale`, its datasets read from URLs (with SAS tokens) instead of a manifest. */
function localeConfig(locale: string) {
  const [sandbox] = stackFileValues("sandbox").locales as any[];
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

/** Wall time of one plain CLI command, as a user types it; fails the bench if the command does. */
async function timed(stack: EngineStack, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await stack.cli(args);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} (${stack.name}) exited ${r.code}: ${r.stderr || r.stdout}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Median seconds of `args` on ours and on the floor, interleaved so that both see the same machine. */
async function versus(ours: EngineStack, floor: EngineStack, args: string[]): Promise<{ ours: number; floor: number; ratio: number }> {
  const a: number[] = [];
  const b: number[] = [];
  await timed(ours, args); // warm: file caches, the compile cache of the transpiler
  await timed(floor, args);
  for (let i = 0; i < RUNS; i++) {
    a.push(await timed(ours, args));
    b.push(await timed(floor, args));
  }
  return { ours: round(median(a)), floor: round(median(b)), ratio: round(median(a) / median(b)) };
}

async function floorStack(backend: PulumiBackend, groups: number, perGroup: number): Promise<EngineStack> {
  const stack = new EngineStack({ backend, project: { name: "floor", module: path.join(__dirname, "engine-floor.ts") }, stack: `floor-${groups}`, config: { groups, perGroup } });
  const r = await stack.up();
  if (r.error) throw r.error;
  return stack;
}

export default async function bench(): Promise<Record<string, number>> {
  const backend = await PulumiBackend.create({ compileCache: false });
  const out: Record<string, number> = {};
  try {
    // The sandbox stack (9 resources: the stack, one LocalePipeline, 7 Custom Speech resources) against a floor of 7
    // trivial resources in one component.
    const sandbox = await deployedSandboxStack({ backend });
    const floor1 = await floorStack(backend, 1, 7);
    try {
      const preview = await versus(sandbox.stack, floor1, ["preview"]);
      const mark = sandbox.emu.requestLog.length;
      const up = await versus(sandbox.stack, floor1, ["up", "--yes", "--skip-preview"]);
      Object.assign(out, {
        sandboxPreviewSeconds: preview.ours,
        floorPreviewSeconds: preview.floor,
        sandboxPreviewRatio: preview.ratio,
        sandboxNoChangeUpSeconds: up.ours,
        floorNoChangeUpSeconds: up.floor,
        sandboxNoChangeUpRatio: up.ratio,
        sandboxNoChangeUpRequests: sandbox.emu.requestLog.length - mark,
      });
    } finally {
      floor1.dispose();
      await sandbox.stop();
    }

    // A 20-locale stack (161 resources) against 20 components of 7 trivial resources.
    const emu = await startEmulator({ durations: FAST_DURATIONS, rateLimit: false });
    const speech = emu.resources.speech;
    const stack = new EngineStack({
      backend,
      stack: "locales-20",
      config: {
        ...stackFileValues("sandbox"),
        existingSpeech: { endpoint: speech.endpoint, region: speech.region, resourceId: speech.resourceId },
        existingSpeechKey: speech.key,
        existingStorage: { blobEndpoint: "https://contosospeechdata.blob.core.windows.net" },
        tuning: FAST_TUNING,
        locales: LOCALES.slice(0, 20).map(localeConfig),
      },
      secretConfig: ["existingSpeechKey"],
    });
    const floor20 = await floorStack(backend, 20, 7);
    try {
      const started = Date.now();
      const first = await stack.up();
      if (first.error) throw first.error;
      process.stderr.write(`bench: 20-locale stack: ${stack.state.resources.length} resources, first up ${round((Date.now() - started) / 1000, 1)} s\n`);
      const mark = emu.requestLog.length;
      const preview = await versus(stack, floor20, ["preview"]);
      Object.assign(out, {
        locales20PreviewSeconds: preview.ours,
        floor20PreviewSeconds: preview.floor,
        locales20PreviewRatio: preview.ratio,
        previewApiCallsExistingStack: emu.requestLog.length - mark,
        checkpointBytes20Locales: stack.stateBytes(),
        checkpointResources20Locales: stack.state.resources.length,
      });
    } finally {
      stack.dispose();
      floor20.dispose();
      await emu.stop();
    }
  } finally {
    await backend.dispose();
  }

  const campaign = await runFaultCampaign();
  if (campaign.errors.length) throw new Error(`fault campaign: ${campaign.errors.join("; ")}`);
  return {
    ...out,
    duplicates: campaign.duplicates,
    orphansAfterDestroy: campaign.orphansAfterDestroy,
    faultCampaignServerErrors: campaign.serverErrors,
    faultCampaignResets: campaign.resets,
    faultCampaignThrottled: campaign.throttled,
  };
}
