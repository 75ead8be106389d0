// The language host: runs one Pulumi program in this process (forked by the driver for each run), with the SDK's
// mock options pointing at a monitor that forwards every call to the driver over IPC. As the real language host
// (sdk/nodejs/cmd/run) does, it reports unhandled rejections — the SDK's way of failing a program whose
// registration failed (runtime/resource.ts runAsyncResourceOp) — as the program's error.
import * as path from "path";

export interface HostRun {
  program: { file: string } | { module: string; export: string };
  project: string;
  stack: string;
  preview: boolean;
  config: Record<string, string>;
  secretKeys: string[];
  cwd: string;
}

/** Messages between the driver (parent) and this host. */
export type ToHost = { type: "preload"; modules: string[] } | { type: "run"; run: HostRun } | { type: "reply"; seq: number; result?: any; error?: string };
export type FromHost =
  | { type: "call"; seq: number; method: "register" | "invoke" | "read"; request: any }
  | { type: "outputs"; urn: string; outputs: any }
  | { type: "log"; severity: number; message: string; urn: string }
  | { type: "ready" }
  | { type: "done"; outputs?: any; error?: string };

const send = (m: FromHost) => process.send!(m);
let seq = 0;
const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

function call(method: "register" | "invoke" | "read", request: any): Promise<any> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ type: "call", seq: id, method, request });
  });
}

/** The program file as the language host loads it: TypeScript through ts-node, from the project directory. */
function load(program: HostRun["program"]): unknown {
  if ("file" in program) return require(path.resolve(program.file));
  return require(path.resolve(program.module))[program.export]();
}

async function run(r: HostRun): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings");
  const state = require("@pulumi/pulumi/runtime/state");
  const stack = require("@pulumi/pulumi/runtime/stack");
  const config = require("@pulumi/pulumi/runtime/config");
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
  const resourcePb = require("@pulumi/pulumi/proto/resource_pb");
  const structpb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
  const rejections: unknown[] = [];
  process.on("unhandledRejection", (e) => rejections.push(e));
  process.chdir(r.cwd);

  const respond = (cb: (e: unknown, r?: unknown) => void, f: () => Promise<unknown>) => f().then((x) => cb(null, x), (e) => cb(e));
  const unused = () => Promise.reject(new Error("the deployment driver handles registrations itself"));
  const monitor = Object.assign(new MockMonitor({ newResource: unused, call: unused }), {
    registerResource: (req: any, cb: any) =>
      respond(cb, async () => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v: any, k: string) => (propertyDependencies[k] = v.getUrnsList()));
        const result = await call("register", {
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: req.getCustom(),
          object: req.getObject()?.toJavaScript() ?? {},
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          protect: req.getProtect(),
        });
        const resp = new resourcePb.RegisterResourceResponse();
        resp.setUrn(result.urn);
        resp.setId(result.id);
        resp.setObject(structpb.Struct.fromJavaScript(result.object));
        return resp;
      }),
    registerResourceOutputs: (req: any, cb: any) => {
      send({ type: "outputs", urn: req.getUrn(), outputs: req.getOutputs()?.toJavaScript() ?? {} });
      cb(null, {});
    },
    invoke: (req: any, cb: any) =>
      respond(cb, async () => {
        const resp = new resourcePb.ResourceInvokeResponse();
        resp.setReturn(structpb.Struct.fromJavaScript(await call("invoke", { tok: req.getTok(), args: req.getArgs()?.toJavaScript() ?? {} })));
        return resp;
      }),
    readResource: (req: any, cb: any) =>
      respond(cb, async () => {
        const result = await call("read", { type: req.getType(), name: req.getName(), id: req.getId(), parent: req.getParent(), props: req.getProperties()?.toJavaScript() ?? {} });
        const resp = new resourcePb.ReadResourceResponse();
        resp.setUrn(result.urn);
        resp.setProperties(structpb.Struct.fromJavaScript(result.object));
        return resp;
      }),
  });
  const engine = {
    log: (req: any, cb: any) => {
      send({ type: "log", severity: req.getSeverity(), message: req.getMessage(), urn: req.getUrn() });
      cb(null, {});
    },
    getRootResource: (_req: unknown, cb: any) => cb(null, { getUrn: () => "" }),
    setRootResource: (_req: unknown, cb: any) => cb(null, {}),
  };

  // A store of its own, so that the runtime logs to `engine` (getEngine reads settings.engine from a local store).
  await state.withLocalStorage(async () => {
    settings.setMockOptions(monitor, r.project, r.stack, r.preview);
    const store = state.getStore();
    Object.assign(store, { supportsSecrets: true, supportsResourceReferences: false, supportsOutputValues: false, supportsDeletedWith: true, supportsAliasSpecs: true, supportsTransforms: false });
    store.settings.engine = engine;
    store.settings.options.engineAddr = "deployment-driver";
    config.setAllConfig(r.config, r.secretKeys);

    let outputs: unknown;
    let error: unknown;
    try {
      outputs = await stack.runInPulumiStack(async () => {
        const loaded = load(r.program) as Record<string, unknown> | Promise<unknown>;
        if (loaded instanceof Promise) return loaded;
        const { __esModule: _flag, ...exports } = loaded as Record<string, unknown>;
        return exports;
      });
    } catch (e) {
      error = e;
    }
    await settings.waitForRPCs();
    await new Promise((res) => setImmediate(res));
    const failure = error ?? rejections[0];
    send({ type: "done", outputs: failure ? undefined : JSON.parse(JSON.stringify(outputs ?? {})), error: failure ? String((failure as Error).message ?? failure) : undefined });
  });
}

process.on("message", (m: ToHost) => {
  if (m.type === "preload") {
    // Loading modules the program imports before it runs only moves when they load, not what the program does.
    for (const id of m.modules) require(id);
    send({ type: "ready" });
    return;
  }
  if (m.type === "run") {
    run(m.run).catch((e) => send({ type: "done", error: String(e?.stack ?? e) }));
    return;
  }
  const p = pending.get(m.seq);
  pending.delete(m.seq);
  if (m.error !== undefined) p?.reject(new Error(m.error));
  else p?.resolve(m.result);
});
