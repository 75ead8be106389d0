// A pull-request preview of a brand-new prod stack: two locale pipelines whose datasets come from the sync
// manifest (blob URL + content hash), with nothing sent to the Speech API.
import { countByType, countHttpRequests, DYNAMIC, inFolderWith, ofType, RecordedResource, runStackProgram } from "./harness";

const blob = "https://contosospeechdataprod.blob.core.windows.net";
const entry = (name: string, kind: string, locale: string, n: number) => ({
  name, kind, locale, blobUrl: `${blob}/training-audio/${locale}/${name}/${String(n).repeat(64)}.zip`,
  contentHash: String(n).repeat(64), sizeBytes: 1000 * n, audioDurationMs: 0, fileCount: n,
});
const manifest = {
  version: 1,
  datasets: [
    entry("callcenter-train", "Acoustic", "en-US", 1), entry("product-names", "Language", "en-US", 2), entry("callcenter-test", "Acoustic", "en-US", 3),
    entry("kundenservice-train", "Acoustic", "de-DE", 4), entry("aussprache", "Pronunciation", "de-DE", 5), entry("kundenservice-test", "Acoustic", "de-DE", 6),
  ],
};

let resources: RecordedResource[];
let restoreCwd: () => void;
const http = countHttpRequests();

beforeAll(async () => {
  restoreCwd = inFolderWith({ "training-data.manifest.json": JSON.stringify(manifest) });
  ({ resources } = await runStackProgram("prod", {}, [], { preview: true }));
});
afterAll(() => {
  restoreCwd();
  http.restore();
});

describe("prod stack preview (Pulumi.prod.yaml, new stack)", () => {
  test("declares one pipeline per locale with three datasets each", () => {
    const counts = countByType(resources);
    expect(counts).toMatchObject({
      "customspeech:index:LocalePipeline": 2,
      [DYNAMIC("Project")]: 2,
      [DYNAMIC("Dataset")]: 6,
      [DYNAMIC("Model")]: 2,
      [DYNAMIC("Evaluation")]: 2,
      [DYNAMIC("Endpoint")]: 2,
      "azure-native:cognitiveservices:Account": 1,
    });
    expect(ofType(resources, DYNAMIC("Project")).map((p) => p.inputs.locale).sort()).toEqual(["de-DE", "en-US"]);
  });

  test("protects its endpoints (protectEndpoints) and nothing a retrain must replace", () => {
    const protectedTypes = resources.filter((r) => r.protect).map((r) => r.type);
    expect(protectedTypes).toEqual([DYNAMIC("Endpoint"), DYNAMIC("Endpoint")]);
  });

  test("makes no HTTP call", () => {
    expect(http.count()).toBe(0);
  });

  test("takes each dataset's blob URL (kept secret: it may carry a SAS) and content hash from the sync manifest", () => {
    const SECRET_SIG = "4dabf18193072939515e22adb298388d"; // how the Pulumi runtime marks a secret value
    for (const e of manifest.datasets) {
      const d = ofType(resources, DYNAMIC("Dataset")).find((r) => r.inputs.displayName === e.name)!;
      expect(d.inputs).toMatchObject({ kind: e.kind, locale: e.locale, contentHash: e.contentHash });
      expect(d.inputs.contentUrl).toEqual({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: e.blobUrl });
    }
  });

  test("applies the stricter gates in percent", () => {
    const gates = ofType(resources, DYNAMIC("Evaluation")).map((e) => [e.inputs.locale, e.inputs.maxWordErrorRate, e.inputs.minWordErrorRateImprovement]);
    expect(gates.sort()).toEqual([["de-DE", 15, 1], ["en-US", 12, 1]]);
  });
});
