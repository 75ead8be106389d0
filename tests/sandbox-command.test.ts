// `npm run sandbox` end to end on the real Pulumi CLI: the command's own code starts a real Speech emulator (its CLI,
// as a detached process) and a real Azurite, syncs examples/sandbox with the training-data library, writes the stack
// file copy, and deploys index.ts with that copy through the Automation API, on a file backend in its state folder.
// `--destroy` must leave 0 entities and nothing running; `--fail-gate` must fail with the gate's message; without a
// CLI on PATH the command exits 2 and starts nothing.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { startEmulator } from "../emulator";
import { SpeechClient } from "../components/speech-api";
import { readManifestSync } from "../components/training-data/manifest";
import { locatePulumiCli, runSandbox, type RunnerContext, type SandboxDeps, type SandboxOptions, type StackRunner } from "../scripts/sandbox/index";
import { automationRunner, preserveFile } from "../scripts/sandbox/automation";
import { alive, ours, portInUse, probeBlob, probeSpeech, signatureOf, stopProcess } from "../scripts/sandbox/services";
import { writeStackFileCopy } from "../scripts/sandbox/stack-file";
import { startAzurite } from "./support/azurite";
import { pulumiEngine } from "./support/engine";
import { entitiesOf } from "./support/sandbox-stack";
import { FAST_DURATIONS, FAST_TUNING, ROOT } from "./support/stack-files";

