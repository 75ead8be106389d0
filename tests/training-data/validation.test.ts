import * as fs from "fs";
import * as path from "path";
import {
  RULE_LIST,
  makeWav,
  readWavInfo,
  resolveDataset,
  validateDataset,
  parseKind,
  parseLocale,
  ValidationError,
  type Problem,
  type Sku,
} from "../../components/training-data";
import { acousticFiles, makeDir, removeTempDirs, type FileContent } from "./fixtures";

afterAll(removeTempDirs);

async function validate(kind: string, files: Record<string, FileContent>, o: { locale?: string; sku?: Sku; purpose?: string; dir?: string } = {}) {
  const dir = o.dir ?? makeDir(files);
  const dataset = resolveDataset({ name: "ds", dir, kind, locale: o.locale ?? "en-US", purpose: o.purpose });
  return validateDataset(dataset, { sku: o.sku });
}

const rulesOf = (problems: Problem[]) => [...new Set(problems.map((p) => p.rule))].sort();

const acousticWith = (changes: Record<string, FileContent | null>) => {
  const files = acousticFiles(2);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return files;
};

const pcmFloat32 = () => {
  const w = makeWav({ bitsPerSample: 32 });
  w.writeUInt16LE(3, 20); // IEEE float
  return w;
};
/** A 16 kHz mono WAV whose data chunk is `dataBytes` long, as a sparse file: big on paper, nothing on disk. */
function sparseWav(file: string, dataBytes: number): void {
  const n = Math.floor(dataBytes / 2) * 2;
  const head = makeWav({ durationMs: 0 });
  head.writeUInt32LE(n, 40);
  fs.writeFileSync(file, head);
  fs.truncateSync(file, 44 + n);
}
const truncated = () => makeWav().subarray(0, 1000);

interface Case {
  rule: string;
  kind: string;
  files: Record<string, FileContent>;
  locale?: string;
  sku?: Sku;
  purpose?: string;
  file: string;
  line?: number;
}

