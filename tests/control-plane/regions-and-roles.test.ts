import { normalizeRegion, TRAINING_REGION_SOURCES, TRAINING_REGIONS, trainingRegions, validateTrainingRegion } from "../../components/regions";
import { roleAssignmentName, roleDefinitionId } from "../../components/roles";

describe("Custom Speech training regions", () => {
  test("are the union of Microsoft's regions page and the Custom Speech overview", () => {
    for (const source of TRAINING_REGION_SOURCES) for (const r of source.regions) expect(TRAINING_REGIONS).toContain(r);
    // The overview adds these three to the regions page's list.
    expect(TRAINING_REGIONS).toEqual(expect.arrayContaining(["northcentralus", "usgovarizona", "usgovvirginia", "westus3", "eastasia"]));
    expect(new Set(TRAINING_REGIONS).size).toBe(TRAINING_REGIONS.length);
    expect(TRAINING_REGIONS).toHaveLength(21);
  });

  test("display names and case are accepted as ARM does", () => {
    expect(normalizeRegion("East US 2")).toBe("eastus2");
    expect(validateTrainingRegion("West Europe")).toBe("westeurope");
  });

  test("config can extend the list", () => {
    expect(trainingRegions(["Sweden Central"])).toContain("swedencentral");
    expect(() => validateTrainingRegion("swedencentral")).toThrow(/location must be a region with dedicated Custom Speech training hardware, one of .*; got "swedencentral"/);
  });

  test("an empty region is a clear error", () => {
    expect(() => validateTrainingRegion("", { property: "region" })).toThrow(/region is required/);
  });
});

describe("Role assignments", () => {
  const scope = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a";
  const principal = "0f0f0f0f-0000-4000-8000-000000000001";

  test("names are GUIDs, the same on every run, and distinct per scope, role and principal", () => {
    const name = roleAssignmentName(scope, "CognitiveServicesSpeechUser", principal);
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentName(scope, "CognitiveServicesSpeechUser", principal.toUpperCase())).toBe(name);
    expect(roleAssignmentName(scope, "CognitiveServicesSpeechContributor", principal)).not.toBe(name);
    expect(roleAssignmentName(`${scope}2`, "CognitiveServicesSpeechUser", principal)).not.toBe(name);
    expect(roleAssignmentName(scope, "CognitiveServicesSpeechUser", "0f0f0f0f-0000-4000-8000-000000000002")).not.toBe(name);
  });

  test("role definition ids are subscription-scoped from the assignment scope", () => {
    expect(roleDefinitionId(scope, "StorageBlobDataReader")).toBe(
      "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    );
    expect(() => roleDefinitionId("rg/a", "StorageBlobDataReader")).toThrow(/scope "rg\/a" is not an ARM resource id/);
  });
});
