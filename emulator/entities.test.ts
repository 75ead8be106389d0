// Custom Speech entities against the emulator with plain fetch: status codes, headers and spec shapes.
import { startEmulator } from "./index";
import type { RunningEmulator } from "./types";
import { acousticDataset, expectSchema, idOf, speech, trainedModel, UUID_RE, type SpeechApi } from "./testing";

let emu: RunningEmulator;
let api: SpeechApi;

beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
  api = speech(emu);
});
afterAll(() => emu.stop());

describe("Project", () => {
  it("is created with 201 + Location = self, read, patched (merge-patch) and deleted idempotently", async () => {
    const created = await api.post("/projects", { displayName: "Call centre", locale: "en-US", foundryProjectName: "fp", customProperties: { team: "a", cost: "1" } });
    expect(created.status).toBe(201);
    expectSchema(created.body, "Project");
    expect(created.headers.get("location")).toBe(created.body.self);
    const id = idOf(created.body.self);
    expect(id).toMatch(UUID_RE);
    expect(created.body.links.datasets).toBe(`${emu.resources.speech.endpoint}/speechtotext/projects/${id}/datasets?api-version=2025-10-15`);
    expect(created.body).not.toHaveProperty("status");

    const patched = await api.patch(`/projects/${id}`, { description: "updated", customProperties: { cost: null, owner: "b" } }, { headers: { "Content-Type": "application/merge-patch+json" } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: "Call centre", description: "updated", customProperties: { team: "a", owner: "b" }, locale: "en-US" });
    expect(patched.body.customProperties).not.toHaveProperty("cost");

    expect((await api.get(`/projects/${id}`)).body.description).toBe("updated");
    expect((await api.del(`/projects/${id}`)).status).toBe(204);
    expect((await api.del(`/projects/${id}`)).status).toBe(204);
    const gone = await api.get(`/projects/${id}`);
    expect(gone.status).toBe(404);
    expectSchema(gone.body, "Error");
    expect(gone.body.code).toBe("NotFound");
  });

  it("lists its own datasets, models, endpoints and evaluations", async () => {
    const project = (await api.post("/projects", { displayName: "p", locale: "de-DE" })).body;
    const other = (await api.post("/projects", { displayName: "other", locale: "de-DE" })).body;
    const mine = await api.post("/datasets", { displayName: "mine", locale: "de-DE", kind: "Language", contentUrl: "https://d/x", project: { self: project.self } });
    await api.post("/datasets", { displayName: "theirs", locale: "de-DE", kind: "Language", contentUrl: "https://d/y", project: { self: other.self } });
    const model = await api.post("/models", { displayName: "m", locale: "de-DE", datasets: [{ self: mine.body.self }], project: { self: project.self } });
    expect(model.status).toBe(201);
    const datasets = await api.get(project.links.datasets);
    expect(datasets.body.values.map((d: any) => d.displayName)).toEqual(["mine"]);
    expect((await api.get(project.links.models)).body.values.map((m: any) => m.self)).toEqual([model.body.self]);
    expect((await api.get(project.links.endpoints)).body.values).toEqual([]);
    expect((await api.get(project.links.evaluations)).body.values).toEqual([]);
    expect((await api.get(project.links.transcriptions)).body.values).toEqual([]);
  });

  it("rejects a project reference whose locale differs from the entity's", async () => {
    const project = (await api.post("/projects", { displayName: "p", locale: "fr-FR" })).body;
    const res = await api.post("/datasets", { displayName: "d", locale: "en-US", kind: "Language", contentUrl: "https://d/x", project: { self: project.self } });
    expect(res.status).toBe(400);
    expect(res.body.innerError.code).toBe("InvalidProject");
  });

  it("requires displayName and a supported locale, naming the property", async () => {
    const noName = await api.post("/projects", { locale: "en-US" });
    expect(noName.status).toBe(400);
    expectSchema(noName.body, "Error");
    expect(noName.body.message).toContain("displayName");
    const badLocale = await api.post("/projects", { displayName: "p", locale: "xx-XX" });
    expect(badLocale.body.innerError.code).toBe("InvalidLocale");
    expect(badLocale.body.message).toContain("en-US");
    expect((await api.get("/projects/locales")).body).toEqual(expect.arrayContaining(["en-US", "de-DE", "fr-FR", "es-ES", "ja-JP"]));
  });
});

