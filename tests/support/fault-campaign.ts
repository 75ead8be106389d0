// The fault campaign: the sandbox stack's whole life on the real Pulumi engine — first `up`, new data and a second
// `up` (retrain, gate, swap), `destroy` — while the emulator answers 10 % of requests with 5xx, resets 5 % of
// connections and throttles at a quarter of the client's own budget. Shared by the test and the bench.
import { entitiesOf, FAST_TUNING, sandboxStack } from "./sandbox-stack";

export const DECLARED = { projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 };

export interface CampaignResult {
  /** Entities beyond the declared ones after each `up`, summed (a retried create that trained twice counts here). */
  duplicates: number;
  /** Entities of the stack still on the service after `destroy`. */
  orphansAfterDestroy: number;
  /** Requests answered 5xx, reset without an answer, or throttled (429) during the campaign. */
  serverErrors: number;
  resets: number;
  throttled: number;
  errors: string[];
  entitiesAfterUps: Record<string, number>[];
}

export async function runFaultCampaign(): Promise<CampaignResult> {
  const s = await sandboxStack({
    emulator: { rateLimit: { requests: 25, windowMs: 1000 } },
    config: { tuning: { ...FAST_TUNING, maxRetries: 10, maxRetryDelayMs: 200 } },
  });
  const errors: string[] = [];
  const entitiesAfterUps: Record<string, number>[] = [];
  let duplicates = 0;
  const counted = async () => {
    s.emu.setFaults({});
    const e = await entitiesOf(s.client());
    entitiesAfterUps.push(e);
    duplicates += Object.entries(DECLARED).reduce((n, [k, want]) => n + Math.max(0, e[k as keyof typeof e] - want), 0);
  };
  try {
    s.emu.setFaults({ serverErrorRate: 0.1, resetRate: 0.05, seed: 42 });
    const first = await s.stack.up();
    if (first.error) errors.push(`first up: ${first.error.message}`);
    await counted();

    s.emu.setScenario({ customModelWordErrorRate: 5 });
    await s.changeData("product-names", "contoso fault tolerant");
    s.emu.setFaults({ serverErrorRate: 0.1, resetRate: 0.05, seed: 7 });
    const second = await s.stack.up();
    if (second.error) errors.push(`second up: ${second.error.message}`);
    await counted();

    s.emu.setFaults({ serverErrorRate: 0.1, resetRate: 0.05, seed: 9 });
    const destroyed = await s.stack.destroy();
    if (destroyed.error) errors.push(`destroy: ${destroyed.error.message}`);
    s.emu.setFaults({});
    const left = await entitiesOf(s.client());
    return {
      duplicates,
      orphansAfterDestroy: Object.values(left).reduce((a, b) => a + b, 0),
      serverErrors: s.emu.requestLog.filter((r) => r.status >= 500).length,
      resets: s.emu.requestLog.filter((r) => r.status === 0).length,
      throttled: s.emu.requestLog.filter((r) => r.status === 429).length,
      errors,
      entitiesAfterUps,
    };
  } finally {
    await s.stop();
  }
}
