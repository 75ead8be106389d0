// The fault campaign on the real Pulumi engine, through the provider the program serialized: 5xx, connection
// resets and 429 bursts across a whole stack's life end with exactly the declared entities, and none after destroy.
import { DECLARED, runFaultCampaign } from "../support/fault-campaign";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

it("creates, retrains, swaps and destroys the sandbox stack under 10% 5xx, 5% resets and 429 bursts: no duplicate, nothing left", async () => {
  const r = await runFaultCampaign();
  expect(r.errors).toEqual([]);
  expect(r.serverErrors).toBeGreaterThan(0);
  expect(r.resets).toBeGreaterThan(0);
  expect(r.entitiesAfterUps).toEqual([DECLARED, DECLARED]);
  expect(r.duplicates).toBe(0);
  expect(r.orphansAfterDestroy).toBe(0);
}, 300_000);
