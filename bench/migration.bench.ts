// Region migration (`npm run migrate`'s library) of 20 trained models, each served by an endpoint, between two
// emulated Speech resources whose copies take 3 minutes and endpoints 1 minute on a simulated clock, under the
// emulator's rate limit (100 requests / 10 s per resource). Counts every request the migration makes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Clock } from "../components/speech-api/clock";
import { SpeechClient } from "../components/speech-api";
import { migrateRegion } from "../components/region-migration";
import { startEmulator } from "../emulator";

const MODELS = 20;

/**
 * Simulated time for concurrent sleepers: a sleep ends when time reaches its wake-up, and time jumps to the
 * earliest wake-up once nothing has happened for a moment (requests in flight finish first).
 */
class SimulatedClock implements Clock {
  private time = Date.UTC(2026, 11, 1);
  private sleepers: { wake: number; resolve: () => void }[] = [];
  private timer?: NodeJS.Timeout;
  now = (): number => this.time;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ wake: this.time + Math.max(0, ms), resolve });
      this.schedule();
    });
  }
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.sleepers.length) return;
      this.time = Math.max(this.time, Math.min(...this.sleepers.map((s) => s.wake)));
      const due = this.sleepers.filter((s) => s.wake <= this.time);
      this.sleepers = this.sleepers.filter((s) => s.wake > this.time);
      for (const s of due) s.resolve();
      if (this.sleepers.length) this.schedule();
    }, 3);
  }
}

export default async function (): Promise<Record<string, number>> {
  const clock = new SimulatedClock();
  const emu = await startEmulator({
    now: clock.now,
    durations: { model: 0, endpoint: 60_000, copy: 180_000 },
    resources: [
      { name: "train", region: "eastus", key: "k1" },
      { name: "serve", region: "swedencentral", key: "k2" },
    ],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-bench-"));
  try {
    const opts = { clock, retryDelayInMs: 1_000 };
    const source = new SpeechClient({ endpoint: emu.resources.train.endpoint, key: "k1" }, opts);
    const base = (await source.listBaseModels()).find((m) => m.locale === "en-US")!;
    const ds = await source.createDataset({ displayName: "d", kind: "Language", locale: "en-US", contentUrl: "https://acct.blob.core.windows.net/c/a.txt" });
    for (let i = 0; i < MODELS; i++) {
      const model = await source.createModel({ displayName: `model-${i}`, locale: "en-US", baseModel: { self: base.self! }, datasets: [{ self: ds.self! }] });
      await source.createEndpoint({ displayName: `endpoint-${i}`, locale: "en-US", model: { self: model.self! } });
    }
    const mark = emu.requestLog.length;
    const started = clock.now();
    const wall = Date.now();
    const result = await migrateRegion({
      from: { endpoint: emu.resources.train.endpoint, key: "k1" },
      to: { endpoint: emu.resources.serve.endpoint, key: "k2" },
      fromResourceId: emu.resources.train.resourceId,
      toResourceId: emu.resources.serve.resourceId,
      endpoints: true,
      statePath: path.join(dir, "state.json"),
      clientOptions: opts,
    });
    const log = emu.requestLog.slice(mark);
    return {
      migrateModels: result.models.filter((m) => m.status === "copied" && m.target).length,
      migrateEndpoints: result.endpoints.filter((e) => e.status === "created").length,
      migrateFailedOps: result.failures.length,
      migrate429: log.filter((r) => r.status === 429).length,
      migrateRequestsPerModel: Number((log.length / MODELS).toFixed(2)),
      migrateSimulatedMinutes: Number(((clock.now() - started) / 60_000).toFixed(1)),
      migrateWallSeconds: Number(((Date.now() - wall) / 1000).toFixed(1)),
    };
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
