// `npm run migrate` (scripts/migrate-region.ts) and the library behind it, between two emulated Speech resources.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SpeechClient } from "../../components/speech-api";
import { MIGRATED_FROM } from "../../components/region-migration";
import { main } from "../../scripts/migrate-region";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { capture } from "../support/capture";

let emu: RunningEmulator;
let source: SpeechClient;
let target: SpeechClient;
let dir: string;
const ROOT = path.resolve(__dirname, "../..");
const idOf = (self: string) => self.split("?")[0].split("/").pop()!;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-"));
  emu = await startEmulator({
    rateLimit: false,
    durations: { model: 20, endpoint: 20, copy: 400 },
    resources: [
      { name: "train-eastus", region: "eastus", key: "src-key-5", subscriptionId: "s1", resourceGroup: "rg1" },
      { name: "serve-norway", region: "norwayeast", key: "dst-key-6", subscriptionId: "s2", resourceGroup: "rg2" },
    ],
  });
  source = new SpeechClient({ endpoint: emu.resources["train-eastus"].endpoint, key: "src-key-5" }, { rateLimit: false });
  target = new SpeechClient({ endpoint: emu.resources["serve-norway"].endpoint, key: "dst-key-6" }, { rateLimit: false });
  const base = (await source.listBaseModels()).find((m) => m.locale === "en-US")!;
  const project = await source.createProject({ displayName: "call center", locale: "en-US" });
  const ds = await source.createDataset({ displayName: "d", kind: "Language", locale: "en-US", contentUrl: "https://acct.blob.core.windows.net/c/a.txt" });
  for (const name of ["model-a", "model-b"]) {
    const m = await source.createModel({ displayName: name, locale: "en-US", baseModel: { self: base.self! }, datasets: [{ self: ds.self! }], project: { self: project.self! } });
    await source.waitForModel(idOf(m.self!), { initialDelayMs: 10 });
  }
  const served = (await source.listModels()).find((m) => m.displayName === "model-a")!;
  const ep = await source.createEndpoint({ displayName: "callcenter", locale: "en-US", model: { self: served.self! }, project: { self: project.self! } });
  await source.waitForEndpoint(idOf(ep.self!), { initialDelayMs: 10 });
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function args(extra: string[] = []): string[] {
  return [
    "--from", emu.resources["train-eastus"].endpoint,
    "--to", emu.resources["serve-norway"].endpoint,
    "--from-resource-id", emu.resources["train-eastus"].resourceId,
    "--to-resource-id", emu.resources["serve-norway"].resourceId,
    "--state", path.join(dir, "state.json"),
    "--no-progress",
    ...extra,
  ];
}
const ENV = { SPEECH_FROM_KEY: "src-key-5", SPEECH_TO_KEY: "dst-key-6" };
const writes = (mark: number) => emu.requestLog.slice(mark).filter((r) => r.method !== "GET");

