// The part of every Custom Speech resource that Pulumi closure-serializes into the state (`__provider`): a thin
// provider of about 1 KB whose methods load the implementation (implementation.ts) at run time in the provider
// process, instead of a ~100 KB copy of it per resource written twice into every checkpoint.
//
// The provider process runs in the project directory (the engine starts plugins there), so the implementation is
// found the way the program found it: by package name when this package is installed from npm, or by its path in
// the project when the program runs from this repository's sources.
import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

/** Marks a serialized thin provider; a stored provider without it was written before (see docs: repairing old states). */
export const THIN_PROVIDER_MARKER = "pulumi-custom-speech:thin-provider";

/** Where the provider process loads the implementation from: a package entry, or a file relative to the project directory. */
export type ImplementationRef = { module: string } | { file: string };

/** The public entry of the implementation in the published package (package.json `exports`). */
export const PROVIDER_ENTRY = "provider";

/** Decided from where this file lives: under node_modules ⇒ by package name, else by path from the project directory. */
export function implementationRef(implementationFile: string, cwd = process.cwd()): ImplementationRef {
  const parts = implementationFile.split(path.sep);
  const nm = parts.lastIndexOf("node_modules");
  if (nm >= 0) {
    const name = parts[nm + 1]?.startsWith("@") ? `${parts[nm + 1]}/${parts[nm + 2]}` : parts[nm + 1];
    return { module: `${name}/${PROVIDER_ENTRY}` };
  }
  return { file: path.relative(cwd, implementationFile).split(path.sep).join("/") };
}

/** The file that defines the providers, next to this one (implementation.ts, or .js once compiled). */
function implementationFile(): string {
  const ts = path.join(__dirname, "implementation.ts");
  return fs.existsSync(ts) && path.extname(__filename) === ".ts" ? ts : path.join(__dirname, "implementation.js");
}

/**
 * Runs in the provider process: loads the implementation once per process. TypeScript sources (this repository)
 * are loaded with ts-node from the project's own node_modules, transpile-only, as `pulumi up` runs the program.
 */
function loadImplementation(ref: ImplementationRef): any {
  const key = Symbol.for(THIN_PROVIDER_MARKER);
  const g = globalThis as any;
  if (!g[key]) {
    const { createRequire } = require("module");
    const nodePath = require("path");
    if ("module" in ref) {
      g[key] = createRequire(nodePath.join(process.cwd(), "package.json"))(ref.module);
    } else {
      const file = nodePath.resolve(process.cwd(), ref.file);
      const load = createRequire(file);
      const compilerOptions = { module: "commonjs", target: "es2022", esModuleInterop: true, resolveJsonModule: true };
      if (file.endsWith(".ts") && !require.extensions[".ts"]) load("ts-node").register({ transpileOnly: true, skipProject: true, compilerOptions });
      g[key] = load(file);
    }
  }
  return g[key];
}

const made = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The serialized provider of one kind of Custom Speech resource. Made when a resource is declared, so a file
 * reference is relative to the directory the program runs in (the one the engine starts the provider in).
 */
export function thinProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const ref = implementationRef(implementationFile());
  const id = `${kind} ${JSON.stringify(ref)}`;
  const cached = made.get(id);
  if (cached) return cached;
  const load = loadImplementation;
  const provider: pulumi.dynamic.ResourceProvider = {
    configure: async (req) => load(ref).configure(req.config),
    check: async (olds, news) => load(ref).providers[kind].check(olds, news),
    diff: async (id, olds, news) => load(ref).providers[kind].diff(id, olds, news),
    create: async (inputs) => load(ref).providers[kind].create(inputs),
    read: async (id, props) => load(ref).providers[kind].read(id, props),
    update: async (id, olds, news) => load(ref).providers[kind].update(id, olds, news),
    delete: async (id, props) => load(ref).providers[kind].delete(id, props),
  };
  made.set(id, provider);
  return provider;
}
