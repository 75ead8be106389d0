import * as pulumi from "@pulumi/pulumi";
import { PROJECT, projectConfigDeclarations, stackConfig, valueOf } from "./harness";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigReader, loadStackConfig, validateLocale } from "../../components/stack-config";
import { speechAccountSettings } from "../../components/speech-account";
import { trainingDataStoreSettings } from "../../components/training-data-store";

/** A reader over bare keys, like `pulumi.Config` over the project namespace. */
function reader(values: Record<string, unknown>): ConfigReader {
  const raw = (k: string) => {
    const v = values[k];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  };
  return { get: raw, getSecret: (k) => (raw(k) === undefined ? undefined : pulumi.secret(raw(k)!)) };
}
/** The bare-key config the CLI would give for a stack file (Pulumi.yaml defaults under the stack's values). */
function stackValues(stack: string): Record<string, string> {
  const prefix = `${PROJECT}:`;
  return Object.fromEntries(Object.entries(stackConfig(stack)).map(([k, v]) => [k.slice(prefix.length), v]));
}

const minimal = { region: "eastus" };
const locale = {
  locale: "en-US",
  datasets: [
    { name: "train", kind: "Acoustic", manifest: "m.json" },
    { name: "test", kind: "Acoustic", manifest: "m.json" },
  ],
  training: { datasets: ["train"] },
  evaluation: { dataset: "test", maxWordErrorRate: 10 },
};

describe("Stack configuration schema (Pulumi.yaml)", () => {
  test("declares every setting the program reads, and nothing else", () => {
    expect(Object.keys(projectConfigDeclarations()).sort()).toEqual([...CONFIG_KEYS].sort());
  });

  test("every setting has a description", () => {
    for (const [key, decl] of Object.entries(projectConfigDeclarations())) expect([key, typeof decl.description]).toEqual([key, "string"]);
  });

  test("declares the same defaults as the program", () => {
    const decls = projectConfigDeclarations();
    for (const [key, value] of Object.entries(CONFIG_DEFAULTS)) expect([key, decls[key]?.default]).toEqual([key, value]);
  });

  test("marks the existing resource's key as a secret", () => {
    expect(projectConfigDeclarations().existingSpeechKey.secret).toBe(true);
  });

  test("with only a region, the components end up with exactly what Pulumi.yaml's defaults give", () => {
    const yamlDefaults = Object.fromEntries(
      Object.entries(projectConfigDeclarations())
        .filter(([, d]) => d.default !== undefined)
        .map(([k, d]) => [k, d.default]),
    );
    const effective = (values: Record<string, unknown>) => {
      const c = loadStackConfig(reader(values));
      if (c.speech.mode !== "create") throw new Error("create mode expected");
      const placement = { resourceGroupName: "rg", location: c.region };
      return {
        speech: { ...speechAccountSettings("speech", { ...c.speech.settings, ...placement }), restore: c.speech.settings.restore },
        storage: trainingDataStoreSettings("data", { ...c.storage, ...placement }),
      };
    };
    expect(effective({ ...yamlDefaults, ...minimal })).toEqual(effective(minimal));
  });
});

