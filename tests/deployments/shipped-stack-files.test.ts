// Every shipped Pulumi.<stack>.yaml through the real CLI's config validation (which runs before the program) and then
// the program's own: `pulumi preview` as a user runs it. No stack file may be refused for its config. The sandbox's
// program then stops for its data (nothing is synced here), the others at their first azure-native resource, whose
// provider plugin cannot be installed on this machine: both are past every config check.
import * as fs from "fs";
import * as path from "path";
import { EngineStack, PulumiBackend } from "../support/engine";
import { ROOT } from "../support/stack-files";

jest.setTimeout(180_000); // runs of the real Pulumi CLI

const SHIPPED = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length));
let backend: PulumiBackend;
beforeAll(async () => {
  backend = await PulumiBackend.create();
});
afterAll(() => backend?.dispose());

/** `pulumi stack init`, the stack file as given, `pulumi preview`: what the CLI printed. */
async function preview(stack: string, file: string): Promise<{ code: number; text: string }> {
  const s = new EngineStack({ backend, stack });
  try {
    expect((await s.cli(["stack", "init"])).code).toBe(0);
    // The stack file after `stack init` (which may add the secrets manager's salt), with the shipped config.
    const salt = fs.existsSync(s.stackFile) ? fs.readFileSync(s.stackFile, "utf8").split("\n").filter((l) => l.startsWith("encryptionsalt:")) : [];
    fs.writeFileSync(s.stackFile, [...salt, file].join("\n"));
    const r = await s.cli(["preview"]);
    return { code: r.code, text: r.stdout + r.stderr };
  } finally {
    s.dispose();
  }
}

test("the repository ships the four stack files the README names", () => {
  expect(SHIPPED.sort()).toEqual(["dev", "prod", "prod-swedencentral", "sandbox"]);
});

test.each(SHIPPED)("Pulumi.%s.yaml passes the CLI's config validation and the program's", async (stack) => {
  const r = await preview(stack, fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  expect(r.text).not.toMatch(/validating stack config|missing configuration value|Stack config "/);
  if (stack === "sandbox") {
    expect(r.text).toMatch(/training-data\.sandbox\.manifest\.json does not exist/);
    // A user's mistake is told as such: the message alone, not a crash with our stack trace.
    expect(r.text).not.toMatch(/unhandled exception|at .*locale-pipeline\.ts/);
  } else {
    // The program ran to its resources; what stops it is the machine: no azure-native plugin here, or (for the copy,
    // whichever the engine reaches first) a StackReference to a Pulumi Cloud organization on a file backend.
    expect(r.text).toMatch(stack === "prod-swedencentral" ? /no resource plugin 'pulumi-resource-azure-native' found|organization name must be 'organization'/ : /no resource plugin 'pulumi-resource-azure-native' found/);
  }
});

test("the CLI itself refuses a stack without a region, and a mistyped declared setting, before the program runs", async () => {
  const missing = await preview("no-region", "config:\n  custom-speech:sku: S0\n");
  expect(missing.code).not.toBe(0);
  expect(missing.text).toMatch(/Stack 'no-region' is missing configuration value 'region'/);
  const mistyped = await preview("mistyped", "config:\n  custom-speech:region: eastus\n  custom-speech:inferenceOnly: perhaps\n");
  expect(mistyped.code).not.toBe(0);
  expect(mistyped.text).toMatch(/inferenceOnly.*boolean/);
});

test("a misspelled setting is refused by the program, naming it and the known ones", async () => {
  const r = await preview("typo", "config:\n  custom-speech:region: eastus\n  custom-speech:protectEndpoint: true\n");
  expect(r.code).not.toBe(0);
  expect(r.text).toMatch(/Stack config "protectEndpoint": is not a setting of this project\. Known settings: region, /);
  expect(r.text).not.toMatch(/unhandled exception|at .*stack-config\.ts/);
});
