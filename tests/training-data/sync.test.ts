import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { BlobServiceClient } from "@azure/storage-blob";
import {
  hashPackage,
  openPackageReader,
  readManifest,
  mergeManifest,
  writeManifest,
  resolveDataset,
  syncDataset,
  syncDatasets,
  uploadBlocksResumable,
  validateDataset,
  findDataset,
  TrainingDataValidationError,
  type SyncEvent,
} from "../../components/training-data";
import { startAzurite, type RunningAzurite } from "../support/azurite";
import { acousticFiles, makeDir, removeTempDirs } from "./fixtures";

let azurite: RunningAzurite;
let service: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzurite();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});
afterAll(async () => {
  await azurite?.stop();
  removeTempDirs();
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function download(url: string): Promise<Buffer> {
  const u = new URL(url);
  const [container, ...rest] = u.pathname.split("/").slice(2); // /devstoreaccount1/<container>/<blob>
  return service.getContainerClient(container).getBlobClient(decodeURIComponent(rest.join("/"))).downloadToBuffer();
}

describe("TrainingDataStore sync", () => {
  it("uploads a validated Acoustic dataset to a content-addressed blob with its hash in metadata, and describes it in the manifest", async () => {
    const dir = makeDir(acousticFiles(4, { durationMs: 1200 }));
    const work = makeDir();
    const result = await syncDataset({ name: "calls-v1", dir, kind: "Acoustic", locale: "en-US" }, { storage: { connectionString: azurite.connectionString }, cachePath: path.join(work, ".sync-cache.json"), blockSize: 16 * 1024 });
    const { entry } = result;
    expect(result.status).toBe("uploaded");
    expect(entry.blobUrl).toBe(`${azurite.blobEndpoint}/training-audio/en-US/calls-v1/${entry.contentHash}.zip`);
    expect(entry).toMatchObject({ name: "calls-v1", kind: "Acoustic", locale: "en-US", audioDurationMs: 4800, fileCount: 5 });

    const bytes = await download(entry.blobUrl);
    expect(bytes.length).toBe(entry.sizeBytes);
    expect(sha(bytes)).toBe(entry.contentHash);
    const props = await service.getContainerClient("training-audio").getBlobClient(`en-US/calls-v1/${entry.contentHash}.zip`).getProperties();
    expect(props.metadata).toMatchObject({ contenthash: entry.contentHash, kind: "Acoustic", locale: "en-US" });
    expect(props.contentType).toBe("application/zip");

    const manifestPath = path.join(work, "manifest.json");
    expect(await writeManifest(manifestPath, mergeManifest(undefined, [entry]))).toBe(true);
    expect(findDataset(await readManifest(manifestPath), "calls-v1")).toEqual(entry);
    // Writing the same entries again leaves the file untouched: no timestamps in the manifest.
    expect(await writeManifest(manifestPath, mergeManifest(await readManifest(manifestPath), [entry]))).toBe(false);
  });

  it("uploads nothing on an unchanged re-sync, even without the local cache when the manifest knows the dataset", async () => {
    const dir = makeDir(acousticFiles(3));
    const cachePath = path.join(makeDir(), ".sync-cache.json");
    const storage = { connectionString: azurite.connectionString };
    const first = await syncDataset({ name: "unchanged", dir, kind: "Acoustic", locale: "en-US" }, { storage, cachePath });
    const events: SyncEvent[] = [];
    const again = await syncDataset({ name: "unchanged", dir, kind: "Acoustic", locale: "en-US" }, { storage, cachePath, onEvent: (e) => events.push(e) });
    expect(again.status).toBe("unchanged");
    expect(again.bytesUploaded).toBe(0);
    expect(again.entry).toEqual(first.entry);
    // The cache answered validation and hashing: no package was read.
    expect(events.map((e) => e.type)).toEqual(["validated", "unchanged"]);
    expect(events[0]).toMatchObject({ fromCache: true });

    const verified: SyncEvent[] = [];
    const noCache = await syncDataset({ name: "unchanged", dir, kind: "Acoustic", locale: "en-US" }, { storage, previous: [first.entry], onEvent: (e) => verified.push(e) });
    expect(noCache.status).toBe("unchanged");
    expect(noCache.bytesUploaded).toBe(0);
    expect(verified.map((e) => e.type)).toEqual(["validated", "hashed", "unchanged"]);
  });

  it("uploads the same bytes again from the sync cache's facts when the content-addressed blob was deleted", async () => {
    const dir = makeDir(acousticFiles(3));
    const cachePath = path.join(makeDir(), ".sync-cache.json");
    const storage = { connectionString: azurite.connectionString };
    const first = await syncDataset({ name: "deleted", dir, kind: "Acoustic", locale: "en-US" }, { storage, cachePath });
    await service.getContainerClient("training-audio").deleteBlob(`en-US/deleted/${first.entry.contentHash}.zip`);
    const events: SyncEvent[] = [];
    const again = await syncDataset({ name: "deleted", dir, kind: "Acoustic", locale: "en-US" }, { storage, cachePath, onEvent: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ type: "validated", fromCache: true });
    expect(again.status).toBe("uploaded");
    expect(again.bytesUploaded).toBe(first.entry.sizeBytes);
    expect(again.entry).toEqual(first.entry);
    expect(sha(await download(again.entry.blobUrl))).toBe(first.entry.contentHash);
  });

  it("uploads a new blob when a clip changes, keeping the old version addressable", async () => {
    const files = acousticFiles(2);
    const dir = makeDir(files);
    const storage = { connectionString: azurite.connectionString };
    const cachePath = path.join(makeDir(), ".sync-cache.json");
    const v1 = await syncDataset({ name: "changing", dir, kind: "Acoustic", locale: "en-US" }, { storage, cachePath });
    const changed = Buffer.from(files["clip000.wav"] as Buffer);
    changed[100] ^= 0xff;
    fs.writeFileSync(path.join(dir, "clip000.wav"), changed);
    const v2 = await syncDataset({ name: "changing", dir, kind: "Acoustic", locale: "en-US" }, { storage, cachePath });
    expect(v2.status).toBe("uploaded");
    expect(v2.entry.contentHash).not.toBe(v1.entry.contentHash);
    expect(sha(await download(v1.entry.blobUrl))).toBe(v1.entry.contentHash);
    expect(sha(await download(v2.entry.blobUrl))).toBe(v2.entry.contentHash);
  });

  it("sends new data in one pass through a staging blob and leaves only the content-addressed blob", async () => {
    const dir = makeDir(acousticFiles(6));
    const events: SyncEvent[] = [];
    const result = await syncDataset({ name: "one-pass", dir, kind: "Acoustic", locale: "en-US" }, { storage: { connectionString: azurite.connectionString }, blockSize: 32 * 1024, onEvent: (e) => events.push(e) });
    expect(result.bytesUploaded).toBe(result.entry.sizeBytes);
    // Hashing happened while uploading: no separate hash pass before the upload started.
    expect(events.map((e) => e.type).filter((t) => t !== "upload-progress")).toEqual(["validated", "upload-start", "hashed", "uploaded"]);
    const names: string[] = [];
    for await (const b of service.getContainerClient("training-audio").listBlobsFlat({ prefix: "en-US/one-pass/" })) names.push(b.name);
    expect(names).toEqual([`en-US/one-pass/${result.entry.contentHash}.zip`]);
    const props = await service.getContainerClient("training-audio").getBlobClient(names[0]).getProperties();
    expect(props.metadata?.contenthash).toBe(result.entry.contentHash);
    expect(sha(await download(result.entry.blobUrl))).toBe(result.entry.contentHash);
  });

  it("resumes an interrupted sync of new data, sending only what the first attempt did not", async () => {
    const dir = makeDir(acousticFiles(10, { durationMs: 2000 }));
    const storage = { connectionString: azurite.connectionString };
    const cachePath = path.join(makeDir(), ".sync-cache.json");
    const spec = { name: "interrupted", dir, kind: "Acoustic", locale: "en-US" };
    const abort = new AbortController();
    const attempt = syncDataset(spec, {
      storage,
      cachePath,
      blockSize: 64 * 1024,
      concurrency: 1,
      abortSignal: abort.signal,
      onEvent: (e) => {
        if (e.type === "upload-progress" && e.progress.blocksStaged === 3) abort.abort();
      },
    });
    await expect(attempt).rejects.toThrow();
    const resumed = await syncDataset(spec, { storage, cachePath, blockSize: 64 * 1024 });
    expect(resumed.status).toBe("uploaded");
    expect(resumed.blocksReused).toBe(3);
    expect(resumed.bytesUploaded).toBe(resumed.entry.sizeBytes - 3 * 64 * 1024);
    expect(sha(await download(resumed.entry.blobUrl))).toBe(resumed.entry.contentHash);
  });

  it("uploads nothing when any dataset fails validation, and reports every problem", async () => {
    const good = makeDir({ "text.txt": "a fine sentence\n" });
    const bad = makeDir({ ...acousticFiles(2), "trans.txt": "clip000.wav\tone\n" });
    const err = await syncDatasets(
      [
        { name: "good-text", dir: good, kind: "Language", locale: "en-US" },
        { name: "bad-audio", dir: bad, kind: "Acoustic", locale: "en-US" },
      ],
      { storage: { connectionString: azurite.connectionString } },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDataValidationError);
    const checks = (err as TrainingDataValidationError).checks;
    expect(checks.find((c) => c.dataset.name === "bad-audio")!.problems.map((p) => `${p.rule} ${p.file}`)).toEqual(["trans-unlisted-audio clip001.wav"]);
    const blobs: string[] = [];
    for await (const c of service.listContainers()) {
      for await (const b of service.getContainerClient(c.name).listBlobsFlat()) blobs.push(b.name);
    }
    expect(blobs.filter((b) => b.includes("good-text") || b.includes("bad-audio"))).toEqual([]);
  });

  it("resumes an interrupted upload, staging only the blocks that are missing", async () => {
    const dir = makeDir(acousticFiles(12, { durationMs: 2000 })); // ~770 KB
    const report = await validateDataset(resolveDataset({ name: "resume", dir, kind: "Acoustic", locale: "en-US" }));
    const { sha256, sizeBytes } = await hashPackage("Acoustic", report.files);
    const blockSize = 64 * 1024;
    const totalBlocks = Math.ceil(sizeBytes / blockSize);
    const container = service.getContainerClient("resume-test");
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient(`en-US/resume/${sha256}.zip`);

    const abort = new AbortController();
    const first = uploadBlocksResumable(blob, openPackageReader("Acoustic", report.files), sizeBytes, {
      blockSize,
      concurrency: 2,
      expectedSha256: sha256,
      abortSignal: abort.signal,
      onProgress: (p) => {
        if (p.blocksStaged >= 4) abort.abort();
      },
    });
    await expect(first).rejects.toThrow();
    const staged = (await blob.getBlockList("uncommitted")).uncommittedBlocks ?? [];
    expect(staged.length).toBeGreaterThanOrEqual(4);
    expect(staged.length).toBeLessThan(totalBlocks);
    await expect(blob.exists()).resolves.toBe(false); // nothing committed

    const resumed = await uploadBlocksResumable(blob, openPackageReader("Acoustic", report.files), sizeBytes, { blockSize, concurrency: 2, expectedSha256: sha256 });
    // A block whose request was already on the wire when the abort came may still land after the listing above,
    // so the resume reuses at least the blocks listed and stages only what is missing.
    expect(resumed.blocksReused).toBeGreaterThanOrEqual(staged.length);
    expect(resumed.blocksReused).toBeLessThanOrEqual(staged.length + 2); // at most the in-flight ones (concurrency 2)
    expect(resumed.blocksStaged).toBe(totalBlocks - resumed.blocksReused);
    expect(resumed.uploadedBytes).toBeLessThan(sizeBytes);
    expect(sha(await blob.downloadToBuffer())).toBe(sha256);
  });

  it("refuses to commit when the bytes streamed are not the expected content", async () => {
    const dir = makeDir(acousticFiles(2));
    const report = await validateDataset(resolveDataset({ name: "x", dir, kind: "Acoustic", locale: "en-US" }));
    const { sizeBytes } = await hashPackage("Acoustic", report.files);
    const container = service.getContainerClient("mismatch-test");
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient("x.zip");
    await expect(uploadBlocksResumable(blob, openPackageReader("Acoustic", report.files), sizeBytes, { expectedSha256: "0".repeat(64) })).rejects.toThrow(/files changed while syncing/);
    await expect(blob.exists()).resolves.toBe(false);
  });

  it("gives a read-only SAS URL with a short expiry when asked, and puts text kinds in the related-text container", async () => {
    const dir = makeDir({ "corpus.txt": "turn the heating up\nturn the lights off\n" });
    const result = await syncDataset({ name: "phrases", dir, kind: "Language", locale: "en-US" }, { storage: { connectionString: azurite.connectionString }, sasMinutes: 30 });
    expect(result.entry.blobUrl).toBe(`${azurite.blobEndpoint}/related-text/en-US/phrases/${result.entry.contentHash}.txt`);
    const sasUrl = new URL(result.sas!.contentUrl);
    expect(sasUrl.searchParams.get("sp")).toBe("r");
    const expiry = Date.parse(result.sas!.expiresOn);
    expect(expiry - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    // The URL alone (no key) reads the blob, and cannot write it.
    const { BlockBlobClient } = await import("@azure/storage-blob");
    const anonymous = new BlockBlobClient(result.sas!.contentUrl);
    expect((await anonymous.downloadToBuffer()).toString()).toBe("turn the heating up\nturn the lights off\n");
    await expect(anonymous.upload("overwrite", 9)).rejects.toMatchObject({ statusCode: 403 });
  });
});
