#!/usr/bin/env node
// `npm run emulator -- --port N [--resource NAME=REGION:KEY ...] [--state FILE] [--tls] [--duration model=60000 ...]
//   [--wer-scenario NAME] [--base-wer PCT] [--custom-wer PCT] [--fault-rate SHARE] [--reset-rate SHARE] [--latency MS] [--fault-seed N]`
// Prints each resource's endpoint, region and ARM resource id (never its key) and stops on SIGINT/SIGTERM, or, with
// --exit-with-parent, when the process that started it is gone.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { EXIT, UsageError, command, runCommand, runMain } from "../scripts/cli";
import { WER_SCENARIO_NAMES, WER_SCENARIOS, type WerScenarioName } from "./scenario";
import { startEmulator } from "./server";
import type { DurationKind, EmulatedResourceSpec, EmulatorOptions, EvaluationScenario, FaultOptions, RunningEmulator } from "./types";

// Exported for the sandbox command, which takes the same --duration and port options.
export const DURATION_KINDS: DurationKind[] = ["dataset", "model", "endpoint", "evaluation", "copy"];

function parseResource(value: string, previous: EmulatedResourceSpec[] = []): EmulatedResourceSpec[] {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)=([a-z0-9]+):(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`'${value}' is not NAME=REGION:KEY (e.g. speech=eastus:local-key).`);
  return [...previous, { name: m[1], region: m[2], key: m[3] }];
}

export function parseDuration(value: string, previous: Partial<Record<DurationKind, number>> = {}): Partial<Record<DurationKind, number>> {
  const m = /^(\w+)=(\d+)$/.exec(value);
  if (!m || !DURATION_KINDS.includes(m[1] as DurationKind)) {
    throw new InvalidArgumentError(`'${value}' is not KIND=MS with KIND one of: ${DURATION_KINDS.join(", ")}.`);
  }
  return { ...previous, [m[1]]: Number(m[2]) };
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`'${value}' is not a port number (0-65535; 0 = any free port).`);
  return port;
}

/** A number in [min, max]; commander prefixes the message with the option's name. */
const bounded =
  (min: number, max: number, what: string, o: { integer?: boolean } = {}) =>
  (value: string): number => {
    const n = value.trim() === "" ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (o.integer && !Number.isInteger(n))) throw new InvalidArgumentError(`'${value}' is not ${what}.`);
    return n;
  };

function parseScenarioName(value: string): WerScenarioName {
  if (!(WER_SCENARIO_NAMES as string[]).includes(value)) throw new InvalidArgumentError(`'${value}' is not a WER scenario; allowed: ${WER_SCENARIO_NAMES.join(", ")}.`);
  return value as WerScenarioName;
}

interface RawOptions {
  port: number;
  resource?: EmulatedResourceSpec[];
  state?: string;
  tls?: boolean;
  duration?: Partial<Record<DurationKind, number>>;
  rateLimit: boolean;
  werScenario: WerScenarioName;
  baseWer?: number;
  customWer?: number;
  faultRate?: number;
  resetRate?: number;
  latency?: number;
  faultSeed?: number;
  trustedStorage?: string[];
  exitWithParent?: boolean;
}

