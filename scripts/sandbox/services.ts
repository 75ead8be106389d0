// The sandbox's two local services, each a detached process of its own so that they outlive `npm run sandbox`:
// the Speech emulator (its CLI, emulator/cli.ts) and Azurite's blob service (from node_modules, as tests/support/azurite.ts
// runs it). Probes tell a running service of the right kind from anything else on a port.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import type { DurationKind } from "../../emulator";
import type { WerScenarioName } from "../../emulator/scenario";

export type ServiceKind = "speech" | "blob";

/** The emulated Speech resource of Pulumi.sandbox.yaml: name, region and the key the sandbox sets as a secret. */
export const SPEECH_RESOURCE = { name: "speech", region: "eastus", key: "local-key" } as const;
// Azurite's documented development account; the key is public and only works against Azurite.
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export const speechEndpoint = (port: number): string => `http://127.0.0.1:${port}/${SPEECH_RESOURCE.name}`;
export const blobEndpoint = (port: number): string => `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
export const azuriteConnectionString = (port: number): string =>
  `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint(port)};`;

/** What the state folder records of a service, so that a later `--destroy` stops exactly what was started. */
export interface ServiceRecord {
  port: number;
  /** Set when the sandbox started it; a service it found running is reused and never stopped. */
  pid?: number;
  /** Speech emulator only: the WER scenario it was started with. */
  scenario?: WerScenarioName;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response | undefined> {
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(3000) });
  } catch {
    return undefined;
  }
}

/** Is the sandbox's Speech resource (with its key) served on this port? */
export async function probeSpeech(port: number): Promise<boolean> {
  const res = await get(`${speechEndpoint(port)}/speechtotext/projects/locales?api-version=2025-10-15`, { "Ocp-Apim-Subscription-Key": SPEECH_RESOURCE.key });
  if (res?.status !== 200) return false;
  const body = (await res.json().catch(() => undefined)) as unknown;
  return Array.isArray(body) && body.includes("en-US");
}

/** Is Azurite's blob service on this port? It answers an unsigned request 403, with its name in `Server`. */
export async function probeBlob(port: number): Promise<boolean> {
  const res = await get(`${blobEndpoint(port)}?comp=list`);
  await res?.body?.cancel().catch(() => undefined);
  return /^Azurite-Blob\//.test(res?.headers.get("server") ?? "");
}

export const probe = (kind: ServiceKind, port: number): Promise<boolean> => (kind === "speech" ? probeSpeech(port) : probeBlob(port));

/** Whether anything listens on 127.0.0.1:port (a failed bind means taken). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What identifies a service the sandbox started: its script and its data path, both exact arguments of its command. */
export function signatureOf(kind: ServiceKind, dir: string, root: string): string[] {
  const command = commandOf(kind, { dir, root, port: 0, durations: {}, scenario: "default" });
  return [command[kind === "speech" ? 2 : 0], command[command.indexOf(kind === "speech" ? "--state" : "--location") + 1]];
}

/** The process's arguments: /proc on Linux, `ps` elsewhere; undefined when neither can tell. */
function argumentsOf(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    try {
      return execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" }).trim().split(/\s+/);
    } catch {
      return undefined;
    }
  }
}

/**
 * Is `pid` still the process the sandbox started? Only when its command has that service's script and data path as
 * arguments: a recycled pid, or another program that merely names the state folder (a `tail -f` of a log), is never
 * signalled, and a process whose command cannot be read is left alone.
 */
export function ours(pid: number, signature: readonly string[]): boolean {
  if (!alive(pid)) return false;
  const args = argumentsOf(pid);
  return args !== undefined && signature.every((s) => args.includes(s));
}

export interface StartOptions {
  /** The state folder: data, logs, and the marker in the command line. */
  dir: string;
  root: string;
  port: number;
  durations: Partial<Record<DurationKind, number>>;
  scenario: WerScenarioName;
  startTimeoutMs?: number;
}

function commandOf(kind: ServiceKind, o: StartOptions): string[] {
  if (kind === "speech") {
    const durations = Object.entries(o.durations).flatMap(([k, ms]) => ["--duration", `${k}=${ms}`]);
    return [
      require.resolve("ts-node/dist/bin.js"),
      "--transpile-only",
      path.join(o.root, "emulator/cli.ts"),
      "--port", String(o.port),
      "--resource", `${SPEECH_RESOURCE.name}=${SPEECH_RESOURCE.region}:${SPEECH_RESOURCE.key}`,
      "--state", path.join(o.dir, "speech-emulator.json"),
      "--wer-scenario", o.scenario,
      ...durations,
    ];
  }
  return [
    require.resolve("azurite/dist/src/blob/main.js"),
    "--blobHost", "127.0.0.1",
    "--blobPort", String(o.port),
    "--location", path.join(o.dir, "azurite"),
    "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
  ];
}

// Both print the URL they listen on: the emulator "listening on URL", Azurite "successfully listens on URL".
const READY: Record<ServiceKind, RegExp> = { speech: /listening on http:\/\/127\.0\.0\.1:(\d+)/, blob: /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/ };

/** Starts a service detached, its output in `<dir>/logs/<kind>.log`; resolves with its pid and port once it listens. */
export async function startService(kind: ServiceKind, o: StartOptions): Promise<Required<Pick<ServiceRecord, "pid" | "port">>> {
  const logs = path.join(o.dir, "logs");
  fs.mkdirSync(logs, { recursive: true });
  const log = path.join(logs, `${kind === "speech" ? "speech-emulator" : "azurite"}.log`);
  const start = fs.existsSync(log) ? fs.statSync(log).size : 0;
  const fd = fs.openSync(log, "a");
  const child = spawn(process.execPath, commandOf(kind, o), { cwd: o.root, detached: true, stdio: ["ignore", fd, fd], windowsHide: true });
  fs.closeSync(fd);
  let exit: string | undefined;
  child.once("exit", (code, signal) => (exit = `exited (${signal ?? `code ${code}`})`));
  child.once("error", (e) => (exit = `could not start: ${e.message}`));
  child.unref();
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  const output = () => fs.readFileSync(log, "utf8").slice(start);
  for (;;) {
    const m = READY[kind].exec(output());
    if (m) return { pid: child.pid!, port: Number(m[1]) };
    if (exit || Date.now() > deadline) {
      if (!exit && child.pid) process.kill(child.pid, "SIGKILL");
      throw new Error(`${kind === "speech" ? "The Speech emulator" : "Azurite"} ${exit ?? "did not start in time"}; its log (${log}):\n${output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * SIGTERM (both stop cleanly on it, the emulator saving its state), then SIGKILL if it is still there after 10 s and
 * still the sandbox's service (the signature is checked again: the pid may have been reused meanwhile).
 */
export async function stopProcess(pid: number, signature: readonly string[]): Promise<void> {
  if (!ours(pid, signature)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      if (ours(pid, signature)) process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Until it is gone, or the pid is no longer the service's (reused by another process): never an endless wait.
  while (ours(pid, signature)) await new Promise((r) => setTimeout(r, 50));
}
