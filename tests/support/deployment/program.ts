// Runs a Pulumi program the way the language host does, once per run: the program file evaluated again, a fresh
// runtime store, the stack's config, the program's directory as the working directory, and `runInPulumiStack`,
// which registers the root `pulumi:pulumi:Stack` and its outputs. Resource registrations go to the driver's
// monitor instead of an engine (the SDK's mock options), and logs to its engine.
import * as fs from "fs";
import * as path from "path";

/** A program file (index.ts) or a function declaring resources (a component under test). */
export type Program = { file: string } | { run: () => unknown | Promise<unknown> };

/** The SDK modules the monitor and engine speak to, from the program's own module registry. */
export interface ProgramRuntime {
  resourcePb: any;
  structpb: any;
  rpc: any;
  /** The SDK's mock monitor class, whose feature answers (getDeploymentInfo, supportsFeature) the driver keeps. */
  MockMonitor: new (mocks: object) => Record<string, unknown>;
}

export interface ProgramRun {
  monitor: (rt: ProgramRuntime) => object;
  engine: object;
  project: string;
  stack: string;
  preview: boolean;
  /** Namespaced config ("project:key" → string), as the CLI hands it to the program. */
  config: Record<string, string>;
  secretKeys: string[];
  cwd: string;
}

/**
 * The program file, evaluated afresh (as a new language host would): transpiled and run with a require that
 * resolves from its own directory. The modules it imports are shared between runs; the runtime store is not.
 */
function evaluateProgram(file: string): Record<string, unknown> {
  const ts = require("typescript") as typeof import("typescript");
  const source = fs.readFileSync(file, "utf8");
  const js = file.endsWith(".ts") ? ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: file }).outputText : source;
  const dir = path.dirname(file);
  const req = (id: string) => require(id.startsWith(".") ? path.resolve(dir, id) : id);
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", "__filename", "__dirname", js)(module.exports, req, module, file, dir);
  return module.exports;
}

export async function runProgram(program: Program, run: ProgramRun): Promise<{ outputs?: Record<string, unknown>; error?: unknown }> {
  {
    const state = require("@pulumi/pulumi/runtime/state");
    const settings = require("@pulumi/pulumi/runtime/settings");
    const stack = require("@pulumi/pulumi/runtime/stack");
    const config = require("@pulumi/pulumi/runtime/config");
    const rt: ProgramRuntime = {
      resourcePb: require("@pulumi/pulumi/proto/resource_pb"),
      structpb: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })),
      rpc: require("@pulumi/pulumi/runtime/rpc"),
      MockMonitor: require("@pulumi/pulumi/runtime/mocks").MockMonitor,
    };
    const previousCwd = process.cwd();
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on("unhandledRejection", onRejection);
    process.chdir(run.cwd);
    try {
      return await state.withLocalStorage(async () => {
        settings.setMockOptions(run.monitor(rt), run.project, run.stack, run.preview);
        const store = state.getStore();
        // What the engine's monitor supports (the mock defaults, with secrets and resource references).
        Object.assign(store, { supportsSecrets: true, supportsResourceReferences: false, supportsOutputValues: false, supportsDeletedWith: true, supportsAliasSpecs: true, supportsTransforms: false });
        store.settings.engine = run.engine;
        store.settings.options.engineAddr = "deployment-driver";
        config.setAllConfig(run.config, run.secretKeys);
        let outputs: Record<string, unknown> | undefined;
        let error: unknown;
        try {
          outputs = await stack.runInPulumiStack(async () => {
            if (!("file" in program)) return program.run();
            const { __esModule: _flag, ...exports } = evaluateProgram(program.file);
            return exports;
          });
        } catch (e) {
          error = e;
        }
        await settings.waitForRPCs();
        return { outputs, error: error ?? rejections[0] };
      });
    } finally {
      process.chdir(previousCwd);
      // Let rejections that settle right after the run land here rather than in the test.
      await new Promise((r) => setImmediate(r));
      process.off("unhandledRejection", onRejection);
    }
  }
}
