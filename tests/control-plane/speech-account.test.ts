import * as pulumi from "@pulumi/pulumi";
import { mockAzure, ofType, RecordedCall, RecordedResource, settle, SUBSCRIPTION, valueOf } from "./harness";
import { checkedRegion, F0_WARNING, SpeechAccount, speechAccountSettings } from "../../components/speech-account";
import { TRAINING_REGIONS } from "../../components/regions";
import { BuiltInRoles, roleAssignmentName } from "../../components/roles";

let resources: RecordedResource[];
let calls: RecordedCall[];
beforeAll(async () => {
  ({ resources, calls } = await mockAzure());
});

const DEPLOYER = "0f0f0f0f-0000-4000-8000-000000000001";
const READER = "0f0f0f0f-0000-4000-8000-000000000002";
const STORE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/data1`;

function declared(prefix: string, type: string) {
  return ofType(resources, type).filter((r) => r.name.startsWith(`${prefix}-`));
}
function accountOf(prefix: string) {
  const [account] = declared(prefix, "azure-native:cognitiveservices:Account");
  return account;
}
function rolesOf(prefix: string) {
  return declared(prefix, "azure-native:authorization:RoleAssignment").map((r) => r.inputs);
}

describe("SpeechAccount", () => {
  test("is keyless, S0, SpeechServices with a custom subdomain and a system-assigned identity by default", async () => {
    const speech = new SpeechAccount("secure", { resourceGroupName: "rg", location: "eastus", accountName: "contoso-speech-1" });
    await valueOf(speech.endpoint);
    await settle();
    const { inputs } = accountOf("secure");
    expect(inputs.kind).toBe("SpeechServices");
    expect(inputs.sku).toEqual({ name: "S0" });
    expect(inputs.identity).toEqual({ type: "SystemAssigned" });
    expect(inputs.location).toBe("eastus");
    expect(inputs.properties.customSubDomainName).toBe("contoso-speech-1");
    expect(inputs.properties.disableLocalAuth).toBe(true);
    expect(inputs.properties.publicNetworkAccess).toBe("Enabled");
    expect(inputs.properties.userOwnedStorage).toBeUndefined();
    expect(inputs.properties.restore).toBeUndefined();
  });

  test("exposes the custom-subdomain endpoint, region, resource id and identity principal id", async () => {
    const speech = new SpeechAccount("outs", { resourceGroupName: "rg", location: "West Europe", accountName: "contoso-speech-2" });
    expect(await valueOf(speech.endpoint)).toBe("https://contoso-speech-2.cognitiveservices.azure.com");
    expect(await valueOf(speech.region)).toBe("westeurope");
    expect(await valueOf(speech.resourceId)).toBe(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/contoso-speech-2`,
    );
    expect(await valueOf(speech.principalId)).toMatch(/^aaaaaaaa-/);
  });

  test("has no key output and lists no keys when local auth is off", async () => {
    const speech = new SpeechAccount("keyless", { resourceGroupName: "rg", location: "eastus", accountName: "contoso-speech-3" });
    await valueOf(speech.endpoint);
    expect(speech.key).toBeUndefined();
    expect(calls.filter((c) => c.inputs.accountName === "contoso-speech-3")).toHaveLength(0);
  });

  test("returns the key as a secret when local auth is on", async () => {
    const speech = new SpeechAccount("keyed", {
      resourceGroupName: "rg",
      location: "eastus",
      accountName: "contoso-speech-4",
      disableLocalAuth: false,
    });
    expect(speech.key).toBeDefined();
    expect(await pulumi.isSecret(speech.key!)).toBe(true);
    expect(await valueOf(speech.key!)).toBe("mock-key-1");
    expect(accountOf("keyed").inputs.properties.disableLocalAuth).toBe(false);
    expect(calls).toContainEqual({ token: "azure-native:cognitiveservices:listAccountKeys", inputs: { accountName: "contoso-speech-4", resourceGroupName: "rg" } });
  });

  test("rejects a region without Custom Speech training hardware, listing the allowed regions", () => {
    expect(() => new SpeechAccount("brazil", { resourceGroupName: "rg", location: "brazilsouth", accountName: "contoso-speech-5" })).toThrow(
      new RegExp(`location must be a region with dedicated Custom Speech training hardware, one of ${TRAINING_REGIONS.join(", ")}; got "brazilsouth"`),
    );
    expect(declared("brazil", "azure-native:cognitiveservices:Account")).toHaveLength(0);
  });

  test("checks a region that arrives as an Output once it resolves", async () => {
    await expect(valueOf(checkedRegion(pulumi.output("brazilsouth"), {}, "location"))).rejects.toThrow(
      /location must be a region with dedicated Custom Speech training hardware, one of australiaeast.*; got "brazilsouth"/,
    );
    // The account's location goes through the same check (normalized on the way).
    const speech = new SpeechAccount("late", { resourceGroupName: "rg", location: pulumi.output("North Europe"), accountName: "contoso-speech-6" });
    await valueOf(speech.endpoint);
    await settle();
    expect(accountOf("late").inputs.location).toBe("northeurope");
  });

  test("an inference-only copy target may live in any region", async () => {
    const speech = new SpeechAccount("copytarget", {
      resourceGroupName: "rg",
      location: "brazilsouth",
      accountName: "contoso-speech-7",
      inferenceOnly: true,
    });
    expect(await valueOf(speech.region)).toBe("brazilsouth");
  });

  test("tags the account with its role for the policy pack: inference-only or training, over a user tag of that name", async () => {
    const copy = new SpeechAccount("role-copy", {
      resourceGroupName: "rg",
      location: "brazilsouth",
      accountName: "contoso-speech-role-1",
      inferenceOnly: true,
      tags: { owner: "speech-team" },
    });
    const trains = new SpeechAccount("role-train", {
      resourceGroupName: "rg",
      location: "eastus",
      accountName: "contoso-speech-role-2",
      tags: pulumi.output({ "custom-speech-role": "inference-only" }),
    });
    await Promise.all([valueOf(copy.endpoint), valueOf(trains.endpoint)]);
    await settle();
    expect(accountOf("role-copy").inputs.tags).toEqual({ owner: "speech-team", "custom-speech-role": "inference-only" });
    // What the region check did decides the tag: a user's tag cannot turn a training account into a copy target.
    expect(accountOf("role-train").inputs.tags).toEqual({ "custom-speech-role": "training" });
  });

  test("accepts a region Microsoft added later when the config names it", async () => {
    const speech = new SpeechAccount("newregion", {
      resourceGroupName: "rg",
      location: "swedencentral",
      accountName: "contoso-speech-8",
      additionalTrainingRegions: ["swedencentral"],
    });
    expect(await valueOf(speech.region)).toBe("swedencentral");
  });

  test("warns that F0 limits datasets and deletes endpoints", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    const speech = new SpeechAccount("free", { resourceGroupName: "rg", location: "eastus", accountName: "contoso-speech-9", sku: "F0" });
    await valueOf(speech.endpoint);
    expect(warn).toHaveBeenCalledWith(F0_WARNING, speech);
    expect(F0_WARNING).toMatch(/2 Custom Speech datasets.*7 days/);
    expect(accountOf("free").inputs.sku).toEqual({ name: "F0" });
    warn.mockRestore();
  });

  test("grants Speech Contributor to deployers and Speech User to readers on the account, idempotently named", async () => {
    const speech = new SpeechAccount("rbac", {
      resourceGroupName: "rg",
      location: "eastus",
      accountName: "contoso-speech-10",
      contributors: [{ principalId: DEPLOYER, principalType: "ServicePrincipal" }],
      users: [{ principalId: READER, principalType: "Group" }],
    });
    const scope = await valueOf(speech.resourceId);
    await settle();
    const roles = rolesOf("rbac");
    expect(roles).toHaveLength(2);
    expect(roles).toContainEqual({
      scope,
      principalId: DEPLOYER,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRoles.CognitiveServicesSpeechContributor}`,
      roleAssignmentName: roleAssignmentName(scope, "CognitiveServicesSpeechContributor", DEPLOYER),
    });
    expect(roles).toContainEqual({
      scope,
      principalId: READER,
      principalType: "Group",
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRoles.CognitiveServicesSpeechUser}`,
      roleAssignmentName: roleAssignmentName(scope, "CognitiveServicesSpeechUser", READER),
    });
  });

  test("linked to a TrainingDataStore, its identity gets Storage Blob Data Reader on the store", async () => {
    const speech = new SpeechAccount("linked", {
      resourceGroupName: "rg",
      location: "eastus",
      accountName: "contoso-speech-11",
      trainingDataStore: { storageAccountId: STORE_ID },
    });
    const principalId = await valueOf(speech.principalId);
    await settle();
    expect(rolesOf("linked")).toEqual([
      expect.objectContaining({
        scope: STORE_ID,
        principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRoles.StorageBlobDataReader}`,
      }),
    ]);
    expect(accountOf("linked").inputs.properties.userOwnedStorage).toBeUndefined();
  });

  test("bring-your-own-storage sets userOwnedStorage, grants Blob Data Contributor, and replaces the account on change", async () => {
    // A parent's transformations see each child's resource options exactly as declared.
    const seen: pulumi.ResourceTransformationArgs[] = [];
    const speech = new SpeechAccount(
      "byos",
      {
        resourceGroupName: "rg",
        location: "eastus",
        accountName: "contoso-speech-12",
        trainingDataStore: { storageAccountId: STORE_ID },
        bringYourOwnStorage: true,
      },
      { transformations: [(a) => void seen.push(a)] },
    );
    const principalId = await valueOf(speech.principalId);
    await settle();
    expect(accountOf("byos").inputs.properties.userOwnedStorage).toEqual([{ resourceId: STORE_ID }]);
    expect(rolesOf("byos")).toEqual([
      expect.objectContaining({
        scope: STORE_ID,
        principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRoles.StorageBlobDataContributor}`,
      }),
    ]);
    const accountOpts = seen.find((a) => a.type === "azure-native:cognitiveservices:Account")!.opts;
    expect(accountOpts.replaceOnChanges).toEqual(["properties.userOwnedStorage"]);
    expect((accountOpts as pulumi.CustomResourceOptions).deleteBeforeReplace).toBe(true);
  });

  test("bring-your-own-storage without a store is refused", () => {
    expect(() =>
      new SpeechAccount("byos-missing", { resourceGroupName: "rg", location: "eastus", accountName: "contoso-speech-13", bringYourOwnStorage: true }),
    ).toThrow(/bringYourOwnStorage needs trainingDataStore/);
  });

  test("public network access and network ACLs pass through", async () => {
    const speech = new SpeechAccount("firewalled", {
      resourceGroupName: "rg",
      location: "eastus",
      accountName: "contoso-speech-14",
      publicNetworkAccess: "Enabled",
      networkAcls: { defaultAction: "Deny", ipRules: ["203.0.113.0/24"], virtualNetworkSubnetIds: ["/subscriptions/x/subnets/a"] },
    });
    await valueOf(speech.endpoint);
    await settle();
    expect(accountOf("firewalled").inputs.properties.networkAcls).toEqual({
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [{ value: "203.0.113.0/24" }],
      virtualNetworkRules: [{ id: "/subscriptions/x/subnets/a" }],
    });
  });

  test("restore recovers a soft-deleted account instead of creating one", async () => {
    const speech = new SpeechAccount("restored", { resourceGroupName: "rg", location: "eastus", accountName: "contoso-speech-15", restore: true });
    await valueOf(speech.endpoint);
    await settle();
    expect(accountOf("restored").inputs.properties.restore).toBe(true);
  });

  test("children are parented to the component", async () => {
    const speech = new SpeechAccount("parented", { resourceGroupName: "rg", location: "eastus", accountName: "contoso-speech-16" });
    expect(await valueOf(speech.account.urn)).toContain("customspeech:index:SpeechAccount$azure-native:cognitiveservices:Account::parented-account");
  });
});

