import * as pulumi from "@pulumi/pulumi";
import { countByType, RecordedResource, runStackProgram, SUBSCRIPTION, valueOf } from "./harness";

const existing = {
  endpoint: "https://platform-speech.cognitiveservices.azure.com/",
  region: "eastus",
  resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/platform/providers/Microsoft.CognitiveServices/accounts/platform-speech`,
  principalId: "55555555-5555-5555-5555-555555555555",
};

let outputs: Record<string, any>;
let resources: RecordedResource[];

beforeAll(async () => {
  ({ outputs, resources } = await runStackProgram("dev", { existingSpeech: existing, existingSpeechKey: "platform-key", locales: [] }, ["existingSpeechKey"]));
  await valueOf(outputs.containerUrls);
});

describe("dev stack with an existing Speech resource", () => {
  test("creates no Speech account, only the training data store", () => {
    expect(countByType(resources)).toEqual({
      "azure-native:resources:ResourceGroup": 1,
      "customspeech:index:TrainingDataStore": 1,
      "azure-native:storage:StorageAccount": 1,
      "azure-native:storage:BlobContainer": 5,
      "azure-native:storage:ManagementPolicy": 1,
      // team group: Blob Data Contributor; the existing resource's identity: Blob Data Reader
      "azure-native:authorization:RoleAssignment": 2,
    });
  });

  test("exports the existing resource's endpoint, region and id, and its key only as a secret", async () => {
    expect(await valueOf(outputs.speechEndpoint)).toBe("https://platform-speech.cognitiveservices.azure.com");
    expect(await valueOf(outputs.speechRegion)).toBe("eastus");
    expect(await valueOf(outputs.speechResourceId)).toBe(existing.resourceId);
    expect(await pulumi.isSecret(outputs.speechKey)).toBe(true);
    expect(await valueOf(outputs.speechKey)).toBe("platform-key");
  });

  test("lets the existing resource's identity read the training data", () => {
    const reader = resources.find((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.principalId === existing.principalId);
    expect(reader?.inputs).toMatchObject({ principalType: "ServicePrincipal", roleDefinitionId: expect.stringMatching(/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1$/) });
  });
});
