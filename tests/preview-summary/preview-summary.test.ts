// The pull-request summary of `pulumi preview --json` (fixtures in the CLI's documented shape, pkg/display/json.go
// PreviewDigest, with secrets as "[secret]" and unknowns as the engine's placeholder; dynamic resources carry no
// diffReasons or detailedDiff, as the dynamic-provider server reports none), and the expiry report.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expiryReport, summarize, type PreviewDigest } from "../../components/preview-summary";
import { main as previewSummary } from "../../scripts/preview-summary";
import { main as expiryReportCli } from "../../scripts/expiry-report";

const NOW = Date.parse("2026-12-01T00:00:00Z");
const fixture = (name: string): PreviewDigest => JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8"));
const manifest = {
  version: 1 as const,
  datasets: [{ name: "product-names", kind: "Language" as const, locale: "en-US", blobUrl: "https://a.blob.core.windows.net/c/p.zip", contentHash: "sha256:bbb", sizeBytes: 10, audioDurationMs: 0, fileCount: 1 },
    { name: "callcenter-train", kind: "Acoustic" as const, locale: "en-US", blobUrl: "https://a.blob.core.windows.net/c/t.zip", contentHash: "sha256:ccc", sizeBytes: 10, audioDurationMs: 12 * 3_600_000, fileCount: 100 }],
};

describe("preview summary", () => {
  it("a retrain with changed data: the model, the changed dataset, the estimate, the charge, the swap and the gate", () => {
    const md = summarize(fixture("retrain-changed-data"), { now: NOW, manifests: [manifest] });
    expect(md).toContain("**Retrains**");
    expect(md).toContain("- en-US: `speech-en-us-model` trains (changed: datasets).");
    expect(md).toContain("  - dataset `product-names` (Language): new content (contentHash, contentUrl)");
    expect(md).toContain("estimated training time: about 1 h");
    expect(md).toContain("charged (`chargeForAdaptation`)");
    expect(md).toContain("`speech-en-us-endpoint` (en-US) swaps in place (same id and URL): `models/11111111-1111-4111-8111-111111111111` → (known after the deployment) (the model that passes the gate)");
    expect(md).toContain("`speech-en-us-evaluation` (en-US) runs: WER at most 12 %, at least 1 points better than the baseline; baseline: what `speech-en-us-endpoint` serves");
    // The dataset is told once, under its retrain; the storage account is the one unchanged resource.
    expect(md).toContain("Everything else: no other change; 1 unchanged.");
    // Secrets stay secrets: nothing of a SAS URL or key is in the text.
    expect(md).not.toMatch(/sig=|\[secret\]/);
  });

  it("reads the same with or without --show-replacement-steps (one replace step per resource)", () => {
    const digest = fixture("retrain-changed-data");
    const plain = { ...digest, steps: digest.steps!.filter((s) => s.op !== "create-replacement" && s.op !== "delete-replaced") };
    expect(summarize(plain, { now: NOW, manifests: [manifest] })).toBe(summarize(digest, { now: NOW, manifests: [manifest] }));
  });

  it("a failed preview says so first, with the error; the program's warnings are listed", () => {
    const digest = fixture("no-speech-change");
    digest.diagnostics = [
      { urn: "urn:pulumi:prod::custom-speech::pulumi:pulumi:Stack::custom-speech-prod", message: "Stack config \"locales\": locales[0].evalution is not a setting\nmore", severity: "error" },
      { urn: "urn:pulumi:prod::custom-speech::customspeech:index:LocalePipeline::speech-en-us", message: "en-US: the base model can be trained on only until 2027-01-01 (31 days); move to a newer base model.", severity: "warning" },
    ];
    const md = summarize(digest, { now: NOW });
    expect(md).toContain("**The preview failed**; what follows is incomplete.");
    expect(md).toContain('- Stack config "locales": locales[0].evalution is not a setting');
    expect(md).not.toContain("No Custom Speech change.");
    expect(md).toContain("**Warnings**\n\n- en-US: the base model can be trained on only until 2027-01-01");
  });

  it("audio hours come from the sync manifest and drive the estimate", () => {
    const digest = fixture("retrain-changed-data");
    for (const s of digest.steps!) for (const st of [s.oldState, s.newState]) if (st?.inputs?.displayName === "product-names") st.inputs.displayName = "callcenter-train";
    const md = summarize(digest, { now: NOW, manifests: [manifest] });
    expect(md).toContain("dataset `callcenter-train` (Language): new content (contentHash, contentUrl), 12.0 h of audio");
    expect(md).toContain("about 3 h for 12.0 h of audio");
  });

  it("a gate threshold change only: decided again on the existing results, no retrain, no swap", () => {
    const md = summarize(fixture("gate-threshold-only"), { now: NOW });
    expect(md).toContain("`speech-en-us-evaluation` (en-US): the gate is decided again on the existing results with WER at most 10 %");
    expect(md).not.toContain("**Retrains**");
    expect(md).not.toContain("**Endpoints**");
  });

  it("an endpoint swap names the model before and after", () => {
    const md = summarize(fixture("endpoint-swap"), { now: NOW });
    expect(md).toContain("swaps in place (same id and URL): `models/00000000-1111-4111-8111-111111111111` → `models/11111111-1111-4111-8111-111111111111`.");
  });

  it("an endpoint delete is an outage, in bold", () => {
    const md = summarize(fixture("endpoint-delete"), { now: NOW });
    expect(md).toContain("- **`speech-de-de-endpoint` (de-DE) is deleted: applications using endpoint `e1111111-1111-4111-8111-111111111111` stop working (an outage).**");
    expect(md).toContain("Everything else: 1 to delete; 1 unchanged.");
  });

  it("expiry inside the window: the served model and the base model, with days left", () => {
    const md = summarize(fixture("expiry-warnings"), { now: NOW, warnDays: 60 });
    expect(md).toContain("**Expiry**");
    expect(md).toContain("en-US: `speech-en-us-model` stops transcribing on 2027-01-10 (40 days)");
    expect(md).toContain("the base model of `speech-en-us-model` can be trained on only until 2026-12-20 (19 days)");
    expect(summarize(fixture("expiry-warnings"), { now: NOW, warnDays: 10 })).toContain("No Custom Speech change.");
  });

  it("a preview with no Custom Speech change says so in one line", () => {
    expect(summarize(fixture("no-speech-change"), { now: NOW })).toBe("### Custom Speech preview: `prod`\n\nNo Custom Speech change.\n");
  });

  it("a new stack's preview: unknowns read as 'known after the deployment', creates listed", () => {
    const md = summarize(fixture("new-stack-unknowns"), { now: NOW });
    expect(md).toContain("- en-US: `speech-en-us-model` trains (new model).");
    expect(md).toContain("`speech-en-us-endpoint` (en-US) is created, serving (known after the deployment).");
    expect(md).toContain("baseline: what `speech-en-us-endpoint` serves when it runs (else (known after the deployment))");
    expect(md).not.toContain("04da6b54");
  });
});

describe("npm run preview-summary", () => {
  it("writes the Markdown to --out, reading text before the JSON as a failed preview prints it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
    const input = path.join(dir, "preview.json");
    fs.writeFileSync(input, `warning: something\n${fs.readFileSync(path.join(__dirname, "fixtures", "endpoint-delete.json"), "utf8")}`);
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
