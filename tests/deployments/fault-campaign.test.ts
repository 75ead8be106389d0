// The fault campaign on the deployment driver, through the provider the program serialized: 5xx, connection
// resets and 429 bursts across a whole stack's life end with exactly the declared entities, and none after destroy.
import { DECLARED, runFaultCampaign } from "../support/fault-campaign";

it("creates, retrains, swaps and destroys the sandbox stack under 10% 5xx, 5% resets and 429 bursts: no duplicate, nothing left", async () => {
  const r = await runFaultCampaign();
  expect(r.errors).toEqual([]);
  expect(r.serverErrors).toBeGreaterThan(0);
  expect(r.resets).toBeGreaterThan(0);
  expect(r.entitiesAfterUps).toEqual([DECLARED, DECLARED]);
  expect(r.duplicates).toBe(0);
  expect(r.orphansAfterDestroy).toBe(0);
}, 180_000);
