import * as pulumi from "@pulumi/pulumi";
import { countByType, DEV_CONTROL_PLANE, ofType, RecordedCall, RecordedResource, runStackProgram, valueOf } from "./harness";
import { F0_WARNING } from "../../components/speech-account";

let outputs: Record<string, any>;
let resources: RecordedResource[];
let calls: RecordedCall[];
const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());

// A deployment of the control plane with ARM outputs known. The per-locale pipelines look up base models on the
// live Speech endpoint once it is known, so they are left out here; the preview tests cover their graph.
beforeAll(async () => {
  ({ outputs, resources, calls } = await runStackProgram("dev", { locales: [] }));
  await valueOf(outputs.containerUrls);
});

describe("dev stack (Pulumi.dev.yaml)", () => {
  test("declares a resource group, a TrainingDataStore and a SpeechAccount with their children", () => {
    expect(countByType(resources)).toEqual(DEV_CONTROL_PLANE);
  });

  test("uses S0 in eastus (F0 could never take new data: see Pulumi.dev.yaml), keyless", async () => {
    const [account] = ofType(resources, "azure-native:cognitiveservices:Account");
    expect(account.inputs).toMatchObject({ location: "eastus", sku: { name: "S0" }, properties: { disableLocalAuth: true } });
    expect(warn).not.toHaveBeenCalledWith(F0_WARNING, expect.anything());
    expect(outputs.speechKey).toBeUndefined();
    expect(calls.filter((c) => c.token.includes("listAccountKeys"))).toHaveLength(0);
  });

  test("tags every resource with the environment and the stack (the Speech resource also with its role)", () => {
    const tags = { environment: "dev", owner: "speech-team", "pulumi-project": "custom-speech", "pulumi-stack": "dev" };
    for (const type of ["azure-native:resources:ResourceGroup", "azure-native:storage:StorageAccount"]) {
      expect(ofType(resources, type)[0].inputs.tags).toEqual(tags);
    }
    expect(ofType(resources, "azure-native:cognitiveservices:Account")[0].inputs.tags).toEqual({ ...tags, "custom-speech-role": "training" });
  });

  test("deploys into the resource group it creates", () => {
    for (const r of resources.filter((r) => r.custom && r.inputs.resourceGroupName !== undefined)) {
      expect(r.inputs.resourceGroupName).toBe("rg-custom-speech-dev");
    }
  });

  test("exports the Speech endpoint, region, resource id and the storage layout", async () => {
    const endpoint = await valueOf(outputs.speechEndpoint);
    expect(endpoint).toMatch(/^https:\/\/speech-[0-9a-f]{8}\.cognitiveservices\.azure\.com$/);
    expect(await valueOf(outputs.speechRegion)).toBe("eastus");
    expect(await valueOf(outputs.speechResourceId)).toMatch(/\/providers\/Microsoft\.CognitiveServices\/accounts\/speech-[0-9a-f]{8}$/);
    const account = await valueOf(outputs.storageAccountName);
    expect(account).toMatch(/^trainingdata[0-9a-f]{8}$/);
    expect(outputs.containers.trainingAudio).toBe("training-audio");
    expect((await valueOf<Record<string, string>>(outputs.containerUrls)).testAudio).toBe(`https://${account}.blob.core.windows.net/test-audio`);
  });
});
