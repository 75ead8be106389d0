// `npm run sandbox [-- --destroy | --fail-gate]`: the local sandbox in one command (README "Run the sandbox").
// Exit codes: 0 ok, 1 the deployment (or teardown) failed, e.g. the gate with --fail-gate; 2 no usable Pulumi CLI, or usage.
import { CommanderError } from "commander";
import type { DurationKind } from "../emulator";
import { DURATION_KINDS, parseDuration, parsePort } from "../emulator/cli";
import { automationRunner } from "./sandbox/automation";
import { command, runMain } from "./cli";
import { DEFAULT_PORTS, EXIT, locatePulumiCli, MIN_PULUMI_CLI, runSandbox, type SandboxOptions } from "./sandbox/index";

export async function main(argv: string[]): Promise<number> {
  const program = command(
    "sandbox",
    "Start (or reuse) the Speech emulator and Azurite, sync examples/sandbox, and deploy the `sandbox` stack with the Pulumi CLI " +
      `(${MIN_PULUMI_CLI} or newer, through the Automation API) on a local file backend in .sandbox/. Without a usable Pulumi CLI it starts nothing and exits 2, saying which to install and how.`,
    { failed: "the deployment or teardown failed (e.g. the gate with --fail-gate)" },
  )
    .option("--destroy", "tear the stack down and stop the services the sandbox started")
    .option("--fail-gate", "run the emulator in a scenario where the evaluation gate fails, to see what a failing gate looks like")
    .option("--speech-port <n>", `Speech emulator port to start on or reuse (0 = any free port)`, parsePort, DEFAULT_PORTS.speech)
    .option("--blob-port <n>", `Azurite blob port to start on or reuse (0 = any free port)`, parsePort, DEFAULT_PORTS.blob)
    .option("--duration <KIND=MS>", `emulator processing time per kind (repeatable): ${DURATION_KINDS.join(", ")}`, parseDuration)
    .option("--dir <folder>", "state folder (git-ignored)", ".sandbox");
  let o: { destroy?: boolean; failGate?: boolean; speechPort: number; blobPort: number; duration?: Partial<Record<DurationKind, number>>; dir: string };
  try {
    o = program.parse(argv, { from: "user" }).opts();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw e;
  }
  if (o.destroy && o.failGate) {
    process.stderr.write("sandbox: error: use --destroy or --fail-gate, not both: --destroy tears down what --fail-gate deployed\n(see --help)\n");
    return EXIT.usage;
  }
  const options: SandboxOptions = { destroy: o.destroy, failGate: o.failGate, speechPort: o.speechPort, blobPort: o.blobPort, durations: o.duration, dir: o.dir, color: process.stdout.isTTY };
  return runSandbox(options, { env: process.env, locateCli: locatePulumiCli, createRunner: automationRunner, stdout: process.stdout, stderr: process.stderr });
}

if (require.main === module) runMain(main);