describe("Dataset", () => {
  it("imported from a contentUrl succeeds with counts and report files", async () => {
    const res = await api.post("/datasets", { displayName: "Acoustic dataset", locale: "en-US", kind: "Acoustic", contentUrl: "https://www.contoso.com/audio.zip" });
    expect(res.status).toBe(201);
    expectSchema(res.body, "Dataset");
    expect(res.headers.get("location")).toBe(res.body.self);
    const got = await api.get(`/datasets/${idOf(res.body.self)}`);
    expect(got.body.status).toBe("Succeeded");
    expect(got.body.properties).toMatchObject({ rejectedLineCount: 0, textNormalizationKind: "Default" });
    expect(got.body.properties.durationMilliseconds).toBeGreaterThan(0);
    expect(got.body.links).not.toHaveProperty("uploadBlocks");
    const files = await api.get(got.body.links.files);
    expect(files.body.values.map((f: any) => f.kind)).toEqual(["DatasetReport", "AcousticDataArchive"]);
    files.body.values.forEach((f: any) => expectSchema(f, "File"));
    const one = await api.get(files.body.values[1].self);
    expect(one.status).toBe(200);
    expect(one.body.name).toBe("data.zip");
    const content = await fetch(one.body.links.contentUrl);
    expect(content.status).toBe(200);
  });

  it("rejects a bad kind or a locale the kind does not support, listing the allowed values", async () => {
    const badKind = await api.post("/datasets", { displayName: "d", locale: "en-US", kind: "Audio", contentUrl: "https://d/x" });
    expect(badKind.status).toBe(400);
    expect(badKind.body).toMatchObject({ code: "InvalidArgument", innerError: { code: "InvalidParameterValue" } });
    expect(badKind.body.message).toContain("kind");
    expect(badKind.body.message).toContain("Acoustic, AudioFiles, Language, LanguageMarkdown, Pronunciation, OutputFormatting");
    const locales = (await api.get("/datasets/locales")).body;
    expect(locales.OutputFormatting).not.toContain("ja-JP");
    const badLocale = await api.post("/datasets", { displayName: "d", locale: "ja-JP", kind: "OutputFormatting", contentUrl: "https://d/x" });
    expect(badLocale.body.innerError.code).toBe("InvalidLocale");
  });

  it("created without contentUrl waits for blocks, then processes after commit", async () => {
    const created = (await api.post("/datasets", { displayName: "blocks", locale: "en-US", kind: "Language" })).body;
    const id = idOf(created.self);
    expect(created.status).toBe("NotStarted");
    expect(created.links.uploadBlocks).toBe(`${emu.resources.speech.endpoint}/speechtotext/datasets/${id}/blocks?api-version=2025-10-15`);
    expect((await api.get(`/datasets/${id}`)).body.status).toBe("NotStarted");

    const a = Buffer.from("first block\n".repeat(100));
    const b = Buffer.from("second block\n".repeat(50));
    expect((await api.put(`/datasets/${id}/blocks?blockid=AAA=`, a)).status).toBe(201);
    expect((await api.put(`/datasets/${id}/blocks?blockid=${encodeURIComponent("AAE=")}`, b)).status).toBe(201);
    const sameLength = await api.put(`/datasets/${id}/blocks?blockid=AAAAAA==`, b);
    expect(sameLength.status).toBe(400);
    expect(sameLength.body.message).toContain("same length");
    expect((await api.put(`/datasets/${id}/blocks?blockid=${"A".repeat(100)}`, b)).status).toBe(400);
    expect((await api.put(`/datasets/${id}/blocks?blockid=not*base64`, b)).status).toBe(400);
    expect((await api.put(`/datasets/${id}/blocks`, b)).status).toBe(400);

    const listed = (await api.get(created.links.listBlocks)).body;
    expect(listed).toEqual({ committedBlocks: [], uncommittedBlocks: [{ name: "AAA=", size: a.length }, { name: "AAE=", size: b.length }] });
    const unknown = await api.post(`/datasets/${id}/blocks:commit`, [{ kind: "Uncommitted", id: "AAI=" }]);
    expect(unknown.status).toBe(400);
    expect((await api.post(`/datasets/${id}/blocks:commit`, [])).status).toBe(400);

    const commit = await api.post(created.links.commitBlocks, [{ kind: "Uncommitted", id: "AAA=" }, { kind: "Latest", id: "AAE=" }]);
    expect(commit.status).toBe(200);
    const after = (await api.get(`/datasets/${id}`)).body;
    expect(after.status).toBe("Succeeded");
    expect(after.properties.acceptedLineCount).toBeGreaterThan(0);
    expect((await api.get(created.links.listBlocks)).body.committedBlocks).toEqual([{ name: "AAA=", size: a.length }, { name: "AAE=", size: b.length }]);
    expect((await api.put(`/datasets/${id}/blocks?blockid=AAI=`, a)).status).toBe(400);
  });

  it("refuses a block larger than 8 MiB with 413", async () => {
    const created = (await api.post("/datasets", { displayName: "big", locale: "en-US", kind: "Acoustic" })).body;
    const res = await api.put(`/datasets/${idOf(created.self)}/blocks?blockid=AAA=`, Buffer.alloc(8 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expectSchema(res.body, "Error");
    expect((await api.put(`/datasets/${idOf(created.self)}/blocks?blockid=AAA=`, Buffer.alloc(8 * 1024 * 1024))).status).toBe(201);
  });

  it("is updated in place but keeps create-only fields", async () => {
    const d = (await api.post("/datasets", { displayName: "d", locale: "en-US", kind: "Language", contentUrl: "https://d/x" })).body;
    const patched = await api.patch(`/datasets/${idOf(d.self)}`, { displayName: "renamed", kind: "Acoustic", locale: "de-DE" });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: "renamed", kind: "Language", locale: "en-US", self: d.self });
  });
});

