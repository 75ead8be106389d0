// Offline rules of every Custom Speech resource: what is rejected before anything is sent, and what a change
// means (PATCH in place or replace). No emulator: these run in milliseconds.
import { UNKNOWN } from "./checks";
import { checkInputs, diffInputs, identityTags } from "./core";
import { THIN_PROVIDER_MARKER, providerIdentity, storedProviderIdentity } from "./provider";
import type { ResourceSpec } from "./spec";
import { datasetSpec } from "./dataset";
import { endpointSpec } from "./endpoint";
import { evaluateGate, evaluationSpec } from "./evaluation";
import { modelSpec } from "./model";
import { projectSpec } from "./project";
import { selectBaseModel } from "./base-model";

const ID1 = "11111111-1111-4111-8111-111111111111";
const ID2 = "22222222-2222-4222-8222-222222222222";
const ID3 = "33333333-3333-4333-8333-333333333333";
const HOST = "https://contoso.cognitiveservices.azure.com/speechtotext";
const self = (col: string, id: string) => `${HOST}/${col}/${id}?api-version=2025-10-15`;
const speech = { endpoint: "https://contoso.cognitiveservices.azure.com", key: "k" };
const identity = { project: "p", stack: "s", name: "r" };

const valid: Record<string, [ResourceSpec<any>, Record<string, unknown>]> = {
  Project: [projectSpec, { speech, __identity: identity, locale: "en-US" }],
  Dataset: [datasetSpec, { speech, __identity: identity, locale: "en-US", kind: "Language", contentUrl: "https://acct.blob.core.windows.net/c/a.txt?sig=x" }],
  Model: [modelSpec, { speech, __identity: identity, locale: "en-US", datasets: [self("datasets", ID1)], baseModel: self("models/base", ID2) }],
  Evaluation: [evaluationSpec, { speech, __identity: identity, locale: "en-US", model1: self("models/base", ID2), model2: ID3, dataset: ID1, maxWordErrorRate: 10 }],
  Endpoint: [endpointSpec, { speech, __identity: identity, locale: "en-US", model: self("models", ID3) }],
};

