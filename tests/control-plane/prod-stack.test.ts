import { countByType, DEV_CONTROL_PLANE, ofType, RecordedCall, RecordedResource, runStackProgram, SUBSCRIPTION, valueOf } from "./harness";
import { BuiltInRoles } from "../../components/roles";

let outputs: Record<string, any>;
let resources: RecordedResource[];
let calls: RecordedCall[];

// A deployment of the control plane with ARM outputs known. The per-locale pipelines look up base models on the
// live Speech endpoint once it is known, so they are left out here; the preview tests cover their graph.
beforeAll(async () => {
  ({ outputs, resources, calls } = await runStackProgram("prod", { locales: [] }));
  await valueOf(outputs.containerUrls);
});

const roleId = (guid: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

describe("prod stack (Pulumi.prod.yaml)", () => {
  test("declares the same graph as dev plus the extra principals' role assignments", () => {
    expect(countByType(resources)).toEqual({
      ...DEV_CONTROL_PLANE,
      // deployer: Speech Contributor + Blob Data Contributor; app + readers: Speech User x2; Speech identity: Blob Data Reader
      "azure-native:authorization:RoleAssignment": 5,
    });
  });

  test("an S0, keyless, firewalled Speech resource in westeurope with the configured name", () => {
    const [account] = ofType(resources, "azure-native:cognitiveservices:Account");
    expect(account.inputs).toMatchObject({
      accountName: "contoso-speech-prod",
      location: "westeurope",
      sku: { name: "S0" },
      properties: {
        customSubDomainName: "contoso-speech-prod",
        disableLocalAuth: true,
        networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "203.0.113.0/24" }] },
      },
    });
    expect(outputs.speechKey).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  test("zone-redundant, firewalled training storage", () => {
    const [storage] = ofType(resources, "azure-native:storage:StorageAccount");
    expect(storage.inputs).toMatchObject({
      accountName: "contosospeechdataprod",
      sku: { name: "Standard_ZRS" },
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }] },
    });
  });

  test("role assignments have the right scope and role", async () => {
    const speechId = await valueOf(outputs.speechResourceId);
    const storageId = ofType(resources, "azure-native:authorization:RoleAssignment").find((r) => r.inputs.scope.includes("storageAccounts"))!.inputs.scope;
    const speechPrincipal = await valueOf(outputs.speechPrincipalId);
    const grants = ofType(resources, "azure-native:authorization:RoleAssignment").map((r) => [r.inputs.scope, r.inputs.roleDefinitionId, r.inputs.principalId]);
    expect(grants.sort()).toEqual(
      [
        [speechId, roleId(BuiltInRoles.CognitiveServicesSpeechContributor), "22222222-2222-2222-2222-222222222222"],
        [speechId, roleId(BuiltInRoles.CognitiveServicesSpeechUser), "33333333-3333-3333-3333-333333333333"],
        [speechId, roleId(BuiltInRoles.CognitiveServicesSpeechUser), "44444444-4444-4444-4444-444444444444"],
        [storageId, roleId(BuiltInRoles.StorageBlobDataContributor), "22222222-2222-2222-2222-222222222222"],
        [storageId, roleId(BuiltInRoles.StorageBlobDataReader), speechPrincipal],
      ].sort(),
    );
    expect(storageId).toMatch(/\/storageAccounts\/contosospeechdataprod$/);
  });

  test("the lifecycle rule cools audio and results after 60 days and never deletes", () => {
    const [policy] = ofType(resources, "azure-native:storage:ManagementPolicy");
    const [rule] = policy.inputs.policy.rules;
    expect(rule.definition.filters.prefixMatch).toEqual(["training-audio/", "test-audio/", "evaluation-results/"]);
    expect(rule.definition.actions.baseBlob).toEqual({ tierToCool: { daysAfterModificationGreaterThan: 60 } });
  });
});
