// Fault campaign: a whole locale pipeline's lifecycle while the emulator injects 5xx, connection resets and 429
// bursts. It must end with exactly the declared entities (no duplicates) and, after delete, nothing left.
import { datasetProvider } from "../../components/custom-speech/dataset";
import { endpointProvider } from "../../components/custom-speech/endpoint";
import { evaluationProvider } from "../../components/custom-speech/evaluation";
import { modelProvider } from "../../components/custom-speech/model";
import { projectProvider } from "../../components/custom-speech/project";
import { checked, createVia, firstBaseModel, inputsOf, startEnv, type Env } from "./support";

let env: Env;
beforeAll(async () => {
  // The emulator allows fewer requests than the client's own budget, so 429 bursts do happen.
  env = await startEnv({ rateLimit: { requests: 25, windowMs: 1000 }, durations: { dataset: 20, model: 40, endpoint: 20, evaluation: 20 } });
});
afterAll(() => env.emu.stop());

const RETRY = { pollIntervalSeconds: 0.02, maxRetries: 10, retryDelayMs: 5, maxRetryDelayMs: 200 };

async function tagged(): Promise<Record<string, number>> {
  const mine = (e: { customProperties?: Record<string, string> }) => e.customProperties?.["pulumi-resource"]?.startsWith("tests/faults/") ?? false;
  return {
    projects: (await env.client.listProjects()).filter(mine).length,
    datasets: (await env.client.listDatasets()).filter(mine).length,
    models: (await env.client.listModels()).filter(mine).length,
    evaluations: (await env.client.listEvaluations()).filter(mine).length,
    endpoints: (await env.client.listEndpoints()).filter(mine).length,
  };
}

it("creates, swaps and deletes a pipeline under 10% 5xx, resets and 429 bursts with no duplicates and nothing left", async () => {
  const base = await firstBaseModel(env);
  const of = (name: string, p: Record<string, unknown>) => ({ ...inputsOf(env, name, p), __identity: { project: "tests", stack: "faults", name }, tuning: RETRY });
  env.emu.setFaults({ serverErrorRate: 0.1, resetRate: 0.05, seed: 42 });

  const project = await createVia(projectProvider, of("p", { locale: "en-US" }));
  const [train, test] = await Promise.all([
    createVia(datasetProvider, of("train", { kind: "Language", locale: "en-US", project: project.outs.self, contentUrl: "https://acct.blob.core.windows.net/c/train.txt" })),
    createVia(datasetProvider, of("test", { kind: "Acoustic", locale: "en-US", project: project.outs.self, contentUrl: "https://acct.blob.core.windows.net/c/test.zip" })),
  ]);
  const model = await createVia(modelProvider, of("m", { locale: "en-US", project: project.outs.self, baseModel: base, datasets: [train.outs.self] }));
  const evaluation = await createVia(evaluationProvider, of("ev", { locale: "en-US", model1: base, model2: model.outs.self, dataset: test.outs.self }));
  const endpoint = await createVia(endpointProvider, of("ep", { locale: "en-US", project: project.outs.self, model: base }));
  const swapped = await endpointProvider.update!(endpoint.id, endpoint.outs, await checked(endpointProvider, { ...endpoint.inputs, model: evaluation.outs.approvedModel }));
  expect(swapped.outs.servedModel).toBe(model.outs.self);

  const faulty = env.emu.requestLog.filter((r) => r.status >= 500 || r.status === 429).length;
  expect(faulty).toBeGreaterThan(0);
  env.emu.setFaults({});
  expect(await tagged()).toEqual({ projects: 1, datasets: 2, models: 1, evaluations: 1, endpoints: 1 });

  env.emu.setFaults({ serverErrorRate: 0.1, resetRate: 0.05, seed: 7 });
  await endpointProvider.delete!(endpoint.id, swapped.outs);
  await evaluationProvider.delete!(evaluation.id, evaluation.outs);
  await modelProvider.delete!(model.id, model.outs);
  await Promise.all([datasetProvider.delete!(train.id, train.outs), datasetProvider.delete!(test.id, test.outs)]);
  await projectProvider.delete!(project.id, project.outs);
  env.emu.setFaults({});
  expect(await tagged()).toEqual({ projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 });
});