describe("Model", () => {
  it("trains on the newest adaptable base model of its locale when baseModel is omitted", async () => {
    const { model } = await trainedModel(api, "fr-FR");
    expectSchema(model, "CustomModel");
    const bases = (await api.get(`/models/base?filter=${encodeURIComponent("locale eq 'fr-FR'")}`)).body.values;
    const now = Date.now();
    const adaptable = bases.filter((b: any) => Date.parse(b.properties.deprecationDates.adaptationDateTime) > now && b.properties.features.supportsAdaptationsWith.includes("Language"));
    expect(model.baseModel.self).toBe(adaptable[0].self);
    expect(model.links).toEqual({
      manifest: `${model.self.split("?")[0]}/manifest?api-version=2025-10-15`,
      copy: `${model.self.split("?")[0]}:copy?api-version=2025-10-15`,
      files: `${model.self.split("?")[0]}/files?api-version=2025-10-15`,
    });
    const got = (await api.get(`/models/${idOf(model.self)}`)).body;
    expect(got.status).toBe("Succeeded");
    expect(got.properties.deprecationDates.transcriptionDateTime).toMatch(/^\d{4}-(01|04|07|10)-15T00:00:00Z$/);
    expect((await api.get(got.links.files)).body.values[0].kind).toBe("ModelReport");
  });

  it("a catalogue made a year earlier (catalogueEpoch) serves older base models, whose training ends a year sooner", async () => {
    const newest = async (e: RunningEmulator) => (await speech(e).get(`/models/base?filter=${encodeURIComponent("locale eq 'en-US'")}`)).body.values.map((b: any) => Date.parse(b.properties.deprecationDates.adaptationDateTime)).sort().pop();
    const old = await startEmulator({ rateLimit: false, catalogueEpoch: Date.now() - 365 * 86_400_000 });
    try {
      const days = ((await newest(emu)) - (await newest(old))) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(360);
      expect(days).toBeLessThanOrEqual(370);
    } finally {
      await old.stop();
    }
  });

  it("rejects invalid training requests with the matching inner error code", async () => {
    const ds = (await api.post("/datasets", { displayName: "t", locale: "en-US", kind: "Language", contentUrl: "https://d/x" })).body;
    const germanBase = (await api.get(`/models/base?filter=${encodeURIComponent("locale eq 'de-DE'")}`)).body.values[0];
    const cases: [Record<string, unknown>, string][] = [
      [{ locale: "en-US", datasets: [{ self: ds.self }] }, "InvalidPayload"],
      [{ displayName: "m", locale: "de-DE", datasets: [{ self: ds.self }] }, "InvalidDataset"],
      [{ displayName: "m", locale: "en-US", datasets: [] }, "InvalidDataset"],
      [{ displayName: "m", locale: "en-US", datasets: [{ self: ds.self.replace(/datasets\/[^?]+/, "datasets/00000000-0000-0000-0000-000000000000") }] }, "InvalidDataset"],
      [{ displayName: "m", locale: "en-US", datasets: [{ self: ds.self }], baseModel: { self: germanBase.self } }, "InvalidBaseModel"],
      [{ displayName: "m", locale: "en-US", datasets: [{ self: ds.self }], baseModel: { self: ds.self } }, "InvalidBaseModel"],
      [{ displayName: "m", locale: "en-US", datasets: [{ self: ds.self }], properties: { customModelWeightPercent: 0 } }, "InvalidParameterValue"],
      [{ displayName: "m", locale: "en-US", datasets: [{ self: ds.self }], properties: { customModelWeightPercent: 101 } }, "InvalidParameterValue"],
      [{ displayName: "m", locale: "en-US", datasets: [{ self: ds.self }], project: { self: ds.self } }, "InvalidProject"],
    ];
    for (const [body, inner] of cases) {
      const res = await api.post("/models", body);
      expect({ body, status: res.status, inner: res.body.innerError?.code }).toEqual({ body, status: 400, inner });
    }
    const weighted = await api.post("/models", { displayName: "m", locale: "en-US", datasets: [{ self: ds.self }], properties: { customModelWeightPercent: 42 } });
    expect(weighted.body.properties.customModelWeightPercent).toBe(42);
  });

  it("cannot train on a base model whose adaptation date has passed (ModelDeprecated)", async () => {
    const ds = (await api.post("/datasets", { displayName: "t", locale: "ja-JP", kind: "Language", contentUrl: "https://d/x" })).body;
    const bases = (await api.get(`/models/base?filter=${encodeURIComponent("locale eq 'ja-JP'")}`)).body.values;
    const expired = bases.find((b: any) => Date.parse(b.properties.deprecationDates.adaptationDateTime) < Date.now());
    expect(expired).toBeDefined();
    const res = await api.post("/models", { displayName: "m", locale: "ja-JP", datasets: [{ self: ds.self }], baseModel: { self: expired.self } });
    expect(res.status).toBe(400);
    expect(res.body.innerError.code).toBe("ModelDeprecated");
  });

  it("manifest needs sasLifetimeMinutes for a custom model", async () => {
    const { model } = await trainedModel(api);
    const id = idOf(model.self);
    const missing = await api.get(`/models/${id}/manifest`);
    expect(missing.status).toBe(400);
    expect(missing.body.innerError.code).toBe("InvalidSasValidityDuration");
    const ok = await api.get(`/models/${id}/manifest?sasLifetimeMinutes=60`);
    expect(ok.status).toBe(200);
    expectSchema(ok.body, "ModelManifest");
    expect(ok.body.model.self).toBe(model.self);
    expect(ok.body.modelFiles.length).toBeGreaterThan(0);
    const base = await api.get(`${model.baseModel.self.replace("?", "/manifest?")}`);
    expect(base.status).toBe(200);
  });

  it("served by an endpoint cannot be deleted (InUseViolation) until the endpoint is gone", async () => {
    const { model } = await trainedModel(api);
    const endpoint = (await api.post("/endpoints", { displayName: "e", locale: "en-US", model: { self: model.self } })).body;
    const refused = await api.del(`/models/${idOf(model.self)}`);
    expect(refused.status).toBe(409);
    expectSchema(refused.body, "Error");
    expect(refused.body.innerError.code).toBe("InUseViolation");
    expect((await api.del(`/endpoints/${idOf(endpoint.self)}`)).status).toBe(204);
    expect((await api.del(`/models/${idOf(model.self)}`)).status).toBe(204);
    expect((await api.del(`/models/${idOf(model.self)}`)).status).toBe(204);
  });
});

