// The pull-request summary of `pulumi preview --json`. The fixtures are what the Pulumi CLI printed for the sandbox
// stack at each step (recorded by record-fixtures.ts in this folder): secrets as "[secret]", unknowns as the
// engine's placeholder, dynamic resources with no diffReasons or detailedDiff. Ids and dates are read from them.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UNKNOWN, expiryReport, shown, summarize, type PreviewDigest } from "../../components/preview-summary";
import { main as previewSummary } from "../../scripts/preview-summary";
import { main as expiryReportCli } from "../../scripts/expiry-report";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T00:00:00Z");
const fixture = (name: string): PreviewDigest => JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8"));
/** A resource's state before the step, from a fixture. */
const before = (digest: PreviewDigest, name: string) => {
  const step = digest.steps!.find((s) => s.urn.endsWith(`::${name}`) && s.oldState);
  return { ...step!.oldState!.outputs, ...step!.oldState!.inputs };
};
const manifest = {
  version: 1 as const,
  datasets: [{ name: "product-names", kind: "Language" as const, locale: "en-US", blobUrl: "https://a.blob.core.windows.net/c/p.zip", contentHash: "sha256:bbb", sizeBytes: 10, audioDurationMs: 0, fileCount: 1 },
    { name: "callcenter-train", kind: "Acoustic" as const, locale: "en-US", blobUrl: "https://a.blob.core.windows.net/c/t.zip", contentHash: "sha256:ccc", sizeBytes: 10, audioDurationMs: 12 * 3_600_000, fileCount: 100 }],
};