export function emulatorCommand(): Command {
  return command("emulator", "Local Speech to text REST API 2025-10-15 (Custom Speech) emulator. Serves until SIGINT or SIGTERM.", {
    failed: "the emulator could not start (e.g. the port is taken) or stop",
  })
    .option("--port <n>", "port on 127.0.0.1 (0 = any free port)", parsePort, 5599)
    .option("--resource <NAME=REGION:KEY>", "an emulated Speech resource (repeatable)", parseResource)
    .option("--state <file>", "persist entities to this JSON file and restore them on start")
    .option("--tls", "serve HTTPS with a generated self-signed certificate")
    .option("--duration <KIND=MS>", `processing time per kind (repeatable): ${DURATION_KINDS.join(", ")}`, parseDuration)
    .option("--no-rate-limit", "do not throttle at 100 requests per 10 s per resource")
    .option(
      "--wer-scenario <name>",
      `evaluation WERs, one of: ${WER_SCENARIO_NAMES.map((n) => `${n} (${WER_SCENARIOS[n].meaning})`).join("; ")}`,
      parseScenarioName,
      "default" as WerScenarioName,
    )
    .option("--base-wer <percent>", "WER of base models, 0-100 (overrides the scenario's)", bounded(0, 100, "a WER in percent from 0 to 100"))
    .option("--custom-wer <percent>", "WER of custom models trained from now on, 0-100 (overrides the scenario's)", bounded(0, 100, "a WER in percent from 0 to 100"))
    .option("--fault-rate <share>", "share of requests answered 500 or 503, 0-1 (e.g. 0.05)", bounded(0, 1, "a share from 0 to 1 (e.g. 0.05 = 5 % of requests)"))
    .option("--reset-rate <share>", "share of requests whose connection is reset without an answer, 0-1", bounded(0, 1, "a share from 0 to 1 (e.g. 0.05 = 5 % of requests)"))
    .option("--latency <ms>", "delay added before every request is answered, in ms", bounded(0, 600_000, "a whole number of milliseconds from 0 to 600000", { integer: true }))
    .option("--fault-seed <n>", "seed of the generator that picks the faulted requests (same seed, same requests)", bounded(0, 2 ** 32 - 1, "a whole number from 0 to 4294967295", { integer: true }))
    // Not validated by commander: its error would quote the value, and a connection string holds a key.
    .option(
      "--trusted-storage <connection-string>",
      "a storage account whose plain blob URLs datasets may import, as with trusted-service access (repeatable; the key shows in the process list: for Azurite's public development key)",
      (v: string, previous: string[] = []) => [...previous, v],
    )
    .option(
      "--exit-with-parent",
      "stop when the process that started it exits (as `npm run emulator` does: killing npm then stops the emulator too). " +
        "Off by default, so that `npx custom-speech-emulator … &` in a script keeps serving",
    );
}

export interface EmulatorCliSettings {
  options: EmulatorOptions;
  scenarioName: WerScenarioName;
  /** The scenario after --base-wer / --custom-wer. */
  scenario: EvaluationScenario;
  exitWithParent: boolean;
}

/** Parses the CLI's arguments (without node and the script); invalid values throw commander's error naming the option. */
export function parseEmulatorArgs(argv: string[], command: Command = emulatorCommand().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined })): EmulatorCliSettings {
  const o = command.parse(argv, { from: "user" }).opts<RawOptions>();
  const preset = WER_SCENARIOS[o.werScenario].scenario;
  const scenario: EvaluationScenario = {
    baseModelWordErrorRate: o.baseWer ?? preset.baseModelWordErrorRate,
    customModelWordErrorRate: o.customWer ?? preset.customModelWordErrorRate,
  };
  const faultValues: FaultOptions = { serverErrorRate: o.faultRate, resetRate: o.resetRate, latencyMs: o.latency, seed: o.faultSeed };
  const faults = Object.fromEntries(Object.entries(faultValues).filter(([, v]) => v !== undefined)) as FaultOptions;
  return {
    scenarioName: o.werScenario,
    scenario,
    exitWithParent: o.exitWithParent === true,
    options: {
      port: o.port,
      resources: o.resource,
      statePath: o.state,
      tls: o.tls,
      durations: o.duration,
      ...(o.rateLimit ? {} : { rateLimit: false as const }),
      ...(Object.keys(faults).length ? { faults } : {}),
      ...(o.trustedStorage?.length ? { trustedStorage: o.trustedStorage } : {}),
    },
  };
}

const pct = (share = 0): number => Number((share * 100).toFixed(4));

