// Custom Speech providers against the emulator:
// - previewApiCalls: HTTP calls made by Check + Diff (through the real dynamic-provider gRPC server) over ≥ 20
//   resources whose inputs hold preview unknowns (goal 0);
// - refreshGetsPerResource: GETs per resource on refresh (goal 1);
// - failedOps / http429: 50 resources created concurrently against an emulator enforcing 100 requests / 10 s;
// - serializedProviderKB: the largest serialized (thin) provider, what every resource stores twice (goal ≤ 4).
import { UNKNOWN } from "../components/custom-speech/checks";
import { providers } from "../components/custom-speech/implementation";
import { thinProvider } from "../components/custom-speech/provider";
import { startEmulator } from "../emulator";
import { ProviderServer, serializeProvider, type ResourceState } from "../tests/support/provider-server";
import type * as pulumi from "@pulumi/pulumi";

const { Project: projectProvider, Dataset: datasetProvider, Model: modelProvider, Endpoint: endpointProvider } = providers;

const TUNING = { pollIntervalSeconds: 0.05, retryDelayMs: 50, maxRetryDelayMs: 2000, maxRetries: 8 };

export default async function bench(): Promise<Record<string, number>> {
  // Two Speech resources: the concurrency run gets a fresh 100 / 10 s budget of its own (the preview and refresh
  // phases also call from the provider process, whose budget the bench process cannot see).
  const emu = await startEmulator({
    rateLimit: { requests: 100, windowMs: 10_000 },
    resources: [{ name: "speech", region: "eastus", key: "k1" }, { name: "busy", region: "eastus", key: "k2" }],
  });
  let speech = { endpoint: emu.resources.speech.endpoint, key: "k1" };
  const of = (name: string, p: Record<string, unknown>) => ({ speech, __identity: { project: "bench", stack: "b", name }, tuning: TUNING, ...p });
  // The set-up calls the implementation in-process; the measured calls go through the provider server.
  const create = async (p: Pick<pulumi.dynamic.ResourceProvider, "check" | "create">, inputs: Record<string, unknown>) => {
    const c = await p.check!({}, inputs);
    return p.create(c.inputs);
  };
  const h = await ProviderServer.start();
  try {
    // A small real pipeline for preview and refresh.
    const project = await create(projectProvider, of("p", { locale: "en-US" }));
    const projectSelf = project.outs.self as string;
    const datasets = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create(datasetProvider, of(`d${i}`, { kind: "Language", locale: "en-US", project: projectSelf, contentUrl: `https://acct.blob.core.windows.net/c/${i}.txt` }))),
    );
    const model = await create(modelProvider, of("m", { locale: "en-US", datasets: datasets.map((d) => d.outs!.self) }));
    const endpoints = await Promise.all(Array.from({ length: 4 }, (_, i) => create(endpointProvider, of(`e${i}`, { locale: "en-US", model: model.outs!.self }))));

    const code = {
      project: await serializeProvider(thinProvider("Project")),
      dataset: await serializeProvider(thinProvider("Dataset")),
      model: await serializeProvider(thinProvider("Model")),
      endpoint: await serializeProvider(thinProvider("Endpoint")),
      evaluation: await serializeProvider(thinProvider("Evaluation")),
    };
    const states: { kind: keyof typeof code; state: ResourceState; news: Record<string, unknown> }[] = [
      { kind: "project", state: { id: project.id, outputs: { ...project.outs, __provider: code.project } }, news: of("p", { locale: "en-US", description: UNKNOWN }) },
      ...datasets.map((d, i) => ({ kind: "dataset" as const, state: { id: d.id, outputs: { ...d.outs, __provider: code.dataset } }, news: of(`d${i}`, { kind: "Language", locale: "en-US", project: UNKNOWN, contentUrl: `https://acct.blob.core.windows.net/c/${i}.txt`, contentHash: UNKNOWN }) })),
      { kind: "model", state: { id: model.id, outputs: { ...model.outs, __provider: code.model } }, news: of("m", { locale: "en-US", datasets: [UNKNOWN] }) },
      ...endpoints.map((e, i) => ({ kind: "endpoint" as const, state: { id: e.id, outputs: { ...e.outs, __provider: code.endpoint } }, news: of(`e${i}`, { locale: "en-US", model: UNKNOWN }) })),
    ];
    // Plus resources that do not exist yet (Check only, as in a preview of new resources).
    for (let i = 0; i < 8; i++) states.push({ kind: "model", state: undefined as unknown as ResourceState, news: of(`new${i}`, { locale: "en-US", datasets: [UNKNOWN], baseModel: UNKNOWN }) });

    const before = emu.requestLog.length;
    for (const s of states) await h.preview(s.state, { ...s.news, __provider: code[s.kind] });
    const previewApiCalls = emu.requestLog.length - before;

    const existing = states.filter((s) => s.state);
    const gets = emu.requestLog.filter((r) => r.method === "GET").length;
    for (const s of existing) await h.read(s.state);
    const refreshGetsPerResource = (emu.requestLog.filter((r) => r.method === "GET").length - gets) / existing.length;

    // 50 concurrent creates on the other resource: 20 projects, 20 datasets, 10 models (on 2 datasets).
    speech = { endpoint: emu.resources.busy.endpoint, key: "k2" };
    const own = await Promise.all([0, 1].map((i) => create(datasetProvider, of(`own${i}`, { kind: "Language", locale: "en-US", contentUrl: `https://acct.blob.core.windows.net/c/own${i}.txt` }))));
    const start = emu.requestLog.length;
    const started = Date.now();
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) jobs.push(create(projectProvider, of(`cp${i}`, { locale: "en-US" })));
    for (let i = 0; i < 20; i++) jobs.push(create(datasetProvider, of(`cd${i}`, { kind: "Language", locale: "en-US", contentUrl: `https://acct.blob.core.windows.net/c/c${i}.txt` })));
    for (let i = 0; i < 10; i++) jobs.push(create(modelProvider, of(`cm${i}`, { locale: "en-US", datasets: [own[i % 2].outs!.self] })));
    const results = await Promise.allSettled(jobs);
    const log = emu.requestLog.slice(start).filter((r) => r.resource === "busy");
    return {
      previewResources: states.length,
      previewApiCalls,
      refreshGetsPerResource,
      concurrentCreates: jobs.length,
      failedOps: results.filter((r) => r.status === "rejected").length,
      http429: log.filter((r) => r.status === 429).length,
      concurrentCreateSeconds: Math.round((Date.now() - started) / 100) / 10,
      serializedProviderKB: Math.round((Math.max(...Object.values(code).map((c) => c.length)) / 1024) * 10) / 10,
    };
  } finally {
    await h.stop();
    await emu.stop();
  }
}
