#!/usr/bin/env node
// `npm run sync-data -- …`: validate training data folders, then sync them to blob storage and write the
// manifest the Dataset resources consume.
import * as fs from "fs";
import * as path from "path";
import { BlobServiceClient } from "@azure/storage-blob";
import { InvalidArgumentError } from "commander";
import { SingleBar, Presets } from "cli-progress";
import {
  DATASET_KINDS,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_CONCURRENCY,
  DEVELOPMENT_STORAGE,
  ManifestError,
  RULE_LIST,
  SPEECH_SKUS,
  SYNC_CACHE_FILE,
  TrainingDataValidationError,
  formatProblem,
  mergeManifest,
  parseKind,
  parsePurpose,
  parseSku,
  readManifest,
  redact,
  syncDatasets,
  validateDatasets,
  writeManifest,
  writeSasFile,
  CONTAINER_KINDS,
  type ContainerLayout,
  type DatasetCheck,
  type DatasetSpec,
  type SasFile,
  type StorageTarget,
  type SyncEvent,
} from "../components/training-data";
import { knownKeys } from "../components/domain";
import { EXIT, UnreachableError, UsageError, command, runCommand, runMain } from "./cli";

export { EXIT };

interface CliOptions {
  dataset?: string;
  kind?: string;
  locale?: string;
  name?: string;
  purpose?: string;
  container?: string;
  config?: string;
  connectionString?: string;
  accountUrl?: string;
  manifest: string;
  cache?: string;
  sku: string;
  validateOnly?: boolean;
  verify?: boolean;
  sasMinutes?: number;
  sasFile?: string;
  blockSizeMib?: number;
  concurrency?: number;
  progress: boolean;
  json?: boolean;
  trainingAudioContainer?: string;
  testAudioContainer?: string;
  relatedTextContainer?: string;
  pronunciationContainer?: string;
}