describe("SpeechAccount settings", () => {
  const base = { resourceGroupName: "rg", location: "eastus" };

  test.each([
    [{ sku: "P1" }, /sku must be one of S0, F0; got "P1"/],
    [{ accountName: "Bad_Name" }, /accountName must be a custom subdomain of 2-64 lowercase letters.*; got "Bad_Name"/],
    [{ customSubDomainName: "-x-" }, /customSubDomainName must be a custom subdomain.*; got "-x-"/],
    [{ publicNetworkAccess: "Open" }, /publicNetworkAccess must be one of Enabled, Disabled; got "Open"/],
    [{ networkAcls: { defaultAction: "Block" } }, /networkAcls.defaultAction must be one of Allow, Deny; got "Block"/],
    [{ networkAcls: { defaultAction: "Deny", ipRules: ["10.0.0.0/33x"] } }, /networkAcls.ipRules\[0\]/],
    [{ contributors: [{ principalId: "alice" }] }, /contributors\[0\]\.principalId must be a GUID such as 00000000-0000-0000-0000-000000000000; got "alice"/],
    [{ users: [{ principalId: READER, principalType: "Robot" }] }, /users\[0\]\.principalType must be one of User, Group, ServicePrincipal; got "Robot"/],
  ])("bad input %j fails with a message naming the property", (bad, message) => {
    expect(() => speechAccountSettings("x", { ...base, ...(bad as object) })).toThrow(message);
  });

  test("the default account name is a valid subdomain, stable per component and different between components", () => {
    const a = speechAccountSettings("speech", base).accountName;
    expect(a).toMatch(/^speech-[0-9a-f]{8}$/);
    expect(speechAccountSettings("speech", base).accountName).toBe(a);
    expect(speechAccountSettings("other", base).accountName).not.toBe(a);
  });
});