const cases: Case[] = [
  { rule: "layout-subfolder", kind: "Acoustic", files: acousticWith({ "nested/a.wav": makeWav() }), file: "nested" },
  { rule: "layout-unexpected-file", kind: "Acoustic", files: acousticWith({ "notes.mp3": "x" }), file: "notes.mp3" },
  { rule: "layout-unexpected-file", kind: "Language", files: { "a.txt": "hello\n", "b.txt": "more\n" }, file: "b.txt" },
  { rule: "layout-empty", kind: "AudioFiles", files: {}, file: "." },
  { rule: "layout-empty", kind: "Language", files: { "a.txt": "\n  \n" }, file: "a.txt" },
  { rule: "wav-header", kind: "AudioFiles", files: { "a.wav": "this is not audio at all" }, file: "a.wav" },
  { rule: "wav-encoding", kind: "AudioFiles", files: { "a.wav": pcmFloat32() }, file: "a.wav" },
  { rule: "wav-sample-rate", kind: "AudioFiles", files: { "a.wav": makeWav({ sampleRate: 44100 }) }, file: "a.wav" },
  { rule: "wav-bit-depth", kind: "AudioFiles", files: { "a.wav": makeWav({ bitsPerSample: 8 }) }, file: "a.wav" },
  { rule: "wav-channels", kind: "AudioFiles", files: { "a.wav": makeWav({ channels: 2 }) }, file: "a.wav" },
  { rule: "wav-truncated", kind: "AudioFiles", files: { "a.wav": truncated() }, file: "a.wav" },
  { rule: "clip-length-training", kind: "Acoustic", files: acousticFiles(1, { durationMs: 41_000 }), file: "clip000.wav" },
  { rule: "trans-missing", kind: "Acoustic", files: acousticWith({ "trans.txt": null }), file: "trans.txt" },
  { rule: "trans-line-format", kind: "Acoustic", files: acousticWith({ "trans.txt": "clip000.wav\tone\nclip001.wav no tab here\n" }), file: "trans.txt", line: 2 },
  { rule: "trans-unknown-audio", kind: "Acoustic", files: acousticWith({ "trans.txt": "clip000.wav\tone\nclip001.wav\ttwo\nmissing.wav\tthree\n" }), file: "trans.txt", line: 3 },
  { rule: "trans-duplicate", kind: "Acoustic", files: acousticWith({ "trans.txt": "clip000.wav\tone\nclip001.wav\ttwo\nclip000.wav\tagain\n" }), file: "trans.txt", line: 3 },
  { rule: "trans-unlisted-audio", kind: "Acoustic", files: acousticWith({ "trans.txt": "clip000.wav\tone\n" }), file: "clip001.wav" },
  { rule: "text-utf8", kind: "Language", files: { "a.txt": Buffer.concat([Buffer.from("fine line\n"), Buffer.from([0x63, 0xe9, 0x74, 0x0a])]) }, file: "a.txt", line: 2 },
  { rule: "text-control-char", kind: "Language", files: { "a.txt": "ok\nbell \u0007 here\n" }, file: "a.txt", line: 2 },
  { rule: "text-bom", kind: "Acoustic", files: acousticFiles(1), locale: "de-DE", file: "trans.txt" },
  { rule: "text-ascii", kind: "Acoustic", files: acousticWith({ "trans.txt": "clip000.wav\tcafé au lait\nclip001.wav\ttwo\n" }), file: "trans.txt", line: 1 },
  { rule: "text-uri", kind: "Language", files: { "a.txt": "see https://contoso.com for more\n" }, file: "a.txt", line: 1 },
  { rule: "text-repetition", kind: "Language", files: { "a.txt": "fine\nyeah yeah yeah yeah yeah\n" }, file: "a.txt", line: 2 },
  { rule: "text-repetition", kind: "LanguageMarkdown", files: { "a.md": "sooooo good\n" }, file: "a.md", line: 1 },
  { rule: "pronunciation-size", kind: "Pronunciation", sku: "F0", files: { "p.txt": "3CPO\tthree c p o\n".repeat(100) }, file: "p.txt" },
  { rule: "pronunciation-line-format", kind: "Pronunciation", files: { "p.txt": "3CPO\tthree c p o\nCNTK only display\n" }, file: "p.txt", line: 2 },
  { rule: "pronunciation-duplicate", kind: "Pronunciation", files: { "p.txt": "IEEE\ti triple e\nieee\ti e e e\n" }, file: "p.txt", line: 2 },
  { rule: "markdown-list-reference", kind: "LanguageMarkdown", files: { "a.md": "@list food =\n- pizza\n\n# sentences\n- I want {food}\n- call {person}\n" }, file: "a.md", line: 6 },
  { rule: "output-formatting-section", kind: "OutputFormatting", files: { "f.md": "#ITN\nfoo\n#spelling\nbar\n" }, file: "f.md", line: 3 },
  { rule: "output-formatting-limit", kind: "OutputFormatting", files: { "f.md": "#ITN\n" + "rule\n".repeat(201) }, file: "f.md", line: 1 },
];

