// The pack against what our components really declare: SpeechAccount, TrainingDataStore, LocalePipeline (with and
// without a gate) and LocaleReplica run under Pulumi's mocks; a transformation records each resource, its parent and
// its protect option; the mocks answer as Azure and the dynamic providers would. Every policy then runs on the
// recorded inputs (resource policies) or outputs (stack policies). This pins the type tokens, the role tag, the
// Evaluation's parent and the endpoint's wiring the pack relies on.
import * as pulumi from "@pulumi/pulumi";
import { fakeAzureResource } from "../support/azure-fakes";
import { policies } from "../../policy/policies";
import { ENDPOINT, EVALUATION, LOCALE_PIPELINE, LOCALE_REPLICA, MODEL, MODEL_COPY, dynamicType } from "../../policy/lib/types";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { StackBuilder, isoIn, runResource, runStack, type Entry } from "./engine";

const HOST = "https://contoso-speech-se.cognitiveservices.azure.com/speechtotext";
const state = new Map<string, { inputs: Record<string, any>; outputs: Record<string, any> }>();

/** What each dynamic provider stores besides its inputs (the specs' outputs), after a successful `up`. */
function dynamicOutputs(kind: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const self = `${HOST}/${kind.toLowerCase()}s/${name}-id`;
  switch (kind) {
    case "Model":
      return { self, transcriptionExpiry: isoIn(400), resolvedBaseModel: `${HOST}/models/base/b1`, baseModelAdaptationExpiry: isoIn(200) };
    case "Evaluation":
      return { self, passed: true, gateFailures: [], approvedModel: inputs.model2 };
    case "Endpoint":
      return { self, servedModel: inputs.model, webSocketUrl: `wss://x/${name}` };
    case "ModelCopy":
      return { self: `${HOST}/models/${name}-id`, modelId: `${name}-id`, transcriptionExpiry: isoIn(400) };
    default:
      return { self };
  }
}

interface Captured {
  resource: pulumi.Resource;
  type: string;
  name: string;
  parent?: pulumi.Resource;
  protect?: boolean;
}
const captured: Captured[] = [];
const record: pulumi.ResourceTransformation = (a) => {
  captured.push({ resource: a.resource, type: a.type, name: a.name, parent: a.opts.parent, protect: a.opts.protect });
  return undefined;
};
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

let stack: StackBuilder;
const entries = new Map<pulumi.Resource, Entry>();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const kind = args.type.startsWith("pulumi-nodejs:dynamic/custom-speech:") ? args.type.split(":").pop()! : undefined;
        const azure = fakeAzureResource(args.type, args.name, args.inputs);
        const outputs = kind ? { ...args.inputs, status: "Succeeded", ...dynamicOutputs(kind, args.name, args.inputs) } : azure.state;
        state.set(`${args.type}::${args.name}`, { inputs: args.inputs, outputs });
        return { id: kind ? `${args.name}-id` : azure.id, state: outputs };
      },
      call: (args) => args.inputs,
    },
    "custom-speech",
    "prod",
    false,
  );
  jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
  const { SpeechAccount } = await import("../../components/speech-account");
  const { TrainingDataStore } = await import("../../components/training-data-store");
  const { LocalePipeline } = await import("../../components/locale-pipeline");
  const { LocaleReplica } = await import("../../components/locale-replica");
  const opts = { transformations: [record] };

  // A serving account in a region without training hardware, firewalled: inference-only.
  new SpeechAccount("speech", { resourceGroupName: "rg", location: "swedencentral", accountName: "contoso-speech-se", inferenceOnly: true, networkAcls: { defaultAction: "Deny", ipRules: ["203.0.113.0/24"] } }, opts);
  new TrainingDataStore("training-data", { resourceGroupName: "rg", location: "swedencentral", storageAccountName: "contosospeechdatase" }, opts);
  const speech = { endpoint: "https://contoso-speech-se.cognitiveservices.azure.com" };
  const datasets = [
    { name: "train", kind: "Acoustic" as const, contentUrl: "https://contosospeechdatase.blob.core.windows.net/training-audio/train.zip", contentHash: "a" },
    { name: "test", kind: "Acoustic" as const, contentUrl: "https://contosospeechdatase.blob.core.windows.net/test-audio/test.zip", contentHash: "b" },
  ];
  const base = `${HOST}/models/base/00000000-0000-4000-8000-0000000000b1`;
  new LocalePipeline(
    "speech-en-us",
    { speech, baseModel: base, config: { locale: "en-US", datasets, training: { datasets: ["train"] }, evaluation: { dataset: "test", maxWordErrorRate: 12 } }, protectEndpoint: true },
    opts,
  );
  // No gate, and not protected: what the prod policies are for.
  new LocalePipeline("speech-de-de", { speech, baseModel: base, config: { locale: "de-DE", datasets, training: { datasets: ["train"] } } }, opts);
  new LocaleReplica(
    "speech-fr-fr",
    {
      speech,
      resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/contoso-speech-se",
      source: { speech: { endpoint: "https://contoso-speech-prod.cognitiveservices.azure.com" }, resourceId: "/subscriptions/s/resourceGroups/rg-prod/providers/Microsoft.CognitiveServices/accounts/contoso-speech-prod", model: "https://contoso-speech-prod.cognitiveservices.azure.com/speechtotext/models/00000000-0000-4000-8000-000000000011" },
      config: { locale: "fr-FR", copyFrom: { stack: "contoso/custom-speech/prod" } },
      protectEndpoint: true,
    },
    opts,
  );
  await (pulumi.runtime as any).waitForRPCs();

  // The stack as AnalyzeStack lists it: parents first (the order the components register them).
  stack = new StackBuilder("prod");
  const protectOf = (c: Captured): boolean => c.protect ?? (c.parent ? protectOf(captured.find((p) => p.resource === c.parent)!) : false);
  for (const c of captured) {
    const s = state.get(`${c.type}::${c.name}`);
    entries.set(c.resource, stack.add(c.type, c.name, s?.outputs ?? {}, { parent: c.parent && entries.get(c.parent), protect: protectOf(c) }));
  }
});

