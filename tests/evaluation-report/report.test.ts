// The report from constructed inputs whose service totals differ on purpose from our per-file sums: which figures
// it shows, the gate it decides, audio-only sets, the three renderings, user data and secrets.
import { buildReport, regressions, renderHtml, renderJson, renderMarkdown } from "../../components/evaluation-report";
import { FILES, inputsWith } from "./fixtures";

describe("evaluation report figures", () => {
  test("shows the service's totals, and our per-file sums apart, named with the alignment rule", () => {
    const r = buildReport(inputsWith());
    expect(r.service.model1).toMatchObject({ wordErrorRate: 0.12, sentenceErrorRate: 0.5, wordCount: 100, correctWordCount: 90, wordSubstitutionCount: 6, wordDeletionCount: 4, wordInsertionCount: 2 });
    expect(r.service.model2).toMatchObject({ wordErrorRate: 0.08, tokenErrors: { punctuation: { numberOfEdits: 3 } } });
    expect(r.service.model1.tokenErrors).toBeUndefined();
    expect(r.service.improvementPoints).toBe(4);
    expect(r.alignmentRule).toMatch(/sclite.*insertion 3, deletion 3, substitution 4/);
    // a: 6 words, b: 6, c: 2 — model 1: 2 S (b) + 1 D (c); model 2: 1 D (a) + 1 I (c).
    expect(r.computed.model1).toEqual({ words: 14, correct: 11, substitutions: 2, deletions: 1, insertions: 0, wordErrorRate: 3 / 14 });
    expect(r.computed.model2).toEqual({ words: 14, correct: 13, substitutions: 0, deletions: 1, insertions: 1, wordErrorRate: 2 / 14 });
  });

  test("gives each file both models' counts, WER as a fraction, aligned words and where the models differ", () => {
    const [a, b, c] = buildReport(inputsWith()).files;
    expect(a.model1).toMatchObject({ correct: 6, substitutions: 0, deletions: 0, insertions: 0, wordErrorRate: 0 });
    expect(a.model2).toMatchObject({ hypothesis: "can you reset password please", correct: 5, deletions: 1, wordErrorRate: 1 / 6 });
    expect(a.wordErrorRateDelta).toBeCloseTo(1 / 6, 12);
    // Model 1 heard "my" where model 2 heard nothing: model 1's "my" is marked as differing.
    expect(a.model1!.aligned.filter((_, k) => a.model1!.differs[k]).map((s) => s.hyp)).toEqual(["my"]);
    expect(b.model1).toMatchObject({ substitutions: 2, wordErrorRate: 2 / 6 });
    expect(b.model1!.aligned.filter((s) => s.op === "substitution")).toEqual([
      { op: "substitution", ref: "cancel", hyp: "council" },
      { op: "substitution", ref: "subscription", hyp: "prescription" },
    ]);
    expect(b.model2!.aligned.filter((_, k) => b.model2!.differs[k]).map((s) => s.hyp)).toEqual(["cancel", "subscription"]);
    expect(c.model1).toMatchObject({ deletions: 1, wordErrorRate: 0.5 });
    expect(c.model2).toMatchObject({ insertions: 1, wordErrorRate: 0.5 });
    expect(c.wordErrorRateDelta).toBe(0);
  });

  test("decides the gate as the provider does: the service's WER fraction × 100 against thresholds in percent", () => {
    expect(buildReport(inputsWith()).gate).toEqual({ maxWordErrorRate: 10, minWordErrorRateImprovement: 2, passed: true, failures: [] });
    const tooHigh = buildReport(inputsWith({ gate: { maxWordErrorRate: 7.5 } })).gate;
    expect(tooHigh).toMatchObject({ passed: false, failures: ["candidate WER 8% is above maxWordErrorRate 7.5%"] });
    expect(buildReport(inputsWith({ gate: { minWordErrorRateImprovement: 4.5 } })).gate.failures).toEqual([expect.stringMatching(/improvement 4 points .* below minWordErrorRateImprovement 4.5/)]);
    expect(buildReport(inputsWith({ gate: { maxWordErrorRate: 8, minWordErrorRateImprovement: 4 } })).gate.passed).toBe(true);
    expect(buildReport(inputsWith({ gate: undefined })).gate).toEqual({ failures: [] });
    expect(buildReport(inputsWith({}, { wordCount1: 3 })).gate.passed).toBeUndefined();
  });

  test("a model the service gave nothing for is left out of the file and of our sums", () => {
    const r = buildReport(inputsWith({ files: [FILES[0], { name: "d.wav", reference: "good morning", hypothesis1: "good morning" }] }));
    expect(r.files[1].model2).toBeUndefined();
    expect(r.files[1].wordErrorRateDelta).toBeUndefined();
    expect(r.computed.model1.words).toBe(8);
    expect(r.computed.model2.words).toBe(6);
  });

  test("an audio-only set: the two hypotheses side by side with their differences, and no WER anywhere", () => {
    const files = FILES.map(({ name, hypothesis1, hypothesis2 }) => ({ name, hypothesis1, hypothesis2 }));
    const r = buildReport(inputsWith({ files, sources: { hypotheses: "transcriptions", references: "none", audio: "none" } }, {}));
    expect(r.hasReferences).toBe(false);
    expect(r.gate.passed).toBeUndefined();
    expect(r.files.every((f) => f.model1!.wordErrorRate === undefined && f.model2!.wordErrorRate === undefined && f.wordErrorRateDelta === undefined)).toBe(true);
    expect(r.files[1].model2!.aligned.filter((_, k) => r.files[1].model2!.differs[k]).map((s) => s.hyp)).toEqual(["cancel", "subscription"]);
    expect(renderJson(r)).not.toMatch(/"wordErrorRate"/);
    expect(renderMarkdown(r)).toMatch(/Audio-only test set \(no references, so no WER\): the two models heard different words in 3 of 3 audio files/);
    const html = renderHtml(r);
    expect(html).toContain("Audio-only test set");
    expect(html).not.toContain("WER 1");
  });
});