function failuresOf(kind: keyof typeof valid, overrides: Record<string, unknown>) {
  const [spec, base] = valid[kind];
  const news = { ...base, ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete news[k];
  return checkInputs(spec, news).failures;
}

describe("check accepts well-formed inputs for every resource", () => {
  it.each(Object.keys(valid))("%s", (kind) => {
    expect(failuresOf(kind as keyof typeof valid, {})).toEqual([]);
  });

  it("defaults the displayName to the Pulumi resource name and drops undefined values", () => {
    const { inputs } = checkInputs(projectSpec, { speech, __identity: identity, locale: "en-US", description: undefined });
    expect(inputs.displayName).toBe("r");
    expect("description" in inputs).toBe(false);
  });
});

// Each row: resource, bad input, the property the failure must name, a fragment of the reason (allowed values).
const badInputs: [keyof typeof valid, Record<string, unknown>, string, string][] = [
  ["Project", { locale: "english" }, "locale", 'a locale such as "en-US"'],
  ["Project", { locale: "EN-us" }, "locale", "en-US"],
  ["Project", { locale: undefined }, "locale", "required"],
  ["Project", { locale: 42 }, "locale", 'a locale such as "en-US"'],
  ["Project", { speech: undefined }, "speech", "required"],
  ["Project", { speech: "https://x.example" }, "speech", "{ endpoint, key? }"],
  ["Project", { speech: { key: "k" } }, "speech.endpoint", "required"],
  ["Project", { speech: { endpoint: "http://contoso.cognitiveservices.azure.com" } }, "speech.endpoint", "https"],
  ["Project", { speech: { endpoint: "not a url" } }, "speech.endpoint", "absolute URL"],
  ["Project", { speech: { endpoint: "https://x.example", key: 7 } }, "speech.key", "the Speech resource key"],
  ["Project", { speech: { endpoint: "https://x.example", keyConfig: "no namespace here!" } }, "speech.keyConfig", "a stack config key"],
  ["Project", { speech: { endpoint: "https://x.example", key: "k", keyConfig: "p:k" } }, "speech.keyConfig", "not be set together"],
  ["Project", { displayName: "x".repeat(300) }, "displayName", "at most 256"],
  ["Project", { customProperties: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, "v"])) }, "customProperties", "at most 7 entries"],
  ["Project", { customProperties: { ["k".repeat(65)]: "v" } }, `customProperties.${"k".repeat(65)}`, "64 characters"],
  ["Project", { customProperties: { k: "v".repeat(257) } }, "customProperties.k", "256 characters"],
  ["Project", { customProperties: { "pulumi-resource": "x" } }, "customProperties.pulumi-resource", "reserved"],
  ["Project", { customProperties: { "pulumi-managed": "x" } }, "customProperties.pulumi-managed", "reserved"],
  ["Project", { adoptId: "endpoint-1" }, "adoptId", "a GUID"],
  ["Project", { customProperties: { k: 5 } }, "customProperties.k", "strings"],
  ["Project", { customProperties: ["a"] }, "customProperties", "map of string"],
  ["Project", { waitMinutes: -1 }, "waitMinutes", "from 0 to"],
  ["Dataset", { kind: "Audio" }, "kind", "Acoustic, AudioFiles, Language, LanguageMarkdown, Pronunciation, OutputFormatting"],
  ["Dataset", { kind: undefined }, "kind", "required"],
  ["Dataset", { contentUrl: "ftp://server/data.zip" }, "contentUrl", "https"],
  ["Dataset", { contentUrl: "http://acct.blob.core.windows.net/c/a.txt" }, "contentUrl", "localhost"],
  ["Dataset", { contentUrl: undefined }, "contentUrl", "exactly one of contentUrl"],
  ["Dataset", { file: "data.txt" }, "contentUrl", "exactly one of contentUrl"],
  ["Dataset", { contentUrl: undefined, file: "data.txt" }, "contentHash", "required with file"],
  ["Dataset", { project: "my-project" }, "project", "project self URI"],
  ["Model", { datasets: [] }, "datasets", "at least 1 dataset"],
  ["Model", { datasets: undefined }, "datasets", "required"],
  ["Model", { datasets: ["nope"] }, "datasets[0]", "dataset self URI"],
  ["Model", { datasets: "x" }, "datasets", "list of dataset references"],
  ["Model", { customModelWeightPercent: 0 }, "customModelWeightPercent", "from 1 to 100"],
  ["Model", { customModelWeightPercent: 101 }, "customModelWeightPercent", "from 1 to 100"],
  ["Model", { customModelWeightPercent: 12.5 }, "customModelWeightPercent", "a whole number"],
  ["Model", { baseModel: "https://x.example/speechtotext/models/base/latest" }, "baseModel", "base model self URI"],
  ["Evaluation", { maxWordErrorRate: 120 }, "maxWordErrorRate", "from 0 to 100"],
  ["Evaluation", { maxWordErrorRate: -1 }, "maxWordErrorRate", "from 0 to 100"],
  ["Evaluation", { maxWordErrorRate: "5" }, "maxWordErrorRate", "a number"],
  ["Evaluation", { minWordErrorRateImprovement: 101 }, "minWordErrorRateImprovement", "from -100 to 100"],
  ["Evaluation", { model1: undefined }, "model1", "required"],
  ["Evaluation", { dataset: 12 }, "dataset", "test dataset self URI"],
  ["Evaluation", { baselineEndpoint: 5 }, "baselineEndpoint", "must be a string"],
  ["Endpoint", { model: undefined }, "model", "required"],
  ["Endpoint", { loggingEnabled: "yes" }, "loggingEnabled", "true or false"],
  ["Endpoint", { locale: "en_US" }, "locale", 'a locale such as "en-US"'],
];

describe("check rejects bad input naming the property and the allowed values", () => {
  it("covers at least 25 distinct bad inputs", () => {
    expect(new Set(badInputs.map((b) => JSON.stringify(b))).size).toBeGreaterThanOrEqual(25);
  });

  it.each(badInputs)("%s %j → %s", (kind, overrides, property, reason) => {
    const failures = failuresOf(kind, overrides);
    const hit = failures.find((f) => f.property === property);
    expect(hit).toBeDefined();
    expect(hit!.reason).toContain(reason);
  });
});

describe("check tolerates values unknown during preview", () => {
  it.each(Object.keys(valid))("%s with every input unknown except the identity", (kind) => {
    const [spec, base] = valid[kind];
    const news: Record<string, unknown> = { __identity: identity };
    for (const k of Object.keys(base)) if (k !== "__identity") news[k] = UNKNOWN;
    // Dataset needs exactly one content source; an unknown one counts as given.
    expect(checkInputs(spec, news).failures).toEqual([]);
  });

  it("an unknown dataset inside a model's list is not checked", () => {
    expect(failuresOf("Model", { datasets: [self("datasets", ID1), UNKNOWN] })).toEqual([]);
  });
});

