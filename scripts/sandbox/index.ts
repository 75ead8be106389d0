// `npm run sandbox`: the whole local sandbox in one command. Starts (or reuses) the Speech emulator and Azurite, syncs
// examples/sandbox with the training-data library, deploys the `sandbox` stack on a file backend in the state folder
// and prints its outputs; `--destroy` tears it down and stops what the sandbox started. See scripts/sandbox.ts.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { DurationKind } from "../../emulator";
import { WER_SCENARIOS, type WerScenarioName } from "../../emulator/scenario";
import { evaluationsFromStackExport, writeEvaluationReport } from "../../components/evaluation-report";
import { SpeechClient } from "../../components/speech-api";
import { mergeManifest, readManifest, redact, syncDatasets, writeManifest, type DatasetSpec } from "../../components/training-data";
import { atLeast, MIN_PULUMI_CLI, noCliMessage, oldCliMessage, type PulumiCli } from "./pulumi-cli";
import {
  azuriteConnectionString,
  blobEndpoint,
  ours,
  portInUse,
  probe,
  SPEECH_RESOURCE,
  speechEndpoint,
  startService,
  signatureOf,
  stopProcess,
  type ServiceKind,
  type ServiceRecord,
} from "./services";
import { writeStackFileCopy } from "./stack-file";
import type { RunnerContext, SandboxDeps, SandboxOptions, StackOutputs, StackRunner } from "./types";

export * from "./types";
export { locatePulumiCli, MIN_PULUMI_CLI, RECOMMENDED_PULUMI_CLI, noCliMessage, type PulumiCli } from "./pulumi-cli";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export const ROOT = path.resolve(__dirname, "..", "..");
export const STACK = "sandbox";
const PROJECT = "custom-speech";
export const DEFAULT_PORTS = { speech: 5599, blob: 10000 } as const;
/** As `npm run emulator:sandbox`: slow enough to watch the engine wait, fast enough to wait for. */
export const DEFAULT_DURATIONS: Partial<Record<DurationKind, number>> = { dataset: 5000, model: 30000, evaluation: 10000, endpoint: 10000 };
const KEY_CONFIG = `${PROJECT}:existingSpeechKey`;
const LABEL: Record<ServiceKind, string> = { speech: "Speech emulator", blob: "Azurite" };

/** What the state folder remembers between runs (sandbox.json). */
interface SandboxRecord {
  services: Partial<Record<ServiceKind, ServiceRecord>>;
  /** Set once an `up` was attempted (it may have created entities), cleared by a successful destroy. */
  stack?: { scenario: WerScenarioName };
}

export interface SandboxPaths {
  dir: string;
  record: string;
  passphrase: string;
  backend: string;
  configCopy: string;
  manifest: string;
  syncCache: string;
  /** Evaluation reports (<locale>.html, .md, .json). */
  reports: string;
}

export function sandboxPaths(dir: string): SandboxPaths {
  return {
    dir,
    record: path.join(dir, "sandbox.json"),
    passphrase: path.join(dir, "passphrase"),
    backend: path.join(dir, "state"),
    configCopy: path.join(dir, `Pulumi.${STACK}.yaml`),
    manifest: path.join(dir, "training-data.sandbox.manifest.json"),
    syncCache: path.join(dir, ".sync-cache.json"),
    reports: path.join(dir, "evaluation-reports"),
  };
}

function readRecord(p: SandboxPaths): SandboxRecord {
  try {
    return { services: {}, ...(JSON.parse(fs.readFileSync(p.record, "utf8")) as Partial<SandboxRecord>) };
  } catch {
    return { services: {} };
  }
}

function saveRecord(p: SandboxPaths, r: SandboxRecord): void {
  fs.writeFileSync(`${p.record}.tmp`, JSON.stringify(r, null, 2) + "\n");
  fs.renameSync(`${p.record}.tmp`, p.record);
}

/**
 * The passphrase of this throwaway state: generated once per state folder, readable by its owner only. It protects
 * nothing of value (the emulator's key), but the CLI requires one for the passphrase secrets manager.
 */
