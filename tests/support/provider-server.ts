// The real `@pulumi/pulumi/cmd/dynamic-provider` gRPC server in its own process, driven the way the Pulumi engine
// drives it (pkg/resource/plugin/provider_plugin.go): Configure first with the whole stack config (the engine
// passes dynamic providers every namespace, pkg/resource/deploy/target.go GetPackageConfig), then Check, Diff,
// Create, Update, Read and Delete, every call carrying the serialized `__provider`.
//
// The engine is a Go gRPC client: no header-list limit below grpc-go's 16 MiB default and a 400 MiB message limit
// (sdk/go/common/util/rpcutil/serve.go). A partial failure's details travel in a trailer, so this client raises the
// Node client's 64 KiB metadata default to the engine's 16 MiB rather than turn that limit into a design rule.
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// One copy of grpc-js/protobuf: the ones @pulumi/pulumi's generated stubs use.
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const structpb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = require("@pulumi/pulumi/proto/provider_pb");
const statusPb = require("@pulumi/pulumi/proto/status_pb");

export type Props = Record<string, any>;

/** The wire form of a secret value (sdk/nodejs/runtime/rpc.ts specialSigKey / specialSecretSig). */
export const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
export const secretValue = (value: unknown) => ({ [SECRET_SIG.key]: SECRET_SIG.value, value });

/** What the engine would record for a resource: its id and last outputs (which include `__provider`). */
export interface ResourceState {
  id: string;
  outputs: Props;
}

export interface DiffOutcome {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface InitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** An RPC error; `initFailed` is set for a partial failure (the entity exists and stays in state). */
export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly initFailed?: InitFailure,
  ) {
    super(message);
  }
}

// The closure serializer leaves out free identifiers that exist on `global`, so jest's globals would shadow
// same-named module functions (e.g. a local `describe`). A Pulumi program has no such globals: hide them.
const JEST_GLOBALS = ["describe", "fdescribe", "xdescribe", "it", "fit", "xit", "test", "xtest", "expect", "beforeAll", "afterAll", "beforeEach", "afterEach", "jest", "fail", "pending", "spyOn"];