describe("Stack configuration", () => {
  test("the dev stack: F0 in eastus, one en-US locale with a lenient gate", () => {
    const c = loadStackConfig(reader(stackValues("dev")));
    expect(c.region).toBe("eastus");
    expect(c.speech.mode).toBe("create");
    if (c.speech.mode === "create") expect(c.speech.settings).toMatchObject({ sku: "F0", disableLocalAuth: true, bringYourOwnStorage: false });
    expect(c.locales.map((l) => l.locale)).toEqual(["en-US"]);
    expect(c.locales[0].datasets).toHaveLength(2); // F0 allows two
    expect(c.locales[0].evaluation?.maxWordErrorRate).toBe(30);
  });

  test("the prod stack: S0, firewalled, principals, two locales with stricter gates", () => {
    const c = loadStackConfig(reader(stackValues("prod")));
    if (c.speech.mode !== "create") throw new Error("prod creates its Speech resource");
    expect(c.speech.settings).toMatchObject({ sku: "S0", accountName: "contoso-speech-prod", networkAcls: { defaultAction: "Deny" } });
    expect(c.speech.settings.contributors).toHaveLength(1);
    expect(c.speech.settings.users).toHaveLength(2);
    expect(c.storage).toMatchObject({ storageAccountName: "contosospeechdataprod", sku: "Standard_ZRS", networkDefaultAction: "Deny" });
    expect(c.locales.map((l) => l.locale)).toEqual(["en-US", "de-DE"]);
    for (const l of c.locales) expect(l.evaluation!.maxWordErrorRate).toBeLessThan(30);
    expect(c.tags).toEqual({ environment: "prod", owner: "speech-team", costCenter: "4711" });
  });

  test("a region is required", () => {
    expect(() => loadStackConfig(reader({}))).toThrow(/Stack config "region": is required/);
  });

  test("a region without training hardware fails listing the allowed ones, unless inference-only", () => {
    expect(() => loadStackConfig(reader({ region: "brazilsouth" }))).toThrow(/Stack config "region": region "brazilsouth" has no dedicated hardware.*Allowed regions: australiaeast, .*westus3/);
    expect(loadStackConfig(reader({ region: "brazilsouth", inferenceOnly: "true" })).region).toBe("brazilsouth");
    expect(loadStackConfig(reader({ region: "brazilsouth", additionalTrainingRegions: ["brazilsouth"] })).region).toBe("brazilsouth");
  });

  test("a misspelt setting is reported with the known settings", () => {
    expect(() => loadStackConfig(reader(minimal), ["region", "skus"])).toThrow(/Stack config "skus": is not a setting of this project\. Known settings: region, /);
  });

  test.each([
    [{ sku: "P0" }, /Stack config "sku": sku "P0" is not allowed\. Allowed values: S0, F0/],
    [{ disableLocalAuth: "yes" }, /Stack config "disableLocalAuth": must be true or false/],
    [{ networkAcls: ["Deny"] }, /Stack config "networkAcls": must be an object/],
    [{ storageIpRules: [1, 2] }, /Stack config "storageIpRules": must be a list of strings/],
    [{ tags: { n: 1 } }, /Stack config "tags": tag "n" must be a string/],
    [{ dataLifecycle: 30 }, /Stack config "dataLifecycle": must be an object/],
    [{ existingSpeech: { endpoint: "https://x.cognitiveservices.azure.com" } }, /Stack config "existingSpeech": needs region/],
  ])("bad setting %j fails naming the key", (bad, message) => {
    expect(() => loadStackConfig(reader({ ...minimal, ...bad }))).toThrow(message);
  });

  test("principals may be given as bare object ids", () => {
    const c = loadStackConfig(reader({ ...minimal, contributors: ["0f0f0f0f-0000-4000-8000-000000000001"] }));
    if (c.speech.mode !== "create") throw new Error("create mode expected");
    expect(c.speech.settings.contributors).toEqual([{ principalId: "0f0f0f0f-0000-4000-8000-000000000001" }]);
  });

  test("existing-resource mode keeps the key secret and lets the resource's identity read the training data", async () => {
    const c = loadStackConfig(
      reader({
        ...minimal,
        existingSpeech: {
          endpoint: "https://platform.cognitiveservices.azure.com",
          region: "eastus",
          resourceId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/platform",
          principalId: "0f0f0f0f-0000-4000-8000-0000000000ee",
        },
        existingSpeechKey: "k3y",
      }),
    );
    if (c.speech.mode !== "existing") throw new Error("existing mode expected");
    expect(await pulumi.isSecret(pulumi.output(c.speech.existing.key!))).toBe(true);
    expect(await valueOf(pulumi.output(c.speech.existing.key!))).toBe("k3y");
    expect(c.storage.dataReaders).toEqual([{ principalId: "0f0f0f0f-0000-4000-8000-0000000000ee", principalType: "ServicePrincipal" }]);
  });

  test("the same locale twice is refused", () => {
    expect(() => loadStackConfig(reader({ ...minimal, locales: [locale, locale] }))).toThrow(/Stack config "locales": "en-US" appears twice/);
  });
});

describe("Locale configuration", () => {
  const withChange = (change: (l: any) => void) => {
    const l = structuredClone(locale) as any;
    change(l);
    return l;
  };
  test("a valid locale passes unchanged", () => {
    expect(validateLocale(locale, "locales[0]")).toEqual(locale);
  });
  test.each([
    [(l: any) => (l.locale = "english"), /locales\[0\]\.locale must be a BCP-47 locale such as "en-US"/],
    [(l: any) => (l.datasets = []), /locales\[0\]\.datasets must list at least one dataset/],
    [(l: any) => (l.datasets[0].kind = "Audio"), /locales\[0\]\.datasets\[0\]\.kind "Audio" is not allowed\. Allowed values: Acoustic, AudioFiles, Language, LanguageMarkdown, Pronunciation, OutputFormatting/],
    [(l: any) => (l.datasets[1].name = "train"), /locales\[0\]\.datasets\[1\]\.name "train" is used twice/],
    [(l: any) => (l.datasets[0].file = "a.zip"), /locales\[0\]\.datasets\[0\] must set exactly one of contentUrl, manifest or file \(got manifest, file\)/],
    [(l: any) => (l.training.datasets = ["missing"]), /locales\[0\]\.training\.datasets names "missing", which is not in datasets \(train, test\)/],
    [(l: any) => (l.training.customModelWeightPercent = 0), /customModelWeightPercent must be a whole number from 1 to 100/],
    [(l: any) => (l.evaluation.dataset = "nope"), /locales\[0\]\.evaluation\.dataset "nope" is not in datasets/],
    [(l: any) => (l.evaluation.maxWordErrorRate = 120), /evaluation\.maxWordErrorRate must be a percentage from 0 to 100/],
    [(l: any) => (l.baseModel = { minAdaptationDaysLeft: -3 }), /baseModel\.minAdaptationDaysLeft must be a whole number/],
    [(l: any) => (l.expiryWarningDays = 0), /expiryWarningDays must be a whole number of days \(1 or more\)/],
  ])("a bad locale fails naming the property (%#)", (change, message) => {
    expect(() => validateLocale(withChange(change), "locales[0]")).toThrow(message);
  });
});
