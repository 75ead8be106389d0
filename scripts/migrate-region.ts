#!/usr/bin/env node
// `npm run migrate -- --from <endpoint> --to <endpoint> --from-resource-id <arm id> --to-resource-id <arm id> …`:
// copy custom models (and optionally their projects and endpoints) to another Speech resource, print the mapping
// and write it as JSON.
import * as fs from "fs";
import { Presets, SingleBar } from "cli-progress";
import { MigrationAccessError, mappingTable, migrateRegion, type MigrationEvent } from "../components/region-migration";
import { ValidationError, ensure, httpsOrLoopbackUrl, speechResourceId, uuid } from "../components/domain";
import { redact } from "../components/speech-api";
import { EXIT, UnreachableError, UsageError, command, runCommand, runMain } from "./cli";

export { EXIT };

interface CliOptions {
  from: string;
  to: string;
  fromResourceId: string;
  toResourceId: string;
  fromKey?: string;
  toKey?: string;
  models?: string;
  projects?: boolean;
  endpoints?: boolean;
  dryRun?: boolean;
  json?: string;
  state: string;
  concurrency: string;
  progress: boolean;
}

function buildProgram() {
  return command(
    "migrate",
    "Copy custom speech models from one Speech resource to another (e.g. in another region), optionally with their projects and endpoints. " +
      "Keys come from --from-key/--to-key or $SPEECH_FROM_KEY/$SPEECH_TO_KEY; without a key, Microsoft Entra ID (DefaultAzureCredential), " +
      "which needs Cognitive Services Speech Contributor on both resources.",
    { failed: "some items failed (each is listed)", unreachable: "a Speech resource could not be reached, or refused the credentials" },
  )
    .requiredOption("--from <endpoint>", "source Speech endpoint, e.g. https://<name>.cognitiveservices.azure.com")
    .requiredOption("--to <endpoint>", "target Speech endpoint")
    .requiredOption("--from-resource-id <arm id>", "ARM id of the source Speech resource (the target authorizes it)")
    .requiredOption("--to-resource-id <arm id>", "ARM id of the target Speech resource")
    .option("--from-key <key>", "source key (else $SPEECH_FROM_KEY, else Entra ID)")
    .option("--to-key <key>", "target key (else $SPEECH_TO_KEY, else Entra ID)")
    .option("--models <ids>", "comma-separated source model ids (default: every trained custom model)")
    .option("--projects", "recreate the models' projects in the target")
    .option("--endpoints", "recreate the endpoints that serve the models, serving the copies")
    .option("--dry-run", "print what would happen; write nothing")
    .option("--json <file>", "write the mapping as JSON to this file")
    .option("--state <file>", "where copies in flight are recorded, so a rerun resumes them", "migrate-region.state.json")
    .option("--concurrency <n>", "copies in flight at once", "4")
    .option("--no-progress", "no progress bar (it is also off when stderr is not a terminal)");
}

function reporter(stream: NodeJS.WriteStream | undefined, clean: (text: string) => string): { onEvent: (e: MigrationEvent) => void; stop: () => void } {
  let bar: SingleBar | undefined;
  let done = 0;
  return {
    onEvent(e) {
      if (e.type === "planned" && stream) {
        bar = new SingleBar({ stream, format: "models [{bar}] {value}/{total} | {last}", hideCursor: true }, Presets.shades_classic);
        bar.start(e.models, 0, { last: "" });
      } else if (e.type === "done" || e.type === "failed") {
        bar?.update(++done, { last: `${e.model}: ${e.type === "done" ? e.status : "failed"}` });
        if (!stream) process.stderr.write(clean(`${e.model}: ${e.type === "done" ? e.status : `failed: ${e.message}`}\n`));
      }
    },
    stop: () => bar?.stop(),
  };
}

/** The same resource on both sides would copy each model onto itself: refused before anything is planned. */
function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const secrets = () => [o?.fromKey, o?.toKey, env.SPEECH_FROM_KEY, env.SPEECH_TO_KEY];
  let o: CliOptions | undefined;
  return runCommand(
    "migrate",
    async () => {
      o = buildProgram().parse(argv, { from: "user" }).opts<CliOptions>();
      ensure("--from", o.from, httpsOrLoopbackUrl());
      ensure("--to", o.to, httpsOrLoopbackUrl());
      ensure("--from-resource-id", o.fromResourceId, speechResourceId);
      ensure("--to-resource-id", o.toResourceId, speechResourceId);
      if (sameResource(o.fromResourceId, o.toResourceId) || sameResource(o.from, o.to)) {
        throw new UsageError(
          `--from-resource-id and --to-resource-id (or --from and --to) name the same Speech resource (${sameResource(o.fromResourceId, o.toResourceId) ? o.toResourceId : o.to}); ` +
            "a migration copies to another resource: give the target's endpoint and ARM id",
        );
      }
      for (const id of o.models?.split(",") ?? []) ensure("--models", id.trim(), uuid);
      if (!/^[1-9][0-9]*$/.test(o.concurrency)) throw new ValidationError("--concurrency", `--concurrency must be a whole number ≥ 1; got ${o.concurrency}`);
      const progress = reporter(o.progress && process.stderr.isTTY ? process.stderr : undefined, (text) => redact(text, secrets()));
      try {
        const result = await migrateRegion({
          from: { endpoint: o.from, key: o.fromKey ?? env.SPEECH_FROM_KEY },
          to: { endpoint: o.to, key: o.toKey ?? env.SPEECH_TO_KEY },
          fromResourceId: o.fromResourceId,
          toResourceId: o.toResourceId,
          models: o.models?.split(",").map((x) => x.trim()),
          projects: o.projects,
          endpoints: o.endpoints,
          dryRun: o.dryRun,
          statePath: o.state,
          concurrency: Number(o.concurrency),
          onEvent: progress.onEvent,
        });
        progress.stop();
        process.stdout.write(`${o.dryRun ? "dry run: nothing was written\n" : ""}${mappingTable(result)}\n`);
        if (o.json) fs.writeFileSync(o.json, redact(JSON.stringify(result, null, 2), secrets()) + "\n");
        for (const f of result.failures) process.stderr.write(`failed: ${f.item}: ${redact(f.message, secrets())}\n`);
        return result.failures.length ? EXIT.failed : EXIT.ok;
      } catch (e) {
        progress.stop();
        const message = `migrate failed: ${(e as Error).message ?? String(e)}`;
        throw e instanceof MigrationAccessError ? new UnreachableError(message) : new Error(message);
      }
    },
    { secrets },
  );
}

if (require.main === module) runMain((argv) => main(argv));
