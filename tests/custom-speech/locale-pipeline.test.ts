// LocalePipeline under Pulumi's mocks: outputs of each resource are wired into the next one's inputs, children are
// parented, the key stays secret, and expiry warnings fire. The program itself calls no Speech API (the Model's
// create picks the base model).
import * as pulumi from "@pulumi/pulumi";
import { expiryWarnings } from "../../components/locale-pipeline";
import { startEnv, type Env } from "./support";

type Recorded = { type: string; name: string; inputs: Record<string, any>; id: string };
const recorded: Recorded[] = [];
let env: Env;
const HOST = "https://contoso.cognitiveservices.azure.com/speechtotext";

beforeAll(async () => {
  env = await startEnv();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        const kind = args.type.split(":").pop();
        const self = `${HOST}/${(kind ?? "x").toLowerCase()}s/${id}`;
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, id });
        const extra: Record<string, unknown> = { self, status: "Succeeded" };
        if (kind === "Evaluation") extra.approvedModel = args.inputs.model2;
        if (kind === "Endpoint") extra.webSocketUrl = `wss://eastus.stt.speech.microsoft.com/stt/speech/universal/v2?cid=${id}`;
        if (kind === "Model") {
          extra.transcriptionExpiry = new Date(Date.now() + 10 * 86400000).toISOString();
          extra.resolvedBaseModel = `${HOST}/models/base/00000000-0000-4000-8000-0000000000b1`;
          extra.baseModelAdaptationExpiry = new Date(Date.now() + 20 * 86400000).toISOString();
        }
        return { id, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    "tests",
    "mocks",
    false,
  );
});
afterAll(() => env.emu.stop());

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

it("wires project → datasets → model → evaluation gate → endpoint, parented under the component", async () => {
  const { LocalePipeline } = await import("../../components/locale-pipeline");
  const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
  const p = new LocalePipeline("en", {
    speech: { endpoint: env.speech.endpoint, key: env.speech.key },
    config: {
      locale: "en-US",
      datasets: [
        { name: "lang", kind: "Language", contentUrl: "https://acct.blob.core.windows.net/c/lang.txt", contentHash: "abc" },
        { name: "test", kind: "Acoustic", contentUrl: "https://acct.blob.core.windows.net/c/test.zip" },
      ],
      baseModel: { minAdaptationDaysLeft: 0 },
      training: { datasets: ["lang"], customModelWeightPercent: 30 },
      evaluation: { dataset: "test", maxWordErrorRate: 10 },
      expiryWarningDays: 30,
    },
  });
  const endpointUrl = await value(p.endpointUrl);
  expect(endpointUrl).toContain("en-endpoint-id");
  expect(await value(p.modelId)).toBe("en-model-id");

  const byName = (n: string) => recorded.find((r) => r.name === n)!;
  const project = byName("en-project");
  expect(project.type).toBe("pulumi-nodejs:dynamic/custom-speech:Project");
  expect(byName("en-lang").inputs).toMatchObject({ project: `${HOST}/projects/en-project-id`, kind: "Language", contentHash: "abc" });
  const model = byName("en-model").inputs;
  expect(model.datasets).toEqual([`${HOST}/datasets/en-lang-id`]);
  // No base model named: the Model's create picks one by this policy (the adaptation kinds of its training data).
  expect(model.baseModel).toBeUndefined();
  expect(model.baseModelPolicy).toEqual({ adaptationKinds: ["Language"], minAdaptationDaysLeft: 0 });
  expect(model.customModelWeightPercent).toBe(30);
  const ev = byName("en-evaluation").inputs;
  // The fallback baseline is the base model the model was trained on, from its outputs.
  expect(ev).toMatchObject({ model2: `${HOST}/models/en-model-id`, dataset: `${HOST}/datasets/en-test-id`, maxWordErrorRate: 10, model1: `${HOST}/models/base/00000000-0000-4000-8000-0000000000b1` });
  expect(env.emu.requestLog).toEqual([]);
  // The baseline is what the pipeline's endpoint serves, resolved by the Evaluation's create (tests/custom-speech/
  // lifecycle.test.ts), so the program itself never lists endpoints or evaluations.
  expect(ev.baselineEndpoint).toBe("en-endpoint");
  expect(env.emu.requestLog.filter((r) => /\/(endpoints|evaluations)/.test(r.path))).toEqual([]);
  // The endpoint deploys what the gate approved.
  expect(byName("en-endpoint").inputs.model).toBe(`${HOST}/models/en-model-id`);
  // The key travels only inside the secret `speech` input; the serialized provider never holds it.
  for (const r of recorded.filter((x) => x.type.startsWith("pulumi-nodejs"))) {
    expect(r.inputs.__identity).toEqual({ project: "tests", stack: "mocks", name: r.name });
    expect(String(r.inputs.__provider)).not.toContain(env.speech.key);
  }
  expect(warn).toHaveBeenCalledWith(expect.stringContaining("stops transcribing"), expect.anything());
  // The base model's date comes from the Model's state, so previews warn without asking the service.
  expect(warn).toHaveBeenCalledWith(expect.stringContaining("the base model can be trained on only until"), expect.anything());
  expect(await value(p.baseModelAdaptationExpiry)).toMatch(/^\d{4}-/);
  warn.mockRestore();
});

it("rejects a training dataset name that is not declared", async () => {
  const { LocalePipeline } = await import("../../components/locale-pipeline");
  expect(
    () =>
      new LocalePipeline("bad", {
        speech: env.speech,
        baseModel: `${HOST}/models/base/00000000-0000-4000-8000-000000000000`,
        config: { locale: "en-US", datasets: [{ name: "a", kind: "Language", contentUrl: "https://x.example/a" }], training: { datasets: ["missing"] } },
      }),
  ).toThrow(/training.datasets names dataset "missing", which is not in datasets \(a\)/);
});

describe("expiry rules", () => {
  it("warns only inside the window", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(expiryWarnings("en-US", { modelTranscriptionExpiry: "2026-01-20T00:00:00Z", baseModelAdaptationExpiry: "2027-01-01T00:00:00Z" }, 30, now)).toEqual([
      expect.stringContaining("stops transcribing on 2026-01-20 (19 days)"),
    ]);
    expect(expiryWarnings("en-US", { modelTranscriptionExpiry: "2026-06-01T00:00:00Z", baseModelAdaptationExpiry: "2026-01-10T00:00:00Z" }, 30, now)).toEqual([
      expect.stringContaining("trained on only until 2026-01-10"),
    ]);
  });
});
