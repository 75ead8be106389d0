// A pull-request preview of a brand-new dev stack: the whole graph, control plane and per-locale pipeline,
// with ARM outputs still unknown, so nothing may call the Speech API.
import { countByType, countHttpRequests, DEV_CONTROL_PLANE, DYNAMIC, inFolderWith, ofType, RecordedResource, runStackProgram } from "./harness";

let resources: RecordedResource[];
let restoreCwd: () => void;
const http = countHttpRequests();

beforeAll(async () => {
  restoreCwd = inFolderWith({ "data/en-US/callcenter-train.zip": "train v1", "data/en-US/callcenter-test.zip": "test v1" });
  ({ resources } = await runStackProgram("dev", {}, [], { preview: true }));
});
afterAll(() => {
  restoreCwd();
  http.restore();
});

describe("dev stack preview (Pulumi.dev.yaml, new stack)", () => {
  test("declares the control plane and one locale pipeline: project, two datasets, model, gate, endpoint", () => {
    expect(countByType(resources)).toEqual({
      ...DEV_CONTROL_PLANE,
      "customspeech:index:LocalePipeline": 1,
      [DYNAMIC("Project")]: 1,
      [DYNAMIC("Dataset")]: 2,
      [DYNAMIC("Model")]: 1,
      [DYNAMIC("Evaluation")]: 1,
      [DYNAMIC("Endpoint")]: 1,
    });
  });

  test("protects nothing: dev endpoints can be destroyed (protectEndpoints defaults to false)", () => {
    expect(resources.filter((r) => r.protect)).toEqual([]);
  });

  test("makes no HTTP call while the Speech endpoint is unknown", () => {
    expect(http.count()).toBe(0);
  });

  test("hashes local dataset files in the program, so changed data shows in the preview", () => {
    const datasets = ofType(resources, DYNAMIC("Dataset"));
    expect(datasets.map((d) => d.inputs.file).sort()).toEqual(["data/en-US/callcenter-test.zip", "data/en-US/callcenter-train.zip"]);
    for (const d of datasets) expect(d.inputs.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(datasets.map((d) => d.inputs.contentHash)).size).toBe(2);
  });

  test("passes the config's gate and endpoint settings, in percent, and tags each entity with its Pulumi identity", () => {
    const [evaluation] = ofType(resources, DYNAMIC("Evaluation"));
    expect(evaluation.inputs).toMatchObject({ locale: "en-US", maxWordErrorRate: 30 });
    const [endpoint] = ofType(resources, DYNAMIC("Endpoint"));
    expect(endpoint.inputs).toMatchObject({ locale: "en-US", displayName: "callcenter-en-US-dev" });
    expect(endpoint.inputs.__identity).toEqual({ project: "custom-speech", stack: "dev", name: "speech-en-us-endpoint" });
  });
});
