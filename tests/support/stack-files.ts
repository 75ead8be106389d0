// The project's stack files as the Pulumi CLI hands them to a program (Pulumi.yaml's defaults under a stack file's
// values), and the scaled-down timings every test against the emulator uses.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export const ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT = "custom-speech";

/** Polls and retries scaled down so a "2-hour training" takes a fraction of a second. */
export const FAST_TUNING = { pollIntervalSeconds: 0.02, retryDelayMs: 5, maxRetryDelayMs: 40 };
/** Emulator durations (ms) of each kind of long operation in the deployment tests. */
export const FAST_DURATIONS = { dataset: 60, model: 150, endpoint: 60, evaluation: 60, copy: 60 };

/** Pulumi.yaml's `config:` declarations. */
export function projectConfigDeclarations(): Record<string, { type?: string; default?: unknown; secret?: boolean; description?: string }> {
  const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, any> };
  return project.config;
}

/** A stack file's config under the project's defaults, with bare keys (Pulumi.yaml defaults, then the file). */
export function stackFileConfig(stack: string): Record<string, unknown> {
  const file = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const values: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(projectConfigDeclarations())) if (d.default !== undefined) values[k] = d.default;
  for (const [k, v] of Object.entries(file.config)) values[k.replace(`${PROJECT}:`, "")] = v;
  return values;
}

/** A stack file's own values, with bare keys (what the file sets; the CLI adds Pulumi.yaml's defaults itself). */
export function stackFileValues(stack: string): Record<string, unknown> {
  const file = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k.replace(`${PROJECT}:`, ""), v]));
}

/** Bare keys → what `pulumi.Config.get` returns: namespaced, objects as JSON. */
export function namespaced(values: Record<string, unknown>, project = PROJECT): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}
