// Scenario 10: an F0 Speech resource holds two datasets, and new data replaces a dataset by creating the new one
// before deleting the old. A change that would need a third is refused at preview with a clear error, before
// anything is sent; the emulator enforces the limit as the service does, so the refusal is what keeps `up` safe.
import { checkInputs } from "../../components/custom-speech/core";
import { datasetSpec } from "../../components/custom-speech/dataset";
import { loadStackConfig, speechSku } from "../../components/stack-config";
import { entitiesOf, live, requestsSince, sandboxStack, stackFileConfig, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

/** The sandbox locale with two datasets: one to train on, one to test with (what F0 can hold). */
function twoDatasets() {
  const [locale] = stackFileConfig("sandbox").locales as any[];
  return [{ ...locale, datasets: locale.datasets.filter((d: { name: string }) => d.name !== "product-names"), training: { datasets: ["callcenter-train"] } }];
}

let s: SandboxStack;
beforeAll(async () => {
  s = await sandboxStack({
    emulator: { resources: [{ name: "speech", region: "eastus", key: "local-key", sku: "F0" }] },
    config: { locales: twoDatasets() },
  });
  const speech = s.emu.resources.speech;
  s.stack.setConfig("existingSpeech", { endpoint: speech.endpoint, region: speech.region, resourceId: speech.resourceId, sku: "F0" });
});
afterAll(() => s?.stop());

describe("an F0 stack", () => {
  test("deploys its two datasets", async () => {
    const r = await s.stack.up();
    expect(r.error).toBeUndefined();
    expect((await entitiesOf(s.client())).datasets).toBe(2);
  });

  test("the emulator refuses a third dataset, as the service does", async () => {
    await expect(s.client().createDataset({ displayName: "third", locale: "en-US", kind: "Language", contentUrl: "https://acct.blob.core.windows.net/c/x.txt" })).rejects.toMatchObject({
      statusCode: 403,
      innerCode: "QuotaViolation",
    });
  });

  test("new data is refused at preview, naming the property and the limit, with no request that writes", async () => {
    await s.changeData("callcenter-train", "new words for the first clip");
    const mark = s.emu.requestLog.length;
    const p = await s.stack.preview();
    expect(p.error?.message).toMatch(
      /Dataset resource 'speech-en-us-callcenter-train': property contentUrl value \{\[secret\]\} has a problem: this change replaces the dataset, and the new one is created before the old one is deleted: 3 datasets for a moment, but a F0 Speech resource holds at most 2\. Use S0, or declare at most 1 dataset on F0/,
    );
    const u = await s.stack.up();
    expect(u.error?.message).toMatch(/F0 Speech resource holds at most 2/);
    expect(requestsSince(s.emu, mark, { writes: true })).toEqual([]);
    expect(live(s.stack, "callcenter-train").outputs.status).toBe("Succeeded");
  });

  test("the dev example stack is S0, so the same change is allowed there", () => {
    const dev = stackFileConfig("dev");
    const config = loadStackConfig({ get: (k) => (dev[k] === undefined ? undefined : typeof dev[k] === "string" ? (dev[k] as string) : JSON.stringify(dev[k])), getSecret: () => undefined });
    const sku = speechSku(config.speech)!;
    expect(sku).toBe("S0");
    const olds = checkInputs(datasetSpec, { speech: { endpoint: "https://x.cognitiveservices.azure.com" }, __identity: { project: "p", stack: "dev", name: "d" }, kind: "Acoustic", locale: "en-US", contentUrl: "https://a.blob.core.windows.net/c/1.zip", contentHash: "a" }).inputs;
    const quota = { sku, datasetsInStack: config.locales[0].datasets.length };
    expect(checkInputs(datasetSpec, { ...olds, contentHash: "b", quota }, olds).failures).toEqual([]);
    expect(checkInputs(datasetSpec, { ...olds, contentHash: "b", quota: { ...quota, sku: "F0" } }, olds).failures.map((f) => f.property)).toEqual(["contentHash"]);
  });
});
