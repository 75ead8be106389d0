// The package as a team consumes it: `npm pack`, the tarball installed into a project outside this repository,
// examples/consumer compiled there against it by package name, run under Pulumi's mocks, and the Project that
// program declares driven through the provider server from that folder against the emulator; then
// examples/consumer/locale, a project of its own there, deployed with the real Pulumi CLI: one locale, up to destroy. The peers
// (@pulumi/pulumi, @pulumi/azure-native) are linked from this repository's own install: a second download of
// azure-native (~136 MB) would only test the registry.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { SpeechClient } from "../../components/speech-api";
import { ProviderServer } from "../support/provider-server";
import { PulumiBackend, runCli } from "../support/engine";
import { FAST_DURATIONS, FAST_TUNING } from "../support/stack-files";
import { FAST, startEnv, type Env } from "../custom-speech/support";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

let tmp: string;
let consumer: string;
let packed: { filename: string; files: { path: string; size: number }[] };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "speech-consumer-"));
  // What prepack does, less the API-report check that npm test runs itself: the build (tsc, incremental: quick after
  // npm test's own), then the pack.
  await run(NPM, ["run", "-s", "build"], { cwd: ROOT, maxBuffer: 16 << 20 });
  const { stdout } = await run(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: ROOT, maxBuffer: 16 << 20 });
  packed = JSON.parse(stdout.slice(stdout.indexOf("[")))[0];

  consumer = path.join(tmp, "app");
  fs.mkdirSync(consumer);
  for (const f of ["index.ts", "Pulumi.yaml", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, "examples/consumer", f), path.join(consumer, f));
  fs.copyFileSync(path.join(__dirname, "run-under-mocks.js"), path.join(consumer, "run-under-mocks.js"));
  const example = JSON.parse(fs.readFileSync(path.join(ROOT, "examples/consumer/package.json"), "utf8"));
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ ...example, dependencies: { "pulumi-custom-speech": `file:${path.join(tmp, packed.filename)}` }, devDependencies: {} }, null, 2),
  );
  // --legacy-peer-deps: npm would otherwise fetch the peers; they are linked below.
  await run(NPM, ["install", "--prefer-offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: consumer, maxBuffer: 16 << 20 });
  fs.mkdirSync(path.join(consumer, "node_modules/@pulumi"), { recursive: true });
  for (const peer of ["pulumi", "azure-native", "policy"]) fs.symlinkSync(path.join(ROOT, "node_modules/@pulumi", peer), path.join(consumer, "node_modules/@pulumi", peer), "dir");
}, 240_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const installed = () => path.join(consumer, "node_modules/pulumi-custom-speech");

async function underMocks(arg: string): Promise<{ resources: { type: string; name: string; inputs: Record<string, any> }[]; outputs: Record<string, unknown> }> {
  const { stdout } = await run(process.execPath, ["run-under-mocks.js", arg], { cwd: consumer, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("the npm package as a consumer installs it", () => {
  test("npm pack ships the compiled library, the CLIs, the policy pack, the docs, the licence and the changelog, and nothing else", () => {
    const files = packed.files.map((f) => f.path).sort();
    const allowed = /^(dist\/(components|scripts|emulator|policy)\/.+\.(js|d\.ts)|dist\/policy\/(PulumiPolicy\.yaml|package\.json|config\/\w+\.json)|docs\/[\w-]+\.(md|png)|package\.json|README\.md|CONTRIBUTING\.md|LICENSE|CHANGELOG\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|\/tests?\//.test(f))).toEqual([]);
    for (const f of ["LICENSE", "CHANGELOG.md", "README.md", "dist/policy/PulumiPolicy.yaml", "dist/policy/index.js", "dist/policy/config/prod.json", PKG.main, PKG.types, PKG.exports["./provider"].default.slice(2), ...Object.values<string>(PKG.bin)]) expect(files).toContain(f);
    // The sandbox needs this repository (and devDependencies): it stays out.
    expect(files.filter((f) => f.startsWith("dist/scripts/sandbox"))).toEqual([]);
    // Nothing stale: every compiled file has its source (a deleted source's old output would ship otherwise).
    expect(files.filter((f) => /^dist\/.*\.(js|d\.ts)$/.test(f) && !fs.existsSync(path.join(ROOT, f.slice(5).replace(/(\.d)?\.ts$|\.js$/, ".ts"))))).toEqual([]);
  });

  test("every link of the shipped README, and of the docs it ships, leads to a shipped file or an absolute URL", () => {
    const shipped = new Set(packed.files.map((f) => f.path));
    for (const doc of [...shipped].filter((f) => f.endsWith(".md"))) {
      const text = fs.readFileSync(path.join(installed(), doc), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const file = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target));
        expect([doc, target, shipped.has(file) || fs.existsSync(path.join(installed(), file))]).toEqual([doc, target, true]);
      }
    }
    expect(PKG.repository.url).toMatch(/^git\+https:\/\/github\.com\//);
    expect(PKG.bugs.url).toMatch(/\/issues$/);
    expect(PKG.homepage).toMatch(/^https:\/\//);
  });

  test("everything the installed package requires is a dependency, a peer dependency or part of Node", () => {
    const allowed = new Set([...Object.keys(PKG.dependencies), ...Object.keys(PKG.peerDependencies), ...require("node:module").builtinModules]);
    const missing = new Set<string>();
    for (const f of packed.files.map((x) => x.path).filter((x) => x.endsWith(".js"))) {
      const code = fs.readFileSync(path.join(installed(), f), "utf8");
      for (const [, spec] of code.matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!allowed.has(name.replace(/^node:/, "")) && name !== PKG.name) missing.add(`${f}: ${spec}`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  test("the installed package has no copy of its peers, and its command-line tools run with npx", async () => {
    expect(fs.existsSync(path.join(installed(), "node_modules/@pulumi"))).toBe(false);
    expect(Object.keys(PKG.peerDependencies).sort()).toEqual(["@pulumi/azure-native", "@pulumi/policy", "@pulumi/pulumi"]);
    // Only the policy pack needs @pulumi/policy: a program that does not run it installs nothing more.
    expect(PKG.peerDependenciesMeta).toEqual({ "@pulumi/policy": { optional: true } });
    for (const bin of Object.keys(PKG.bin)) {
      const { stdout } = await run(NPM, ["exec", "--no", "--", bin, "--help"], { cwd: consumer });
      expect(stdout).toMatch(/^Usage: /);
    }
  }, 60_000);

  test("requiring every entry declares nothing and reads no stack config", async () => {
    const r = await underMocks("--library");
    expect(r.resources).toEqual([]);
  }, 30_000);

  describe("examples/consumer, compiled against the package by name", () => {
    let program: Awaited<ReturnType<typeof underMocks>>;
    beforeAll(async () => {
      await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "."], { cwd: consumer });
      program = await underMocks("bin/index.js");
    }, 60_000);

    test("runs under mocks: the components' resources and the program's outputs", () => {
      const types = program.resources.map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(["customspeech:index:SpeechAccount", "azure-native:cognitiveservices:Account", "pulumi-nodejs:dynamic/custom-speech:Project"]));
      expect(program.outputs).toMatchObject({ endpoint: expect.stringMatching(/^https:\/\/speech-[0-9a-f]{8}\.cognitiveservices\.azure\.com$/), speechApiVersion: "2025-10-15" });
    });

    test("the Project's serialized provider names the package, not a file of it, and stays within 4 KB", () => {
      const code: string = program.resources.find((r) => r.type === "pulumi-nodejs:dynamic/custom-speech:Project")!.inputs.__provider;
      expect(code).toContain('"pulumi-custom-speech/provider"');
      expect(code).not.toContain(consumer);
      expect(code).not.toContain(ROOT);
      // Nothing else of the package is required by path: only Node's own modules.
      expect((code.match(/require\("[^"]+"\)/g) ?? []).filter((r) => r !== 'require("module")' && r !== 'require("path")')).toEqual([]);
      expect(Buffer.byteLength(code)).toBeLessThanOrEqual(4096);
    });

    describe("through the provider server started in the consumer's folder", () => {
      let env: Env;
      let server: ProviderServer;
      beforeAll(async () => {
        env = await startEnv();
        server = await ProviderServer.start({ cwd: consumer, project: "speech-consumer" });
      }, 30_000);
      afterAll(async () => {
        await server?.stop();
        await env?.emu.stop();
      });

      test("the Project is created, read and deleted on the emulator by the installed implementation", async () => {
        const declared = program.resources.find((r) => r.type === "pulumi-nodejs:dynamic/custom-speech:Project")!.inputs;
        const inputs = { ...declared, speech: env.speech, tuning: FAST };
        const checked = await server.check({}, inputs);
        expect(checked.failures).toEqual([]);
        const created = await server.create(checked.inputs);
        const projects = await env.client.listProjects();
        expect(projects.map((p) => p.displayName)).toEqual(["Call center"]);
        expect(created.outputs.self).toBe(projects[0].self);
        const read = await server.read(created, checked.inputs);
        expect(read?.id).toBe(created.id);
        await server.delete(created, checked.inputs);
        expect(await env.client.listProjects()).toEqual([]);
      }, 60_000);
    });
  });
});

describe("examples/consumer/locale deployed with the Pulumi CLI from the consumer's folder", () => {
  let emu: RunningEmulator;
  let backend: PulumiBackend;
  let dir: string;
  const cli = async (...args: string[]) => {
    const r = await runCli(backend, dir, [...args, "--stack", "dev", "--non-interactive"]);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const entities = async () => {
    const c = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, { rateLimit: false });
    const lists = await Promise.all([c.listProjects(), c.listDatasets(), c.listModels(), c.listEvaluations(), c.listEndpoints()]);
    return lists.map((l) => l.length);
  };
  beforeAll(async () => {
    [emu, backend] = await Promise.all([startEmulator({ durations: FAST_DURATIONS }), PulumiBackend.create()]);
    dir = path.join(consumer, "locale");
    fs.cpSync(path.join(ROOT, "examples/consumer/locale"), dir, { recursive: true });
  });
  afterAll(async () => {
    await emu?.stop();
    await backend?.dispose();
  });

  test("pulumi up deploys the locale with the installed package; a preview then changes nothing; destroy leaves nothing", async () => {
    await cli("stack", "init");
    await cli("config", "set", "speechEndpoint", emu.resources.speech.endpoint);
    await cli("config", "set", "dataUrl", "https://contosospeechdata.blob.core.windows.net/training-audio");
    await cli("config", "set", "--secret", "speechKey", emu.resources.speech.key);
    await cli("config", "set", "tuning", JSON.stringify(FAST_TUNING));
    await cli("up", "--yes", "--skip-preview");
    expect(await entities()).toEqual([1, 2, 1, 1, 1]);
    const [endpoint] = await new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, { rateLimit: false }).listEndpoints();
    expect((await cli("stack", "output", "endpointId")).trim()).toBe(endpoint.self!.split("?")[0].split("/").pop());
    // The state's providers load the implementation by package name: nothing of either folder is written into it.
    const state = await cli("stack", "export");
    expect(state).not.toContain(emu.resources.speech.key);
    const providers = (JSON.parse(state).deployment.resources as { type: string; outputs: { __provider?: string } }[]).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => r.outputs.__provider!);
    expect(providers).toHaveLength(6);
    for (const code of providers) {
      expect(code).toContain('"pulumi-custom-speech/provider"');
      for (const folder of [consumer, ROOT]) expect(code).not.toContain(folder);
    }
    await cli("preview", "--expect-no-changes");

    // The shipped policy pack, run from the consumer's project as docs/policy.md says: the dev stack complies; as a
    // stack matching prodStackPattern, its unprotected endpoint is a mandatory violation that fails the preview.
    const pack = "../node_modules/pulumi-custom-speech/dist/policy";
    const compliant = await cli("preview", "--policy-pack", pack, "--expect-no-changes");
    expect(compliant).toMatch(/custom-speech/);
    expect(compliant).not.toMatch(/mandatory/);
    const config = path.join(dir, "prod-like.json");
    fs.writeFileSync(config, JSON.stringify({ "prod-endpoint-protected": { prodStackPattern: "dev" } }));
    const violating = await runCli(backend, dir, ["preview", "--policy-pack", pack, "--policy-pack-config", config, "--stack", "dev", "--non-interactive"]);
    expect(violating.code).not.toBe(0);
    expect(violating.stdout + violating.stderr).toMatch(/\[mandatory\]\s+prod-endpoint-protected/);

    await cli("destroy", "--yes", "--skip-preview");
    expect(await entities()).toEqual([0, 0, 0, 0, 0]);
  }, 240_000);
});
