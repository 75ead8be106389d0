// The three Speech account policies, on azure-native Account inputs as the analyzer passes them.
import { TRAINING_REGIONS } from "../../components/regions";
import { speechAccountLocalAuthDisabled, speechAccountNetworkAccess, speechAccountTrainingRegion } from "../../policy/policies";
import { UNKNOWN, engineProps, runResource } from "./engine";

const ACCOUNT = "azure-native:cognitiveservices:Account";
const PARENT = "customspeech:index:SpeechAccount";

interface AccountShape {
  location?: unknown;
  kind?: unknown;
  tags?: unknown;
  properties?: Record<string, unknown>;
}

/** A SpeechAccount's Account inputs (components/speech-account.ts), with the parts a test changes. */
function account(o: AccountShape = {}): Record<string, unknown> {
  return {
    accountName: "contoso-speech-prod",
    resourceGroupName: "rg-custom-speech-prod",
    location: "location" in o ? o.location : "westeurope",
    kind: "kind" in o ? o.kind : "SpeechServices",
    sku: { name: "S0" },
    identity: { type: "SystemAssigned" },
    properties: {
      customSubDomainName: "contoso-speech-prod",
      disableLocalAuth: true,
      publicNetworkAccess: "Enabled",
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "203.0.113.0/24" }], virtualNetworkRules: [] },
      ...o.properties,
    },
    tags: "tags" in o ? o.tags : { environment: "prod", "custom-speech-role": "training" },
  };
}
const without = (props: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(props).filter(([k]) => k !== key));

const run = (policy: typeof speechAccountTrainingRegion, props: Record<string, unknown>, o: { stack?: string; config?: object; type?: string } = {}) =>
  runResource(policy, { type: o.type ?? ACCOUNT, name: "speech-account", parentType: PARENT, props, stack: o.stack ?? "prod", config: o.config });