describe("SpeechAccount.existing", () => {
  const existing = {
    endpoint: "https://platform-speech.cognitiveservices.azure.com/",
    region: "eastus",
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/platform/providers/Microsoft.CognitiveServices/accounts/platform-speech`,
  };

  test("yields the same outputs without declaring anything", async () => {
    const before = resources.length;
    const speech = SpeechAccount.existing({ ...existing, key: "platform-key" });
    expect(await valueOf(speech.endpoint)).toBe("https://platform-speech.cognitiveservices.azure.com");
    expect(await valueOf(speech.region)).toBe("eastus");
    expect(await valueOf(speech.resourceId)).toBe(existing.resourceId);
    expect(await pulumi.isSecret(speech.key!)).toBe(true);
    await settle();
    expect(resources.length).toBe(before);
  });

  test("accepts the local emulator over http on localhost, but not plain http elsewhere", () => {
    expect(() => SpeechAccount.existing({ ...existing, endpoint: "http://127.0.0.1:7070/sandbox" })).not.toThrow();
    expect(() => SpeechAccount.existing({ ...existing, endpoint: "http://speech.example.com" })).toThrow(/existing.endpoint must be an https URL \(http only for localhost or 127.0.0.1\)/);
  });

  test("rejects a malformed resource id and a non-training region", () => {
    expect(() => SpeechAccount.existing({ ...existing, resourceId: "platform-speech" })).toThrow(/existing.resourceId must be an ARM id .*; got "platform-speech"/);
    expect(() => SpeechAccount.existing({ ...existing, region: "brazilsouth" })).toThrow(/existing.region must be a region with dedicated Custom Speech training hardware, one of .*; got "brazilsouth"/);
  });
});