describe("TrainingData validation", () => {
  it("accepts a well-formed Acoustic dataset and reports its audio duration", async () => {
    const report = await validate("Acoustic", acousticFiles(3, { durationMs: 1500 }));
    expect(report.problems).toEqual([]);
    expect(report.audioDurationMs).toBe(4500);
    expect(report.files.map((f) => f.name)).toEqual(["clip000.wav", "clip001.wav", "clip002.wav", "trans.txt"]);
  });

  it.each(cases.map((c) => [c.rule, c.kind, c] as const))("flags %s in a %s dataset, naming file and line", async (_rule, _kind, c) => {
    const report = await validate(c.kind, c.files, { locale: c.locale, sku: c.sku, purpose: c.purpose });
    const hit = report.problems.find((p) => p.rule === c.rule);
    expect(hit).toBeDefined();
    expect(hit!.file).toBe(c.file);
    if (c.line !== undefined) expect(hit!.line).toBe(c.line);
    expect(hit!.severity).toBe(RULE_LIST.find((r) => r.id === c.rule)!.severity);
  });

  it("has a test case for every rule that small files can trigger", () => {
    // These need a missing folder, gigabytes or hours of audio: they have their own tests below (sparse files).
    const large = ["zip-size", "zip-file-count", "clip-length-max", "audio-total-duration", "layout-missing", "text-size"];
    const covered = new Set(cases.map((c) => c.rule));
    expect(RULE_LIST.map((r) => r.id).filter((id) => !covered.has(id) && !large.includes(id))).toEqual([]);
  });

  it("documents every rule in docs/training-data.md with its severity", () => {
    const doc = fs.readFileSync(path.join(__dirname, "../../docs/training-data.md"), "utf8");
    for (const r of RULE_LIST) expect(doc).toContain(`| \`${r.id}\` | ${r.severity} |`);
  });

  it("flags a clip over two hours from its header alone, without reading the samples", async () => {
    const dir = makeDir();
    sparseWav(path.join(dir, "long.wav"), 3 * 3600 * 16000 * 2);
    const report = await validate("AudioFiles", {}, { dir });
    expect(rulesOf(report.problems)).toEqual(["clip-length-max"]);
    expect(report.audioDurationMs).toBe(3 * 3600_000);
  });

  it("flags more than 10,000 files and a zip over 2 GB", async () => {
    const dir = makeDir();
    const tiny = makeWav({ durationMs: 1 });
    const lines: string[] = [];
    for (let i = 0; i <= 10_000; i++) {
      const name = `c${String(i).padStart(5, "0")}.wav`;
      fs.writeFileSync(path.join(dir, name), tiny);
      lines.push(`${name}\tsentence`);
    }
    sparseWav(path.join(dir, "c00000.wav"), 2.1 * 1024 ** 3);
    fs.writeFileSync(path.join(dir, "trans.txt"), lines.join("\n"));
    const report = await validate("Acoustic", {}, { dir, purpose: "test" });
    expect(rulesOf(report.problems)).toEqual(expect.arrayContaining(["zip-file-count", "zip-size"]));
    expect(report.problems.find((p) => p.rule === "zip-file-count")!.message).toMatch(/^10002 files/);
  });

  it("warns when training audio exceeds the 100 hours the service uses, from headers alone", async () => {
    const dir = makeDir();
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      sparseWav(path.join(dir, `a${i}.wav`), 35 * 3600 * 16000 * 2); // 35 h each
      lines.push(`a${i}.wav\ttext`);
    }
    fs.writeFileSync(path.join(dir, "trans.txt"), lines.join("\n"));
    const report = await validate("Acoustic", {}, { dir });
    expect(report.problems.find((p) => p.rule === "audio-total-duration")!.message).toMatch(/^105 h of audio/);
  });

  it("flags a text file over the F0 limit without reading it", async () => {
    const dir = makeDir({ "a.txt": "a sentence\n" });
    fs.truncateSync(path.join(dir, "a.txt"), 200 * 1024 ** 2 + 1); // sparse: the tail is NUL bytes nobody reads
    const f0 = await validate("Language", {}, { dir, sku: "F0" });
    expect(rulesOf(f0.problems)).toEqual(["text-size"]);
    expect(f0.problems[0].message).toMatch(/at most 200 MB on F0/);
  });

  it("reports a missing folder", async () => {
    const report = await validate("Language", {}, { dir: path.join(makeDir(), "nope") });
    expect(rulesOf(report.problems)).toEqual(["layout-missing"]);
  });

  it("caps repeated findings of one rule in one file and counts the rest", async () => {
    const report = await validate("Language", { "a.txt": "see www.contoso.com now\n".repeat(50) });
    const uri = report.problems.filter((p) => p.rule === "text-uri");
    expect(uri).toHaveLength(21);
    expect(uri[20].message).toMatch(/^30 more findings/);
  });

  it("accepts a UTF-8 byte-order mark, CRLF line ends and a last line without a line end", async () => {
    const report = await validate("Acoustic", acousticWith({ "trans.txt": "\ufeffclip000.wav\tone\r\nclip001.wav\ttwo" }), { locale: "de-DE" });
    expect(report.problems).toEqual([]);
  });

  it("ignores hidden files such as .DS_Store", async () => {
    const report = await validate("Acoustic", acousticWith({ ".DS_Store": "junk" }));
    expect(report.problems).toEqual([]);
    expect(report.files.some((f) => f.name === ".DS_Store")).toBe(false);
  });

  it("suggests the right name when trans.txt differs only in case", async () => {
    const report = await validate("Acoustic", acousticWith({ "trans.txt": "CLIP000.wav\tone\nclip001.wav\ttwo\n" }));
    expect(report.problems.find((p) => p.rule === "trans-unknown-audio")!.message).toContain("did you mean clip000.wav");
  });

  it("reads WAV_FORMAT_EXTENSIBLE PCM headers and skips unknown chunks before the data", async () => {
    const plain = makeWav({ durationMs: 250 });
    const fmt = Buffer.alloc(8 + 40);
    fmt.write("fmt ", 0, "latin1");
    fmt.writeUInt32LE(40, 4);
    plain.copy(fmt, 8, 20, 36); // the 16 bytes of the plain fmt
    fmt.writeUInt16LE(0xfffe, 8);
    fmt.writeUInt16LE(22, 24);
    fmt.writeUInt16LE(16, 26);
    fmt.writeUInt32LE(4, 28);
    Buffer.from("0100000000001000800000aa00389b71", "hex").copy(fmt, 32);
    const list = Buffer.concat([Buffer.from("LIST"), Buffer.from([3, 0, 0, 0]), Buffer.from("abc\0")]); // odd length, padded
    const body = Buffer.concat([Buffer.from("WAVE"), list, fmt, plain.subarray(36)]);
    const head = Buffer.alloc(8);
    head.write("RIFF", 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    const dir = makeDir({ "x.wav": Buffer.concat([head, body]) });
    const info = readWavInfo(path.join(dir, "x.wav"));
    expect(info).toMatchObject({ pcm: true, channels: 1, sampleRate: 16000, bitsPerSample: 16, durationMs: 250, missingBytes: 0 });
  });
});