describe("npm run migrate", () => {
  it("a dry run lists what would be copied and writes nothing", async () => {
    const mark = emu.requestLog.length;
    const r = await capture(() => main(args(["--dry-run", "--projects", "--endpoints"]), ENV));
    expect(r.code).toBe(0);
    expect(r.out).toContain("dry run: nothing was written");
    expect(r.out).toMatch(/model\s+model-a\s+\S+\s+-\s+planned/);
    expect(r.out).toMatch(/endpoint\s+callcenter\s+\S+\s+-\s+planned/);
    expect(writes(mark)).toHaveLength(0);
    expect(await target.listModels()).toHaveLength(0);
  });

  it("copies the models with their project and endpoint, prints the mapping and writes it as JSON", async () => {
    const json = path.join(dir, "mapping.json");
    const r = await capture(() => main(args(["--projects", "--endpoints", "--json", json]), ENV));
    expect(r.err).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const mapping = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(mapping.models.map((m: { sourceName: string; status: string }) => [m.sourceName, m.status]).sort()).toEqual([["model-a", "copied"], ["model-b", "copied"]]);
    expect(mapping.endpoints).toHaveLength(1);
    const copies = await target.listModels();
    expect(copies).toHaveLength(2);
    const projects = await target.listProjects();
    expect(projects).toHaveLength(1);
    for (const c of copies) {
      expect(c.project?.self).toBe(projects[0].self);
      expect(c.customProperties?.[MIGRATED_FROM]).toMatch(/^train-eastus\/models\//);
    }
    const endpoint = await target.getEndpoint(idOf(mapping.endpoints[0].target));
    expect(endpoint.model?.self).toBe(mapping.models.find((m: { sourceName: string }) => m.sourceName === "model-a").target);
    expect(endpoint.links?.webSocket).toContain("norwayeast");
    expect(r.out).toContain(idOf(mapping.models[0].target));
  });

  it("a second run is a no-op", async () => {
    const mark = emu.requestLog.length;
    const r = await capture(() => main(args(["--projects", "--endpoints"]), ENV));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/model\s+model-a\s+\S+\s+\S+\s+existing/);
    expect(writes(mark)).toHaveLength(0);
    expect(await target.listModels()).toHaveLength(2);
  });

  it("a run interrupted after its copy POST, run again, waits for that copy: one copy", async () => {
    const base = (await source.listBaseModels()).find((m) => m.locale === "en-US")!;
    const ds = (await source.listDatasets())[0];
    const m = await source.createModel({ displayName: "model-c", locale: "en-US", baseModel: { self: base.self! }, datasets: [{ self: ds.self! }] });
    await source.waitForModel(idOf(m.self!), { initialDelayMs: 10 });
    const mark = emu.requestLog.length;
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts/migrate-region.ts"), ...args(["--models", idOf(m.self!)])], {
      cwd: ROOT,
      env: { ...process.env, ...ENV },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.on("exit", r));
    emu.onRequest((r) => {
      if (r.method === "POST" && r.path.includes(":copy") && r.status === 202) setTimeout(() => child.kill("SIGKILL"), 50);
    });
    await exited;
    emu.onRequest(undefined);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).operations[idOf(m.self!)]).toBeTruthy();
    const r = await capture(() => main(args(["--models", idOf(m.self!)]), ENV));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/model\s+model-c\s+\S+\s+\S+\s+resumed/);
    expect(emu.requestLog.slice(mark).filter((x) => x.method === "POST" && x.path.includes(":copy"))).toHaveLength(1);
    expect((await target.listModels()).filter((x) => x.displayName === "model-c")).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).operations).toEqual({});
  }, 30_000);

  it("a copy that fails is listed with exit 1 and forgotten, so the next run copies it afresh", async () => {
    const base = (await source.listBaseModels()).find((m) => m.locale === "en-US")!;
    const ds = (await source.listDatasets())[0];
    const m = await source.createModel({ displayName: "model-d", locale: "en-US", baseModel: { self: base.self! }, datasets: [{ self: ds.self! }] });
    await source.waitForModel(idOf(m.self!), { initialDelayMs: 10 });
    emu.failCopies("train-eastus", "The copy could not reach the target region.");
    try {
      const failed = await capture(() => main(args(["--models", idOf(m.self!)]), ENV));
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/failed: model model-d \(.*\): The model copy .* failed: InternalCommunicationFailed: The copy could not reach the target region/);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).operations).toEqual({});
    } finally {
      emu.failCopies("train-eastus", undefined);
    }
    const retried = await capture(() => main(args(["--models", idOf(m.self!)]), ENV));
    expect(retried.code).toBe(0);
    expect(retried.out).toMatch(/model\s+model-d\s+\S+\s+\S+\s+copied/);
    expect((await target.listModels()).filter((x) => x.displayName === "model-d")).toHaveLength(1);
  }, 30_000);

  it("exits 3 naming the role when a side refuses the credentials, 1 listing an unknown model, and 2 on bad usage", async () => {
    const denied = await capture(() => main(args(), { ...ENV, SPEECH_FROM_KEY: "wrong-key" }));
    expect(denied.code).toBe(3);
    expect(denied.err).toMatch(/source Speech resource .* did not accept the credentials \(401\).*Speech Contributor/);
    expect(denied.err).not.toContain("wrong-key");
    const missing = await capture(() => main(args(["--models", "11111111-2222-3333-4444-555555555555"]), ENV));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("failed: model 11111111-2222-3333-4444-555555555555: no custom model");
    const usage = await capture(() => main(["--from", "https://x.cognitiveservices.azure.com"], ENV));
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("--to");
    const badId = await capture(() => main(args(["--to-resource-id", "/subscriptions/x"]), ENV));
    expect(badId.code).toBe(2);
    expect(badId.err).toContain("--to-resource-id");
  });
});
