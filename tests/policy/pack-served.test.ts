// The pack served by @pulumi/policy's own analyzer server (server.js), with the gRPC transport faked: the engine's
// requests (GetAnalyzerInfo, Configure, Analyze, AnalyzeStack) are real protobuf messages and pass through the
// library's config handling, enforcement levels, deserialization and unknown-checking proxy. The config the CLI
// would send is built as the CLI builds it (pkg/resource/analyzer/config.go: the schema's defaults, then
// --policy-pack-config, validated against {type: object, properties, required}).
import * as fs from "fs";
import * as path from "path";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "../../policy/pack";
import { StackBuilder, UNKNOWN, isoIn } from "./engine";
import { addPipeline } from "./stacks";

const mockServer: { impl?: Record<string, (call: { request: unknown }, cb: (err: unknown, resp?: any) => void) => void> } = {};
jest.mock("@grpc/grpc-js", () => {
  const actual = jest.requireActual("@grpc/grpc-js");
  class Server {
    addService(_service: unknown, impl: Record<string, any>) {
      mockServer.impl = impl;
    }
    bindAsync(_address: string, _credentials: unknown, callback: (err: Error | null, port: number) => void) {
      callback(null, 0);
    }
  }
  return { ...actual, Server };
});

const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const Ajv = require("ajv");

const ROOT = path.join(__dirname, "../..");
const LEVELS: Record<number, string> = { [pb.EnforcementLevel.ADVISORY]: "advisory", [pb.EnforcementLevel.MANDATORY]: "mandatory", [pb.EnforcementLevel.DISABLED]: "disabled" };
const LEVEL_OF: Record<string, number> = { advisory: pb.EnforcementLevel.ADVISORY, mandatory: pb.EnforcementLevel.MANDATORY, disabled: pb.EnforcementLevel.DISABLED };

function rpc(method: string, request: unknown): Promise<any> {
  return new Promise((resolve, reject) => mockServer.impl![method]({ request }, (err, resp) => (err ? reject(err) : resolve(resp))));
}

interface Info {
  name: string;
  level: string;
  description: string;
  remediation: string;
  schema?: PolicyConfigSchema;
}
let info: Info[];

beforeAll(async () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined); // the server prints its port
  const { serve } = require("@pulumi/policy/server");
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "policy/package.json"), "utf8")).version;
  // What `new PolicyPack(PACK_NAME, packArgs)` in policy/index.ts does, from policy/ as its working directory.
  serve(PACK_NAME, version, packArgs.enforcementLevel ?? "advisory", packArgs, undefined);
  log.mockRestore();
  const resp = await rpc("getAnalyzerInfo", new Empty());
  info = resp.getPoliciesList().map((p: any) => ({
    name: p.getName(),
    level: LEVELS[p.getEnforcementlevel()],
    description: p.getDescription(),
    remediation: p.getRemediationSteps(),
    schema: p.getConfigschema() && { properties: p.getConfigschema().getProperties().toJavaScript(), required: p.getConfigschema().getRequiredList() },
  }));
});

/** What the CLI sends to Configure for a --policy-pack-config file's content (ReconcilePolicyPackConfig). */
function cliConfig(file: Record<string, unknown>): Record<string, { enforcementLevel: string; properties: Record<string, unknown> }> {
  const result: Record<string, { enforcementLevel: string; properties: Record<string, unknown> }> = {};
  for (const p of info) {
    const defaults = Object.fromEntries(Object.entries(p.schema?.properties ?? {}).flatMap(([k, s]) => (typeof s === "object" && "default" in s ? [[k, s.default]] : [])));
    result[p.name] = { enforcementLevel: p.level, properties: defaults };
  }
  const all = file.all;
  if (typeof all === "string") for (const p of info) result[p.name].enforcementLevel = all;
  for (const [name, given] of Object.entries(file).filter(([k]) => k !== "all")) {
    const { enforcementLevel, ...properties } = typeof given === "string" ? { enforcementLevel: given } : (given as Record<string, unknown>);
    result[name] = { enforcementLevel: (enforcementLevel as string) ?? result[name]?.enforcementLevel, properties: { ...result[name]?.properties, ...properties } };
  }
  return result;
}

/** The CLI's validation: each policy's properties against {type: object, properties, required}, as gojsonschema does. */
function cliValidationErrors(file: Record<string, unknown>): string[] {
  const ajv = new Ajv({ allErrors: true });
  const config = cliConfig(file);
  return info.flatMap((p) => {
    const validate = ajv.compile({ type: "object", properties: p.schema?.properties ?? {}, ...(p.schema?.required?.length ? { required: p.schema.required } : {}) });
    return validate(config[p.name]?.properties ?? {}) ? [] : (validate.errors as { dataPath: string; message: string }[]).map((e) => `${p.name}: ${e.dataPath} ${e.message}`);
  });
}

