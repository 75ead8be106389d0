// Training data sync throughput against a real Azurite:
// - syncThroughputRatio: one raw `uploadData` of the same byte count, divided by the time of a first sync
//   of a generated ≥ 200 MB, ≥ 2,000-file Acoustic corpus (validate + hash + package + resumable upload). Goal ≥ 0.8.
//   How the two are kept comparable: the same Azurite process, the same byte count, each path warmed up once
//   beforehand (a small uploadData; a small sync), both timed with the same wall clock around one awaited
//   call, and the corpus freshly written (page-cached) as it would be after a data-preparation step. The raw
//   side is `uploadData` from memory with SDK defaults, which for ≤ 256 MiB is ONE Put Blob request; the sync
//   must read, validate, zip, sha256 and stage resumable 8 MiB blocks, then copy to the content-addressed
//   name. Nothing from the measured first sync is cached beforehand (fresh cache path, fresh blob names).
// - resyncNoChangeBytes (goal 0) and resyncTimeRatio = no-change re-sync time / first sync time (goal ≤ 0.05).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BlobServiceClient } from "@azure/storage-blob";
import { makeWav, syncDataset, type DatasetSpec } from "../components/training-data";
import { startAzurite } from "../tests/support/azurite";

const FILES = 2000;
const CLIP_MS = 3200; // 16 kHz mono 16-bit: 102,400 sample bytes per clip, ~205 MB in all

function log(msg: string): void {
  process.stderr.write(`  sync.bench: ${msg}\n`);
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

function writeCorpus(dir: string, files = FILES): void {
  const base = makeWav({ durationMs: CLIP_MS, seed: 7 });
  const lines: string[] = [];
  for (let i = 0; i < files; i++) {
    const name = `utt${String(i).padStart(5, "0")}.wav`;
    base.writeUInt32LE(i, 44); // every clip differs in its first sample bytes
    fs.writeFileSync(path.join(dir, name), base);
    lines.push(`${name}\tthis is generated utterance number ${i}`);
  }
  fs.writeFileSync(path.join(dir, "trans.txt"), lines.join("\n") + "\n");
}

export default async function syncBench(): Promise<Record<string, number>> {
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), "sync-bench-"));
  const azurite = await startAzurite();
  try {
    const dir = path.join(work, "corpus");
    fs.mkdirSync(dir);
    writeCorpus(dir);
    const storage = { connectionString: azurite.connectionString };
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const spec: DatasetSpec = { name: "bench", dir, kind: "Acoustic", locale: "en-US" };
    const cachePath = path.join(work, ".sync-cache.json");

    // Warm up both paths on a few megabytes (connections, JIT) so neither measured run pays for them.
    const warm = service.getContainerClient("warmup");
    await warm.createIfNotExists();
    await warm.getBlockBlobClient("w").uploadData(Buffer.alloc(4 * 1024 * 1024, 1));
    const warmDir = path.join(work, "warmup");
    fs.mkdirSync(warmDir);
    writeCorpus(warmDir, 40);
    await syncDataset({ name: "warmup", dir: warmDir, kind: "Acoustic", locale: "en-US" }, { storage });

    const first = await time(() => syncDataset(spec, { storage, cachePath }));
    const bytes = first.value.entry.sizeBytes;
    log(`first sync: ${bytes} bytes in ${first.ms.toFixed(0)} ms (${first.value.entry.fileCount} files)`);

    const raw = Buffer.alloc(bytes, 0x5a);
    const rawBlob = service.getContainerClient("raw");
    await rawBlob.createIfNotExists();
    const rawRun = await time(() => rawBlob.getBlockBlobClient("raw.bin").uploadData(raw));
    log(`raw uploadData: ${rawRun.ms.toFixed(0)} ms`);

    const again = await time(() => syncDataset(spec, { storage, cachePath }));
    log(`no-change re-sync: ${again.value.bytesUploaded} bytes in ${again.ms.toFixed(1)} ms (${again.value.status})`);

    return {
      syncCorpusBytes: bytes,
      syncCorpusFiles: first.value.entry.fileCount,
      syncFirstMs: Math.round(first.ms),
      syncRawUploadMs: Math.round(rawRun.ms),
      syncThroughputRatio: +(rawRun.ms / first.ms).toFixed(3),
      resyncNoChangeBytes: again.value.bytesUploaded,
      resyncNoChangeMs: +again.ms.toFixed(1),
      resyncTimeRatio: +(again.ms / first.ms).toFixed(4),
    };
  } finally {
    await azurite.stop();
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}
