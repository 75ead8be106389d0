// prod-locale-evaluation-gate: LocalePipelines (their Evaluation child), Models trained outside them, thresholds.
import { prodLocaleEvaluationGate as policy } from "../../policy/policies";
import { StackBuilder, UNKNOWN, runStack } from "./engine";
import { T, addPipeline, addReplica, selfOf } from "./stacks";

const FIX = "Give the locale an evaluation in the stack config: { dataset: <a test dataset>, maxWordErrorRate and/or minWordErrorRateImprovement }.";

test("passes a prod stack whose every pipeline has a gate, copied locales needing none", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b);
  addPipeline(b, { locale: "de-DE", modelId: 12 });
  addReplica(b, { locale: "fr-FR" });
  expect(await runStack(policy, b)).toEqual({ violations: [], notApplicable: undefined, messages: [] });
});

test("fails a prod LocalePipeline without an evaluation, against the pipeline", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b);
  const { pipeline } = addPipeline(b, { locale: "de-DE", modelId: 12, evaluation: false });
  expect((await runStack(policy, b)).violations).toEqual([
    {
      urn: pipeline.urn,
      message: `LocalePipeline "speech-de-de" (de-DE) in prod stack "prod" has no evaluation gate: every retrained model would go to its endpoint untested. ${FIX}`,
    },
  ]);
});

test("fails a Model trained outside a LocalePipeline without an Evaluation of its locale", async () => {
  const b = new StackBuilder("prod");
  const raw = b.add(T("Model"), "handmade-model", { locale: "it-IT", self: selfOf("models", 41) });
  b.add(T("Endpoint"), "handmade-endpoint", { locale: "it-IT", model: raw.props.self }, { deps: { model: [raw] } });
  expect((await runStack(policy, b)).violations).toEqual([
    { urn: raw.urn, message: `Model "handmade-model" (it-IT) is trained in prod stack "prod", which has no Evaluation for it-IT. ${FIX}` },
  ]);
  b.add(T("Evaluation"), "handmade-evaluation", { locale: "it-IT", model2: raw.props.self, maxWordErrorRate: 15 });
  expect((await runStack(policy, b)).messages).toEqual([]);
});

test("fails a gate without thresholds (it approves every candidate), unless requireThresholds is false", async () => {
  const b = new StackBuilder("prod-eu");
  const { evaluation } = addPipeline(b, { evaluation: { maxWordErrorRate: null, minWordErrorRateImprovement: undefined } });
  expect((await runStack(policy, b)).violations).toEqual([
    {
      urn: evaluation!.urn,
      message: `Evaluation "speech-en-us-evaluation" (en-US) sets neither maxWordErrorRate nor minWordErrorRateImprovement, so it approves every candidate. ${FIX}`,
    },
  ]);
  expect((await runStack(policy, b, { requireThresholds: false })).messages).toEqual([]);
});

test("does not fail on unknowns: thresholds or a raw model's locale not known yet; a missing gate is known without values", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b, { evaluation: { maxWordErrorRate: UNKNOWN, minWordErrorRateImprovement: undefined } });
  b.add(T("Model"), "handmade-model", { locale: UNKNOWN });
  expect((await runStack(policy, b)).messages).toEqual([]);
  const missing = new StackBuilder("prod");
  addPipeline(missing, { evaluation: false, model: { locale: UNKNOWN, self: UNKNOWN }, endpoint: { locale: UNKNOWN } });
  // The Project still says the locale; a gate is missing whatever the values are.
  expect((await runStack(policy, missing)).messages).toEqual([expect.stringMatching(/^LocalePipeline "speech-en-us" \(en-US\) in prod stack "prod" has no evaluation gate/)]);
});

test("config: only stacks matching prodStackPattern", async () => {
  const b = new StackBuilder("dev");
  addPipeline(b, { evaluation: false });
  expect(await runStack(policy, b)).toMatchObject({ messages: [], notApplicable: 'stack "dev" does not match prodStackPattern "prod*"' });
  expect((await runStack(policy, b, { prodStackPattern: "*" })).messages).toHaveLength(1);
});
