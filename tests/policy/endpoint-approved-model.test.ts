// endpoint-model-from-passed-gate: by value once known, by the engine's property dependencies while unknown.
import { endpointModelFromPassedGate as policy } from "../../policy/policies";
import { StackBuilder, UNKNOWN, runStack } from "./engine";
import { T, addPipeline, addReplica, id, selfOf } from "./stacks";

const FIX = "Deploy the gate's outcome: new Endpoint(name, { model: evaluation.approvedModel, ... }) (LocalePipeline does).";

test("passes an endpoint on its evaluation's approved model (a self URI or its bare id)", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b);
  addPipeline(b, { locale: "de-DE", modelId: 12, endpoint: { model: id(12) }, endpointFrom: "none" });
  expect(await runStack(policy, b)).toEqual({ violations: [], notApplicable: undefined, messages: [] });
});

test("fails an endpoint deploying a model no gate approved (the gate bypassed), against the endpoint", async () => {
  const b = new StackBuilder("prod");
  const { evaluation, project } = addPipeline(b);
  // Written by hand beside the pipeline: a newer model of the same locale straight onto an endpoint.
  const newer = b.add(T("Model"), "hotfix-model", { locale: "en-US", project: project.props.self, self: selfOf("models", 31) });
  const endpoint = b.add(T("Endpoint"), "hotfix-endpoint", { locale: "en-US", model: newer.props.self }, { deps: { model: [newer] } });
  const r = await runStack(policy, b);
  expect(r.violations).toEqual([
    {
      urn: endpoint.urn,
      message: `Endpoint "hotfix-endpoint" (en-US) serves models/${id(31)}, which no passed gate approved (Evaluation "${evaluation!.name}"; approved: models/${id(11)}). ${FIX}`,
    },
  ]);
});

test("fails an endpoint serving the candidate of a failed gate", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b, {
    evaluation: { passed: false, approvedModel: null, gateFailures: ["candidate WER 20% is above maxWordErrorRate 12%"] },
    endpoint: { model: selfOf("models", 11) },
    endpointFrom: "model",
  });
  expect((await runStack(policy, b)).messages).toEqual([
    `Endpoint "speech-en-us-endpoint" (en-US) serves models/${id(11)}, the candidate of Evaluation "speech-en-us-evaluation", whose gate failed: ` +
      `candidate WER 20% is above maxWordErrorRate 12%. ${FIX}`,
  ]);
});

test("passes an endpoint wired to a gate that failed: it keeps serving the model approved before", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b, { modelId: 12, evaluation: { passed: false, approvedModel: null, gateFailures: ["…"] }, endpoint: { model: selfOf("models", 11) } });
  expect((await runStack(policy, b)).messages).toEqual([]);
});

test("in a preview, judges an unknown model by where it comes from", async () => {
  const wired = new StackBuilder("prod");
  addPipeline(wired, { evaluation: { passed: undefined, approvedModel: UNKNOWN }, endpoint: { model: UNKNOWN, servedModel: undefined } });
  expect((await runStack(policy, wired)).messages).toEqual([]);

  const bypass = new StackBuilder("prod");
  addPipeline(bypass, { endpoint: { model: UNKNOWN }, endpointFrom: "model" });
  expect((await runStack(policy, bypass)).messages).toEqual([
    `Endpoint "speech-en-us-endpoint" (en-US) deploys a model that comes from Model "speech-en-us-model", not from an approvedModel of Evaluation "speech-en-us-evaluation". ${FIX}`,
  ]);

  // No property dependencies reported: nothing to judge until the values are known.
  const silent = new StackBuilder("prod");
  addPipeline(silent, { endpoint: { model: UNKNOWN }, endpointFrom: "none" });
  expect((await runStack(policy, silent)).messages).toEqual([]);
});

test("does not fail while the gate is undecided (a preview of a changed threshold: the evaluation shows only its inputs)", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b, { evaluation: { passed: undefined, approvedModel: undefined, maxWordErrorRate: 10 }, endpoint: { model: selfOf("models", 11) }, endpointFrom: "none" });
  expect((await runStack(policy, b)).messages).toEqual([]);
});

test("leaves locales without an evaluation alone (a replica), and is not applicable without evaluations", async () => {
  const b = new StackBuilder("prod");
  addPipeline(b);
  addReplica(b, { locale: "de-DE" });
  expect((await runStack(policy, b)).messages).toEqual([]);
  const serving = new StackBuilder("prod-swedencentral");
  addReplica(serving);
  expect(await runStack(policy, serving)).toMatchObject({ messages: [], notApplicable: "the stack has no Evaluation" });
  await expect(runStack(policy, b, { expiryDays: 3 })).rejects.toThrow("policy endpoint-model-from-passed-gate takes no config besides enforcementLevel; got expiryDays.");
});