describe("preview summary", () => {
  it("a retrain with changed data: the model, the changed dataset, the estimate, the charge, the swap and the gate", () => {
    const digest = fixture("retrain-changed-data");
    const md = summarize(digest, { now: NOW, manifests: [manifest] });
    expect(md).toContain("**Retrains**");
    expect(md).toContain("- en-US: `speech-en-us-model` trains (changed: datasets).");
    expect(md).toContain("  - dataset `product-names` (Language): new content (contentHash, contentUrl)");
    expect(md).toContain("estimated training time: about 1 h");
    expect(md).toContain("charged (`chargeForAdaptation`)");
    expect(md).toContain(`\`speech-en-us-endpoint\` (en-US) swaps in place (same id and URL): ${shown(before(digest, "speech-en-us-endpoint").model)} → (known after the deployment) (the model that passes the gate)`);
    expect(md).toContain("`speech-en-us-evaluation` (en-US) runs: WER at most 10 %, at least 2 points better than the baseline; baseline: what `speech-en-us-endpoint` serves");
    // The dataset is told once, under its retrain; the component, the project and the two other datasets are the
    // unchanged ones (the engine counts the stack too).
    expect(digest.changeSummary).toEqual({ same: 5, replace: 3, update: 1 });
    expect(md).toContain("Everything else: no other change; 4 unchanged.");
    // Secrets stay secrets: the preview shows the key and the data's URL as "[secret]", the summary not at all.
    expect(JSON.stringify(digest)).toContain('"[secret]"');
    expect(md).not.toMatch(/sig=|\[secret\]|\(secret\)/);
  });

  it("reads the same with or without --show-replacement-steps (one replace step per resource)", () => {
    const steps = fixture("retrain-changed-data-replacement-steps");
    expect(steps.steps!.map((s) => s.op)).toEqual(expect.arrayContaining(["create-replacement", "delete-replaced"]));
    expect(summarize(steps, { now: NOW, manifests: [manifest] })).toBe(summarize(fixture("retrain-changed-data"), { now: NOW, manifests: [manifest] }));
  });

  it("a failed preview says so first, with the program's error alone, and no counts", () => {
    const md = summarize(fixture("failed-config"), { now: NOW });
    expect(md).toBe(
      "### Custom Speech preview: `sandbox`\n\n**The preview failed**; what follows is incomplete.\n\n" +
        '- Stack config "locales": locales[0] has an unknown key "evalution"; allowed keys: locale, displayName, datasets, baseModel, training, evaluation, endpoint, expiryWarningDays, copyFrom.\n',
    );
  });

  it("audio hours come from the sync manifest and drive the estimate", () => {
    const digest = fixture("retrain-changed-data");
    for (const s of digest.steps!) for (const st of [s.oldState, s.newState]) if (st?.inputs?.displayName === "product-names") st.inputs.displayName = "callcenter-train";
    const md = summarize(digest, { now: NOW, manifests: [manifest] });
    expect(md).toContain("dataset `callcenter-train` (Language): new content (contentHash, contentUrl), 12.0 h of audio");
    expect(md).toContain("about 3 h for 12.0 h of audio");
  });

  it("a gate threshold change only: decided again on the existing results, no retrain; the endpoint may swap", () => {
    const digest = fixture("gate-threshold-only");
    const md = summarize(digest, { now: NOW });
    expect(md).toContain("`speech-en-us-evaluation` (en-US): the gate is decided again on the existing results with WER at most 12 %");
    expect(md).not.toContain("**Retrains**");
    // The engine plans the endpoint as an update: the evaluation's outputs are unknown in a preview of its update.
    const served = shown(before(digest, "speech-en-us-endpoint").model);
    expect(digest.steps!.find((s) => s.urn.endsWith("::speech-en-us-endpoint"))?.newState?.inputs?.model).toBe(UNKNOWN);
    expect(md).toContain(`\`speech-en-us-endpoint\` (en-US) may swap in place (same id and URL): ${served} → the model the gate passes on its new thresholds (known after the deployment); nothing changes if that is ${served}.`);
  });

  it("a removed locale: its endpoint's delete is an outage, in bold; the rest is counted", () => {
    const digest = fixture("locale-removed");
    const md = summarize(digest, { now: NOW });
    const id = digest.steps!.find((s) => s.urn.endsWith("::speech-en-us-endpoint"))!.oldState!.id;
    expect(md).toContain(`- **\`speech-en-us-endpoint\` (en-US) is deleted: applications using endpoint \`${id}\` stop working (an outage).**`);
    expect(md).toContain("Everything else: 6 to delete; 0 unchanged.");
  });

  it("expiry inside the window: the base model's training deadline, with days left, and the program's warning", () => {
    const digest = fixture("expiry-warnings");
    const deadline: string = before(digest, "speech-en-us-model").baseModelAdaptationExpiry;
    const now = Date.parse(deadline) - 40 * DAY;
    const md = summarize(digest, { now, warnDays: 60 });
    expect(md).toContain("**Expiry**");
    expect(md).toContain(`en-US: the base model of \`speech-en-us-model\` can be trained on only until ${deadline.slice(0, 10)} (40 days)`);
    // The program's own warning (its window, set to 60 days for this stack), as the CLI reported it.
    expect(md).toMatch(new RegExp(`\\*\\*Warnings\\*\\*\\n\\n- en-US: the base model can be trained on only until ${deadline.slice(0, 10)} \\(\\d+ days\\); move to a newer base model\\.`));
    expect(summarize(digest, { now, warnDays: 10 })).not.toContain("**Expiry**");
  });

  it("a preview with no Custom Speech change says so in one line, with or without --show-sames", () => {
    for (const name of ["no-speech-change", "no-speech-change-show-sames"]) {
      expect(summarize(fixture(name), { now: NOW })).toBe("### Custom Speech preview: `sandbox`\n\nNo Custom Speech change.\n");
    }
  });

  it("a new stack's preview: unknowns read as 'known after the deployment', creates listed", () => {
    const md = summarize(fixture("new-stack-unknowns"), { now: NOW });
    expect(md).toContain("- en-US: `speech-en-us-model` trains (new model).");
    for (const d of ["product-names` (Language)", "callcenter-train` (Acoustic)", "callcenter-test` (Acoustic)"]) expect(md).toContain(`  - dataset \`${d}: new`);
    expect(md).toContain("`speech-en-us-endpoint` (en-US) is created, serving (known after the deployment).");
    expect(md).toContain("baseline: what `speech-en-us-endpoint` serves when it runs (else (known after the deployment))");
    expect(md).toContain("Everything else: 1 to create; 0 unchanged.");
    expect(md).not.toContain(UNKNOWN);
  });
});