describe("Dataset options", () => {
  it("rejects an unknown kind naming the property and the allowed values", () => {
    expect(() => parseKind("Audio")).toThrow(ValidationError);
    expect(() => parseKind("Audio")).toThrow(/kind must be one of Acoustic, AudioFiles, Language, LanguageMarkdown, Pronunciation, OutputFormatting; got "Audio"/);
  });

  it("takes a kind spelt exactly (as a stack file must), suggesting the spelling, and rejects a malformed locale", () => {
    expect(parseKind("LanguageMarkdown")).toBe("LanguageMarkdown");
    expect(() => parseKind("languagemarkdown")).toThrow(/spelt exactly: did you mean "LanguageMarkdown"\?\); got "languagemarkdown"/);
    expect(() => parseLocale("english")).toThrow(/locale must be a locale such as "en-US" or "de-DE" \(language-REGION\); got "english"/);
  });

  it("picks the container from kind and purpose, and checks an explicit container name", () => {
    const dir = makeDir();
    expect(resolveDataset({ name: "a", dir, kind: "Acoustic", locale: "en-US" }).container).toBe("training-audio");
    expect(resolveDataset({ name: "a", dir, kind: "Acoustic", locale: "en-US", purpose: "test" }).container).toBe("test-audio");
    expect(resolveDataset({ name: "a", dir, kind: "AudioFiles", locale: "en-US" }).container).toBe("test-audio");
    expect(resolveDataset({ name: "a", dir, kind: "Pronunciation", locale: "en-US" }).container).toBe("pronunciation");
    expect(resolveDataset({ name: "a", dir, kind: "Language", locale: "en-US" }).container).toBe("related-text");
    expect(() => resolveDataset({ name: "a", dir, kind: "Language", locale: "en-US", container: "Bad_Name" })).toThrow(/container must be a blob container name of 3-63 lowercase letters.*; got "Bad_Name"/);
    expect(() => resolveDataset({ name: "a/b", dir, kind: "Language", locale: "en-US" })).toThrow(/name must be a dataset name of 1-100 letters.*; got "a\/b"/);
  });
});