describe("Endpoint", () => {
  it("deploys a model with the websocket link and swaps the model in place, keeping id and links", async () => {
    const { model } = await trainedModel(api);
    const { model: next } = await trainedModel(api);
    const created = await api.post("/endpoints", { displayName: "e", locale: "en-US", model: { self: model.self }, properties: { loggingEnabled: false } });
    expect(created.status).toBe(201);
    expectSchema(created.body, "Endpoint");
    const id = idOf(created.body.self);
    expect(created.body.links.webSocket).toBe(`wss://eastus.stt.speech.microsoft.com/stt/speech/universal/v2?cid=${id}`);
    const swapped = await api.patch(`/endpoints/${id}`, { model: { self: next.self }, properties: { contentLoggingEnabled: true } });
    expect(swapped.status).toBe(200);
    expect(swapped.body).toMatchObject({ self: created.body.self, links: created.body.links, model: { self: next.self }, properties: { loggingEnabled: true } });
    expect((await api.get(`/endpoints/${id}`)).body.model.self).toBe(next.self);
    expect((await api.del(`/models/${idOf(model.self)}`)).status).toBe(204);
  });

  it("rejects a model of another locale or a missing model", async () => {
    const { model } = await trainedModel(api, "es-ES");
    const mismatch = await api.post("/endpoints", { displayName: "e", locale: "en-US", model: { self: model.self } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.innerError.code).toBe("ModelMismatch");
    const none = await api.post("/endpoints", { displayName: "e", locale: "en-US" });
    expect(none.body.innerError.code).toBe("InvalidModel");
  });
});

describe("Evaluation", () => {
  it("reports the scenario's WER for the base and custom model with consistent counts", async () => {
    emu.setScenario({ baseModelWordErrorRate: 15, customModelWordErrorRate: 9 });
    const { model } = await trainedModel(api);
    const other = await trainedModel(api);
    emu.setScenario({ baseModelWordErrorRate: 15, customModelWordErrorRate: 3, perModel: { [idOf(other.model.self)]: 4.5 } });
    const audio = await acousticDataset(api);
    const create = (m2: string) => api.post("/evaluations", { displayName: "gate", locale: "en-US", model1: { self: model.baseModel.self }, model2: { self: m2 }, dataset: { self: audio.self } });
    const res = await create(model.self);
    expect(res.status).toBe(201);
    expectSchema(res.body, "Evaluation");
    const got = (await api.get(`/evaluations/${idOf(res.body.self)}`)).body;
    expect(got.status).toBe("Succeeded");
    const p = got.properties;
    expect(p.wordErrorRate1).toBe(0.15);
    expect(p.wordErrorRate2).toBe(0.09);
    for (const n of [1, 2]) {
      const errors = p[`wordSubstitutionCount${n}`] + p[`wordDeletionCount${n}`] + p[`wordInsertionCount${n}`];
      expect(p[`wordErrorRate${n}`]).toBeCloseTo(errors / p[`wordCount${n}`], 6);
      expect(p[`correctWordCount${n}`]).toBe(p[`wordCount${n}`] - p[`wordSubstitutionCount${n}`] - p[`wordDeletionCount${n}`]);
      expect(p[`sentenceErrorRate${n}`]).toBeGreaterThan(0);
      expect(p[`tokenCount${n}`]).toBeGreaterThan(p[`wordCount${n}`]);
    }
    expect((await create(other.model.self)).body.status).toBe("Succeeded");
    const perModel = (await api.get(`/evaluations?filter=${encodeURIComponent("displayName eq 'gate'")}&top=1`)).body.values[0];
    expect(perModel.properties.wordErrorRate2).toBe(0.045);
    expect((await api.get(got.links.files)).body.values[0].kind).toBe("EvaluationDetails");
    emu.setScenario({ baseModelWordErrorRate: 12, customModelWordErrorRate: 8, perModel: {} });
  });

  it("needs an audio dataset and existing models", async () => {
    const { model, dataset } = await trainedModel(api);
    const textOnly = await api.post("/evaluations", { displayName: "e", locale: "en-US", model1: { self: model.self }, model2: { self: model.self }, dataset: { self: dataset.self } });
    expect(textOnly.body.innerError.code).toBe("InvalidDataset");
    const missingModel = await api.post("/evaluations", { displayName: "e", locale: "en-US", model2: { self: model.self }, dataset: { self: dataset.self } });
    expect(missingModel.body.innerError.code).toBe("InvalidModel");
  });
});

describe("Lists", () => {
  it("page with skip/top and @nextLink carrying api-version, and filter with eq/ne joined by and", async () => {
    const r = speech(emu, "speech");
    const project = (await r.post("/projects", { displayName: "paging", locale: "es-ES" })).body;
    for (let i = 0; i < 7; i++) {
      await r.post("/datasets", { displayName: `page-${i % 2 ? "odd" : "even"}`, locale: "es-ES", kind: i < 5 ? "Language" : "Acoustic", contentUrl: "https://d/x", project: { self: project.self } });
    }
    const seen: string[] = [];
    let next: string | undefined = `${project.links.datasets}&top=3`;
    let pages = 0;
    while (next) {
      expect(next).toContain("api-version=2025-10-15");
      const page: any = (await r.get(next)).body;
      seen.push(...page.values.map((d: any) => d.self));
      next = page["@nextLink"];
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const filter = encodeURIComponent("displayName eq 'page-odd' and kind ne 'Acoustic'");
    const filtered = (await r.get(`${project.links.datasets}&filter=${filter}`)).body.values;
    expect(filtered.map((d: any) => [d.displayName, d.kind])).toEqual([["page-odd", "Language"], ["page-odd", "Language"]]);
    const bad = await r.get(`/datasets?filter=${encodeURIComponent("size gt 3")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.innerError.code).toBe("UnsupportedFilter");
    expect((await r.get("/datasets?top=-1")).status).toBe(400);
  });
});
