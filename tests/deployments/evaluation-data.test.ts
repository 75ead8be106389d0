// The data behind an evaluation report, from a real sandbox deployment whose gate fails (emulator scenario
// gate-fails, Azurite, the Pulumi engine): the stack export names the evaluation and its gate, the emulator scored the
// test set the sync put in Azurite (imported through its SAS URL), and the collector's per-file figures add up to the
// service's totals — the worst clips of the candidate being those the emulator degraded.
import { collectEvaluation, evaluationsFromStackExport, align, sumCounts } from "../../components/evaluation-report";
import { idFromSelf } from "../../components/speech-api";
import { WER_SCENARIOS } from "../../emulator/scenario";
import { sandboxStack, type SandboxStack } from "../support/sandbox-stack";

jest.setTimeout(180_000); // a run of the real Pulumi CLI

let s: SandboxStack;
beforeAll(async () => {
  s = await sandboxStack();
  s.emu.setScenario(WER_SCENARIOS["gate-fails"].scenario);
});
afterAll(() => s?.stop());

test("a failed gate's evaluation: found in the stack export, collected with per-file results whose worst rows are the clips the emulator degraded", async () => {
  const r = await s.stack.up();
  expect(r.error?.message).toMatch(/Evaluation gate failed .*candidate WER 15%/);

  const [found, ...others] = evaluationsFromStackExport(JSON.parse(await s.stack.exportState()), "en-US");
  expect(others).toEqual([]);
  expect(found).toMatchObject({ name: "speech-en-us-evaluation", locale: "en-US", endpoint: s.emu.resources.speech.endpoint, gate: { maxWordErrorRate: 10, minWordErrorRateImprovement: 2 }, passed: false });

  const inputs = await collectEvaluation(s.client(), found.evaluation, { gate: found.gate });
  expect(inputs.sources).toEqual({ hypotheses: "evaluation-details", references: "dataset-files", audio: "dataset-files" });
  expect(inputs.gate).toEqual({ maxWordErrorRate: 10, minWordErrorRateImprovement: 2 });
  expect(inputs.files).toHaveLength(10);
  const p = inputs.evaluation.properties!;
  expect([p.wordErrorRate1, p.wordErrorRate2]).toEqual([0.12, 0.15]);
  const perFile = inputs.files.map((f) => ({ name: f.name, two: align(f.reference!, f.hypothesis2!) }));
  expect(sumCounts(perFile.map((f) => f.two))).toEqual({ words: p.wordCount2, correct: p.correctWordCount2, substitutions: p.wordSubstitutionCount2, deletions: p.wordDeletionCount2, insertions: p.wordInsertionCount2 });

  const degraded = s.emu.degradedFiles("speech", idFromSelf(found.evaluation)).model2;
  const worst = [...perFile].sort((a, b) => b.two.wordErrorRate! - a.two.wordErrorRate!).slice(0, degraded.length);
  expect(worst.map((f) => f.name).sort()).toEqual([...degraded].sort());
  expect(perFile.filter((f) => !degraded.includes(f.name)).every((f) => f.two.wordErrorRate === 0)).toBe(true);
});
