import { mockAzure, ofType, RecordedResource, settle, SUBSCRIPTION, valueOf } from "./harness";
import { DEFAULT_CONTAINERS, TrainingDataStore, trainingDataStoreSettings } from "../../components/training-data-store";
import { BuiltInRoles } from "../../components/roles";

let resources: RecordedResource[];
beforeAll(async () => {
  ({ resources } = await mockAzure());
});

function declared(prefix: string, type: string) {
  return ofType(resources, type).filter((r) => r.name.startsWith(`${prefix}-`));
}
async function build(name: string, args: Partial<ConstructorParameters<typeof TrainingDataStore>[1]> = {}) {
  const store = new TrainingDataStore(name, { resourceGroupName: "rg", location: "eastus", storageAccountName: `${name.replace(/-/g, "")}sa`, ...args });
  await valueOf(store.containerUrls);
  await settle();
  return store;
}

describe("TrainingDataStore", () => {
  test("is a StorageV2 account with secure defaults: OAuth only, TLS 1.2, HTTPS, no public blobs", async () => {
    await build("secure");
    const [{ inputs }] = declared("secure", "azure-native:storage:StorageAccount");
    expect(inputs).toMatchObject({
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      publicNetworkAccess: "Enabled",
      networkRuleSet: { defaultAction: "Allow", bypass: "AzureServices", ipRules: [] },
    });
  });

  test("creates one private container per kind of data, with configurable names", async () => {
    await build("boxes", { containers: { trainingAudio: "audio-train", evaluationResults: "wer-reports" } });
    const containers = declared("boxes", "azure-native:storage:BlobContainer").map((r) => r.inputs);
    expect(containers.map((c) => c.containerName).sort()).toEqual(["audio-train", "pronunciation", "related-text", "test-audio", "wer-reports"]);
    for (const c of containers) expect(c).toMatchObject({ accountName: "boxessa", resourceGroupName: "rg", publicAccess: "None" });
  });

  test("outputs the account name, blob endpoint, container names and URLs", async () => {
    const store = await build("outs");
    expect(await valueOf(store.accountName)).toBe("outssa");
    expect(await valueOf(store.blobEndpoint)).toBe("https://outssa.blob.core.windows.net");
    expect(store.containerNames).toEqual(DEFAULT_CONTAINERS);
    expect(await valueOf(store.containerUrls)).toEqual({
      trainingAudio: "https://outssa.blob.core.windows.net/training-audio",
      testAudio: "https://outssa.blob.core.windows.net/test-audio",
      relatedText: "https://outssa.blob.core.windows.net/related-text",
      pronunciation: "https://outssa.blob.core.windows.net/pronunciation",
      evaluationResults: "https://outssa.blob.core.windows.net/evaluation-results",
    });
    expect(await valueOf(store.storageAccountId)).toBe(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/outssa`);
  });

  test("ages old data out with a lifecycle rule (cool after 30 days by default, over every container)", async () => {
    await build("aging");
    const [policy] = declared("aging", "azure-native:storage:ManagementPolicy");
    expect(policy.inputs.managementPolicyName).toBe("default");
    const [rule] = policy.inputs.policy.rules;
    expect(rule.definition.filters.prefixMatch.sort()).toEqual(Object.values(DEFAULT_CONTAINERS).map((n) => `${n}/`).sort());
    expect(rule.definition.actions.baseBlob).toEqual({ tierToCool: { daysAfterModificationGreaterThan: 30 } });
  });

  test("the lifecycle rule is configurable and can be turned off", async () => {
    await build("custom-age", { lifecycle: { tierToCoolAfterDays: 10, deleteAfterDays: 400, containers: ["evaluationResults"] } });
    const [rule] = declared("custom-age", "azure-native:storage:ManagementPolicy")[0].inputs.policy.rules;
    expect(rule.definition.filters.prefixMatch).toEqual(["evaluation-results/"]);
    expect(rule.definition.actions.baseBlob).toEqual({
      tierToCool: { daysAfterModificationGreaterThan: 10 },
      delete: { daysAfterModificationGreaterThan: 400 },
    });
    await build("no-age", { lifecycle: false });
    expect(declared("no-age", "azure-native:storage:ManagementPolicy")).toHaveLength(0);
  });

  test("grants Blob Data Reader and Contributor on the storage account to the given principals", async () => {
    const reader = "0f0f0f0f-0000-4000-8000-00000000000a";
    const writer = "0f0f0f0f-0000-4000-8000-00000000000b";
    const store = await build("granted", {
      dataReaders: [{ principalId: reader, principalType: "ServicePrincipal" }],
      dataContributors: [{ principalId: writer, principalType: "Group" }],
    });
    const scope = await valueOf(store.storageAccountId);
    const roles = declared("granted", "azure-native:authorization:RoleAssignment").map((r) => r.inputs);
    const role = (guid: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    expect(roles).toHaveLength(2);
    expect(roles).toContainEqual(expect.objectContaining({ scope, principalId: reader, roleDefinitionId: role(BuiltInRoles.StorageBlobDataReader) }));
    expect(roles).toContainEqual(expect.objectContaining({ scope, principalId: writer, roleDefinitionId: role(BuiltInRoles.StorageBlobDataContributor) }));
  });

  test("a firewalled store still lets trusted Azure services (the Speech resource) in", async () => {
    await build("walled", { networkDefaultAction: "Deny", ipRules: ["203.0.113.7"], publicNetworkAccess: "Enabled" });
    const [{ inputs }] = declared("walled", "azure-native:storage:StorageAccount");
    expect(inputs.networkRuleSet).toEqual({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ iPAddressOrRange: "203.0.113.7", action: "Allow" }] });
  });
});

describe("TrainingDataStore settings", () => {
  const base = { resourceGroupName: "rg", location: "eastus" };
  test.each([
    [{ storageAccountName: "Has-Dashes" }, /storageAccountName must be a storage account name of 3-24 lowercase letters and digits; got "Has-Dashes"/],
    [{ sku: "Premium_LRS" }, /sku must be one of Standard_LRS, Standard_ZRS, .*; got "Premium_LRS"/],
    [{ containers: { trainingAudio: "Training_Audio" } }, /containers.trainingAudio must be a blob container name .*; got "Training_Audio"/],
    [{ containers: { testAudio: "a--b" } }, /containers.testAudio must be a blob container name.*; got "a--b"/],
    [{ containers: { trainingAudio: "customspeech-artifacts" } }, /reserved by the Speech service/],
    [{ containers: { audio: "x-audio" } }, /containers key must be one of trainingAudio, testAudio, relatedText, pronunciation, evaluationResults; got "audio"/],
    [{ containers: { testAudio: "training-audio" } }, /"training-audio" is used for more than one kind of data/],
    [{ lifecycle: { tierToCoolAfterDays: -1 } }, /lifecycle.tierToCoolAfterDays must be a whole number from 0 to 36500; got -1/],
    [{ lifecycle: { tierToCoolAfterDays: 30, deleteAfterDays: 20 } }, /lifecycle.deleteAfterDays \(20\) must be greater than lifecycle.tierToCoolAfterDays \(30\)/],
    [{ lifecycle: { containers: ["logs"] } }, /lifecycle.containers\[0\] must be one of trainingAudio, .*; got "logs"/],
    [{ networkDefaultAction: "Block" }, /networkDefaultAction must be one of Allow, Deny; got "Block"/],
    [{ ipRules: ["everyone"] }, /ipRules\[0\] must be an IPv4 address or CIDR range such as 203.0.113.0\/24; got "everyone"/],
    [{ dataReaders: [{ principalId: "bob" }] }, /dataReaders\[0\]\.principalId must be a GUID .*; got "bob"/],
  ])("bad input %j fails with a message naming the property", (bad, message) => {
    expect(() => trainingDataStoreSettings("x", { ...base, ...(bad as object) })).toThrow(message);
  });

  test("the default storage account name is valid and stable per component", () => {
    const a = trainingDataStoreSettings("training-data", base).storageAccountName;
    expect(a).toMatch(/^trainingdata[0-9a-f]{8}$/);
    expect(trainingDataStoreSettings("training-data", base).storageAccountName).toBe(a);
    expect(trainingDataStoreSettings("a-very-long-component-name-indeed", base).storageAccountName).toHaveLength(24);
  });
});

describe("an existing TrainingDataStore (existingStorage)", () => {
  test("Azurite: the account name comes from the path, container URLs from the endpoint, nothing is declared", async () => {
    const before = resources.length;
    const store = TrainingDataStore.existing({ blobEndpoint: "http://127.0.0.1:10000/devstoreaccount1/", containers: { testAudio: "eval-audio" } });
    await settle();
    expect(resources.length).toBe(before);
    expect(await valueOf(store.accountName)).toBe("devstoreaccount1");
    expect(await valueOf(store.blobEndpoint)).toBe("http://127.0.0.1:10000/devstoreaccount1");
    expect(store.containerNames).toEqual({ ...DEFAULT_CONTAINERS, testAudio: "eval-audio" });
    expect((await valueOf(store.containerUrls)).testAudio).toBe("http://127.0.0.1:10000/devstoreaccount1/eval-audio");
  });

  test("Azure: the account name is the first label of the host", async () => {
    const store = TrainingDataStore.existing({ blobEndpoint: "https://platformdata.blob.core.windows.net" });
    expect(await valueOf(store.accountName)).toBe("platformdata");
  });

  test.each([
    ["blob.core.windows.net", /existingStorage\.blobEndpoint must be an absolute URL such as https:\/\/<account>\.blob\.core\.windows\.net; got "blob\.core\.windows\.net"/],
    ["http://platformdata.blob.core.windows.net", /existingStorage\.blobEndpoint must be an https URL \(http only for localhost/],
  ])("rejects %s naming the property", (blobEndpoint, message) => {
    expect(() => TrainingDataStore.existing({ blobEndpoint })).toThrow(message);
  });

  test("rejects a bad container name naming the property", () => {
    expect(() => TrainingDataStore.existing({ blobEndpoint: "https://a.blob.core.windows.net", containers: { pronunciation: "Bad_Name" } })).toThrow(
      /existingStorage\.containers\.pronunciation must be a blob container name .*; got "Bad_Name"/,
    );
  });
});
