// A stack deployed by the previous version, whose program looked the base model up itself and named it on the
// Model (and on the Evaluation as model1), run with this version, whose Model picks the base model at create and
// keeps it in its state: the preview shows no change and calls nothing, refresh fills in the base model's dates the
// old state lacks, and the next preview still shows no change.
import { live, opsOf, requestsSince, deployedSandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // each test is one or more runs of the real Pulumi CLI

let s: SandboxStack;
const DECIDED = ["chosenBaseModel", "baseModelAdaptationExpiry", "baseModelTranscriptionExpiry", "baseModelChargesForAdaptation"];

beforeAll(async () => {
  s = await deployedSandboxStack();
  // What the previous version stored: the looked-up base model as the Model's input, no policy, no decided values.
  // Brought in as a user would: `pulumi stack export`, the older shape, `pulumi stack import`.
  const urn = live(s.stack, "model").urn;
  await s.stack.editState((resources) => {
    const model = resources.find((r) => r.urn === urn);
    for (const props of [model.inputs, model.outputs]) {
      props.baseModel = model.outputs.resolvedBaseModel;
      delete props.baseModelPolicy;
      for (const k of DECIDED) delete props[k];
    }
  });
  expect(live(s.stack, "model").outputs.chosenBaseModel).toBeUndefined();
});
afterAll(() => s?.stop());

test("upgrading: no diff and no Speech call in the preview; refresh fills the base model's dates; still no diff", async () => {
  const mark = s.emu.requestLog.length;
  const preview = await s.stack.preview();
  expect(preview.error).toBeUndefined();
  expect(new Set(Object.values(opsOf(preview)))).toEqual(new Set(["same"]));
  expect(requestsSince(s.emu, mark)).toEqual([]);

  const refresh = await s.stack.refresh();
  expect(refresh.error).toBeUndefined();
  const model = live(s.stack, "model").outputs;
  const base = await s.client().getBaseModel(String(model.resolvedBaseModel).split("?")[0].split("/").pop()!);
  expect(model.baseModelAdaptationExpiry).toBe(base.properties?.deprecationDates?.adaptationDateTime);
  expect(model.baseModelChargesForAdaptation).toBe(base.properties?.chargeForAdaptation);

  const up = await s.stack.up();
  expect(up.error).toBeUndefined();
  expect(new Set(Object.values(opsOf(up)))).toEqual(new Set(["same"]));
  expect(up.outputs.locales["en-US"].baseModelAdaptationExpiry).toBe(base.properties?.deprecationDates?.adaptationDateTime);
  expect(requestsSince(s.emu, mark, { method: "POST" })).toEqual([]);
});
