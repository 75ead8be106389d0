// How the serialized (thin) provider finds the implementation in the provider process: by package name when this
// package is installed in a project's node_modules, by its path from the project directory in this repository.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROVIDER_ENTRY, THIN_PROVIDER_MARKER, implementationRef, thinProvider } from "../../components/custom-speech/provider";
import { ProviderServer, serializeProvider } from "../support/provider-server";
import { FAST, startEnv, type Env } from "./support";

const ROOT = path.resolve(__dirname, "../..");

describe("the implementation reference a program serializes", () => {
  test("inside node_modules: the package's public provider entry (no file path of the package in it)", () => {
    expect(implementationRef("/work/app/node_modules/pulumi-custom-speech/dist/components/custom-speech/implementation.js", "/work/app")).toEqual({ module: `pulumi-custom-speech/${PROVIDER_ENTRY}` });
    expect(implementationRef("/w/app/node_modules/@contoso/speech/dist/components/custom-speech/implementation.js", "/w/app")).toEqual({ module: "@contoso/speech/provider" });
    expect(implementationRef("/w/app/node_modules/.pnpm/pulumi-custom-speech@0.2.0/node_modules/pulumi-custom-speech/dist/x.js", "/w/app")).toEqual({ module: "pulumi-custom-speech/provider" });
  });

  test("in this repository: the file, relative to the project directory", () => {
    expect(implementationRef(path.join(ROOT, "components/custom-speech/implementation.ts"), ROOT)).toEqual({ file: "components/custom-speech/implementation.ts" });
  });

  test("the package exports that entry", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.exports[`./${PROVIDER_ENTRY}`]).toEqual({ types: "./dist/components/custom-speech/implementation.d.ts", default: "./dist/components/custom-speech/implementation.js" });
  });
});

describe("loading by package name, through the provider server", () => {
  let env: Env;
  let project: string;
  beforeAll(async () => {
    env = await startEnv();
    // A consumer's project: this package installed in its node_modules (its entry stands in for the built file).
    project = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-"));
    const pkg = path.join(project, "node_modules", "pulumi-custom-speech");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "pulumi-custom-speech", exports: { "./provider": "./provider.js" } }));
    fs.writeFileSync(
      path.join(pkg, "provider.js"),
      `require(${JSON.stringify(require.resolve("ts-node"))}).register({ transpileOnly: true, skipProject: true, compilerOptions: { module: "commonjs", target: "es2022", esModuleInterop: true } });\n` +
        `module.exports = require(${JSON.stringify(path.join(ROOT, "components/custom-speech/implementation.ts"))});\n`,
    );
  });
  afterAll(async () => {
    await env?.emu.stop();
    fs.rmSync(project, { recursive: true, force: true });
  });

  test("a provider serialized with the package reference loads it from the project's node_modules and works", async () => {
    const code = await serializeProvider(thinProvider("Project", { module: "pulumi-custom-speech/provider" }));
    expect(code).toContain(THIN_PROVIDER_MARKER);
    expect(code).not.toContain(ROOT);
    expect(code.length).toBeLessThanOrEqual(4096);
    const h = await ProviderServer.start({ cwd: project });
    try {
      const props = { __provider: code, speech: env.speech, __identity: { project: "consumer", stack: "dev", name: "p" }, tuning: FAST, locale: "en-US" };
      const checked = await h.check({}, props);
      expect(checked.failures).toEqual([]);
      const created = await h.create(checked.inputs);
      expect((await env.client.getProject(created.id)).customProperties?.["pulumi-resource"]).toBe("consumer/dev/Project/p");
      await h.delete(created);
    } finally {
      await h.stop();
    }
  });
});