const TRACKED = path.join(ROOT, "Pulumi.sandbox.yaml");
const trackedBefore = fs.readFileSync(TRACKED);
const PIPELINE = { projects: 1, datasets: 3, models: 1, evaluations: 1, endpoints: 1 };
const NONE = { projects: 0, datasets: 0, models: 0, evaluations: 0, endpoints: 0 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-command-"));
afterAll(async () => {
  // Should a test fail half way, no detached service it made the command start outlives the run.
  for (const entry of fs.readdirSync(tmp)) {
    const file = path.join(tmp, entry, "sandbox.json");
    if (!fs.existsSync(file)) continue;
    for (const [kind, s] of Object.entries(recordOf(path.join(tmp, entry)).services)) if (s?.pid && alive(s.pid)) await stopProcess(s.pid, signatureOf(kind as "speech" | "blob", path.join(tmp, entry), ROOT));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A folder for PATH holding a `pulumi` that only answers `pulumi version` (for the CLI-version checks). */
function fakeCliOnPath(version: string): string {
  const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
  fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  return bin;
}

/**
 * The command's own runner (the Automation API over the real CLI), recording the contexts it was given. The CLI runs
 * with a PULUMI_HOME of the test's own, offline (no update check, no plugin download).
 */
function realRunner() {
  const contexts: RunnerContext[] = [];
  const home = fs.mkdtempSync(path.join(tmp, "pulumi-home-"));
  const create = async (ctx: RunnerContext): Promise<StackRunner> => {
    contexts.push(ctx);
    return automationRunner(ctx);
  };
  const env = async (): Promise<NodeJS.ProcessEnv> => ({
    ...process.env,
    PATH: `${(await pulumiEngine()).bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_ACCESS_TOKEN: "",
  });
  return { create, contexts, env };
}

function capture() {
  const text = { out: "", err: "" };
  return { text, stdout: { write: (s: string) => (text.out += s) }, stderr: { write: (s: string) => (text.err += s) } };
}

type Record_ = { services: Record<"speech" | "blob", { port: number; pid?: number; scenario?: string } | undefined>; stack?: { scenario: string } };
const recordOf = (dir: string): Record_ => JSON.parse(fs.readFileSync(path.join(dir, "sandbox.json"), "utf8"));
const client = (port: number) => new SpeechClient({ endpoint: `http://127.0.0.1:${port}/speech`, key: "local-key" }, { rateLimit: false });

/** The emulator's persisted state, read back by an emulator of the test's own: what the sandbox's left behind. */
async function entitiesInState(dir: string) {
  const emu = await startEmulator({ statePath: path.join(dir, "speech-emulator.json") });
  try {
    return await entitiesOf(new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, { rateLimit: false }));
  } finally {
    await emu.stop();
  }
}

// Free ports (other work may use 5599 and 10000), durations and poll knobs scaled down like the deployment tests'.
const fast = (dir: string, o: SandboxOptions = {}): SandboxOptions => ({ dir, speechPort: 0, blobPort: 0, durations: FAST_DURATIONS, config: { tuning: FAST_TUNING }, ...o });

describe("without a usable Pulumi CLI", () => {
  test.each([[{}], [{ destroy: true }], [{ failGate: true }]])("%j: exit 2 with one paragraph saying what to install, and nothing started", async (o) => {
    const dir = path.join(tmp, `no-cli-${Object.keys(o).join("") || "up"}`);
    const io = capture();
    const createRunner = jest.fn();
    const emptyPath = fs.mkdtempSync(path.join(tmp, "empty-path-"));
    const code = await runSandbox(fast(dir, o), { env: { PATH: emptyPath }, locateCli: locatePulumiCli, createRunner, ...io } as SandboxDeps);
    expect(code).toBe(2);
    expect(io.text.err).toMatch(/^No Pulumi CLI found on PATH\. /);
    expect(io.text.err).toContain("version 3.135.0 or newer");
    expect(io.text.err).toContain("curl -fsSL https://get.pulumi.com | sh -s -- --version 3.270.0");
    expect(io.text.err).toContain("Nothing was started.");
    expect(io.text.err.trim().split("\n")).toHaveLength(1); // one paragraph
    expect(io.text.out).toBe("");
    expect(createRunner).not.toHaveBeenCalled();
    expect(fs.existsSync(dir)).toBe(false);
  });

  test("`npm run sandbox` itself (scripts/sandbox.ts, real runner) with only node on PATH: exit 2, the paragraph, no state folder", async () => {
    const dir = path.join(tmp, "no-cli-script");
    const nodeDir = path.dirname(process.execPath);
    expect(fs.existsSync(path.join(nodeDir, "pulumi"))).toBe(false);
    const child = spawn(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(ROOT, "scripts/sandbox.ts"), "--dir", dir], {
      cwd: ROOT,
      env: { HOME: process.env.HOME, PATH: nodeDir },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(/^No Pulumi CLI found on PATH\. .*version 3\.135\.0 or newer.*Nothing was started\.\n$/);
    expect(fs.existsSync(dir)).toBe(false);
  }, 60_000);

  test("a CLI older than 3.135.0 on PATH: exit 2 naming its version and the one needed", async () => {
    const dir = path.join(tmp, "old-cli");
    const io = capture();
    const code = await runSandbox(fast(dir), { env: { PATH: fakeCliOnPath("v3.100.0") }, locateCli: locatePulumiCli, createRunner: jest.fn(), ...io });
    expect(code).toBe(2);
    expect(io.text.err).toMatch(/The Pulumi CLI at \S+\/pulumi is version 3\.100\.0; `npm run sandbox` needs 3\.135\.0 or newer/);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe("npm run sandbox, then --destroy", () => {
  const dir = path.join(tmp, "state");
  const d = realRunner();
  let deps: SandboxDeps;
  const io = capture();

  beforeAll(async () => {
    deps = { env: await d.env(), locateCli: locatePulumiCli, createRunner: d.create, ...io };
  });

  test("starts both services, syncs the data, deploys against the emulator and prints the outputs", async () => {
    const code = await runSandbox(fast(dir), deps);
    expect({ code, err: io.text.err }).toEqual({ code: 0, err: "" });
    const { services, stack } = recordOf(dir);
    expect(stack).toEqual({ scenario: "default" });
    // Started by the command (pids recorded), answering on their ports.
    for (const s of [services.speech!, services.blob!]) expect(alive(s.pid!)).toBe(true);
    expect(await probeSpeech(services.speech!.port)).toBe(true);
    expect(await probeBlob(services.blob!.port)).toBe(true);
    expect(io.text.out).toContain(`Speech emulator: started, pid ${services.speech!.pid}, http://127.0.0.1:${services.speech!.port}/speech (WER scenario default`);
    expect(io.text.out).toContain(`Azurite: started, pid ${services.blob!.pid}, http://127.0.0.1:${services.blob!.port}/devstoreaccount1`);

    // Synced to that Azurite, manifest in the state folder; the stack file copy points at both services and at it.
    const manifest = readManifestSync(path.join(dir, "training-data.sandbox.manifest.json"));
    expect(manifest.datasets.map((x) => x.name).sort()).toEqual(["callcenter-test", "callcenter-train", "product-names"]);
    for (const e of manifest.datasets) expect(e.blobUrl.startsWith(`http://127.0.0.1:${services.blob!.port}/devstoreaccount1/`)).toBe(true);
    const copy = yaml.load(fs.readFileSync(d.contexts[0].configFile, "utf8")) as { config: Record<string, any> };
    expect(copy.config["custom-speech:existingSpeech"].endpoint).toBe(`http://127.0.0.1:${services.speech!.port}/speech`);
    expect(copy.config["custom-speech:existingStorage"].blobEndpoint).toBe(`http://127.0.0.1:${services.blob!.port}/devstoreaccount1`);
    expect(copy.config["custom-speech:locales"][0].datasets.map((x: { manifest: string }) => x.manifest)).toEqual(Array(3).fill(path.join(dir, "training-data.sandbox.manifest.json")));
    expect(d.contexts[0]).toMatchObject({ stackName: "sandbox", projectDir: ROOT, trackedStackFile: TRACKED, backendUrl: `file://${dir}/state` });
    // The throwaway passphrase: generated for this state folder, readable by its owner only.
    expect(d.contexts[0].passphrase).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fs.statSync(path.join(dir, "passphrase")).mode & 0o777).toBe(0o600);

    // Deployed on the emulator: the whole pipeline, the gate passed.
    expect(await entitiesOf(client(services.speech!.port))).toEqual(PIPELINE);
    const [endpoint] = await client(services.speech!.port).listEndpoints();
    const endpointId = endpoint.self!.split("?")[0].split("/").pop()!;
    const modelId = endpoint.model!.self!.split("?")[0].split("/").pop()!;
    expect(io.text.out).toContain(`    endpoint id   ${endpointId}\n`);
    expect(io.text.out).toContain(`    endpoint URL  wss://eastus.stt.speech.microsoft.com/stt/speech/universal/v2?cid=${endpointId}\n`);
    expect(io.text.out).toContain(`    model         ${modelId}\n`);
    expect(io.text.out).toContain("    gate          passed: candidate WER 8 %, baseline WER 12 % (4 points better)\n");
    // The evaluation's report, its path printed: the service's figures and the gate's verdict in it.
    const report = path.join(dir, "evaluation-reports", "en-US.html");
    expect(io.text.out).toContain(`Evaluation report (en-US, evaluation): ${report}\n`);
    const html = fs.readFileSync(report, "utf8");
    expect(html).toContain('data-verdict="passed"');
    expect(html).toContain('<td class="num" data-figure="wer2">8 %</td>');
    expect(html).not.toContain("local-key");
    // The engine's own progress came through the output stream.
    expect(io.text.out).toMatch(/\+ +pulumi-nodejs:dynamic\/custom-speech:Endpoint speech-en-us-endpoint created/);
    expect(io.text.out).toMatch(/Resources:\n +\+ 9 created/);
    // Secrets never printed: the emulator key, storage keys, SAS signatures.
    expect(io.text.out).toContain("speechKey          [secret]");
    for (const secret of ["local-key", "AccountKey", "sig="]) expect(io.text.out).not.toContain(secret);
    expect(fs.readFileSync(d.contexts[0].configFile, "utf8")).not.toContain("local-key");
    expect(fs.readFileSync(TRACKED).equals(trackedBefore)).toBe(true);
  }, 180_000);

  test("run again: reuses the services it started, syncs nothing new, and the up changes nothing", async () => {
    const before = recordOf(dir);
    const contexts = d.contexts.length;
    io.text.out = "";
    const code = await runSandbox(fast(dir), deps);
    expect({ code, err: io.text.err }).toEqual({ code: 0, err: "" });
    expect(recordOf(dir)).toEqual(before);
    expect(io.text.out).toContain(`Speech emulator: reusing the one the sandbox started (pid ${before.services.speech!.pid}, port ${before.services.speech!.port})`);
    expect(io.text.out).toContain(`Azurite: reusing the one the sandbox started (pid ${before.services.blob!.pid}, port ${before.services.blob!.port})`);
    expect(io.text.out.match(/^sync-data: \w+/gm)).toEqual(["sync-data: unchanged", "sync-data: unchanged", "sync-data: unchanged"]);
    expect(io.text.out).toMatch(/Resources:\n +9 unchanged\n/);
    expect(d.contexts.length).toBe(contexts + 1);
    expect(await entitiesOf(client(before.services.speech!.port))).toEqual(PIPELINE);
  }, 180_000);

  test("--destroy leaves 0 entities, stops what it started, and no port is left listening", async () => {
    const { services } = recordOf(dir);
    io.text.out = "";
    const code = await runSandbox(fast(dir, { destroy: true }), deps);
    expect({ code, err: io.text.err }).toEqual({ code: 0, err: "" });
    expect(io.text.out).toContain("0 Custom Speech entities of the stack left on the emulator");
    expect(io.text.out).toContain(`Speech emulator: stopped (pid ${services.speech!.pid}, port ${services.speech!.port})`);
    expect(io.text.out).toContain(`Azurite: stopped (pid ${services.blob!.pid}, port ${services.blob!.port})`);
    for (const s of [services.speech!, services.blob!]) {
      expect(alive(s.pid!)).toBe(false);
      expect(await portInUse(s.port)).toBe(false);
    }
    expect(recordOf(dir)).toEqual({ services: {} });
    expect(await entitiesInState(dir)).toEqual(NONE);
    expect(fs.readFileSync(TRACKED).equals(trackedBefore)).toBe(true);
  }, 180_000);
});

describe("--fail-gate, next to an Azurite the sandbox did not start", () => {
  const dir = path.join(tmp, "fail-gate");
  const d = realRunner();
  let deps: SandboxDeps;
  const io = capture();
  let azurite: Awaited<ReturnType<typeof startAzurite>>;
  let blobPort: number;
  beforeAll(async () => {
    azurite = await startAzurite();
    blobPort = Number(new URL(azurite.blobEndpoint).port);
    deps = { env: await d.env(), locateCli: locatePulumiCli, createRunner: d.create, ...io };
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  test("the update fails with the gate's own message (exit 1) and no endpoint serves the rejected model", async () => {
    const code = await runSandbox(fast(dir, { failGate: true, blobPort }), deps);
    expect(code).toBe(1);
    expect(io.text.err).toContain(
      "Evaluation gate failed for speech-en-us-evaluation: candidate WER 15% is above maxWordErrorRate 10%; improvement -3 points (baseline WER 12% → candidate WER 15%) is below minWordErrorRateImprovement 2 points. Baseline (model1) WER 12%, candidate (model2) WER 15%. Nothing downstream was changed.",
    );
    expect(io.text.err).toContain("npm run sandbox -- --destroy");
    const { services } = recordOf(dir);
    expect(services.blob).toEqual({ port: blobPort });
    expect(io.text.out).toContain(`Azurite: reusing the one already running on port ${blobPort} (not started by the sandbox, so never stopped by it)`);
    expect(services.speech).toMatchObject({ scenario: "gate-fails" });
    expect(io.text.out).toContain("(WER scenario gate-fails: custom models 15 %");
    expect(await entitiesOf(client(services.speech!.port))).toMatchObject({ models: 1, evaluations: 1, endpoints: 0 });
    // --fail-gate shows the failing evaluation's report: why the gate failed, clip by clip.
    const report = path.join(dir, "evaluation-reports", "en-US.html");
    expect(io.text.out).toContain(`Evaluation report (en-US, the failing gate's evaluation): ${report}\n`);
    const html = fs.readFileSync(report, "utf8");
    expect(html).toContain('data-verdict="failed"');
    expect(html).toContain('<td class="num" data-figure="wer2">15 %</td>');
  }, 180_000);

  test("a run without --fail-gate on that deployment is refused before anything starts (exit 2)", async () => {
    io.text.err = "";
    io.text.out = "";
    const before = recordOf(dir).services;
    const code = await runSandbox(fast(dir, { blobPort }), deps);
    expect(code).toBe(2);
    expect(io.text.err).toContain("The sandbox stack was deployed with --fail-gate");
    expect(recordOf(dir).services.speech).toMatchObject({ scenario: "gate-fails" });
    // Nothing was started, reused or stopped: the refusal came first.
    expect(io.text.out).not.toMatch(/started|reusing|stopped/);
    expect(recordOf(dir).services).toEqual(before);
  });

  test("--destroy removes the failed deployment and stops only the emulator it started", async () => {
    const { services } = recordOf(dir);
    io.text.err = "";
    const code = await runSandbox(fast(dir, { destroy: true, blobPort }), deps);
    expect({ code, err: io.text.err }).toEqual({ code: 0, err: "" });
    expect(alive(services.speech!.pid!)).toBe(false);
    expect(await portInUse(services.speech!.port)).toBe(false);
    expect(io.text.out).toContain(`Azurite: left running on port ${blobPort} (not started by the sandbox)`);
    expect(await probeBlob(blobPort)).toBe(true);
    expect(await entitiesInState(dir)).toEqual(NONE);
  }, 180_000);
});

describe("which processes --destroy may stop", () => {
  test("only one whose command has the service's script and data path: not a process that merely names the state folder", async () => {
    const dir = path.join(tmp, "signature");
    const signature = signatureOf("speech", dir, ROOT);
    const idle = "setTimeout(() => {}, 30000)";
    // What a `tail -f .sandbox/logs/…` or an editor would look like: the state folder in its arguments, not the service.
    const bystander = spawn(process.execPath, ["-e", idle, path.join(dir, "logs", "speech-emulator.log"), dir]);
    const lookalike = spawn(process.execPath, ["-e", idle, ...signature]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(ours(bystander.pid!, signature)).toBe(false);
      expect(ours(lookalike.pid!, signature)).toBe(true);
      await stopProcess(bystander.pid!, signature);
      expect(alive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill("SIGKILL");
      lookalike.kill("SIGKILL");
    }
  });
});

describe("the stack file copy", () => {
  test("follows the tracked file on every run but keeps what the CLI wrote into it: the salt and encrypted values", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "copy-"));
    const copy = path.join(dir, "Pulumi.sandbox.yaml");
    const write = (speech: string) =>
      writeStackFileCopy({ tracked: TRACKED, copy, speechEndpoint: speech, blobEndpoint: "http://127.0.0.1:2/devstoreaccount1", manifest: path.join(dir, "m.json") });
    write("http://127.0.0.1:1/speech");
    // What `pulumi config set --secret --config-file` leaves in it.
    const cli = yaml.load(fs.readFileSync(copy, "utf8")) as { config: Record<string, unknown> };
    fs.writeFileSync(copy, yaml.dump({ encryptionsalt: "v1:salt", config: { ...cli.config, "custom-speech:existingSpeechKey": { secure: "v1:ciphertext" } } }));
    const config = write("http://127.0.0.1:3/speech");
    const again = yaml.load(fs.readFileSync(copy, "utf8")) as { encryptionsalt: string; config: Record<string, any> };
    expect(again.encryptionsalt).toBe("v1:salt");
    expect(again.config["custom-speech:existingSpeechKey"]).toEqual({ secure: "v1:ciphertext" });
    expect(again.config["custom-speech:existingSpeech"]).toMatchObject({ endpoint: "http://127.0.0.1:3/speech", region: "eastus" });
    // The returned config leaves the encrypted value out; the tracked file is untouched.
    expect(config["custom-speech:existingSpeechKey"]).toBeUndefined();
    expect(fs.readFileSync(TRACKED).equals(trackedBefore)).toBe(true);
  });
});

describe("preserveFile", () => {
  const file = () => {
    const f = path.join(fs.mkdtempSync(path.join(tmp, "preserve-")), "Pulumi.sandbox.yaml");
    fs.writeFileSync(f, "# comment\nconfig:\n  custom-speech:region: eastus\n");
    return f;
  };
  test("puts the bytes back when the CLI only added its secrets manager's salt", async () => {
    const f = file();
    const before = fs.readFileSync(f);
    await preserveFile(f, async () => fs.writeFileSync(f, "encryptionsalt: v1:abc\nconfig:\n  custom-speech:region: eastus\n"));
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });
  test("keeps any other change, e.g. an edit made while the command ran", async () => {
    const f = file();
    await preserveFile(f, async () => fs.writeFileSync(f, "encryptionsalt: v1:abc\nconfig:\n  custom-speech:region: westeurope\n"));
    expect(fs.readFileSync(f, "utf8")).toContain("westeurope");
  });
});

describe("the Automation API runner, against a stand-in `pulumi` that logs its calls", () => {
  test("every command gets the file backend and passphrase; up, destroy and the secret use the copy; the tracked file stays as it was", async () => {
    const project = fs.mkdtempSync(path.join(tmp, "project-"));
    for (const f of ["Pulumi.yaml", "Pulumi.sandbox.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(project, f));
    const tracked = path.join(project, "Pulumi.sandbox.yaml");
    const before = fs.readFileSync(tracked);
    const log = path.join(project, "calls.jsonl");
    const bin = path.join(project, "cli", "bin");
    fs.mkdirSync(bin, { recursive: true });
    // Answers like the CLI where the Automation API parses the answer; `stack init` writes the salt into
    // Pulumi.<stack>.yaml as the real one does.
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const env = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"].map((k) => process.env[k]);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, cwd: process.cwd(), env }) + "\\n");
const created = ${JSON.stringify(path.join(project, "created"))};
const is = (...a) => a.every((x, i) => args[i] === x);
if (is("version")) console.log("v3.270.0");
else if (is("stack", "select")) { if (!fs.existsSync(created)) { console.error("error: no stack named 'sandbox' found"); process.exit(255); } }
else if (is("stack", "init")) { fs.writeFileSync(created, ""); fs.appendFileSync("Pulumi.sandbox.yaml", "encryptionsalt: v1:new-salt\\n"); }
else if (is("up")) console.log("Updating (sandbox):\\n + custom-speech-sandbox created");
else if (is("destroy")) console.log("Destroying (sandbox):\\n - custom-speech-sandbox deleted");
else if (is("stack", "output")) console.log(JSON.stringify({ locales: { "en-US": { endpointId: "e1" } }, speechKey: args.includes("--show-secrets") ? "k" : "[secret]" }));
else if (is("stack", "history")) console.log("[]");
`,
      { mode: 0o755 },
    );
    const ctx: RunnerContext = {
      cli: { path: path.join(bin, "pulumi") },
      env: process.env,
      projectDir: project,
      stackName: "sandbox",
      configFile: path.join(project, ".sandbox", "Pulumi.sandbox.yaml"),
      trackedStackFile: tracked,
      backendUrl: `file://${project}/.sandbox/state`,
      passphrase: "pass-1",
      color: false,
    };
    const runner = await automationRunner(ctx);
    await runner.prepare({ "custom-speech:existingSpeechKey": "local-key" });
    let progress = "";
    await runner.up((t) => (progress += t));
    expect(progress).toContain("Updating (sandbox):");
    expect(await runner.outputs()).toEqual({ locales: { value: { "en-US": { endpointId: "e1" } }, secret: false }, speechKey: { value: "k", secret: true } });
    await runner.destroy((t) => (progress += t));
    expect(progress).toContain("Destroying (sandbox):");

    const calls = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { args: string[]; cwd: string; env: string[] });
    const named = (...a: string[]) => calls.filter((c) => a.every((x, i) => c.args[i] === x));
    expect(named("stack", "init")[0].args).toEqual(expect.arrayContaining(["sandbox", "--secrets-provider", "passphrase"]));
    const [set] = named("config", "set");
    expect(set.args.slice(0, 3)).toEqual(["config", "set", "custom-speech:existingSpeechKey"]);
    expect(set.args).toEqual(expect.arrayContaining(["--secret", "--stack", "sandbox", "--non-interactive"]));
    expect(set.args.slice(-2)).toEqual(["--", "local-key"]);
    for (const c of [set, ...named("up"), ...named("destroy")]) {
      expect(c.args[c.args.indexOf("--config-file") + 1]).toBe(ctx.configFile);
    }
    for (const c of [...named("up"), ...named("destroy")]) expect(c.args).toEqual(expect.arrayContaining(["--yes", "--stack", "sandbox"]));
    for (const c of calls.filter((x) => x.args[0] !== "version")) {
      expect(c.cwd).toBe(project);
      expect(c.env).toEqual([ctx.backendUrl, "pass-1", "true"]);
    }
    // `stack init` wrote the salt into the tracked file; it was put back byte for byte.
    expect(fs.readFileSync(tracked).equals(before)).toBe(true);
  }, 60_000);
});
