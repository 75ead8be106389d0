import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as yauzl from "yauzl";
import { execFile } from "child_process";
import { hashPackage, openPackage, packageSize, resolveDataset, validateDataset } from "../../components/training-data";
import { acousticFiles, makeDir, removeTempDirs } from "./fixtures";

afterAll(removeTempDirs);

async function packaged(dir: string, kind = "Acoustic") {
  const report = await validateDataset(resolveDataset({ name: "ds", dir, kind, locale: "en-US" }));
  expect(report.problems).toEqual([]);
  const chunks: Buffer[] = [];
  for await (const c of openPackage(report.dataset.kind, report.files)) chunks.push(c as Buffer);
  return { report, bytes: Buffer.concat(chunks) };
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
});
