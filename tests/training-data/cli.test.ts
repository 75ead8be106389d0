import { execFile } from "child_process";
import { PassThrough } from "stream";
import * as fs from "fs";
import * as path from "path";
import { BlobServiceClient } from "@azure/storage-blob";
import { readManifest } from "../../components/training-data";
import { progressReporter } from "../../scripts/sync-training-data";
import { startAzurite, AZURITE_KEY, type RunningAzurite } from "../support/azurite";
import { acousticFiles, makeDir, removeTempDirs } from "./fixtures";

const ROOT = path.resolve(__dirname, "../..");
const SCRIPT = path.join(ROOT, "scripts/sync-training-data.ts");
const TS_NODE = require.resolve("ts-node/dist/bin.js");

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
  removeTempDirs();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function syncData(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TS_NODE, "--transpile-only", SCRIPT, ...args],
      { cwd: ROOT, env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

async function blobNames(): Promise<string[]> {
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const names: string[] = [];
  for await (const c of service.listContainers()) for await (const b of service.getContainerClient(c.name).listBlobsFlat()) names.push(`${c.name}/${b.name}`);
  return names;
}

describe("sync-data command", () => {
  it("syncs datasets from a config file, writes the manifest and a SAS file, and says unchanged on a re-run", async () => {
    const work = makeDir();
    fs.mkdirSync(path.join(work, "audio"));
    for (const [n, c] of Object.entries(acousticFiles(3))) fs.writeFileSync(path.join(work, "audio", n), c);
    fs.mkdirSync(path.join(work, "lexicon"));
    fs.writeFileSync(path.join(work, "lexicon", "pron.txt"), "CNTK\tc n t k\nIEEE\ti triple e\n");
    fs.writeFileSync(
      path.join(work, "datasets.json"),
      JSON.stringify({
        datasets: [
          { name: "cli-audio", dir: "audio", kind: "Acoustic", locale: "en-US" },
          { name: "cli-lexicon", dir: "lexicon", kind: "Pronunciation", locale: "en-US" },
        ],
      }),
    );
    const manifest = path.join(work, "out", "manifest.json");
    const first = await syncData(["--config", path.join(work, "datasets.json"), "--manifest", manifest, "--sas-minutes", "15"]);
    expect(first.stderr).not.toContain(AZURITE_KEY);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^uploaded\s+cli-audio:/m);
    const m = await readManifest(manifest);
    expect(m.datasets.map((d) => [d.name, d.kind, d.fileCount])).toEqual([
      ["cli-audio", "Acoustic", 4],
      ["cli-lexicon", "Pronunciation", 1],
    ]);
    expect(m.datasets[0].blobUrl).toBe(`${azurite.blobEndpoint}/training-audio/en-US/cli-audio/${m.datasets[0].contentHash}.zip`);
    expect(m.datasets[1].blobUrl).toMatch(/\/pronunciation\/en-US\/cli-lexicon\/[0-9a-f]{64}\.txt$/);
    expect(fs.existsSync(path.join(work, "out", ".sync-cache.json"))).toBe(true);
    // SAS URLs are secrets: in their own owner-only file, never on stdout or in the manifest.
    const sasFile = path.join(work, "out", "manifest.sas.json");
    expect(fs.statSync(sasFile).mode & 0o777).toBe(0o600);
    const sas = JSON.parse(fs.readFileSync(sasFile, "utf8"));
    expect(sas["cli-audio"].contentUrl).toContain("sig=");
    expect(first.stdout).not.toContain("sig=");
    expect(fs.readFileSync(manifest, "utf8")).not.toContain("sig=");

    const before = fs.readFileSync(manifest, "utf8");
    const again = await syncData(["--config", path.join(work, "datasets.json"), "--manifest", manifest, "--json"]);
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout);
    expect(json.manifestChanged).toBe(false);
    expect(json.datasets.map((d: { status: string; bytesUploaded: number }) => [d.status, d.bytesUploaded])).toEqual([
      ["unchanged", 0],
      ["unchanged", 0],
    ]);
    expect(fs.readFileSync(manifest, "utf8")).toBe(before);
  });

  it("a re-sync to a new manifest path finds the data already in storage: unchanged, nothing sent", async () => {
    const work = makeDir();
    fs.mkdirSync(path.join(work, "audio"));
    for (const [n, c] of Object.entries(acousticFiles(2))) fs.writeFileSync(path.join(work, "audio", n), c);
    const args = ["--dataset", path.join(work, "audio"), "--kind", "Acoustic", "--locale", "en-US", "--name", "moved-manifest"];
    const first = await syncData([...args, "--manifest", path.join(work, "a", "manifest.json")]);
    expect(first.stdout).toMatch(/^uploaded\s+moved-manifest:/m);
    const second = await syncData([...args, "--manifest", path.join(work, "b", "manifest.json")]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^unchanged\s+moved-manifest: .*\(\d+ bytes, sha256 [0-9a-f]{12}…, 0 bytes sent\)$/m);
    expect((await readManifest(path.join(work, "b", "manifest.json"))).datasets[0].blobUrl).toBe((await readManifest(path.join(work, "a", "manifest.json"))).datasets[0].blobUrl);
  });

  it("exits 3 naming the credential chain and the role when no identity is signed in", async () => {
    // An account URL makes the tool use Microsoft Entra ID; with no Azure CLI login, environment or managed identity
    // every credential of the chain is unavailable.
    const run = await syncData(["--dataset", makeDir({ "t.txt": "hello there\n" }), "--kind", "Language", "--locale", "en-US", "--manifest", path.join(makeDir(), "m.json"), "--account-url", "https://contosospeechdata.blob.core.windows.net"], {
      AZURE_CONFIG_DIR: makeDir(),
      PATH: path.dirname(process.execPath),
      IDENTITY_ENDPOINT: "",
      MSI_ENDPOINT: "",
      AZURE_CLIENT_ID: "",
      AZURE_TENANT_ID: "",
      AZURE_FEDERATED_TOKEN_FILE: "",
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("https://contosospeechdata.blob.core.windows.net");
    expect(run.stderr).toMatch(/az login/);
    expect(run.stderr).toMatch(/Storage Blob Data Contributor/);
    expect(run.stderr).toMatch(/EnvironmentCredential/);
  }, 90_000);

  it("exits 1 with every problem listed by file, line and rule, and uploads nothing", async () => {
    const dir = makeDir({ ...acousticFiles(2), "trans.txt": "clip000.wav\tone\nclip001.wav\n", "clip002.wav": Buffer.from("RIFF....WAVEjunk") });
    const before = await blobNames();
    const run = await syncData(["--dataset", dir, "--kind", "Acoustic", "--locale", "en-US", "--name", "broken", "--manifest", path.join(makeDir(), "m.json")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/error\s+trans-line-format\s+broken\/trans\.txt:2: no tab/);
    expect(run.stdout).toMatch(/error\s+wav-header\s+broken\/clip002\.wav:/);
    expect(run.stdout).toMatch(/error\s+trans-unlisted-audio\s+broken\/clip002\.wav:/);
    expect(run.stderr).toMatch(/nothing was uploaded/);
    expect(await blobNames()).toEqual(before);
  });

  it("exits 2 on a usage error, naming the option and the allowed values", async () => {
    const run = await syncData(["--dataset", makeDir(), "--kind", "Audio", "--locale", "en-US"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kind must be one of Acoustic, AudioFiles, Language, LanguageMarkdown, Pronunciation, OutputFormatting; got "Audio"');
    const missing = await syncData(["--kind", "Language"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--dataset <dir>.*or --config <file>/);
  });

  it("exits 3 when storage refuses the credentials, without printing the key", async () => {
    const badKey = Buffer.from("not the right key at all, but base64 all the same").toString("base64");
    const wrong = azurite.connectionString.replace(AZURITE_KEY, badKey);
    const run = await syncData(["--dataset", makeDir({ "t.txt": "hello there\n" }), "--kind", "Language", "--locale", "en-US", "--manifest", path.join(makeDir(), "m.json")], {
      AZURE_STORAGE_CONNECTION_STRING: wrong,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/sync failed.*403/);
    expect(run.stderr + run.stdout).not.toContain(badKey);
  });

  it("prints help with the exit codes and every validation rule", async () => {
    const run = await syncData(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Exit codes:\n  0  done\n  1  validation errors");
    expect(run.stdout).toMatch(/wav-sample-rate\s+error\s+The sample rate is 8000 or 16000 Hz/);
  });

  it("draws an upload progress bar in megabytes", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const bar = progressReporter(out);
    const total = 3 * 1024 * 1024;
    bar.onEvent({ type: "upload-start", dataset: "calls", totalBytes: total });
    bar.onEvent({ type: "upload-progress", dataset: "calls", progress: { totalBytes: total, doneBytes: total, uploadedBytes: total, blocksStaged: 3, blocksReused: 0 } });
    bar.stop();
    expect(text).toMatch(/calls \[█+\] 100% \| 3\.0\/3\.0 MB/);
  });
});
