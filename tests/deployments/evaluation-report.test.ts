// The evaluation report of a real sandbox deployment whose gate fails (emulator scenario gate-fails, Azurite, the
// Pulumi engine): the stack export names the evaluation and its gate; the collector's per-file figures add up to the
// service's totals; the command writes HTML, Markdown and JSON; and the HTML, opened from disk in headless Chromium,
// shows the service's figures, sorts, filters, toggles its marks, plays every clip and makes no request. Its worst
// rows are the clips the emulator degraded. SAVE_REPORT_SCREENSHOT=<png> saves the screenshot the README shows.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { align, buildReport, collectEvaluation, evaluationsFromStackExport, formatRate, regressions, sumCounts, type EvaluationInputs, type StackEvaluation } from "../../components/evaluation-report";
import { idFromSelf } from "../../components/speech-api";
import { WER_SCENARIOS } from "../../emulator/scenario";
import { main as evaluationReport } from "../../scripts/evaluation-report";
import { launchChromium } from "../support/browser";
import { sandboxStack, type SandboxStack } from "../support/sandbox-stack";
import { capture } from "../support/capture";

jest.setTimeout(180_000); // a run of the real Pulumi CLI

let s: SandboxStack;
let exportFile: string;
let found: StackEvaluation;
let inputs: EvaluationInputs;
let degraded: string[];
let out: string;
let browser: Browser;
beforeAll(async () => {
  s = await sandboxStack();
  s.emu.setScenario(WER_SCENARIOS["gate-fails"].scenario);
  const r = await s.stack.up();
  expect(r.error?.message).toMatch(/Evaluation gate failed .*candidate WER 15%/);
  exportFile = path.join(s.dir, "export.json");
  fs.writeFileSync(exportFile, await s.stack.exportState());
  out = fs.mkdtempSync(path.join(os.tmpdir(), "evaluation-report-"));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

test("a failed gate's evaluation: found in the stack export, collected with per-file results whose worst rows are the clips the emulator degraded", async () => {
  const all = evaluationsFromStackExport(JSON.parse(fs.readFileSync(exportFile, "utf8")), "en-US");
  expect(all).toHaveLength(1);
  found = all[0];
  expect(found).toMatchObject({ name: "speech-en-us-evaluation", locale: "en-US", endpoint: s.emu.resources.speech.endpoint, gate: { maxWordErrorRate: 10, minWordErrorRateImprovement: 2 }, passed: false });

  inputs = await collectEvaluation(s.client(), found.evaluation, { gate: found.gate });
  expect(inputs.sources).toEqual({ hypotheses: "evaluation-details", references: "dataset-files", audio: "dataset-files" });
  expect(inputs.files).toHaveLength(10);
  const p = inputs.evaluation.properties!;
  expect([p.wordErrorRate1, p.wordErrorRate2]).toEqual([0.12, 0.15]);
  const perFile = inputs.files.map((f) => ({ name: f.name, two: align(f.reference!, f.hypothesis2!) }));
  expect(sumCounts(perFile.map((f) => f.two))).toEqual({ words: p.wordCount2, correct: p.correctWordCount2, substitutions: p.wordSubstitutionCount2, deletions: p.wordDeletionCount2, insertions: p.wordInsertionCount2 });

  degraded = s.emu.degradedFiles("speech", idFromSelf(found.evaluation)).model2;
  expect(degraded.length).toBeGreaterThan(0);
  const report = buildReport(inputs);
  expect(report.gate).toMatchObject({ passed: false, maxWordErrorRate: 10, minWordErrorRateImprovement: 2 });
  expect(report.computed.model2.wordErrorRate).toBeCloseTo(0.15, 10);
  const worst = [...report.files].sort((a, b) => b.model2!.wordErrorRate! - a.model2!.wordErrorRate!).slice(0, degraded.length);
  expect(worst.map((f) => f.name).sort()).toEqual([...degraded].sort());
  expect(report.files.filter((f) => !degraded.includes(f.name)).every((f) => f.model2!.wordErrorRate === 0)).toBe(true);
});

test("the command writes HTML, Markdown and JSON from the stack export, with the verdict and nothing secret", async () => {
  const key = s.emu.resources.speech.key;
  const { code, out: printed } = await capture(() => evaluationReport(["--stack-export", exportFile, "--locale", "en-US", "--out", out, "--key", key]));
  expect(code).toBe(0);
  expect(printed).toMatch(/en-US: 10 audio files, gate FAILED/);
  const html = fs.readFileSync(path.join(out, "en-US.html"), "utf8");
  const markdown = fs.readFileSync(path.join(out, "en-US.md"), "utf8");
  const json = JSON.parse(fs.readFileSync(path.join(out, "en-US.json"), "utf8"));
  for (const text of [html, markdown, JSON.stringify(json)]) {
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/[?&]s(ig|e)=/);
  }
  expect(markdown).toMatch(/\*\*Gate failed\*\*/);
  expect(markdown).toMatch(/12 % \| 15 %/);
  // The worst regressions, worst first: clips model 2 heard worse than model 1 — only ever ones the emulator degraded.
  const listed = [...markdown.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
  expect(listed.length).toBeGreaterThan(0);
  expect(listed).toEqual(regressions(buildReport(inputs)).slice(0, 10).map((f) => f.name));
  expect(listed.every((name) => degraded.includes(name))).toBe(true);
  expect(json.files).toHaveLength(10);
  expect(Object.keys(json.files[0]).sort()).toEqual(["model1", "model2", "name", "reference"]);
  expect(Object.keys(json.files[0].model2).sort()).toEqual(["correct", "deletions", "hypothesis", "insertions", "substitutions", "wordErrorRate"]);
  expect(json.totals.service.model2.wordErrorRate).toBe(0.15);
});

describe("the HTML report in headless Chromium", () => {
  let page: Page;
  const requests: string[] = [];
  const rows = () => page.$$eval("#files tbody tr.file", (trs) => trs.map((tr) => ({ name: tr.getAttribute("data-name")!, hidden: tr.classList.contains("hidden") })));
  const byDesc = (key: "wordErrorRate" | "delta", model?: "model1" | "model2") => {
    const r = buildReport(inputs);
    const value = (f: (typeof r.files)[number]) => (key === "delta" ? f.wordErrorRateDelta! : f[model!]!.wordErrorRate!);
    return [...r.files].sort((a, b) => value(b) - value(a) || (a.name < b.name ? -1 : 1)).map((f) => f.name);
  };

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${path.join(out, "en-US.html")}`);
  });

  test("shows the service's figures and the gate's verdict", async () => {
    expect(await page.textContent('[data-figure="wer1"]')).toBe(formatRate(0.12));
    expect(await page.textContent('[data-figure="wer2"]')).toBe(formatRate(0.15));
    expect(await page.textContent('[data-figure="improvement"]')).toBe("-3 points");
    expect(await page.getAttribute(".verdict", "data-verdict")).toBe("failed");
  });

  test("sorts by either model's WER and by the difference, worst first; the degraded clips lead by model 2's WER", async () => {
    await page.click('button[data-sort="wer2"]');
    const names = (await rows()).map((r) => r.name);
    expect(names).toEqual(byDesc("wordErrorRate", "model2"));
    expect(names.slice(0, degraded.length).sort()).toEqual([...degraded].sort());
    await page.click('button[data-sort="wer1"]');
    expect((await rows()).map((r) => r.name)).toEqual(byDesc("wordErrorRate", "model1"));
    await page.click('button[data-sort="delta"]');
    expect((await rows()).map((r) => r.name)).toEqual(byDesc("delta"));
  });

  test("filters regressions only and errors only", async () => {
    const r = buildReport(inputs);
    const regressions = r.files.filter((f) => f.wordErrorRateDelta! > 0).map((f) => f.name).sort();
    const withErrors = r.files.filter((f) => [f.model1!, f.model2!].some((m) => m.substitutions + m.deletions + m.insertions > 0)).map((f) => f.name).sort();
    expect(regressions.length).toBeGreaterThan(0);
    expect(regressions.length).toBeLessThan(r.files.length);
    const visible = async () => (await rows()).filter((x) => !x.hidden).map((x) => x.name).sort();
    await page.check("#filter-regressions");
    expect(await visible()).toEqual(regressions);
    expect(await page.textContent("#shown")).toBe(String(regressions.length));
    await page.uncheck("#filter-regressions");
    await page.check("#filter-errors");
    expect(await visible()).toEqual(withErrors);
    await page.uncheck("#filter-errors");
    expect(await visible()).toHaveLength(10);
  });

  test("toggling substitutions, deletions and insertions changes what is marked", async () => {
    const marked = (op: string) => page.$$eval(`.w.${op}`, (els) => els.filter((e) => (globalThis as any).getComputedStyle(e).backgroundColor !== "rgba(0, 0, 0, 0)").length);
    for (const op of ["s", "d", "i"]) {
      const total = await page.$$eval(`.w.${op}`, (els) => els.length);
      expect(total).toBeGreaterThan(0);
      expect(await marked(op)).toBe(total);
      await page.uncheck(`#mark-${op}`);
      expect(await marked(op)).toBe(0);
      await page.check(`#mark-${op}`);
      expect(await marked(op)).toBe(total);
    }
  });

  test("every row has an audio element that plays, and no request leaves the page", async () => {
    const audio = await page.$$eval("#files tbody tr.file", (trs) => trs.map((tr) => tr.querySelector("audio") !== null));
    expect(audio).toEqual(Array(10).fill(true));
    const played = await page.$$eval("audio", (els) =>
      Promise.all(
        (els as any[]).map(async (a) => {
          await a.play();
          const ok = !a.paused && a.duration > 0;
          a.pause();
          return ok;
        }),
      ),
    );
    expect(played).toEqual(Array(10).fill(true));
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith("file://") && !u.startsWith("data:"))).toEqual([]);
    const shot = process.env.SAVE_REPORT_SCREENSHOT;
    if (shot) {
      // Worst first by the candidate's WER: the degraded clips at the top.
      while ((await page.getAttribute("body", "data-sorted")) !== "wer2:desc") await page.click('button[data-sort="wer2"]');
      await page.screenshot({ path: path.resolve(shot), fullPage: true });
    }
  });
});