/** Starts the emulator the way the CLI does: the options, then the WER scenario (it is not part of the persisted state). */
export async function startFromArgs(argv: string[], command?: Command): Promise<{ emu: RunningEmulator; settings: EmulatorCliSettings; lines: string[] }> {
  const settings = parseEmulatorArgs(argv, command);
  const emu = await startEmulator(settings.options);
  emu.setScenario(settings.scenario);
  const s = settings.scenario;
  const lines = [`Speech emulator (api-version 2025-10-15) listening on ${emu.url}`];
  lines.push(`WER scenario ${settings.scenarioName}: custom models ${s.customModelWordErrorRate} %, base models ${s.baseModelWordErrorRate} %`);
  const f = settings.options.faults;
  if (f) {
    lines.push(
      `faults: ${pct(f.serverErrorRate)} % of requests answered 500/503, ${pct(f.resetRate)} % reset, +${f.latencyMs ?? 0} ms latency, seed ${f.seed ?? 1}`,
    );
  }
  for (const [name, r] of Object.entries(emu.resources)) {
    lines.push(`resource ${name}: endpoint=${r.endpoint} region=${r.region} resourceId=${r.resourceId}`);
  }
  if (settings.options.statePath) lines.push(`state: ${path.resolve(settings.options.statePath)}`);
  // The endpoint only: the connection string holds a key.
  for (const cs of settings.options.trustedStorage ?? []) lines.push(`trusted storage: ${trustedEndpoint(cs)}`);
  return { emu, settings, lines };
}

function trustedEndpoint(connectionString: string): string {
  const part = (name: string) => new RegExp(`(?:^|;)\\s*${name}=([^;]+)`, "i").exec(connectionString)?.[1];
  return part("BlobEndpoint") ?? (part("AccountName") ? `https://${part("AccountName")}.blob.core.windows.net` : "(development storage)");
}

/** The parent of a process, or undefined where it cannot be read (/proc on Linux, else `ps`). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    try {
      const ppid = Number(execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim());
      return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
    } catch {
      return undefined;
    }
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * The processes whose exit stops the emulator with --exit-with-parent: its parent, and when that is the shell an npm
 * script runs in (`sh -c …`, which outlives a killed npm), npm too.
 */
export function watchedAncestors(env: NodeJS.ProcessEnv = process.env): number[] {
  const watched = [process.ppid];
  if (env.npm_lifecycle_event !== undefined) {
    const npm = parentOf(process.ppid);
    if (npm !== undefined && npm > 1) watched.push(npm);
  }
  return watched.filter((pid) => pid > 1);
}

/** Validated before anything listens: a state file that is not the emulator's is bad input, not a crash. */
function checkStateFile(statePath: string | undefined): void {
  if (!statePath || !fs.existsSync(statePath)) return;
  try {
    const parsed = JSON.parse(fs.readFileSync(statePath, "utf8")) as { version?: unknown };
    if (parsed?.version !== 1) throw new Error(`not an emulator state file (version ${JSON.stringify(parsed?.version)}; expected 1)`);
  } catch (e) {
    throw new UsageError(`--state ${statePath}: ${(e as Error).message}. Give another file, or delete this one to start empty.`);
  }
}

export async function main(argv: string[]): Promise<number> {
  return runCommand("emulator", async () => {
    const settings = parseEmulatorArgs(argv, emulatorCommand());
    checkStateFile(settings.options.statePath);
    const { emu, lines } = await startFromArgs(argv);
    const caPath = emu.ca ? path.join(os.tmpdir(), `speech-emulator-ca-${process.pid}.pem`) : undefined;
    if (emu.ca && caPath) {
      fs.writeFileSync(caPath, emu.ca);
      lines.splice(1, 0, `CA certificate: ${caPath} (trust it with NODE_EXTRA_CA_CERTS or the client's tlsCa)`);
    }
    const watched = settings.exitWithParent ? watchedAncestors() : [];
    if (watched.length) lines.push(`stops when process ${watched.join(" or ")} exits (--exit-with-parent)`);
    process.stdout.write(lines.join("\n") + "\n");

    return new Promise<number>((resolve) => {
      let watch: NodeJS.Timeout | undefined;
      const shutdown = (why: string): void => {
        if (watch) clearInterval(watch);
        emu.stop().then(
          () => {
            if (caPath) fs.rmSync(caPath, { force: true });
            process.stdout.write(`Speech emulator stopped (${why}).\n`);
            resolve(EXIT.ok);
          },
          (e: unknown) => {
            process.stderr.write(`emulator: stop failed: ${String(e)}\n`);
            resolve(EXIT.failed);
          },
        );
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      if (watched.length) {
        watch = setInterval(() => {
          const gone = watched.find((pid) => !alive(pid));
          if (gone !== undefined) shutdown(`process ${gone} exited`);
        }, 500);
      }
    });
  });
}

if (require.main === module) runMain(main);
