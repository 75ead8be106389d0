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
// The serialized loadImplementation reads this local constant, never the export: compiled, an export is read as
// `exports.X`, and Pulumi's closure serializer turns the `exports` of a module under node_modules into a require of
// that module's file, which the package's `exports` map does not expose (the consumer test caught it).
const MARKER = THIN_PROVIDER_MARKER;

/**
 * What a stored provider loads, stamped into its serialized text: the diff compares this, not the text, which changes
 * with the transpiler (tsc, swc) and its settings without changing what the provider does. LOADER_VERSION is bumped
 * whenever loadImplementation changes, so that stored providers pick up the new loader with one update.
 */
const IDENTITY = "pulumi-custom-speech:provider";
const LOADER_VERSION = 2;

/** Where the provider process loads the implementation from: a package entry, or a file relative to the project directory. */
export type ImplementationRef = { module: string } | { file: string };

/** The identity a thin provider of `kind` loading `ref` carries: `pulumi-custom-speech:provider/<loader> <kind> <ref>`. */
export function providerIdentity(kind: string, ref: ImplementationRef): string {
  return `${IDENTITY}/${LOADER_VERSION} ${kind} ${"module" in ref ? `module:${ref.module}` : `file:${ref.file}`}`;
}

/** The identity stamped into a serialized provider's text; undefined for a provider written before the stamp. */
export function storedProviderIdentity(serialized: unknown): string | undefined {
  if (typeof serialized !== "string") return undefined;
  return new RegExp(`"(${IDENTITY}/\\d+ [A-Za-z]+ (?:module|file):[^"\\\\]*)"`).exec(serialized)?.[1];
}

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
 * Runs in the provider process: loads the implementation once per process and ref (an old state's provider and the
 * current one may both be in use). TypeScript sources (this repository) are loaded with ts-node from the project's
 * own node_modules, transpile-only, as `pulumi up` runs the program. Serialized into the state: kept short, and no
 * comment inside (the text of the function is what is stored).
 */
function loadImplementation(ref: ImplementationRef): any {
  const cache = ((globalThis as any)[Symbol.for(MARKER)] ??= {});
  const id = JSON.stringify(ref);
  if (!cache[id]) {
    const { createRequire } = require("module");
    const nodePath = require("path");
    if ("module" in ref) {
      cache[id] = createRequire(nodePath.join(process.cwd(), "package.json"))(ref.module);
    } else {
      const file = nodePath.resolve(process.cwd(), ref.file);
      const load = createRequire(file);
      const compilerOptions = { module: "commonjs", target: "es2022", esModuleInterop: true, resolveJsonModule: true };
      if (file.endsWith(".ts") && !require.extensions[".ts"]) {
        let swc = true;
        try {
          load.resolve("@swc/core");
        } catch {
          swc = false;
        }
        load("ts-node").register({ transpileOnly: true, swc, skipProject: true, compilerOptions });
      }
      cache[id] = load(file);
    }
  }
  return cache[id];
}

const made = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The serialized provider of one kind of Custom Speech resource. Made when a resource is declared, so a file
 * reference is relative to the directory the program runs in (the one the engine starts the provider in).
 */
export function thinProvider(kind: string, ref: ImplementationRef = implementationRef(implementationFile())): pulumi.dynamic.ResourceProvider {
  const id = `${kind} ${JSON.stringify(ref)}`;
  const cached = made.get(id);
  if (cached) return cached;
  const load = loadImplementation;
  const call = (m: string, a: any[]) => (m === "configure" ? load(ref).configure(a[0].config) : load(ref).providers[kind][m](...a));
  const provider = {
    configure: (...a: any[]) => call("configure", a),
    check: (...a: any[]) => call("check", a),
    diff: (...a: any[]) => call("diff", a),
    create: (...a: any[]) => call("create", a),
    read: (...a: any[]) => call("read", a),
    update: (...a: any[]) => call("update", a),
    delete: (...a: any[]) => call("delete", a),
    // Serialized as a string literal of the provider object: what storedProviderIdentity reads back.
    identity: providerIdentity(kind, ref),
  } as pulumi.dynamic.ResourceProvider;
  made.set(id, provider);
  return provider;
}
