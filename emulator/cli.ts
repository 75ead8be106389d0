#!/usr/bin/env node
// `npm run emulator -- --port N [--resource NAME=REGION:KEY ...] [--state FILE] [--tls] [--duration model=60000 ...]`
// Prints each resource's endpoint, region and ARM resource id (never its key) and stops on SIGINT/SIGTERM.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { startEmulator } from "./server";
import type { DurationKind, EmulatedResourceSpec } from "./types";

const DURATION_KINDS: DurationKind[] = ["dataset", "model", "endpoint", "evaluation", "copy"];

function parseResource(value: string, previous: EmulatedResourceSpec[] = []): EmulatedResourceSpec[] {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)=([a-z0-9]+):(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`'${value}' is not NAME=REGION:KEY (e.g. speech=eastus:local-key).`);
  return [...previous, { name: m[1], region: m[2], key: m[3] }];
}

function parseDuration(value: string, previous: Partial<Record<DurationKind, number>> = {}): Partial<Record<DurationKind, number>> {
  const m = /^(\w+)=(\d+)$/.exec(value);
  if (!m || !DURATION_KINDS.includes(m[1] as DurationKind)) {
    throw new InvalidArgumentError(`'${value}' is not KIND=MS with KIND one of: ${DURATION_KINDS.join(", ")}.`);
  }
  return { ...previous, [m[1]]: Number(m[2]) };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`'${value}' is not a port number (0-65535).`);
  return port;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("emulator")
    .description("Local Speech to text REST API 2025-10-15 (Custom Speech) emulator")
    .option("--port <n>", "port on 127.0.0.1 (0 = any free port)", parsePort, 5599)
    .option("--resource <NAME=REGION:KEY>", "an emulated Speech resource (repeatable)", parseResource)
    .option("--state <file>", "persist entities to this JSON file and restore them on start")
    .option("--tls", "serve HTTPS with a generated self-signed certificate")
    .option("--duration <KIND=MS>", `processing time per kind (repeatable): ${DURATION_KINDS.join(", ")}`, parseDuration)
    .option("--no-rate-limit", "do not throttle at 100 requests per 10 s per resource")
    .parse();
  const o = program.opts<{ port: number; resource?: EmulatedResourceSpec[]; state?: string; tls?: boolean; duration?: Partial<Record<DurationKind, number>>; rateLimit: boolean }>();

  const emu = await startEmulator({
    port: o.port,
    resources: o.resource,
    statePath: o.state,
    tls: o.tls,
    durations: o.duration,
    ...(o.rateLimit ? {} : { rateLimit: false as const }),
  });
  const lines = [`Speech emulator (api-version 2025-10-15) listening on ${emu.url}`];
  const caPath = emu.ca ? path.join(os.tmpdir(), `speech-emulator-ca-${process.pid}.pem`) : undefined;
  if (emu.ca && caPath) {
    fs.writeFileSync(caPath, emu.ca);
    lines.push(`CA certificate: ${caPath} (trust it with NODE_EXTRA_CA_CERTS or the client's tlsCa)`);
  }
  for (const [name, r] of Object.entries(emu.resources)) {
    lines.push(`resource ${name}: endpoint=${r.endpoint} region=${r.region} resourceId=${r.resourceId}`);
  }
  if (o.state) lines.push(`state: ${path.resolve(o.state)}`);
  process.stdout.write(lines.join("\n") + "\n");

  const shutdown = (signal: string): void => {
    emu.stop().then(
      () => {
        if (caPath) fs.rmSync(caPath, { force: true });
        process.stdout.write(`Speech emulator stopped (${signal}).\n`);
        process.exit(0);
      },
      (e: unknown) => {
        process.stderr.write(`emulator: stop failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e: unknown) => {
  process.stderr.write(`emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
