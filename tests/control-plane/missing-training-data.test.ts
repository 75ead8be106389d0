// Following README's "Use it against real Azure" from nothing: a locale whose training data is not there yet fails
// the preview (the LocalePipeline, before it declares anything) with the step that makes it, never a raw ENOENT;
// and the first step, the stack with no locales, already has the store to sync into.
import { LocalePipeline } from "../../components/locale-pipeline";
import { validateLocale } from "../../components/stack-config";
import { stackFileConfig } from "../support/stack-files";
import { inFolderWith, runStackProgram } from "./harness";

let restoreCwd: (() => void) | undefined;
afterEach(() => restoreCwd?.());

/** The first locale of a stack file, as the program gets it. */
const firstLocale = (stack: string) => validateLocale((stackFileConfig(stack).locales as unknown[])[0], "locales[0]");

function pipelineError(stack: string, files: Record<string, string>): string {
  restoreCwd = inFolderWith(files);
  try {
    new LocalePipeline("speech-en-us", { speech: { endpoint: "https://speech.cognitiveservices.azure.com" }, config: firstLocale(stack) });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("LocalePipeline did not refuse the missing training data");
}

describe("training data that is not there yet", () => {
  test("prod without the sync manifest: names the property and says to create the store, sync, then add the locale", () => {
    const message = pipelineError("prod", {});
    expect(message).toMatch(/^locales\[en-US\]\.datasets\[callcenter-train\]\.manifest: training-data\.manifest\.json does not exist/);
    expect(message).toMatch(/deploy the stack with no locales first .*`npm run sync-data -- --config <datasets.json> --manifest training-data\.manifest\.json` \(or `npx custom-speech-sync-data --config/);
    expect(message).not.toMatch(/ENOENT/);
  });

  test("a manifest without the dataset: says which datasets it holds and to sync this one", () => {
    const manifest = { version: 1, datasets: [{ name: "other", kind: "Acoustic", locale: "en-US", blobUrl: "https://a.blob.core.windows.net/c/x.zip", contentHash: "a".repeat(64), sizeBytes: 1, audioDurationMs: 0, fileCount: 1 }] };
    const message = pipelineError("prod", { "training-data.manifest.json": JSON.stringify(manifest) });
    expect(message).toMatch(/^locales\[en-US\]\.datasets\[callcenter-train\]\.manifest: dataset "callcenter-train" is not in the manifest; it holds: other\. Sync the dataset first: `npm run sync-data -- --config/);
  });

  test("dev without its dataset zips: names the file property and how to check the package", () => {
    const message = pipelineError("dev", { "data/en-US/callcenter-test.zip": "test v1" });
    expect(message).toMatch(/^locales\[en-US\]\.datasets\[callcenter-train\]\.file: data\/en-US\/callcenter-train\.zip does not exist/);
    expect(message).toMatch(/`npm run sync-data -- --dataset <folder> --kind Acoustic --locale en-US --validate-only` \(or `npx custom-speech-sync-data --dataset/);
  });

  test("the prod stack with no locales yet (the first step) declares the store and no Custom Speech resource", async () => {
    restoreCwd = inFolderWith({});
    const { resources } = await runStackProgram("prod", { locales: [] }, [], { preview: true });
    const types = resources.map((r) => r.type);
    expect(types).toContain("customspeech:index:TrainingDataStore");
    expect(types.filter((t) => t.startsWith("pulumi-nodejs:dynamic/"))).toEqual([]);
  });
});