/** The keys of one entry of a --config file's "datasets", and of the file itself. */
const CONFIG_DATASET_KEYS = ["name", "dir", "kind", "locale", "purpose", "container"] as const;
const CONFIG_KEYS = ["datasets", "containers"] as const;

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(v)} is not a whole number ≥ 1`);
  return n;
};

function buildProgram() {
  return command("sync-data", "Validate Custom Speech training data folders, package them deterministically and sync them to Azure Blob Storage.", {
    failed: "validation errors (each is listed; nothing was uploaded)",
    unreachable: "storage could not be reached, or refused the credentials",
  })
    .option("--dataset <dir>", "folder of one dataset (with --kind and --locale)")
    .option("--kind <kind>", `dataset kind: ${DATASET_KINDS.join(", ")}`)
    .option("--locale <locale>", "dataset locale, e.g. en-US")
    .option("--name <name>", "dataset name in the manifest and blob path (default: the folder name)")
    .option("--purpose <purpose>", "training or test: picks the default container (default: test for AudioFiles, else training)")
    .option("--container <name>", "container for this dataset (overrides the kind's default)")
    .option("--config <file>", 'JSON file listing datasets: { "datasets": [{ "name", "dir", "kind", "locale", "purpose"?, "container"? }], "containers"?: {…} }')
    .option("--connection-string <string>", `storage connection string (else $AZURE_STORAGE_CONNECTION_STRING, else ${DEVELOPMENT_STORAGE} for Azurite)`)
    .option("--account-url <url>", "storage account URL, authenticated with Entra ID (DefaultAzureCredential)")
    .option("--training-audio-container <name>", "container for training audio (default training-audio)")
    .option("--test-audio-container <name>", "container for test audio (default test-audio)")
    .option("--related-text-container <name>", "container for text kinds (default related-text)")
    .option("--pronunciation-container <name>", "container for pronunciation files (default pronunciation)")
    .option("--manifest <file>", "manifest to write or update", "training-data.manifest.json")
    .option("--cache <file>", `sync cache (default: ${SYNC_CACHE_FILE} beside the manifest)`)
    .option("--sku <sku>", `Speech resource tier, ${SPEECH_SKUS.join(" or ")}: decides the text size limits`, "S0")
    .option("--validate-only", "validate and report; upload nothing")
    .option("--verify", "ignore the sync cache: re-validate, re-hash and re-check every dataset")
    .option("--sas-minutes <n>", "also mint a read-only SAS URL valid n minutes for each dataset (written to --sas-file, never printed)", positiveInt)
    .option("--sas-file <file>", "where SAS URLs go, readable by you only (default: <manifest>.sas.json)")
    .option("--block-size-mib <n>", `upload block size in MiB (default ${DEFAULT_BLOCK_SIZE / 1024 ** 2})`, positiveInt)
    .option("--concurrency <n>", `blocks uploaded in parallel (default ${DEFAULT_CONCURRENCY})`, positiveInt)
    .option("--no-progress", "no progress bar (it is also off when stderr is not a terminal)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      `\nValidation rules:\n${RULE_LIST.map((r) => `  ${r.id.padEnd(26)} ${r.severity.padEnd(7)} ${r.checks}`).join("\n")}\n`,
    );
}

function datasetSpecs(o: CliOptions): { specs: DatasetSpec[]; containers: Partial<ContainerLayout> } {
  const containers: Partial<ContainerLayout> = {};
  if (o.config) {
    if (o.dataset) throw new UsageError("use either --config or --dataset, not both");
    let raw: { datasets?: unknown; containers?: Partial<ContainerLayout> };
    try {
      raw = JSON.parse(fs.readFileSync(o.config, "utf8"));
    } catch (e) {
      throw new UsageError(`--config ${o.config}: ${(e as Error).message}`);
    }
    const inConfig = (check: () => void) => {
      try {
        check();
      } catch (e) {
        throw new UsageError(`--config ${o.config}: ${(e as Error).message}`);
      }
    };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UsageError(`--config ${o.config}: must be a JSON object with "datasets"`);
    inConfig(() => knownKeys("", raw, CONFIG_KEYS));
    if (!Array.isArray(raw.datasets) || raw.datasets.length === 0) throw new UsageError(`--config ${o.config}: "datasets" must be a non-empty array`);
    if (raw.containers !== undefined) inConfig(() => knownKeys("containers", raw.containers as Record<string, unknown>, CONTAINER_KINDS));
    const base = path.dirname(path.resolve(o.config));
    Object.assign(containers, raw.containers);
    const specs = (raw.datasets as Record<string, unknown>[]).map((d, i) => {
      if (typeof d !== "object" || d === null || Array.isArray(d)) throw new UsageError(`--config ${o.config}: datasets[${i}] must be an object with ${CONFIG_DATASET_KEYS.join(", ")}`);
      // A misspelt key ("dri") is named as unknown, not reported as the missing one.
      inConfig(() => knownKeys(`datasets[${i}]`, d, CONFIG_DATASET_KEYS));
      if (typeof d.dir !== "string") throw new UsageError(`--config ${o.config}: datasets[${i}].dir must be a folder path`);
      return { ...d, dir: path.resolve(base, d.dir) } as DatasetSpec;
    });
    return { specs, containers: withFlags(containers, o) };
  }
  if (!o.dataset) throw new UsageError("give --dataset <dir> (with --kind and --locale) or --config <file>");
  if (!o.kind) throw new UsageError(`--kind is required with --dataset; allowed values: ${DATASET_KINDS.join(", ")}`);
  // The option's name in messages: `--kind must be one of …`, as the stack file's `kind` is named there.
  parseKind(o.kind, "--kind");
  if (o.purpose !== undefined) parsePurpose(o.purpose, "--purpose");
  if (!o.locale) throw new UsageError("--locale is required with --dataset, e.g. --locale en-US");
  return {
    specs: [{ dir: o.dataset, kind: o.kind, locale: o.locale, name: o.name ?? path.basename(path.resolve(o.dataset)), purpose: o.purpose, container: o.container }],
    containers: withFlags(containers, o),
  };
}

function withFlags(c: Partial<ContainerLayout>, o: CliOptions): Partial<ContainerLayout> {
  const flags: Partial<ContainerLayout> = {
    trainingAudio: o.trainingAudioContainer,
    testAudio: o.testAudioContainer,
    relatedText: o.relatedTextContainer,
    pronunciation: o.pronunciationContainer,
  };
  return { ...c, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
}

function storageTarget(o: CliOptions): StorageTarget {
  if (o.connectionString && o.accountUrl) throw new UsageError("use either --connection-string or --account-url, not both");
  if (o.accountUrl) return { accountUrl: o.accountUrl };
  return { connectionString: o.connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING ?? DEVELOPMENT_STORAGE };
}

/** A progress bar per upload on `stream` (the CLI passes stderr only when it is a terminal); no stream, no bar. */
export function progressReporter(stream: NodeJS.WritableStream | undefined): { onEvent: (e: SyncEvent) => void; stop: () => void } {
  const mb = (n: number) => (n / 1024 ** 2).toFixed(1);
  let bar: SingleBar | undefined;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const onEvent = (e: SyncEvent) => {
    if (!stream) return;
    if (e.type === "upload-start") {
      bar = new SingleBar({ stream: stream as NodeJS.WriteStream, noTTYOutput: true, format: "{dataset} [{bar}] {percentage}% | {doneMb}/{totalMb} MB | {speed} MB/s", hideCursor: true }, Presets.shades_classic);
      bar.start(e.totalBytes, 0, { dataset: e.dataset, doneMb: mb(0), totalMb: mb(e.totalBytes), speed: "0.0" });
      started = Date.now();
    } else if (e.type === "upload-progress" && bar) {
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(e.progress.doneBytes, { doneMb: mb(e.progress.doneBytes), speed: mb(e.progress.uploadedBytes / secs) });
    } else if (e.type === "uploaded") {
      stop();
    }
  };
  return { onEvent, stop };
}

/** Every dataset's findings: one JSON line, or one text line per problem. */
function reportChecks(checks: readonly DatasetCheck[], ok: boolean, json: boolean | undefined, out: NodeJS.WritableStream): void {
  if (json) out.write(JSON.stringify({ ok, datasets: checks.map((c) => ({ name: c.dataset.name, problems: c.problems })) }) + "\n");
  else for (const c of checks) for (const p of c.problems) out.write(formatProblem(p, c.dataset.name) + "\n");
}

/** Where the data was going, for messages: the account URL, or the blob endpoint of the connection string. */
function storageUrl(storage: StorageTarget | undefined): string {
  if (!storage) return "the storage account";
  if ("accountUrl" in storage && storage.accountUrl) return storage.accountUrl;
  try {
    return BlobServiceClient.fromConnectionString((storage as { connectionString: string }).connectionString).url.split("?")[0];
  } catch {
    return "the storage account of the connection string";
  }
}

const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"]);

/** A storage failure, said so that the user knows what was tried and what to do (never a bare SDK message). */
export function storageFailure(e: unknown, storage: StorageTarget | undefined): UnreachableError {
  const err = e as Error & { statusCode?: number; code?: string; errors?: { name?: string; message?: string }[] };
  const url = storageUrl(storage);
  const local = /\/\/(127\.0\.0\.1|localhost)[:/]/.test(url);
  const entra = storage !== undefined && "accountUrl" in storage;
  const role = `give the identity Storage Blob Data Contributor on the storage account (or pass --connection-string)`;
  if (err?.name === "AggregateAuthenticationError" || err?.name === "CredentialUnavailableError" || err?.name === "AuthenticationRequiredError") {
    const chain = (err.errors ?? [err]).map((x) => `  - ${redact(String(x.message ?? x.name)).split("\n")[0]}`).join("\n");
    return new UnreachableError(
      `sync failed: no Microsoft Entra ID token for ${url}. DefaultAzureCredential tried:\n${chain}\n` +
        `Sign in with \`az login\` (workload identity or a managed identity in CI), and ${role}.`,
    );
  }
  if (err?.statusCode === 401 || err?.statusCode === 403) {
    const detail = redact(err.message ?? "").split("\n")[0];
    return new UnreachableError(`sync failed (${err.statusCode}): ${url} refused the credentials: ${detail}${entra ? `. Sign in with \`az login\` and ${role}.` : ". Check the connection string's account key."}`);
  }
  if (err?.code && NETWORK.has(err.code)) {
    const hint = local ? "is Azurite running there (`npm run azurite`, or `npx azurite-blob`)?" : "check the account URL, the network and the storage firewall.";
    return new UnreachableError(`sync failed (${err.code}): could not reach ${url}: ${hint}`);
  }
  const detail = [err?.name, err?.statusCode, err?.code].filter((x) => x !== undefined && x !== "Error").join(" ");
  return new UnreachableError(`sync failed${detail ? ` (${detail})` : ""} at ${url}: ${redact(err?.message ?? String(e)).split("\n")[0]}`);
}

export async function main(argv: string[]): Promise<number> {
  let progress: ReturnType<typeof progressReporter> | undefined;
  let storage: StorageTarget | undefined;
  let json: boolean | undefined;
  const out = process.stdout;
  return runCommand("sync-data", async () => {
    const o = buildProgram().parse(argv, { from: "user" }).opts<CliOptions>();
    json = o.json;
    progress = progressReporter(o.progress && !o.json && process.stderr.isTTY ? process.stderr : undefined);
    try {
      const { specs, containers } = datasetSpecs(o);
      const sku = parseSku(o.sku, "--sku");
      const manifestPath = path.resolve(o.manifest);
      const cachePath = o.cache ? path.resolve(o.cache) : path.join(path.dirname(manifestPath), SYNC_CACHE_FILE);
      if (o.validateOnly) {
        const checks = await validateDatasets(specs, { sku, containers, cachePath, verify: o.verify });
        reportChecks(checks, true, o.json, out);
        if (!o.json) out.write(`validated ${checks.length} dataset(s): no errors\n`);
        return EXIT.ok;
      }
      storage = storageTarget(o);
      const previous = await readManifest(manifestPath).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return undefined;
        throw e;
      });
      const results = await syncDatasets(specs, {
        storage,
        previous: previous?.datasets,
        sku,
        containers,
        cachePath,
        verify: o.verify,
        sasMinutes: o.sasMinutes,
        blockSize: o.blockSizeMib ? o.blockSizeMib * 1024 * 1024 : undefined,
        concurrency: o.concurrency,
        onEvent: progress.onEvent,
      });
      progress.stop();
      const changed = await writeManifest(manifestPath, mergeManifest(previous, results.map((r) => r.entry)));
      let sasFile: string | undefined;
      if (o.sasMinutes !== undefined) {
        sasFile = path.resolve(o.sasFile ?? `${manifestPath.replace(/\.json$/, "")}.sas.json`);
        await writeSasFile(sasFile, Object.fromEntries(results.map((r) => [r.entry.name, r.sas!])) as SasFile);
      }
      if (o.json) {
        out.write(JSON.stringify({ ok: true, manifest: manifestPath, manifestChanged: changed, sasFile, datasets: results.map((r) => ({ ...r.entry, status: r.status, bytesUploaded: r.bytesUploaded, blocksReused: r.blocksReused, warnings: r.warnings })) }) + "\n");
      } else {
        for (const r of results) {
          for (const w of r.warnings) out.write(formatProblem(w, r.entry.name) + "\n");
          out.write(`${r.status.padEnd(9)} ${r.entry.name}: ${r.entry.blobUrl} (${r.entry.sizeBytes} bytes, sha256 ${r.entry.contentHash.slice(0, 12)}…, ${r.bytesUploaded} bytes sent${r.blocksReused ? `, ${r.blocksReused} blocks resumed` : ""})\n`);
        }
        out.write(`manifest ${manifestPath} ${changed ? "updated" : "unchanged"}${sasFile ? `; SAS URLs in ${sasFile}` : ""}\n`);
      }
      return EXIT.ok;
    } catch (e) {
      progress.stop();
      if (e instanceof TrainingDataValidationError) {
        reportChecks(e.checks, false, json, out);
        process.stderr.write(`${e.message}\n`);
        return EXIT.failed;
      }
      if (e instanceof UsageError || (e as Error)?.name === "ValidationError") throw e;
      if (e instanceof ManifestError) throw new UsageError(e.message);
      throw storageFailure(e, storage);
    }
  });
}

if (require.main === module) runMain(main);