const byName = (name: string) => captured.find((c) => c.name === name)!;

test("the components register the type tokens and parents the pack matches", async () => {
  for (const token of [ENDPOINT, EVALUATION, MODEL, MODEL_COPY, dynamicType("Project"), dynamicType("Dataset"), LOCALE_PIPELINE, LOCALE_REPLICA]) {
    expect(captured.map((c) => c.type)).toContain(token);
  }
  const evaluation = byName("speech-en-us-evaluation");
  expect(evaluation.type).toBe(EVALUATION);
  expect(evaluation.parent).toBe(byName("speech-en-us").resource);
  expect(await value(evaluation.resource.urn)).toMatch(new RegExp(`::${LOCALE_PIPELINE}\\$${EVALUATION.replace(/[/$]/g, "\\$&")}::speech-en-us-evaluation$`));
  expect(byName("speech-fr-fr-copy").parent).toBe(byName("speech-fr-fr").resource);
  // The endpoint deploys what the gate approved, and the inference-only account says so in its tag.
  expect(state.get(`${ENDPOINT}::speech-en-us-endpoint`)!.inputs.model).toBe(state.get(`${EVALUATION}::speech-en-us-evaluation`)!.outputs.approvedModel);
  expect(state.get("azure-native:cognitiveservices:Account::speech-account")!.inputs.tags).toEqual({ "custom-speech-role": "inference-only" });
  // protectEndpoint protects the endpoint only: a protected Model or ModelCopy could never be replaced by a retrain.
  expect([byName("speech-en-us-endpoint").protect, byName("speech-fr-fr-endpoint").protect]).toEqual([true, true]);
  expect([byName("speech-en-us-model").protect, byName("speech-fr-fr-copy").protect, byName("speech-en-us").protect]).toEqual([undefined, undefined, undefined]);
});

test("every policy passes what the components declare, except the missing gate and the unprotected endpoint", async () => {
  const found: string[] = [];
  for (const p of policies) {
    if ("validateStack" in p) {
      for (const v of (await runStack(p as StackValidationPolicy, stack)).violations) found.push(`${p.name}: ${v.urn?.split("::").pop()}`);
      continue;
    }
    for (const c of captured.filter((x) => !x.type.startsWith("customspeech:"))) {
      const entry = entries.get(c.resource)!;
      const r = await runResource(p as ResourceValidationPolicy, {
        type: c.type,
        name: c.name,
        props: state.get(`${c.type}::${c.name}`)!.inputs,
        stack: "prod",
        protect: entry.protect,
        parentType: entry.parent?.qualifiedType,
      });
      for (const _ of r.violations) found.push(`${p.name}: ${c.name}`);
    }
  }
  expect(found.sort()).toEqual(["prod-endpoint-protected: speech-de-de-endpoint", "prod-locale-evaluation-gate: speech-de-de"]);
});