test("the harness hands policies the analyzer's proxy: reading an unknown value through it throws", () => {
  const props = engineProps(account({ location: UNKNOWN }));
  expect(() => props.location).toThrow(/string value at \.location can't be known during preview/);
  expect(props.properties.disableLocalAuth).toBe(true);
});

describe("speech-account-training-region", () => {
  const policy = speechAccountTrainingRegion;

  test("passes a Speech account in a training region", async () => {
    const r = await run(policy, account({ location: "westeurope" }));
    expect(r).toEqual({ violations: [], notApplicable: undefined, messages: [] });
  });

  test("fails a training account in a region without training hardware, naming the allowed regions and the way out", async () => {
    const r = await run(policy, account({ location: "Brazil South" }));
    expect(r.messages).toEqual([
      `Speech account "speech-account" (account contoso-speech-prod): location must be a region with dedicated Custom Speech training hardware, one of ${TRAINING_REGIONS.join(", ")}; ` +
        `got "brazilsouth". Declare the account inferenceOnly (a model-copy target) to use another region, or add a region Microsoft has since enabled with additionalTrainingRegions. ` +
        `The pack sees inferenceOnly as the tag custom-speech-role: inference-only (SpeechAccount sets it) or the account in this policy's inferenceOnlyAccounts; ` +
        `additionalTrainingRegions is this policy's config too.`,
    ]);
  });

  test("passes an account tagged inference-only anywhere, unless the tag is not trusted", async () => {
    const copy = account({ location: "swedencentral", tags: { "custom-speech-role": "inference-only" } });
    expect((await run(policy, copy)).messages).toEqual([]);
    const strict = await run(policy, copy, { config: { trustInferenceOnlyTag: false } });
    expect(strict.messages).toEqual([expect.stringContaining('got "swedencentral". ')]);
    expect(strict.messages[0]).toContain("Its tag custom-speech-role: inference-only is not trusted here (trustInferenceOnlyTag is false).");
  });

  test("honours inferenceOnlyAccounts (by Azure account name, any case) and additionalTrainingRegions (normalized)", async () => {
    const elsewhere = account({ location: "swedencentral" });
    expect((await run(policy, elsewhere)).messages).toHaveLength(1);
    expect((await run(policy, elsewhere, { config: { inferenceOnlyAccounts: ["Contoso-Speech-Prod"], trustInferenceOnlyTag: false } })).messages).toEqual([]);
    expect((await run(policy, elsewhere, { config: { additionalTrainingRegions: ["Sweden Central"] } })).messages).toEqual([]);
  });

  test("covers AI Services accounts tagged for Custom Speech; other kinds and types are not applicable", async () => {
    expect((await run(policy, account({ kind: "AIServices", location: "brazilsouth" }))).messages).toHaveLength(1);
    const untagged = await run(policy, account({ kind: "AIServices", location: "brazilsouth", tags: { environment: "prod" } }));
    expect(untagged).toMatchObject({ messages: [], notApplicable: "kind AIServices without the custom-speech-role tag: not used for Custom Speech" });
    expect((await run(policy, account(), { type: "azure-native:storage:StorageAccount" })).notApplicable).toBe(`only ${ACCOUNT} resources`);
  });

  test("does not fail on what a preview cannot know: the location, the tags, the kind", async () => {
    expect((await run(policy, account({ location: UNKNOWN }))).messages).toEqual([]);
    expect((await run(policy, account({ location: "brazilsouth", tags: UNKNOWN }))).messages).toEqual([]);
    expect((await run(policy, account({ location: "brazilsouth", tags: { "custom-speech-role": UNKNOWN } }))).messages).toEqual([]);
    // Unless the tag is not trusted: then it decides nothing, and the region is judged now.
    const untrusted = await run(policy, account({ location: "brazilsouth", tags: { "custom-speech-role": UNKNOWN } }), { config: { trustInferenceOnlyTag: false } });
    expect(untrusted.messages).toEqual([expect.stringContaining("brazilsouth")]);
    // An AI Services account whose tags are unknown may not be a Speech account at all: not judged yet.
    expect((await run(speechAccountLocalAuthDisabled, account({ kind: "AIServices", tags: UNKNOWN, properties: { disableLocalAuth: false } }))).notApplicable).toBe(
      "kind AIServices whose tags are not known yet: whether it is used for Custom Speech is decided when they are",
    );
    expect(await run(policy, account({ location: "brazilsouth", kind: UNKNOWN }))).toMatchObject({ messages: [], notApplicable: "the account's kind is not known yet" });
    // Listed as inference-only, an unknown tag does not matter; a known bad region with known tags still fails.
    expect((await run(policy, account({ location: "brazilsouth", tags: UNKNOWN }), { config: { inferenceOnlyAccounts: ["speech-account"] } })).messages).toEqual([]);
  });

  test("refuses a misspelt config key instead of ignoring it", async () => {
    await expect(run(policy, account(), { config: { additionalRegions: ["swedencentral"] } })).rejects.toThrow(
      'policy speech-account-training-region config has an unknown key "additionalRegions"; allowed keys: additionalTrainingRegions, inferenceOnlyAccounts, trustInferenceOnlyTag.',
    );
  });
});

describe("speech-account-local-auth-disabled", () => {
  const policy = speechAccountLocalAuthDisabled;

  test("passes an account with local auth disabled", async () => {
    expect((await run(policy, account({ properties: { disableLocalAuth: true } }))).messages).toEqual([]);
  });

  test("fails an account that keeps its keys, whether by false or by leaving the setting out", async () => {
    const off = await run(policy, account({ properties: { disableLocalAuth: false } }));
    expect(off.messages).toEqual([
      'Speech account "speech-account" (account contoso-speech-prod) accepts its keys: properties.disableLocalAuth is false. Set properties.disableLocalAuth: true ' +
        "(SpeechAccount: leave disableLocalAuth at its default) and give callers Cognitive Services Speech roles; Custom Speech resources then authenticate with Entra ID and need no key.",
    ]);
    const props = account();
    const unset = await run(policy, { ...props, properties: without(props.properties as Record<string, unknown>, "disableLocalAuth") });
    expect(unset.messages).toEqual([expect.stringContaining("properties.disableLocalAuth is not set, and Azure then keeps key authentication on.")]);
  });

  test("does not fail while the setting is unknown, and exempts listed accounts", async () => {
    expect((await run(policy, account({ properties: { disableLocalAuth: UNKNOWN } }))).messages).toEqual([]);
    expect((await run(policy, account({ properties: { disableLocalAuth: false } }), { config: { exemptAccounts: ["speech-account"] } })).messages).toEqual([]);
  });
});

describe("speech-account-network-access", () => {
  const policy = speechAccountNetworkAccess;
  const open = { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow", bypass: "AzureServices" } };

  test("passes a firewalled or private account in prod, and an open one in dev (the default rules)", async () => {
    expect((await run(policy, account())).messages).toEqual([]);
    expect((await run(policy, account({ properties: { publicNetworkAccess: "Disabled", networkAcls: UNKNOWN } }))).messages).toEqual([]);
    expect((await run(policy, account({ properties: open }), { stack: "dev" })).messages).toEqual([]);
  });

  test("fails an account open to the internet in a prod stack", async () => {
    const r = await run(policy, account({ properties: open }), { stack: "prod-swedencentral" });
    expect(r.messages).toEqual([
      'Speech account "speech-account" (account contoso-speech-prod): stack "prod-swedencentral" must be firewalled (environments rule "prod*": firewall), ' +
        'but publicNetworkAccess is "Enabled" and networkAcls.defaultAction is "Allow": anyone on the internet may connect. Set properties.networkAcls: ' +
        '{ defaultAction: "Deny", bypass: "AzureServices", ipRules / virtualNetworkRules for the callers } (SpeechAccount networkAcls, stack config networkAcls; ' +
        'keep bypass AzureServices: model copy and BYOS rely on it), or properties.publicNetworkAccess: "Disabled" with private endpoints.',
    ]);
    const props = account();
    const bare = await run(policy, { ...props, properties: { disableLocalAuth: true } });
    expect(bare.messages).toEqual([expect.stringContaining(`but publicNetworkAccess is "Enabled" (Azure's default: not set) and networkAcls.defaultAction is not set`)]);
  });

  test("applies the configured environments, first match first: private in prod refuses a firewall", async () => {
    const config = { environments: [{ stacks: "PROD", access: "private" }, { stacks: "*", access: "firewall" }] };
    const prod = await run(policy, account(), { stack: "prod", config });
    expect(prod.messages).toEqual([
      'Speech account "speech-account" (account contoso-speech-prod): stack "prod" must be private (environments rule "PROD": private), but publicNetworkAccess is "Enabled". ' +
        'Set properties.publicNetworkAccess: "Disabled" (SpeechAccount publicNetworkAccess) and reach the account through private endpoints.',
    ]);
    expect((await run(policy, account(), { stack: "dev", config })).messages).toEqual([]);
    expect((await run(policy, account({ properties: open }), { stack: "dev", config })).messages).toHaveLength(1);
    const none = await run(policy, account(), { stack: "dev", config: { environments: [{ stacks: "prod*", access: "private" }] } });
    expect(none).toMatchObject({ messages: [], notApplicable: 'no environments rule matches stack "dev"' });
  });

  test("does not fail while public access or the firewall's default action is unknown", async () => {
    expect((await run(policy, account({ properties: { publicNetworkAccess: UNKNOWN, networkAcls: undefined } }))).messages).toEqual([]);
    expect((await run(policy, account({ properties: { networkAcls: { defaultAction: UNKNOWN } } }))).messages).toEqual([]);
    expect((await run(policy, account({ properties: { networkAcls: UNKNOWN } }))).messages).toEqual([]);
  });
});
