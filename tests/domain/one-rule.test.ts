// One rule per value, wherever it is written: a stack file, a resource's arguments, a command-line option.
import { validateLocale } from "../../components/stack-config";
import { checkInputs } from "../../components/custom-speech/core";
import { evaluationSpec, evaluateGate } from "../../components/custom-speech/evaluation";
import { datasetSpec } from "../../components/custom-speech/dataset";
import { parseKind } from "../../components/training-data";

const ID = "11111111-1111-4111-8111-111111111111";
const identity = { speech: { endpoint: "https://x.cognitiveservices.azure.com" }, __identity: { project: "p", stack: "s", name: "e" } };
const locale = (evaluation: Record<string, unknown>, kind = "Acoustic") => ({
  locale: "en-US",
  datasets: [
    { name: "train", kind, manifest: "m.json" },
    { name: "test", kind: "Acoustic", manifest: "m.json" },
  ],
  training: { datasets: ["train"] },
  evaluation: { dataset: "test", ...evaluation },
});
const evaluationInputs = (gate: Record<string, unknown>) => ({ ...identity, locale: "en-US", model1: ID, model2: ID, dataset: ID, ...gate });

describe("gate thresholds are percent; a value between 0 and 1 must say so", () => {
  const REASON = /in percent.*the Speech API reports WER as a fraction.*"0\.3%"/;

  test.each([
    ["maxWordErrorRate", 0.3],
    ["minWordErrorRateImprovement", 0.5],
    ["minWordErrorRateImprovement", -0.5],
  ])("%s: %p is refused in a stack file with the reason", (key, value) => {
    expect(() => validateLocale(locale({ [key]: value }), "locales[0]")).toThrow(new RegExp(`locales\\[0\\]\\.evaluation\\.${key} must be`));
    expect(() => validateLocale(locale({ [key]: value }), "locales[0]")).toThrow(/in percent.*the Speech API reports WER as a fraction/);
    expect(() => validateLocale(locale({ [key]: value }), "locales[0]")).toThrow(`"${value}%"`);
  });

  test("the Evaluation resource refuses 0.3 with the same message", () => {
    const failures = checkInputs(evaluationSpec, evaluationInputs({ maxWordErrorRate: 0.3 })).failures;
    expect(failures.map((f) => f.property)).toEqual(["maxWordErrorRate"]);
    expect(failures[0].reason).toMatch(REASON);
  });

  test('"0.3%" says it explicitly: accepted by the stack file (as 0.3) and the resource, and the gate compares in percent', () => {
    expect(validateLocale(locale({ maxWordErrorRate: "0.3%", minWordErrorRateImprovement: "-0.5%" }), "locales[0]").evaluation).toMatchObject({ maxWordErrorRate: 0.3, minWordErrorRateImprovement: -0.5 });
    expect(checkInputs(evaluationSpec, evaluationInputs({ maxWordErrorRate: "0.3%" })).failures).toEqual([]);
    expect(evaluateGate(0.5, 0.4, { maxWordErrorRate: "0.3%" }).passed).toBe(false);
    expect(evaluateGate(0.5, 0.2, { maxWordErrorRate: "0.3%" }).passed).toBe(true);
  });

  test("whole percentages and 0 need no sign; text that is not a percent is refused", () => {
    expect(() => validateLocale(locale({ maxWordErrorRate: 12, minWordErrorRateImprovement: 0 }), "locales[0]")).not.toThrow();
    expect(checkInputs(evaluationSpec, evaluationInputs({ maxWordErrorRate: 1, minWordErrorRateImprovement: -1 })).failures).toEqual([]);
    expect(() => validateLocale(locale({ maxWordErrorRate: "12" }), "locales[0]")).toThrow(/maxWordErrorRate must be/);
    expect(() => validateLocale(locale({ maxWordErrorRate: "120%" }), "locales[0]")).toThrow(/from 0 to 100/);
  });
});

describe("dataset kinds are spelt as the Speech API spells them, everywhere", () => {
  const HINT = /must be one of Acoustic, AudioFiles, .*did you mean "Acoustic"\?.*got "acoustic"/;

  test("the stack file, the Dataset resource and sync-data's --kind give the same answer to 'acoustic'", () => {
    expect(() => validateLocale(locale({ maxWordErrorRate: 10 }, "acoustic"), "locales[0]")).toThrow(HINT);
    expect(checkInputs(datasetSpec, { ...identity, locale: "en-US", kind: "acoustic", contentUrl: "https://a.blob.core.windows.net/c/x.zip", contentHash: "h" }).failures.map((f) => f.reason)).toEqual([
      expect.stringMatching(HINT),
    ]);
    expect(() => parseKind("acoustic", "--kind")).toThrow(/--kind must be one of/);
    expect(() => parseKind("acoustic", "--kind")).toThrow(HINT);
    expect(parseKind("Acoustic", "--kind")).toBe("Acoustic");
  });
});