describe("the renderings", () => {
  test("JSON holds the service's figures and per file exactly the named fields, without audio bytes", () => {
    const audio = { mimeType: "audio/wav", bytes: Buffer.from("RIFF....WAVEfmt ") };
    const parsed = JSON.parse(renderJson(buildReport(inputsWith({ files: [{ ...FILES[0], audio }] }))));
    expect(parsed.totals.service.model1.wordErrorRate).toBe(0.12);
    expect(parsed.totals.computed.model2.deletions).toBe(1);
    expect(parsed.gate.passed).toBe(true);
    expect(Object.keys(parsed.files[0])).toEqual(["name", "reference", "model1", "model2"]);
    expect(parsed.files[0].model2).toEqual({ hypothesis: "can you reset password please", correct: 5, substitutions: 0, deletions: 1, insertions: 0, wordErrorRate: 1 / 6 });
    expect(JSON.stringify(parsed)).not.toContain(audio.bytes.toString("base64"));
  });

  test("Markdown gives the headline figures, the gate with its thresholds, and at most 10 regressions, worst first", () => {
    const md = renderMarkdown(buildReport(inputsWith()));
    expect(md).toContain("| WER | 12 % | 8 % |");
    expect(md).toContain("Improvement: 4 points. **Gate passed** (WER ≤ 10 %, ≥ 2 points better than the baseline).");
    expect(md).toContain("- `a.wav` WER 0 % → 16.67 %: can you reset ~~my~~ password please");
    expect(md).not.toContain("b.wav");
    const words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
    const files = Array.from({ length: 14 }, (_, i) => ({ name: `f${String(i).padStart(2, "0")}.wav`, reference: words, hypothesis1: words, hypothesis2: words.split(" ").slice(0, 13 - i).join(" ") }));
    const many = buildReport(inputsWith({ files }));
    const listed = [...renderMarkdown(many).matchAll(/^- `(f\d+\.wav)`/gm)].map((m) => m[1]);
    expect(listed).toEqual(["f13.wav", "f12.wav", "f11.wav", "f10.wav", "f09.wav", "f08.wav", "f07.wav", "f06.wav", "f05.wav", "f04.wav"]);
    expect(regressions(many)).toHaveLength(14);
  });
});

describe("user data and secrets in the report", () => {
  const hostile = "<img src=x onerror=alert(1)>.wav";
  const sas = "https://acct.blob.core.windows.net/audio/a.wav?sv=2024-01-01&se=2026-12-31&sp=r&sig=S3CR3TsignatureValue%3D";
  const report = buildReport(
    inputsWith({
      files: [{ name: hostile, reference: 'a <b>c</b> & "d"', hypothesis1: "a <script>alert(2)</script>", hypothesis2: "a", audio: { omitted: `download of ${sas} refused` } }, ...FILES],
      notes: [`1 file could not be fetched from ${sas}`],
      names: { model1: "<b>base</b>", model2: "v2 `x`", dataset: "set & co" },
    }),
  );

  test("the HTML escapes file names, transcripts and names", () => {
    const html = renderHtml(report);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.wav");
    expect(html).toContain('data-name="&lt;img src=x onerror=alert(1)&gt;.wav"');
    expect((html.match(/<script>/g) ?? []).length).toBe(1);
  });

  test("Markdown keeps them inert", () => {
    const md = renderMarkdown(buildReport(inputsWith({ files: [{ ...FILES[0], name: hostile }], names: { model2: "<b>x</b>" } })));
    expect(md).toContain("`<img src=x onerror=alert(1)>.wav`");
    expect(md.replace(/`[^`]*`/g, "")).not.toMatch(/(^|[^\\])<[a-z/]/im);
  });

  test("the HTML loads nothing from the network, and says so in its Content-Security-Policy", () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|fetch\(|XMLHttpRequest/i);
    expect(html).toContain(`content="default-src 'none';`);
  });

  test("SAS signatures in notes and omitted-audio reasons are redacted in every rendering", () => {
    for (const text of [renderHtml(report), renderMarkdown(report), renderJson(report)]) expect(text).not.toContain("S3CR3T");
    expect(report.notes).toEqual(["1 file could not be fetched from https://acct.blob.core.windows.net/audio/a.wav?sv=2024-01-01&se=2026-12-31&sp=r&sig=***"]);
  });
});