/** The serialized provider text, produced exactly as `pulumi.dynamic.Resource` produces `__provider`. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const g = global as Record<string, unknown>;
  const hidden = JEST_GLOBALS.filter((k) => Object.prototype.hasOwnProperty.call(g, k)).map((k) => [k, g[k]] as const);
  for (const [k] of hidden) delete g[k];
  try {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return sf.text;
  } finally {
    for (const [k, v] of hidden) g[k] = v;
  }
}

const URN = "urn:pulumi:test::harness::custom-speech:resource::r";
const ENGINE_MAX_METADATA = 16 * 1024 * 1024;
const ENGINE_MAX_MESSAGE = 400 * 1024 * 1024;

export class ProviderServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    private readonly stderr: string[],
  ) {}

  /** What the provider process wrote to stderr (the server logs errors there). */
  get log(): string {
    return this.stderr.join("");
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Starts the server in `cwd` (the engine starts plugins in the project directory) and sends Configure with
   * the stack config: keys namespaced ("project:key"), secrets in their wire form.
   */
  static async start(o: { cwd?: string; config?: Record<string, string>; secretKeys?: string[]; project?: string } = {}): Promise<ProviderServer> {
    const cwd = o.cwd ?? path.resolve(__dirname, "..", "..");
    // The plugin of the project's own @pulumi/pulumi, as the engine finds it (this repository's when cwd has none).
    const plugin = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd, __dirname] });
    const child = spawn(process.execPath, [plugin, "127.0.0.1:1"], {
      cwd,
      env: { ...process.env, PULUMI_NODEJS_PROJECT: o.project ?? "harness" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr!.on("data", (d) => stderr.push(String(d)));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`dynamic-provider exited with ${code}: ${stderr.join("")}`)));
    });
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_metadata_size": ENGINE_MAX_METADATA,
      "grpc.max_receive_message_length": ENGINE_MAX_MESSAGE,
    });
    const server = new ProviderServer(child, client, stderr);
    const secret = new Set(o.secretKeys ?? []);
    const args = Object.fromEntries(Object.entries(o.config ?? {}).map(([k, v]) => [k, secret.has(k) ? secretValue(v) : v]));
    const req = new providerPb.ConfigureRequest();
    req.setArgs(structpb.Struct.fromJavaScript(args));
    await server.call("configure", req);
    return server;
  }

  /** Stops the process (SIGKILL when `kill`: a crash, as when the CLI dies mid-operation). */
  async stop(kill = false): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill(kill ? "SIGKILL" : "SIGTERM");
      await exited;
    }
  }

  private call(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: any, resp: any) => {
        if (!err) return resolve(resp);
        try {
          reject(new ProviderCallError(err.details || err.message || `${method} failed: ${this.log.trim().split("\n").slice(-3).join(" | ")}`, err.code, initFailure(err)));
        } catch (e) {
          reject(e); // an exception here would otherwise vanish inside grpc-js and hang the call
        }
      });
    });
  }

  async check(olds: Props, news: Props, urn = URN): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new providerPb.CheckRequest();
    req.setUrn(urn);
    req.setOlds(structpb.Struct.fromJavaScript(olds));
    req.setNews(structpb.Struct.fromJavaScript(news));
    const resp = await this.call("check", req);
    return {
      inputs: resp.getInputs().toJavaScript(),
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, oldOutputs: Props, news: Props, oldInputs: Props = {}, urn = URN): Promise<DiffOutcome> {
    const req = new providerPb.DiffRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(structpb.Struct.fromJavaScript(oldOutputs));
    req.setOldInputs(structpb.Struct.fromJavaScript(oldInputs));
    req.setNews(structpb.Struct.fromJavaScript(news));
    const resp = await this.call("diff", req);
    const C = providerPb.DiffResponse.DiffChanges;
    const changes = resp.getChanges() === C.DIFF_SOME ? "some" : resp.getChanges() === C.DIFF_NONE ? "none" : "unknown";
    return { changes, replaces: resp.getReplacesList(), deleteBeforeReplace: resp.getDeletebeforereplace() };
  }

  /** A preview step: Check then (for an existing resource) Diff, with whatever unknowns the inputs hold. */
  async preview(state: ResourceState | undefined, news: Props): Promise<{ inputs: Props; failures: unknown[]; diff?: DiffOutcome }> {
    const checked = await this.check(state?.outputs ?? {}, news);
    if (!state || checked.failures.length) return checked;
    return { ...checked, diff: await this.diff(state.id, state.outputs, checked.inputs) };
  }

  async create(inputs: Props, urn = URN): Promise<ResourceState> {
    const req = new providerPb.CreateRequest();
    req.setUrn(urn);
    req.setProperties(structpb.Struct.fromJavaScript(inputs));
    const resp = await this.call("create", req);
    return { id: resp.getId(), outputs: resp.getProperties().toJavaScript() };
  }

  async update(state: ResourceState, news: Props, oldInputs: Props = {}, urn = URN): Promise<ResourceState> {
    const req = new providerPb.UpdateRequest();
    req.setId(state.id);
    req.setUrn(urn);
    req.setOlds(structpb.Struct.fromJavaScript(state.outputs));
    req.setOldInputs(structpb.Struct.fromJavaScript(oldInputs));
    req.setNews(structpb.Struct.fromJavaScript(news));
    const resp = await this.call("update", req);
    return { id: state.id, outputs: resp.getProperties().toJavaScript() };
  }

  /** Refresh: `properties` are the stored outputs, `inputs` the stored inputs. Undefined when the provider reports the entity gone. */
  async read(state: ResourceState, inputs: Props = {}, urn = URN): Promise<(ResourceState & { inputs?: Props }) | undefined> {
    const req = new providerPb.ReadRequest();
    req.setId(state.id);
    req.setUrn(urn);
    req.setProperties(structpb.Struct.fromJavaScript(state.outputs));
    req.setInputs(structpb.Struct.fromJavaScript(inputs));
    const resp = await this.call("read", req);
    if (!resp.getId() || !resp.getProperties()) return undefined;
    return { id: resp.getId(), outputs: resp.getProperties().toJavaScript(), inputs: resp.getInputs()?.toJavaScript() };
  }

  /** Delete: the engine sends the stored outputs as properties and the stored inputs as old inputs. */
  async delete(state: ResourceState, oldInputs: Props = {}, urn = URN): Promise<void> {
    const req = new providerPb.DeleteRequest();
    req.setId(state.id);
    req.setUrn(urn);
    req.setProperties(structpb.Struct.fromJavaScript(state.outputs));
    req.setOldInputs(structpb.Struct.fromJavaScript(oldInputs));
    await this.call("delete", req);
  }
}

/** Unpacks `grpc-status-details-bin` → google.rpc.Status → Any → pulumirpc.ErrorResourceInitFailed. */
function initFailure(err: any): InitFailure | undefined {
  const bin = err?.metadata?.get?.("grpc-status-details-bin")?.[0];
  if (!bin) return undefined;
  const status = statusPb.Status.deserializeBinary(new Uint8Array(bin));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: detail.getId(), properties: detail.getProperties()?.toJavaScript() ?? {}, reasons: detail.getReasonsList() };
  }
  return undefined;
}