async function configure(file: Record<string, unknown> = {}) {
  const req = new pb.ConfigureAnalyzerRequest();
  for (const [name, c] of Object.entries(cliConfig(file))) {
    const pc = new pb.PolicyConfig();
    pc.setEnforcementlevel(LEVEL_OF[c.enforcementLevel]);
    pc.setProperties(Struct.fromJavaScript(c.properties));
    req.getPolicyconfigMap().set(name, pc);
  }
  await rpc("configure", req);
}

function options(protect = false) {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(protect);
  return o;
}

type Diagnostic = { policy: string; level: string; message: string; urn: string };
const diagnostics = (resp: any): Diagnostic[] =>
  resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage(), urn: d.getUrn() }));

async function analyze(type: string, name: string, stack: string, props: Record<string, unknown>, protect = false): Promise<Diagnostic[]> {
  const req = new pb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`urn:pulumi:${stack}::custom-speech::${type}::${name}`);
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(options(protect));
  return diagnostics(await rpc("analyze", req));
}

async function analyzeStack(b: StackBuilder): Promise<Diagnostic[]> {
  const req = new pb.AnalyzeStackRequest();
  const drop = (v: unknown): unknown => (Array.isArray(v) ? v.map(drop) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, drop(x)])) : v);
  req.setResourcesList(
    b.entries.map((e) => {
      const r = new pb.AnalyzerResource();
      r.setType(e.type);
      r.setName(e.name);
      r.setUrn(e.urn);
      r.setProperties(Struct.fromJavaScript(drop(e.props)));
      r.setOptions(options(e.protect));
      if (e.parent) r.setParent(e.parent.urn);
      const deps = Object.values(e.propertyDependencies ?? {}).flat();
      r.setDependenciesList([...new Set(deps.map((d) => d.urn))]);
      for (const [k, list] of Object.entries(e.propertyDependencies ?? {})) {
        const pd = new pb.AnalyzerPropertyDependencies();
        pd.setUrnsList(list.map((d) => d.urn));
        r.getPropertydependenciesMap().set(k, pd);
      }
      return r;
    }),
  );
  return diagnostics(await rpc("analyzeStack", req));
}

const DEFAULT_LEVELS: Record<string, string> = {
  "speech-account-training-region": "mandatory",
  "speech-account-local-auth-disabled": "mandatory",
  "speech-account-network-access": "advisory",
  "training-storage-hardened": "mandatory",
  "endpoint-model-not-expiring": "mandatory",
  "endpoint-model-from-passed-gate": "mandatory",
  "prod-endpoint-protected": "mandatory",
  "prod-locale-evaluation-gate": "mandatory",
};

test("serves every policy with its default level, a description, remediation steps and a config schema", () => {
  expect(Object.fromEntries(info.map((p) => [p.name, p.level]))).toEqual(DEFAULT_LEVELS);
  for (const p of info) {
    expect([p.name, p.description.length > 40, p.remediation.length > 40, typeof p.schema?.properties]).toEqual([p.name, true, true, "object"]);
  }
});

