import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, ROOT, projectConfigDeclarations, stackConfig, valueOf } from "./harness";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigReader, loadStackConfig, validateLocale } from "../../components/stack-config";
import { checkInputs } from "../../components/custom-speech/core";
import { evaluationSpec } from "../../components/custom-speech/evaluation";
import { GATE_BOUNDS } from "../../components/domain";

const ID = "11111111-1111-4111-8111-111111111111";
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
  test("declares only settings the program reads, each with a default except the required region", () => {
    // The CLI refuses a stack that lacks a declared setting without a default ("missing configuration values").
    const decls = projectConfigDeclarations();
    for (const key of Object.keys(decls)) expect([key, (CONFIG_KEYS as readonly string[]).includes(key)]).toEqual([key, true]);
    expect(Object.entries(decls).filter(([, d]) => d.default === undefined).map(([k]) => k)).toEqual(["region"]);
    expect(() => loadStackConfig(reader({}))).toThrow(/Stack config "region": is required/);
  });

  test("the config reference in docs/control-plane.md lists every setting the program reads, and nothing else", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs/control-plane.md"), "utf8");
    const table = doc.slice(doc.indexOf("### Config reference"));
    const rows = table.slice(0, table.indexOf("\n\n", table.indexOf("| Key |"))).split("\n").filter((l) => l.startsWith("| `"));
    const documented = rows.flatMap((r) => [...r.split("|")[1].matchAll(/`(\w+)`/g)].map((m) => m[1]));
    expect(documented.sort()).toEqual([...CONFIG_KEYS].sort());
  });

  test("every setting has a description", () => {
    for (const [key, decl] of Object.entries(projectConfigDeclarations())) expect([key, typeof decl.description]).toEqual([key, "string"]);
  });

  test("declares the same defaults as the program", () => {
    const decls = projectConfigDeclarations();
    for (const [key, value] of Object.entries(CONFIG_DEFAULTS)) expect([key, decls[key]?.default]).toEqual([key, value]);
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
  test("the dev stack: S0 in eastus, one en-US locale with a lenient gate", () => {
    const c = loadStackConfig(reader(stackValues("dev")));
    expect(c.region).toBe("eastus");
    expect(c.speech.mode).toBe("create");
    if (c.speech.mode === "create") expect(c.speech.settings).toMatchObject({ sku: "S0", disableLocalAuth: true, bringYourOwnStorage: false });
    expect(c.locales.map((l) => l.locale)).toEqual(["en-US"]);
    expect(c.locales[0].datasets).toHaveLength(2);
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

  test("the sandbox stack names three smoke-test clips that exist, with a 20 % threshold", () => {
    const c = loadStackConfig(reader(stackValues("sandbox")));
    const smoke = c.locales[0].smokeTest!;
    expect(smoke.maxWordErrorRate).toBe(20);
    expect(smoke.clips.map((x) => x.file)).toEqual(["greeting.wav", "order-status.wav", "product.wav"].map((f) => `examples/sandbox/en-US/smoke/${f}`));
    for (const clip of smoke.clips) expect(fs.existsSync(path.join(ROOT, clip.file))).toBe(true);
  });

  test("a region is required", () => {
    expect(() => loadStackConfig(reader({}))).toThrow(/Stack config "region": is required/);
  });

  test("a region without training hardware fails listing the allowed ones, unless inference-only", () => {
    expect(() => loadStackConfig(reader({ region: "brazilsouth" }))).toThrow(/Stack config "region": region must be a region with dedicated Custom Speech training hardware, one of australiaeast, .*westus3; got "brazilsouth"/);
    expect(loadStackConfig(reader({ region: "brazilsouth", inferenceOnly: "true" })).region).toBe("brazilsouth");
    expect(loadStackConfig(reader({ region: "brazilsouth", additionalTrainingRegions: ["brazilsouth"] })).region).toBe("brazilsouth");
  });

  test("a misspelt setting is reported with the known settings", () => {
    expect(() => loadStackConfig(reader(minimal), ["region", "skus"])).toThrow(/Stack config "skus": is not a setting of this project\. Known settings: region, /);
  });

  test.each([
    [{ sku: "P0" }, /Stack config "sku": sku must be one of S0, F0; got "P0"/],
    [{ disableLocalAuth: "yes" }, /Stack config "disableLocalAuth": disableLocalAuth must be one of true, false; got "yes"/],
    [{ networkAcls: ["Deny"] }, /Stack config "networkAcls": networkAcls must be an object with keys among defaultAction, ipRules, virtualNetworkSubnetIds, bypass; got \["Deny"\]/],
    [{ storageIpRules: [1, 2] }, /Stack config "storageIpRules": storageIpRules\[0\] must be a string; got 1/],
    [{ tags: { n: 1 } }, /Stack config "tags": tags.n must be a string; got 1/],
    [{ dataLifecycle: 30 }, /Stack config "dataLifecycle": dataLifecycle must be an object with keys among tierToCoolAfterDays, deleteAfterDays, containers; got 30/],
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

  test.each([
    [{ existingSpeech: { endpoint: "https://p.cognitiveservices.azure.com", region: "eastus", resourceId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/p", key: "k" } }, /Stack config "existingSpeech": existingSpeech has an unknown key "key"; allowed keys: endpoint, region, resourceId, principalId, sku/],
    [{ existingStorage: { blobEndpoint: "https://a.blob.core.windows.net", container: "x" } }, /Stack config "existingStorage": existingStorage has an unknown key "container"/],
    [{ networkAcls: { defaultAction: "Deny", ipRule: ["1.2.3.4"] } }, /Stack config "networkAcls": networkAcls has an unknown key "ipRule"/],
    [{ contributors: [{ principalId: "0f0f0f0f-0000-4000-8000-000000000001", role: "Owner" }] }, /Stack config "contributors": contributors\[0\] has an unknown key "role"; allowed keys: principalId, principalType/],
    [{ containers: { trainingAudio: "a", logs: "b" } }, /Stack config "containers": containers has an unknown key "logs"/],
    [{ dataLifecycle: { deleteAfter: 5 } }, /Stack config "dataLifecycle": dataLifecycle has an unknown key "deleteAfter"/],
    [{ tuning: { pollSeconds: 1 } }, /Stack config "tuning": tuning has an unknown key "pollSeconds"; allowed keys: pollIntervalSeconds, maxRetries, retryDelayMs, maxRetryDelayMs/],
  ])("an unknown nested key %j fails naming the key and the allowed ones", (bad, message) => {
    expect(() => loadStackConfig(reader({ ...minimal, ...bad }))).toThrow(message);
  });

  test("an F0 stack that declares more datasets than F0 holds is refused before anything is deployed", () => {
    const three = { ...locale, datasets: [...locale.datasets, { name: "extra", kind: "Language", manifest: "m.json" }] };
    expect(() => loadStackConfig(reader({ ...minimal, sku: "F0", locales: [three] }))).toThrow(/Stack config "locales": declares 3 datasets, but a F0 Speech resource holds at most 2; use S0 or declare fewer datasets/);
    expect(loadStackConfig(reader({ ...minimal, sku: "F0", locales: [locale] })).locales).toHaveLength(1);
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
    [(l: any) => (l.locale = "english"), /locales\[0\]\.locale must be a locale such as "en-US" or "de-DE" \(language-REGION\); got "english"/],
    [(l: any) => (l.datasets = []), /locales\[0\]\.datasets must list at least one dataset/],
    [(l: any) => (l.datasets[0].kind = "Audio"), /locales\[0\]\.datasets\[0\]\.kind must be one of Acoustic, AudioFiles, Language, LanguageMarkdown, Pronunciation, OutputFormatting; got "Audio"/],
    [(l: any) => (l.datasets[1].name = "train"), /locales\[0\]\.datasets\[1\]\.name "train" is used twice/],
    [(l: any) => (l.datasets[0].file = "a.zip"), /locales\[0\]\.datasets\[0\] must set exactly one of contentUrl, manifest or file \(got manifest, file\)/],
    [(l: any) => (l.training.datasets = ["missing"]), /locales\[0\]\.training\.datasets\[0\] must be one of train, test; got "missing"/],
    [(l: any) => (l.training.customModelWeightPercent = 0), /customModelWeightPercent must be a whole number from 1 to 100/],
    [(l: any) => (l.evaluation.dataset = "nope"), /locales\[0\]\.evaluation\.dataset must be one of train, test; got "nope"/],
    [(l: any) => (l.evaluation.maxWordErrorRate = 120), /locales\[0\]\.evaluation\.maxWordErrorRate must be a number in percent from 0 to 100 \(8 means 8 %\); got 120/],
    [(l: any) => (l.baseModel = { minAdaptationDaysLeft: -3 }), /baseModel\.minAdaptationDaysLeft must be a whole number/],
    [(l: any) => (l.expiryWarningDays = 0), /locales\[0\]\.expiryWarningDays must be a whole number from 1 to 36500; got 0/],
    // Unknown keys are errors at every level: a typo never silently drops a gate.
    [(l: any) => ((l.evalution = l.evaluation), delete l.evaluation), /locales\[0\] has an unknown key "evalution"; allowed keys: locale, displayName, datasets, baseModel, training, evaluation, endpoint, expiryWarningDays/],
    [(l: any) => (l.evaluation.maxWER = 5), /locales\[0\]\.evaluation has an unknown key "maxWER"; allowed keys: dataset, maxWordErrorRate, minWordErrorRateImprovement, waitMinutes/],
    [(l: any) => (l.datasets[1].purpose = "test"), /locales\[0\]\.datasets\[1\] has an unknown key "purpose"; allowed keys: name, kind, contentUrl, manifest, file, contentHash, waitMinutes/],
    [(l: any) => (l.training.epochs = 3), /locales\[0\]\.training has an unknown key "epochs"/],
    [(l: any) => (l.baseModel = { minAdaptationDays: 30 }), /locales\[0\]\.baseModel has an unknown key "minAdaptationDays"/],
    [(l: any) => (l.endpoint = { logging: true }), /locales\[0\]\.endpoint has an unknown key "logging"; allowed keys: displayName, loggingEnabled, waitMinutes, adoptId/],
    [(l: any) => (l.endpoint = { adoptId: "ep-1" }), /locales\[0\]\.endpoint\.adoptId must be a GUID/],
    [(l: any) => (l.evaluation.minWordErrorRateImprovement = -101), /minWordErrorRateImprovement must be a number in percent from -100 to 100 \(8 means 8 %\); got -101/],
    [(l: any) => (l.training.waitMinutes = -1), /locales\[0\]\.training\.waitMinutes must be a number from 0 to 10080/],
    // The smoke test's clips: shape and threshold (the files are checked by the smoke test before it sends them).
    [(l: any) => (l.smokeTest = { clips: [] }), /locales\[0\]\.smokeTest\.clips must list at least one clip \{ file, text \}; got \[\]/],
    [(l: any) => (l.smokeTest = { clips: [{ file: "a.wav", text: "hi" }], maxWER: 5 }), /locales\[0\]\.smokeTest has an unknown key "maxWER"; allowed keys: clips, maxWordErrorRate/],
    [(l: any) => (l.smokeTest = { clips: [{ file: "a.wav", text: "hi", lang: "en" }] }), /locales\[0\]\.smokeTest\.clips\[0\] has an unknown key "lang"; allowed keys: file, text/],
    [(l: any) => (l.smokeTest = { clips: [{ file: "a.wav", text: " ?! " }] }), /locales\[0\]\.smokeTest\.clips\[0\]\.text must be the words spoken in the clip \(at least one word\); got " \?! "/],
    [(l: any) => (l.smokeTest = { clips: [{ text: "hello" }] }), /locales\[0\]\.smokeTest\.clips\[0\]\.file must be a string; got nothing/],
    [(l: any) => (l.smokeTest = { clips: [{ file: "a.wav", text: "hi" }], maxWordErrorRate: 200 }), /locales\[0\]\.smokeTest\.maxWordErrorRate must be a number in percent from 0 to 100 \(8 means 8 %\)/],
    // The gates' one percent rule: 0.3 most likely meant 30 %.
    [(l: any) => (l.smokeTest = { clips: [{ file: "a.wav", text: "hi" }], maxWordErrorRate: 0.3 }), /smokeTest\.maxWordErrorRate must be .*reports WER as a fraction, so 0\.3 may mean 30 %/],
  ])("a bad locale fails naming the property (%#)", (change, message) => {
    expect(() => validateLocale(withChange(change), "locales[0]")).toThrow(message);
  });

  test("a smoke test names clips relative to the project and a threshold in percent, like the gate", () => {
    const smokeTest = { clips: [{ file: "smoke/hello.wav", text: "Hello, Contoso!" }], maxWordErrorRate: 25 };
    expect(validateLocale({ ...locale, smokeTest }, "locales[0]").smokeTest).toEqual(smokeTest);
  });

  test("the gate bounds are the Evaluation resource's: a tolerated regression (negative improvement) is allowed", () => {
    expect(validateLocale(withChange((l) => (l.evaluation.minWordErrorRateImprovement = "-0.5%")), "locales[0]").evaluation?.minWordErrorRateImprovement).toBe(-0.5);
    const failures = checkInputs(evaluationSpec, { speech: { endpoint: "https://x.cognitiveservices.azure.com" }, __identity: { project: "p", stack: "s", name: "e" }, locale: "en-US", model1: ID, model2: ID, dataset: ID, minWordErrorRateImprovement: -2 }).failures;
    expect(failures).toEqual([]);
    expect(GATE_BOUNDS.minWordErrorRateImprovement).toEqual({ min: -100, max: 100 });
  });
});

describe("Locales copied from another stack (copyFrom)", () => {
  const copied = { locale: "de-DE", copyFrom: { stack: "contoso/custom-speech/prod" }, endpoint: { displayName: "support" } };

  test("a copied locale is read apart from the trained ones, and the source key comes from sourceSpeechKey", () => {
    const c = loadStackConfig(reader({ ...minimal, locales: [locale, copied], sourceSpeechKey: "k" }));
    expect(c.locales.map((l) => l.locale)).toEqual(["en-US"]);
    expect(c.copiedLocales).toEqual([copied]);
    expect(c.sourceKeyConfig).toBe("sourceSpeechKey");
    expect(loadStackConfig(reader({ ...minimal, locales: [copied] })).sourceKeyConfig).toBeUndefined();
  });

  test("the worked serving stack file reads: inferenceOnly in a region without training hardware, two copied locales", () => {
    const c = loadStackConfig(reader(stackValues("prod-swedencentral")));
    expect(c.locales).toEqual([]);
    expect(c.copiedLocales.map((l) => [l.locale, l.copyFrom.stack])).toEqual([
      ["en-US", "contoso/custom-speech/prod"],
      ["de-DE", "contoso/custom-speech/prod"],
    ]);
    expect(() => loadStackConfig(reader({ ...stackValues("prod-swedencentral"), inferenceOnly: "false" }))).toThrow(/Stack config "region".*swedencentral/);
  });

  test.each([
    [{ ...copied, datasets: locale.datasets, training: locale.training }, /locales\[0\] copies its model \(copyFrom\), so it cannot also train: remove datasets, training/],
    [{ ...copied, copyFrom: { stack: "contoso/custom-speech/prod", wait: 5 } }, /locales\[0\]\.copyFrom has an unknown key "wait"/],
    [{ ...copied, copyFrom: { stack: "not a stack name" } }, /locales\[0\]\.copyFrom\.stack.*"<org>\/custom-speech\/prod"/],
    [{ ...copied, copyFrom: {} }, /locales\[0\]\.copyFrom\.stack/],
    [{ ...copied, copyFrom: { stack: "a/b/c", waitMinutes: -1 } }, /locales\[0\]\.copyFrom\.waitMinutes/],
    [{ ...copied, endpoint: { displayName: "x", logging: true } }, /locales\[0\]\.endpoint has an unknown key "logging"/],
  ])("a bad copied locale is refused, naming the key: %#", (entry, message) => {
    expect(() => loadStackConfig(reader({ ...minimal, locales: [entry] }))).toThrow(message);
  });

  test("a copied locale may name smoke-test clips too (its endpoint serves the copy)", () => {
    const smokeTest = { clips: [{ file: "smoke/de.wav", text: "Guten Tag" }] };
    expect(loadStackConfig(reader({ ...minimal, locales: [{ ...copied, smokeTest }] })).copiedLocales[0].smokeTest).toEqual(smokeTest);
    expect(() => loadStackConfig(reader({ ...minimal, locales: [{ ...copied, smokeTest: { clips: "de.wav" } }] }))).toThrow(/locales\[0\]\.smokeTest\.clips must list at least one clip/);
  });

  test("a locale both trained here and copied is refused as appearing twice", () => {
    expect(() => loadStackConfig(reader({ ...minimal, locales: [locale, { ...copied, locale: "en-US" }] }))).toThrow(/"en-US" appears twice/);
  });
});
