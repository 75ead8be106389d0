import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as yauzl from "yauzl";
import { execFile } from "child_process";
import { ZipFile } from "yazl";
import { hashPackage, makeWav, openPackageReader, packageSize, resolveDataset, validateDataset, type DatasetKind, type LocalFile } from "../../components/training-data";
import { acousticFiles, makeDir, removeTempDirs } from "./fixtures";

afterAll(removeTempDirs);

/** The whole package, read through the package reader into fresh buffers of `chunk` bytes. */
function packageBytes(kind: DatasetKind, files: readonly LocalFile[], chunk = 1 << 20): Buffer {
  const reader = openPackageReader(kind, files);
  const parts: Buffer[] = [];
  try {
    for (let buf = Buffer.alloc(chunk), n = reader.read(buf); n > 0; buf = Buffer.alloc(chunk), n = reader.read(buf)) parts.push(buf.subarray(0, n));
  } finally {
    reader.close();
  }
  return Buffer.concat(parts);
}

async function packaged(dir: string, kind = "Acoustic") {
  const report = await validateDataset(resolveDataset({ name: "ds", dir, kind, locale: "en-US" }));
  expect(report.problems).toEqual([]);
  return { report, bytes: packageBytes(report.dataset.kind, report.files) };
}

function zipEntries(bytes: Buffer): Promise<{ name: string; method: number; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: { name: string; method: number; data: Buffer }[] = [];
      zip.on("entry", (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on("data", (d: Buffer) => parts.push(d));
          s.on("end", () => {
            out.push({ name: e.fileName, method: e.compressionMethod, data: Buffer.concat(parts) });
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(out));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

describe("TrainingData packaging", () => {
  it("gives byte-identical zips and the same content hash for the same files, whatever their mtimes or write order", async () => {
    const files = acousticFiles(5);
    const a = makeDir(files);
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const b = makeDir(reversed);
    fs.utimesSync(path.join(b, "clip002.wav"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
    const [pa, pb] = [await packaged(a), await packaged(b)];
    expect(pa.bytes.equals(pb.bytes)).toBe(true);
    const [ha, hb] = [await hashPackage(pa.report.dataset.kind, pa.report.files), await hashPackage(pb.report.dataset.kind, pb.report.files)];
    expect(ha.sha256).toBe(hb.sha256);
    expect(ha.sha256).toBe(createHash("sha256").update(pa.bytes).digest("hex"));
  });

  it("gives the same content hash in every time zone", async () => {
    const dir = makeDir(acousticFiles(2));
    const lib = JSON.stringify(path.resolve(__dirname, "../../components/training-data"));
    const script = `const td = require(${lib});
      td.validateDataset(td.resolveDataset({ name: "tz", dir: ${JSON.stringify(dir)}, kind: "Acoustic", locale: "en-US" }))
        .then((r) => td.hashPackage("Acoustic", r.files))
        .then((h) => process.stdout.write(h.sha256));`;
    const hashIn = (tz: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), "-e", script], { env: { ...process.env, TZ: tz } }, (err, out) => (err ? reject(err) : resolve(out))),
      );
    const [kiritimati, losAngeles] = await Promise.all([hashIn("Pacific/Kiritimati"), hashIn("America/Los_Angeles")]);
    expect(kiritimati).toMatch(/^[0-9a-f]{64}$/);
    expect(losAngeles).toBe(kiritimati);
  });

  it("changes the content hash when one byte of one clip changes", async () => {
    const files = acousticFiles(3);
    const a = makeDir(files);
    const changed = Buffer.from(files["clip001.wav"] as Buffer);
    changed[changed.length - 1] ^= 1;
    const b = makeDir({ ...files, "clip001.wav": changed });
    const [pa, pb] = [await packaged(a), await packaged(b)];
    expect((await hashPackage("Acoustic", pa.report.files)).sha256).not.toBe((await hashPackage("Acoustic", pb.report.files)).sha256);
  });

  it("stores audio and trans.txt at the zip root, sorted, and predicts the zip size exactly", async () => {
    const files = acousticFiles(4);
    const { report, bytes } = await packaged(makeDir(files));
    expect(packageSize("Acoustic", report.files)).toBe(bytes.length);
    expect(report.packageSizeBytes).toBe(bytes.length);
    const entries = await zipEntries(bytes);
    expect(entries.map((e) => e.name)).toEqual(["clip000.wav", "clip001.wav", "clip002.wav", "clip003.wav", "trans.txt"]);
    expect(entries.every((e) => e.method === 0)).toBe(true); // stored
    for (const e of entries) expect(e.data.equals(Buffer.from(files[e.name]))).toBe(true);
  });

  it("uploads a text dataset as the file itself", async () => {
    const text = "first sentence\nsecond sentence\n";
    const { report, bytes } = await packaged(makeDir({ "related.txt": text }), "Language");
    expect(bytes.toString()).toBe(text);
    expect(report.packageSizeBytes).toBe(Buffer.byteLength(text));
  });

  it("fails the package stream when a file shrinks after it was listed", async () => {
    const dir = makeDir(acousticFiles(2));
    const report = await validateDataset(resolveDataset({ name: "ds", dir, kind: "Acoustic", locale: "en-US" }));
    fs.truncateSync(path.join(dir, "clip001.wav"), 100);
    await expect(hashPackage("Acoustic", report.files)).rejects.toThrow(/clip001.wav: size changed from \d+ to 100 bytes since it was validated/);
  });

  it("writes exactly the zip yazl writes for the same entries, however the reader's buffers cut it", async () => {
    // 12 clips of ~100 KB straddle 1 MiB read buffers; a 140 s clip (4.5 MB) is streamed with a data descriptor.
    const files = acousticFiles(12, { durationMs: 3200 });
    files["long.wav"] = makeWav({ durationMs: 140_000, seed: 99 });
    files["trans.txt"] += "long.wav\ta long clip\n";
    const report = await validateDataset(resolveDataset({ name: "ds", dir: makeDir(files), kind: "Acoustic", locale: "en-US" }));
    expect(report.problems.map((p) => p.rule)).toEqual(["clip-length-training"]); // a warning: the clip still packages

    const zip = new ZipFile();
    const options = { mtime: new Date(1980, 0, 1), mode: 0o100644, compress: false, forceDosTimestamp: true };
    for (const f of report.files) {
      if (f.size > 4 * 1024 * 1024) zip.addReadStream(fs.createReadStream(f.path), f.name, { ...options, size: f.size });
      else zip.addBuffer(fs.readFileSync(f.path), f.name, options);
    }
    zip.end();
    const reference: Buffer[] = [];
    for await (const c of zip.outputStream) reference.push(c as Buffer);
    expect(packageBytes("Acoustic", report.files).equals(Buffer.concat(reference))).toBe(true);
    expect(packageBytes("Acoustic", report.files, 7777).equals(Buffer.concat(reference))).toBe(true);
  });

  it("fails the package when a file grows after it was listed", async () => {
    const dir = makeDir(acousticFiles(2));
    const report = await validateDataset(resolveDataset({ name: "ds", dir, kind: "Acoustic", locale: "en-US" }));
    fs.appendFileSync(path.join(dir, "clip000.wav"), Buffer.alloc(10));
    await expect(hashPackage("Acoustic", report.files)).rejects.toThrow(/clip000.wav: size changed from (\d+) to \d+ bytes since it was validated/);
  });
});