test("docs/policy.md's table lists each served policy with its default level", () => {
  const rows = fs
    .readFileSync(path.join(ROOT, "docs/policy.md"), "utf8")
    .split("\n")
    .filter((l) => /^\| `[a-z-]+` \|/.test(l))
    .map((l) => l.split("|").map((c) => c.trim()));
  expect(Object.fromEntries(rows.map((c) => [c[1].replace(/`/g, ""), c[3].replace(/\*/g, "")]))).toEqual(DEFAULT_LEVELS);
});

const OPEN_ACCOUNT = {
  accountName: "contoso-speech-se",
  location: "swedencentral",
  kind: "SpeechServices",
  properties: { disableLocalAuth: true, publicNetworkAccess: "Enabled" },
  tags: { "custom-speech-role": "inference-only" },
};

test("enforcement levels from the pack config reach the engine: default, overridden, disabled", async () => {
  await configure();
  const open = await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod-swedencentral", OPEN_ACCOUNT);
  expect(open).toEqual([
    {
      policy: "speech-account-network-access",
      level: "advisory",
      urn: "",
      message: expect.stringMatching(/^Speech accounts have the network exposure their environment allows: .*\nSpeech account "speech-account" \(account contoso-speech-se\): stack "prod-swedencentral" must be firewalled/),
    },
  ]);
  await configure(JSON.parse(fs.readFileSync(path.join(ROOT, "policy/config/prod.json"), "utf8")));
  expect((await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod-swedencentral", OPEN_ACCOUNT)).map((d) => d.level)).toEqual(["mandatory"]);
  await configure({ "speech-account-network-access": "disabled" });
  expect(await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod-swedencentral", OPEN_ACCOUNT)).toEqual([]);
});

test("config properties reach the policies: stack-name rules, a region list, an expiry window", async () => {
  await configure({ "speech-account-network-access": { environments: [{ stacks: "prod-swedencentral", access: "open" }, { stacks: "*", access: "private" }] } });
  expect(await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod-swedencentral", OPEN_ACCOUNT)).toEqual([]);

  const training = { ...OPEN_ACCOUNT, tags: { "custom-speech-role": "training" } };
  await configure({ "speech-account-network-access": "disabled" });
  expect((await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod-swedencentral", training)).map((d) => [d.policy, d.level])).toEqual([
    ["speech-account-training-region", "mandatory"],
  ]);
  await configure({ "speech-account-network-access": "disabled", "speech-account-training-region": { additionalTrainingRegions: ["swedencentral"] } });
  expect(await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod-swedencentral", training)).toEqual([]);

  const b = new StackBuilder("dev");
  const { endpoint } = addPipeline(b, { model: { transcriptionExpiry: isoIn(20) } });
  await configure();
  expect(await analyzeStack(b)).toEqual([
    { policy: "endpoint-model-not-expiring", level: "mandatory", urn: endpoint.urn, message: expect.stringContaining("inside the 30-day window (expiryDays)") },
  ]);
  await configure(JSON.parse(fs.readFileSync(path.join(ROOT, "policy/config/dev.json"), "utf8")));
  expect(await analyzeStack(b)).toEqual([]);
});

test("unknown values in a preview reach the policies as the engine sends them, and none of them is reported", async () => {
  await configure();
  const unknowns = { accountName: "contoso-speech-prod", kind: "SpeechServices", location: UNKNOWN, properties: UNKNOWN, tags: UNKNOWN };
  // Not even the library's "can't run policy ... during preview" advisory: each policy lets what it cannot judge pass.
  expect(await analyze("azure-native:cognitiveservices:Account", "speech-account", "prod", unknowns)).toEqual([]);
  const b = new StackBuilder("prod");
  addPipeline(b, { model: { self: undefined, transcriptionExpiry: undefined }, evaluation: { passed: undefined, approvedModel: UNKNOWN }, endpoint: { model: UNKNOWN, servedModel: undefined } });
  expect(await analyzeStack(b)).toEqual([]);
  // …while a known bad wiring is reported in the same preview, from the engine's property dependencies.
  const bypass = new StackBuilder("prod");
  const { endpoint } = addPipeline(bypass, { endpoint: { model: UNKNOWN }, endpointFrom: "model" });
  expect((await analyzeStack(bypass)).map((d) => [d.policy, d.urn])).toEqual([["endpoint-model-from-passed-gate", endpoint.urn]]);
});

test("the shipped and documented pack configs pass the CLI's schema validation; a misspelt nested key does not", () => {
  const configs = [
    "policy/config/dev.json",
    "policy/config/prod.json",
    ...fs
      .readFileSync(path.join(ROOT, "docs/policy.md"), "utf8")
      .split("```json")
      .slice(1)
      .map((block, i) => ({ block: block.split("```")[0], i })),
  ];
  expect(configs.length).toBeGreaterThan(2);
  for (const c of configs) {
    const file = typeof c === "string" ? JSON.parse(fs.readFileSync(path.join(ROOT, c), "utf8")) : JSON.parse(c.block);
    expect([c, cliValidationErrors(file)]).toEqual([c, []]);
  }
  expect(cliValidationErrors({ "speech-account-network-access": { environments: [{ stacks: "prod*", acess: "firewall" }] } })).toEqual([
    "speech-account-network-access: .environments[0] should NOT have additional properties",
    "speech-account-network-access: .environments[0] should have required property 'access'",
  ]);
  expect(cliValidationErrors({ "endpoint-model-not-expiring": { expiryDays: "30" } })).toEqual(["endpoint-model-not-expiring: .expiryDays should be integer"]);
});

test("a misspelt top-level key, which the CLI's schema lets through, fails the policy loudly", async () => {
  expect(cliValidationErrors({ "prod-endpoint-protected": { prodStackPatern: "live*" } })).toEqual([]);
  await configure({ "prod-endpoint-protected": { prodStackPatern: "live*" } });
  await expect(analyze("pulumi-nodejs:dynamic/custom-speech:Endpoint", "e", "prod", { locale: "en-US" }, true)).rejects.toThrow(
    /policy prod-endpoint-protected config has an unknown key "prodStackPatern"; allowed keys: prodStackPattern/,
  );
});