describe("npm run preview-summary", () => {
  it("writes the Markdown to --out, reading text before the JSON as a failed preview prints it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
    const input = path.join(dir, "preview.json");
    fs.writeFileSync(input, `warning: something\n${fs.readFileSync(path.join(__dirname, "fixtures", "locale-removed.json"), "utf8")}`);
    const out = path.join(dir, "summary.md");
    expect(await previewSummary(["--in", input, "--out", out])).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toContain("an outage");
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      fs.writeFileSync(input, "not json");
      expect(await previewSummary(["--in", input])).toBe(2);
      expect(await previewSummary([])).toBe(2);
    } finally {
      err.mockRestore();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("expiry report", () => {
  const exported = (transcriptionExpiry: string) => ({
    deployment: {
      resources: [
        { urn: "urn:pulumi:prod::custom-speech::customspeech:index:LocalePipeline$pulumi-nodejs:dynamic/custom-speech:Model::speech-en-us-model", type: "pulumi-nodejs:dynamic/custom-speech:Model", outputs: { self: "https://x/speechtotext/models/m1?api-version=2025-10-15", locale: "en-US", transcriptionExpiry, baseModelAdaptationExpiry: "2030-01-01T00:00:00Z" } },
        { urn: "urn:pulumi:prod::custom-speech::customspeech:index:LocalePipeline$pulumi-nodejs:dynamic/custom-speech:Model::speech-en-us-old", type: "pulumi-nodejs:dynamic/custom-speech:Model", delete: true, outputs: { self: "https://x/speechtotext/models/m0", transcriptionExpiry: "2026-12-02T00:00:00Z" } },
        { urn: "urn:pulumi:prod::custom-speech::customspeech:index:LocalePipeline$pulumi-nodejs:dynamic/custom-speech:Endpoint::speech-en-us-endpoint", type: "pulumi-nodejs:dynamic/custom-speech:Endpoint", id: "e1", outputs: { locale: "en-US", servedModel: "https://x/speechtotext/models/m1?api-version=2025-10-15" } },
      ],
    },
  });

  it("fails when a served model stops transcribing inside the window, and names it", () => {
    const r = expiryReport(exported("2027-01-10T00:00:00Z"), { now: NOW, warnDays: 60 });
    expect(r.failing).toHaveLength(1);
    expect(r.markdown).toContain("**`speech-en-us-endpoint` (en-US) serves `speech-en-us-model`, which transcribes until 2027-01-10 (40 days): retrain (or copy a newer model) before then.**");
    const ok = expiryReport(exported("2028-01-10T00:00:00Z"), { now: NOW, warnDays: 60 });
    expect(ok.failing).toEqual([]);
    expect(ok.markdown).not.toContain("speech-en-us-old"); // a pending delete is not served
  });

  it("the command exits 1 on an expiring served model, 0 otherwise, 2 on bad input", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "expiry-"));
    const file = path.join(dir, "state.json");
    const out = path.join(dir, "report.md");
    fs.writeFileSync(file, JSON.stringify(exported(new Date(Date.now() + 5 * 86_400_000).toISOString())));
    expect(await expiryReportCli(["--in", file, "--out", out])).toBe(1);
    expect(fs.readFileSync(out, "utf8")).toContain("1 served model(s) expire inside the window.");
    fs.writeFileSync(file, JSON.stringify(exported(new Date(Date.now() + 400 * 86_400_000).toISOString())));
    expect(await expiryReportCli(["--in", file, "--out", out])).toBe(0);
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      fs.writeFileSync(file, "{}");
      expect(await expiryReportCli(["--in", file])).toBe(2);
    } finally {
      err.mockRestore();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