function passphrase(p: SandboxPaths): string {
  if (!fs.existsSync(p.passphrase)) {
    try {
      fs.writeFileSync(p.passphrase, randomBytes(24).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  return fs.readFileSync(p.passphrase, "utf8").trim();
}

const fileUrl = (dir: string): string => `file://${dir.split(path.sep).join("/")}`;

class Sandbox {
  readonly p: SandboxPaths;
  readonly root: string;
  record: SandboxRecord;

  constructor(
    readonly o: SandboxOptions,
    readonly deps: SandboxDeps,
    readonly cli: PulumiCli,
  ) {
    this.root = o.root ?? ROOT;
    this.p = sandboxPaths(path.resolve(o.dir ?? path.join(this.root, ".sandbox")));
    this.record = readRecord(this.p);
  }

  out(text: string): void {
    this.deps.stdout.write(text);
  }

  save(): void {
    fs.mkdirSync(this.p.dir, { recursive: true, mode: 0o700 });
    saveRecord(this.p, this.record);
  }

  /** Reuses the service the record names or one found on the port, else starts one; returns its port. */
  async ensure(kind: ServiceKind, wanted: number, scenario: WerScenarioName): Promise<number> {
    const rec = this.record.services[kind];
    const fits = (r: ServiceRecord) => kind === "blob" || (r.scenario ?? "default") === scenario;
    const signature = signatureOf(kind, this.p.dir, this.root);
    if (rec?.pid !== undefined && ours(rec.pid, signature)) {
      if ((await probe(kind, rec.port)) && fits(rec)) {
        this.out(`${LABEL[kind]}: reusing the one the sandbox started (pid ${rec.pid}, port ${rec.port})\n`);
        return rec.port;
      }
      // Another scenario (a model's WER is decided by the emulator it trains on), or it stopped answering.
      await stopProcess(rec.pid, signature);
    } else if (rec && rec.pid === undefined && (await probe(kind, rec.port)) && fits(rec)) {
      this.out(`${LABEL[kind]}: reusing the one already running on port ${rec.port} (not started by the sandbox, so never stopped by it)\n`);
      return rec.port;
    }
    // A deployed stack's state holds the endpoints it was deployed with: keep the port it had.
    let port = rec?.port ?? wanted;
    if (port !== 0 && (await probe(kind, port))) {
      if (kind === "blob" || scenario === "default") {
        this.record.services[kind] = { port, ...(kind === "speech" ? { scenario } : {}) };
        this.save();
        this.out(`${LABEL[kind]}: reusing the one already running on port ${port} (not started by the sandbox, so never stopped by it)\n`);
        return port;
      }
      this.out(`${LABEL[kind]}: one not started by the sandbox runs on port ${port}; the ${scenario} scenario needs its own, on a free port\n`);
      port = 0;
    } else if (port !== 0 && (await portInUse(port))) {
      this.out(`${LABEL[kind]}: port ${port} is taken by something else; using a free port\n`);
      port = 0;
    }
    const started = await startService(kind, { dir: this.p.dir, root: this.root, port, durations: { ...DEFAULT_DURATIONS, ...this.o.durations }, scenario });
    this.record.services[kind] = { ...started, ...(kind === "speech" ? { scenario } : {}) };
    this.save();
    const what = kind === "speech" ? `${speechEndpoint(started.port)} (WER scenario ${scenario}: ${WER_SCENARIOS[scenario].meaning})` : blobEndpoint(started.port);
    this.out(`${LABEL[kind]}: started, pid ${started.pid}, ${what}; log in ${path.join(this.p.dir, "logs")}\n`);
    return started.port;
  }

  async services(scenario: WerScenarioName): Promise<{ speech: number; blob: number }> {
    const speech = await this.ensure("speech", this.o.speechPort ?? DEFAULT_PORTS.speech, scenario);
    const blob = await this.ensure("blob", this.o.blobPort ?? DEFAULT_PORTS.blob, scenario);
    return { speech, blob };
  }

  /** The example data to Azurite with the training-data library (what `npm run sync-data` runs), manifest in the state folder. */
  async sync(blobPort: number): Promise<void> {
    const config = path.join(this.root, "examples/sandbox/datasets.json");
    const specs = (JSON.parse(fs.readFileSync(config, "utf8")) as { datasets: DatasetSpec[] }).datasets.map((d) => ({ ...d, dir: path.resolve(path.dirname(config), d.dir) }));
    const previous = await readManifest(this.p.manifest).catch(() => undefined);
    const results = await syncDatasets(specs, { storage: { connectionString: azuriteConnectionString(blobPort) }, previous: previous?.datasets, cachePath: this.p.syncCache });
    await writeManifest(this.p.manifest, mergeManifest(previous, results.map((r) => r.entry)));
    for (const r of results) this.out(`sync-data: ${r.status.padEnd(9)} ${r.entry.name} (${r.entry.kind}, ${r.entry.sizeBytes} bytes, sha256 ${r.entry.contentHash.slice(0, 12)}…)\n`);
  }

  async runner(ports: { speech: number; blob: number }) {
    writeStackFileCopy({
      tracked: path.join(this.root, `Pulumi.${STACK}.yaml`),
      copy: this.p.configCopy,
      speechEndpoint: speechEndpoint(ports.speech),
      blobEndpoint: blobEndpoint(ports.blob),
      manifest: this.p.manifest,
      extra: this.o.config,
    });
    fs.mkdirSync(this.p.backend, { recursive: true });
    const ctx: RunnerContext = {
      cli: this.cli,
      env: this.deps.env,
      projectDir: this.root,
      stackName: STACK,
      configFile: this.p.configCopy,
      trackedStackFile: path.join(this.root, `Pulumi.${STACK}.yaml`),
      backendUrl: fileUrl(this.p.backend),
      passphrase: passphrase(this.p),
      color: this.o.color ?? false,
    };
    const runner = await this.deps.createRunner(ctx);
    await runner.prepare({ [KEY_CONFIG]: SPEECH_RESOURCE.key });
    return runner;
  }

  /** Entities on the emulator that this stack tagged as its own (`pulumi-resource: custom-speech/sandbox/…`). */
  async entitiesLeft(port: number): Promise<number> {
    const client = new SpeechClient({ endpoint: speechEndpoint(port), key: SPEECH_RESOURCE.key }, { rateLimit: false });
    const mine = (e: { customProperties?: Record<string, string> }) => e.customProperties?.["pulumi-resource"]?.startsWith(`${PROJECT}/${STACK}/`) ?? false;
    const lists = await Promise.all([client.listProjects(), client.listDatasets(), client.listModels(), client.listEvaluations(), client.listEndpoints()]);
    return lists.reduce((n, l) => n + (l as { customProperties?: Record<string, string> }[]).filter(mine).length, 0);
  }

  /** Stops the services the sandbox started; forgets the ones it only reused. */
  async stopStarted(): Promise<void> {
    for (const kind of ["speech", "blob"] as const) {
      const rec = this.record.services[kind];
      const signature = signatureOf(kind, this.p.dir, this.root);
      if (rec?.pid !== undefined && ours(rec.pid, signature)) {
        await stopProcess(rec.pid, signature);
        this.out(`${LABEL[kind]}: stopped (pid ${rec.pid}, port ${rec.port})\n`);
      } else if (rec) {
        this.out(`${LABEL[kind]}: left running on port ${rec.port} (${rec.pid === undefined ? "not started by the sandbox" : "already gone"})\n`);
      }
      delete this.record.services[kind];
      this.save();
    }
  }
}

/** The failing gate's own message when there is one, else the end of the error (secrets removed). */
export function failureText(e: unknown): string {
  const text = redact(e instanceof Error ? e.message : String(e), [SPEECH_RESOURCE.key]);
  const gate = /Evaluation gate failed for [^\n]*/.exec(text);
  if (gate) return gate[0].trim();
  return text.trim().split("\n").slice(-25).join("\n");
}

const fmt = (v: unknown): string => (v === null || v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v));

/** Endpoint id and URL, model, and the gate's WER figures per locale; secret outputs are never printed. */
export function formatOutputs(outputs: StackOutputs): string {
  const lines = [`Stack outputs (${STACK}):`];
  const locales = (outputs.locales?.secret ? {} : (outputs.locales?.value ?? {})) as Record<string, Record<string, any>>;
  for (const [locale, l] of Object.entries(locales)) {
    lines.push(`  ${locale}`);
    lines.push(`    endpoint id   ${fmt(l.endpointId)}`);
    lines.push(`    endpoint URL  ${fmt(l.endpointUrl)}`);
    lines.push(`    model         ${fmt(l.modelId)}`);
    const g = l.gate as Record<string, unknown> | null | undefined;
    if (g) {
      const verdict = g.passed === true ? "passed" : g.passed === false ? "FAILED" : "not decided";
      lines.push(`    gate          ${verdict}: candidate WER ${fmt(g.candidateWordErrorRate)} %, baseline WER ${fmt(g.baselineWordErrorRate)} % (${fmt(g.wordErrorRateImprovement)} points better)`);
    }
  }
  for (const [k, o] of Object.entries(outputs)) {
    if (k === "locales") continue;
    lines.push(`  ${k.padEnd(18)} ${o.secret ? "[secret]" : fmt(o.value)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * The report of every evaluation the stack holds (a failed gate's too), written under the state folder; prints each
 * path. A report that cannot be made is said, never fatal: the deployment's own outcome stands.
 */
async function reports(s: Sandbox, runner: StackRunner, port: number): Promise<void> {
  try {
    const found = evaluationsFromStackExport(await runner.exportState());
    const client = new SpeechClient({ endpoint: speechEndpoint(port), key: SPEECH_RESOURCE.key }, { rateLimit: false });
    for (const e of found) {
      const written = await writeEvaluationReport(client, e.evaluation, s.p.reports, e.locale, { gate: e.gate });
      const verdict = written.report.gate.passed === false ? "the failing gate's evaluation" : "evaluation";
      s.out(`Evaluation report (${e.locale}, ${verdict}): ${written.html}\n`);
    }
  } catch (e) {
    s.deps.stderr.write(`No evaluation report: ${failureText(e)}\n`);
  }
}

async function up(s: Sandbox, scenario: WerScenarioName): Promise<number> {
  if (s.record.stack && s.record.stack.scenario !== scenario) {
    const was = s.record.stack.scenario === "gate-fails" ? "with --fail-gate" : "without --fail-gate";
    s.deps.stderr.write(
      `The sandbox stack was deployed ${was}, and a model keeps the WER of the scenario it was trained in. Tear it down first ` +
        "(`npm run sandbox -- --destroy`), then run this again. Nothing was started.\n",
    );
    return EXIT.usage;
  }
  fs.mkdirSync(s.p.dir, { recursive: true, mode: 0o700 });
  const ports = await s.services(scenario);
  await s.sync(ports.blob);
  const runner = await s.runner(ports);
  s.record.stack = { scenario };
  s.save();
  s.out(`pulumi up --yes (stack ${STACK}, state in ${s.p.backend}, config ${s.p.configCopy})\n`);
  try {
    await runner.up((t) => s.out(t));
  } catch (e) {
    s.deps.stderr.write(`\nThe update failed: ${failureText(e)}\n`);
    if (scenario === "gate-fails") await reports(s, runner, ports.speech);
    if (scenario === "gate-fails") s.deps.stderr.write("This is the failing gate --fail-gate shows: no endpoint serves the rejected model. ");
    s.deps.stderr.write("The services keep running; `npm run sandbox -- --destroy` tears everything down.\n");
    return EXIT.failed;
  }
  s.out("\n" + formatOutputs(await runner.outputs()));
  await reports(s, runner, ports.speech);
  s.out(`Speech endpoint ${speechEndpoint(ports.speech)} (key: the stack's secret existingSpeechKey), blob storage ${blobEndpoint(ports.blob)}.\n`);
  s.out("Tear it down with `npm run sandbox -- --destroy`.\n");
  return EXIT.ok;
}

async function destroy(s: Sandbox): Promise<number> {
  // Only after an `up` was attempted can the stack hold anything (a successful destroy clears the mark).
  if (s.record.stack) {
    const scenario = s.record.services.speech?.scenario ?? s.record.stack?.scenario ?? "default";
    const ports = await s.services(scenario);
    const runner = await s.runner(ports);
    s.out(`pulumi destroy --yes (stack ${STACK})\n`);
    try {
      await runner.destroy((t) => s.out(t));
    } catch (e) {
      s.deps.stderr.write(`\nThe destroy failed: ${failureText(e)}\nThe services keep running so that it can be retried.\n`);
      return EXIT.failed;
    }
    const left = await s.entitiesLeft(ports.speech);
    s.out(`${left} Custom Speech entities of the stack left on the emulator\n`);
    if (left > 0) {
      s.deps.stderr.write("Entities remain although the destroy succeeded; the services keep running to look at them.\n");
      return EXIT.failed;
    }
    delete s.record.stack;
    s.save();
  } else {
    s.out("No sandbox stack to tear down.\n");
  }
  await s.stopStarted();
  return EXIT.ok;
}

export async function runSandbox(o: SandboxOptions, deps: SandboxDeps): Promise<number> {
  const cli = await deps.locateCli(deps.env);
  if (!cli) {
    deps.stderr.write(noCliMessage());
    return EXIT.usage;
  }
  if (!cli.version || !atLeast(cli.version, MIN_PULUMI_CLI)) {
    deps.stderr.write(oldCliMessage(cli));
    return EXIT.usage;
  }
  const s = new Sandbox(o, deps, cli);
  deps.stdout.write(`Pulumi CLI ${cli.version.text} (${cli.path}); sandbox state in ${s.p.dir}\n`);
  return o.destroy ? destroy(s) : up(s, o.failGate ? "gate-fails" : "default");
}
