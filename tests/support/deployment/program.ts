// Runs a Pulumi program the way the engine has its language host run it: in a process of its own for each run
// (program-host.ts, TypeScript through ts-node as `pulumi up` does), in the project directory, with the stack's
// config. The host's monitor forwards registrations, invokes, outputs and logs here, where the driver answers them.
import { fork, type ChildProcess } from "child_process";
import * as path from "path";
import { compiled } from "./compiled";
import type { FromHost, HostRun, ToHost } from "./program-host";

/** A program file (index.ts), or a module's exported function that declares resources (a component under test). */
export type Program = HostRun["program"];

export interface ReadRequest {
  type: string;
  name: string;
  id: string;
  parent: string;
  props: Record<string, any>;
}

export interface RegisterRequest {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  object: Record<string, any>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  protect: boolean;
}

export interface ProgramHandlers {
  register(req: RegisterRequest): Promise<{ urn: string; id: string; object: Record<string, any> }>;
  invoke(req: { tok: string; args: Record<string, any> }): Promise<Record<string, any>>;
  /** ReadResource: a resource the program reads, not manages (a StackReference). */
  read(req: ReadRequest): Promise<{ urn: string; object: Record<string, any> }>;
  outputs(urn: string, outputs: Record<string, any>): void;
  log(severity: number, message: string, urn: string): void;
}

const ROOT = path.resolve(__dirname, "..", "..", "..");
const HOST = path.join(__dirname, "program-host.ts");

/** A language-host process, forked ahead of its run and used for exactly one run. */
export class ProgramHost {
  private readonly ready: Promise<void>;
  private constructor(
    private readonly child: ChildProcess,
    private readonly js: (file: string) => string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      child.once("message", (m: FromHost) => (m.type === "ready" ? resolve() : reject(new Error(`program host: unexpected ${m.type}`))));
      child.once("exit", (code, signal) => reject(new Error(`the program host exited (${signal ?? code}) while starting`)));
    });
    this.ready.catch(() => undefined);
  }

  /** Forks a host and has it load `preload` (modules the program will import) while nothing waits for it. */
  static start(preload: string[] = [], typescript = false): ProgramHost {
    const js = (file: string) => (typescript ? file : compiled(file));
    const host = js(HOST);
    const child = fork(host, [], {
      execArgv: host.endsWith(".ts") ? ["-r", require.resolve("ts-node/register/transpile-only")] : [],
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const started = new ProgramHost(child, js);
    child.send({ type: "preload", modules: ["@pulumi/pulumi", ...preload.map((m) => (path.isAbsolute(m) ? js(m) : m))] } satisfies ToHost);
    // A spare waiting for its run must not keep the test process alive.
    child.unref();
    child.channel?.unref();
    return started;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  async run(run: HostRun, handlers: ProgramHandlers): Promise<{ outputs?: Record<string, any>; error?: string }> {
    const child = this.child;
    child.ref();
    child.channel?.ref();
    await this.ready;
    const send = (m: ToHost) => child.connected && child.send(m);
    return new Promise((resolve, reject) => {
      let done = false;
      child.on("message", (m: FromHost) => {
        if (m.type === "call") {
          const answer = m.method === "register" ? handlers.register(m.request) : m.method === "read" ? handlers.read(m.request) : handlers.invoke(m.request);
          answer.then(
            (result) => send({ type: "reply", seq: m.seq, result }),
            (e: Error) => send({ type: "reply", seq: m.seq, error: e.message }),
          );
        } else if (m.type === "outputs") handlers.outputs(m.urn, m.outputs);
        else if (m.type === "log") handlers.log(m.severity, m.message, m.urn);
        else if (m.type === "done") {
          done = true;
          child.kill();
          resolve({ outputs: m.outputs, error: m.error });
        }
      });
      child.once("exit", (code, signal) => {
        if (!done) reject(new Error(`the program host exited (${signal ?? code}) before the program finished`));
      });
      const program = "file" in run.program ? { file: this.js(path.resolve(run.program.file)) } : { ...run.program, module: this.js(path.resolve(run.program.module)) };
      send({ type: "run", run: { ...run, program } });
    });
  }
}