/** A serialized thin provider as the program writes it: loader text and the identity stamp of what it loads. */
const code = (kind: string, file: string, text = "") => `/* ${THIN_PROVIDER_MARKER} */ ${text} var __provider = {identity: "${providerIdentity(kind, { file })}"};`;

function stored(kind: keyof typeof valid, overrides: Record<string, unknown> = {}): { spec: ResourceSpec<any>; olds: Record<string, any>; news: Record<string, any> } {
  const [spec, base] = valid[kind];
  return { spec, olds: { ...checkInputs(spec, base).inputs, self: "x", status: "Succeeded", __provider: code(kind, "v1") }, news: { __provider: code(kind, "v1"), ...checkInputs(spec, { ...base, ...overrides }).inputs } };
}

describe("diff follows the service's replace-vs-update table", () => {
  const table: [keyof typeof valid, Record<string, unknown>, "replace" | "update"][] = [
    ["Project", { locale: "de-DE" }, "replace"],
    ["Project", { displayName: "new" }, "update"],
    ["Project", { description: "d" }, "update"],
    ["Project", { foundryProjectName: "f" }, "update"],
    ["Project", { customProperties: { team: "a" } }, "update"],
    ["Dataset", { kind: "Acoustic" }, "replace"],
    ["Dataset", { locale: "de-DE" }, "replace"],
    ["Dataset", { contentUrl: "https://acct.blob.core.windows.net/c/b.txt?sig=x" }, "replace"],
    ["Dataset", { contentHash: "sha256:abc" }, "replace"],
    ["Dataset", { project: self("projects", ID1) }, "update"],
    ["Dataset", { displayName: "renamed" }, "update"],
    ["Model", { baseModel: self("models/base", ID1) }, "replace"],
    ["Model", { datasets: [self("datasets", ID1), self("datasets", ID2)] }, "replace"],
    ["Model", { locale: "de-DE" }, "replace"],
    ["Model", { customModelWeightPercent: 50 }, "replace"],
    ["Model", { project: self("projects", ID1) }, "update"],
    ["Model", { description: "better" }, "update"],
    ["Evaluation", { model2: ID1 }, "replace"],
    ["Evaluation", { model1: self("models", ID1) }, "replace"],
    ["Evaluation", { dataset: ID2 }, "replace"],
    ["Evaluation", { baselineEndpoint: "live-endpoint" }, "replace"],
    ["Evaluation", { maxWordErrorRate: 5 }, "update"],
    ["Evaluation", { minWordErrorRateImprovement: 1 }, "update"],
    ["Endpoint", { model: self("models", ID1) }, "update"],
    ["Endpoint", { loggingEnabled: true }, "update"],
    ["Endpoint", { locale: "de-DE" }, "replace"],
    ["Endpoint", { speech: { endpoint: "https://other.cognitiveservices.azure.com", key: "k" } }, "replace"],
  ];

  it.each(table)("%s %j → %s", (kind, overrides, expected) => {
    const { spec, olds, news } = stored(kind, overrides);
    const d = diffInputs(spec, olds, news);
    expect(d.changes).toBe(true);
    const key = Object.keys(overrides)[0];
    if (expected === "replace") expect(d.replaces).toEqual([key]);
    else expect(d.replaces).toEqual([]);
  });

  it.each(Object.keys(valid))("%s: new wait/poll knobs or an adoptId are not a change", (kind) => {
    const { spec, olds, news } = stored(kind as keyof typeof valid, { waitMinutes: 5, tuning: { pollIntervalSeconds: 1 }, adoptId: ID1 });
    expect(diffInputs(spec, olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each(Object.keys(valid))("%s: a rotated key is an update (so the state holds the key that works), never a replace", (kind) => {
    const { spec, olds, news } = stored(kind as keyof typeof valid, { speech: { ...speech, key: "rotated" } });
    expect(diffInputs(spec, olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const fromConfig = stored(kind as keyof typeof valid, { speech: { endpoint: speech.endpoint, keyConfig: "p:existingSpeechKey" } });
    expect(diffInputs(fromConfig.spec, fromConfig.olds, fromConfig.news)).toMatchObject({ changes: true, replaces: [] });
  });

  it("a state written before the thin provider (or a partial failure without one) is updated once, without a replace", () => {
    const { spec, olds, news } = stored("Model");
    expect(diffInputs(spec, { ...olds, __provider: "exports.handler = /* 100 KB of serialized implementation */" }, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { __provider: _missing, ...withoutProvider } = olds;
    expect(diffInputs(spec, withoutProvider, news).changes).toBe(true);
  });

  it("a provider that loads something else is an update (so Delete and Read load the current one), never a replace", () => {
    const { spec, olds, news } = stored("Dataset", { __provider: code("Dataset", "elsewhere/implementation.ts") });
    expect(diffInputs(spec, olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(diffInputs(spec, olds, { ...news, __provider: olds.__provider }).changes).toBe(false);
  });

  it("a provider compiled otherwise (tsc or swc, another target) that loads the same is no change", () => {
    const { spec, olds, news } = stored("Dataset", { __provider: code("Dataset", "v1", "var _a, _b; /* ??= written out */") });
    expect(diffInputs(spec, olds, news).changes).toBe(false);
    expect(storedProviderIdentity(news.__provider)).toBe(storedProviderIdentity(olds.__provider));
  });

  it("an unknown provider in a preview is no change", () => {
    const { spec, olds, news } = stored("Dataset", { __provider: UNKNOWN });
    expect(diffInputs(spec, olds, news).changes).toBe(false);
  });

  it.each([
    ["a training still running (its wait budget ran out)", "Model", { status: "Running" }],
    ["a failed import", "Dataset", { status: "Failed" }],
    ["a failed gate", "Evaluation", { status: "Succeeded", passed: false, gateFailures: ["x"] }],
  ] as const)("%s is an update on the next up even with no init errors left (refresh clears them)", (_what, kind, outs) => {
    const { spec, olds, news } = stored(kind, {});
    expect(diffInputs(spec, { ...olds, ...outs }, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("only the key unknown in a preview is an update; an unknown endpoint is another Speech resource", () => {
    const { spec, olds, news } = stored("Model");
    expect(diffInputs(spec, olds, { ...news, speech: { ...speech, key: UNKNOWN } })).toMatchObject({ changes: true, replaces: [] });
    expect(diffInputs(spec, olds, { ...news, speech: { endpoint: UNKNOWN, key: UNKNOWN } }).replaces).toEqual(["speech"]);
    expect(diffInputs(spec, olds, { ...news, speech: UNKNOWN }).replaces).toEqual(["speech"]);
  });

  it("no custom properties and an empty map are the same (refresh reports none as absent)", () => {
    const { spec, olds, news } = stored("Project", { customProperties: {} });
    expect(diffInputs(spec, olds, news).changes).toBe(false);
  });

  it("an Endpoint whose program leaves loggingEnabled unset does not differ from the false refresh brings back", () => {
    const { spec, olds, news } = stored("Endpoint");
    expect(news.loggingEnabled).toBe(false);
    const { loggingEnabled: _unset, ...beforeDefault } = olds;
    expect(diffInputs(spec, { ...beforeDefault }, news).changes).toBe(false);
    expect(diffInputs(spec, { ...olds, loggingEnabled: false }, news).changes).toBe(false);
  });

  it("the same entity written as an id, a self URI or with another api-version is not a change", () => {
    const { spec, olds, news } = stored("Endpoint", { model: `${HOST}/models/${ID3}?api-version=2024-11-15` });
    expect(diffInputs(spec, olds, news).changes).toBe(false);
    const e = stored("Evaluation", { model2: self("models", ID3) });
    expect(diffInputs(e.spec, e.olds, e.news).changes).toBe(false);
  });

  it("a model's datasets in another order are the same training set", () => {
    const two = [self("datasets", ID1), self("datasets", ID2)];
    const { spec, olds: base } = stored("Model");
    const olds = { ...base, datasets: two };
    const news = { ...base, datasets: [...two].reverse() };
    expect(diffInputs(spec, olds, news).changes).toBe(false);
  });

  it("a rotated SAS token in a dataset's contentUrl is not new data", () => {
    const { spec, olds, news } = stored("Dataset", { contentUrl: "https://acct.blob.core.windows.net/c/a.txt?sig=rotated" });
    expect(diffInputs(spec, olds, news).changes).toBe(false);
  });

  it("an unknown create-only input previews as a replace (a retrain), an unknown in-place input as an update", () => {
    const m = stored("Model", { datasets: [UNKNOWN] });
    expect(diffInputs(m.spec, m.olds, m.news)).toMatchObject({ changes: true, replaces: ["datasets"] });
    const e = stored("Endpoint", { model: UNKNOWN });
    expect(diffInputs(e.spec, e.olds, e.news)).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("check failures never quote a secret", () => {
  it("a malformed contentUrl is quoted without its query (the SAS token)", () => {
    const [f] = failuresOf("Dataset", { contentUrl: "ftp://acct.blob.core.windows.net/c/a.txt?sv=1&sig=TOPSECRET" });
    expect(f.property).toBe("contentUrl");
    expect(f.reason).toContain('got "ftp://acct.blob.core.windows.net/c/a.txt"');
    expect(f.reason).not.toContain("TOPSECRET");
  });

  it("tuning is checked against the shared bounds, naming the knob", () => {
    expect(failuresOf("Model", { tuning: { maxRetries: 99 } }).map((x) => x.reason)).toEqual(["tuning.maxRetries must be a whole number from 0 to 20; got 99"]);
    expect(failuresOf("Model", { tuning: { pollSeconds: 1 } })[0].reason).toContain('tuning has an unknown key "pollSeconds"');
  });
});

describe("identity tags", () => {
  it("name the Pulumi resource and change with create-only inputs only", () => {
    const base = checkInputs(modelSpec, valid.Model[1]).inputs as any;
    const tags = identityTags(modelSpec, base);
    expect(tags["pulumi-resource"]).toBe("p/s/Model/r");
    expect(identityTags(modelSpec, { ...base, description: "other" })).toEqual(tags);
    expect(identityTags(modelSpec, { ...base, customModelWeightPercent: 30 })["pulumi-inputs"]).not.toBe(tags["pulumi-inputs"]);
  });
});

describe("evaluation gate", () => {
  it("passes when the candidate is under the maximum and improves enough", () => {
    expect(evaluateGate(12, 8, { maxWordErrorRate: 10, minWordErrorRateImprovement: 2 })).toEqual({ passed: true, improvement: 4, failures: [] });
  });
  it("fails on a WER above the maximum, naming both figures and the threshold", () => {
    const g = evaluateGate(12, 11, { maxWordErrorRate: 10 });
    expect(g.passed).toBe(false);
    expect(g.failures[0]).toContain("11%");
    expect(g.failures[0]).toContain("maxWordErrorRate 10%");
  });
  it("fails on too small an improvement over the baseline", () => {
    const g = evaluateGate(12, 11.5, { minWordErrorRateImprovement: 1 });
    expect(g).toMatchObject({ passed: false, improvement: 0.5 });
    expect(g.failures[0]).toContain("baseline WER 12%");
  });
  it("with no thresholds, any finished evaluation passes", () => {
    expect(evaluateGate(5, 30, {}).passed).toBe(true);
  });
});

describe("getBaseModel selection", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const bm = (id: string, created: string, adaptation: string, kinds: string[]) => ({
    self: self("models/base", id), displayName: `bm-${id.slice(0, 1)}`, locale: "en-US", createdDateTime: created,
    properties: { deprecationDates: { adaptationDateTime: adaptation, transcriptionDateTime: "2028-01-01T00:00:00Z" }, features: { supportsAdaptationsWith: kinds as any, supportsEndpoints: true } },
  });
  const models = [
    bm(ID1, "2024-01-01T00:00:00Z", "2026-06-01T00:00:00Z", ["Language", "Acoustic"]),
    bm(ID2, "2025-06-01T00:00:00Z", "2026-01-20T00:00:00Z", ["Language", "Acoustic"]),
    bm(ID3, "2025-09-01T00:00:00Z", "2027-01-01T00:00:00Z", ["Language"]),
  ];

  it("picks the newest model supporting the needed adaptation", () => {
    expect(selectBaseModel(models, { locale: "en-US", adaptationKinds: ["Language"], now }).id).toBe(ID3);
  });
  it("skips models whose adaptation date is closer than the minimum", () => {
    expect(selectBaseModel(models, { locale: "en-US", adaptationKinds: ["Acoustic"], minAdaptationDaysLeft: 30, now }).id).toBe(ID1);
  });
  it("explains why nothing qualifies", () => {
    expect(() => selectBaseModel(models, { locale: "en-US", adaptationKinds: ["Pronunciation"], now })).toThrow(/no base model for locale en-US supports adaptation with Pronunciation.*no adaptation with Pronunciation/);
    expect(() => selectBaseModel(models, { locale: "fr-FR", now })).toThrow(/lists no base model for fr-FR/);
  });
});
