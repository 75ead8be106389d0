// The serving stack (Pulumi.prod-swedencentral.yaml) under Pulumi's mocks: a Speech resource in a region without
// training hardware (inferenceOnly), no training-data store, and per locale a copy of what the prod stack serves.
import { fakeStacks } from "../support/azure-fakes";
import { DYNAMIC, countByType, ofType, runStackProgram, valueOf, type RecordedResource } from "./harness";

const PROD = {
  speechEndpoint: "https://contoso-speech-prod.cognitiveservices.azure.com/",
  speechResourceId: "/subscriptions/s/resourceGroups/rg-prod/providers/Microsoft.CognitiveServices/accounts/contoso-speech-prod",
  locales: {
    "en-US": { servedModel: "https://contoso-speech-prod.cognitiveservices.azure.com/speechtotext/models/11111111-1111-4111-8111-111111111111" },
    "de-DE": { servedModel: "https://contoso-speech-prod.cognitiveservices.azure.com/speechtotext/models/22222222-2222-4222-8222-222222222222" },
  },
};

let outputs: Record<string, any>;
let resources: RecordedResource[];

beforeAll(async () => {
  fakeStacks["contoso/custom-speech/prod"] = PROD;
  ({ outputs, resources } = await runStackProgram("prod-swedencentral"));
  await valueOf(outputs.locales["en-US"].copiedFrom);
});

describe("serving stack (Pulumi.prod-swedencentral.yaml)", () => {
  test("a Speech resource in swedencentral, no training-data store, one StackReference for both locales", () => {
    const counts = countByType(resources);
    expect(counts).toMatchObject({
      "azure-native:cognitiveservices:Account": 1,
      "pulumi:pulumi:StackReference": 1,
      "customspeech:index:LocaleReplica": 2,
      [DYNAMIC("ModelCopy")]: 2,
      [DYNAMIC("Endpoint")]: 2,
      [DYNAMIC("Project")]: 2,
    });
    for (const none of ["customspeech:index:TrainingDataStore", "azure-native:storage:StorageAccount", DYNAMIC("Model"), DYNAMIC("Dataset"), DYNAMIC("Evaluation")]) expect(counts[none]).toBeUndefined();
    expect(ofType(resources, "azure-native:cognitiveservices:Account")[0].inputs.location).toBe("swedencentral");
    expect(outputs.storageAccountName).toBeNull();
  });

  test("protects its endpoints, not the copies a source retrain replaces", () => {
    expect(resources.filter((r) => r.protect).map((r) => r.type)).toEqual([DYNAMIC("Endpoint"), DYNAMIC("Endpoint")]);
  });

  test("each copy is of the model prod serves for its locale, from prod's resource into this one, with Entra ID", async () => {
    const copies = ofType(resources, DYNAMIC("ModelCopy"));
    const en = copies.find((c) => c.name === "speech-en-us-copy")!.inputs;
    expect(en).toMatchObject({ locale: "en-US", sourceModel: PROD.locales["en-US"].servedModel, sourceResourceId: PROD.speechResourceId, sourceSpeech: { endpoint: PROD.speechEndpoint } });
    expect(en.sourceSpeech.key).toBeUndefined();
    expect(en.sourceSpeech.keyConfig).toBeUndefined();
    expect(en.targetResourceId).toBe(await valueOf(outputs.speechResourceId));
    expect(copies.find((c) => c.name === "speech-de-de-copy")!.inputs).toMatchObject({ locale: "de-DE", waitMinutes: 90, sourceModel: PROD.locales["de-DE"].servedModel });
    const endpoint = ofType(resources, DYNAMIC("Endpoint")).find((e) => e.name === "speech-en-us-endpoint")!;
    expect(endpoint.inputs.displayName).toBe("callcenter-en-US-swedencentral");
    expect(await valueOf(outputs.locales["en-US"].copiedFrom)).toBe(PROD.locales["en-US"].servedModel);
  });
});
