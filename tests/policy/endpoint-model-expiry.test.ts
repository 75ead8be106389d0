// endpoint-model-not-expiring: the Model or ModelCopy an endpoint serves, found in the stack by its self URI or id.
import { endpointModelNotExpiring, endpointModelNotExpiringPolicy } from "../../policy/policies/endpoint-model-not-expiring";
import { DAY, StackBuilder, UNKNOWN, isoIn, runStack } from "./engine";
import { addPipeline, addReplica, id } from "./stacks";

const NOW = Date.parse("2026-03-01T00:00:00Z");
const policy = endpointModelNotExpiringPolicy(() => NOW);
const on = (days: number) => new Date(NOW + days * DAY).toISOString();

test("passes endpoints whose models transcribe well beyond the window", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b, { model: { transcriptionExpiry: on(400) } });
  addReplica(b, { locale: "de-DE", copy: { transcriptionExpiry: on(31) } });
  expect(await runStack(policy, b)).toEqual({ violations: [], notApplicable: undefined, messages: [] });
});

test("fails an endpoint whose model stops transcribing inside the window, against the endpoint", async () => {
  const b = new StackBuilder("prod");
  const { endpoint } = addPipeline(b, { model: { transcriptionExpiry: on(12) } });
  const r = await runStack(policy, b);
  expect(r.violations).toEqual([
    {
      urn: endpoint.urn,
      message:
        `Endpoint "speech-en-us-endpoint" (en-US) serves Model "speech-en-us-model" (models/${id(11)}), whose transcription ends on 2026-03-13, in 12 days: ` +
        "inside the 30-day window (expiryDays). The endpoint then falls back to a base model. Retrain on a newer base model (a new baseModel or training data); " +
        "the evaluation gate then swaps the endpoint.",
    },
  ]);
});

test("fails an endpoint on an expired model, and a replica's endpoint with the source stack as the fix", async () => {
  const b = new StackBuilder("prod-swedencentral");
  addReplica(b, { copy: { transcriptionExpiry: on(-5) } });
  expect((await runStack(policy, b)).messages).toEqual([
    `Endpoint "speech-en-us-endpoint" (en-US) serves ModelCopy "speech-en-us-copy" (models/${id(51)}), whose transcription ended on 2026-02-24 (5 days ago): ` +
      "inside the 30-day window (expiryDays). The endpoint then falls back to a base model. Retrain in the source stack, then `pulumi up` here copies the new model and swaps the endpoint.",
  ]);
});

test("finds the model by what the service reports serving when the declared model is another one", async () => {
  const b = new StackBuilder("prod");
  const old = addPipeline(b, { name: "old", modelId: 21, evaluation: false, model: { transcriptionExpiry: on(3) } });
  addPipeline(b, { modelId: 22, endpoint: { servedModel: `${old.model.props.self}?api-version=2025-10-15` } });
  expect((await runStack(policy, b)).messages).toEqual([
    expect.stringMatching(/^Endpoint "old-endpoint" .* serves Model "old-model"/),
    expect.stringMatching(/^Endpoint "speech-en-us-endpoint" \(en-US\) serves Model "old-model" \(models\/.*21\), whose transcription ends on 2026-03-04, in 3 days/),
  ]);
});

test("does not fail on what a preview cannot know: a retrained model's expiry, an unknown model, a model from elsewhere", async () => {
  const b = new StackBuilder("prod");
  // A retrain in preview: the new Model has only its inputs, the endpoint's model is unknown.
  const { model } = addPipeline(b, { model: { self: undefined, transcriptionExpiry: undefined }, endpoint: { model: UNKNOWN, servedModel: undefined } });
  expect(model.props.self).toBeUndefined();
  addPipeline(b, { locale: "de-DE", modelId: 12, model: { transcriptionExpiry: UNKNOWN } });
  addPipeline(b, { locale: "fr-FR", modelId: 13, endpoint: { model: "https://elsewhere.example/speechtotext/models/" + id(99), servedModel: null } });
  expect((await runStack(policy, b)).messages).toEqual([]);
});

test("config: expiryDays widens or narrows the window; the pack's instance uses the real clock", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b, { model: { transcriptionExpiry: on(12) } });
  expect((await runStack(policy, b, { expiryDays: 10 })).messages).toEqual([]);
  expect((await runStack(policy, b, { expiryDays: 12 })).messages).toHaveLength(1);
  const real = new StackBuilder("prod");
  addPipeline(real, { model: { transcriptionExpiry: isoIn(45) } });
  expect((await runStack(endpointModelNotExpiring, real)).messages).toEqual([]);
  expect((await runStack(endpointModelNotExpiring, real, { expiryDays: 60 })).messages).toEqual([expect.stringContaining("inside the 60-day window")]);
  await expect(runStack(policy, b, { expiryDays: -1 })).rejects.toThrow("endpoint-model-not-expiring.expiryDays must be a whole number from 0 to 3650; got -1.");
});

test("is not applicable to a stack without endpoints", async () => {
  const b = new StackBuilder("dev");
  expect((await runStack(policy, b)).notApplicable).toBe("the stack has no Endpoint");
});
