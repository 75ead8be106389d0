// Region migration without Pulumi: copy a Speech resource's custom models to another resource (usually in another
// region), and optionally recreate their projects and the endpoints that serve them there. The library behind
// `npm run migrate`; no Pulumi import.
//
// Idempotent: every entity made in the target carries `migrated-from: <source account>/<collection>/<source id>`, so
// a second run skips what is done. A copy in flight is recorded in a state file right after its POST, so a run that
// was interrupted waits for that copy instead of copying again.
import * as fs from "fs";
import * as path from "path";
import {
  SpeechClient,
  accessProblem,
  idFromSelf,
  isNotFound,
  startModelCopy,
  waitForModelCopy,
  type PollOptions,
  type SpeechClientOptions,
  type SpeechConnection,
} from "../speech-api";
import type * as m from "../speech-api/models";
import { IDENTITY_TAG_KEYS, MAX_CUSTOM_PROPERTIES } from "../custom-speech/checks";

export type { PollOptions, SpeechClientOptions, SpeechConnection };
export type { Clock, RateLimit } from "../speech-api";

export const MIGRATED_FROM = "migrated-from";

export interface MigrationOptions {
  from: SpeechConnection;
  to: SpeechConnection;
  /** ARM id of the source resource (what the target authorizes). */
  fromResourceId: string;
  /** ARM id of the target resource (checked against what the target's authorization names). */
  toResourceId: string;
  /** Source model ids to copy; default every custom model that has finished training. */
  models?: string[];
  /** Recreate the models' projects in the target and connect the copies to them. */
  projects?: boolean;
  /** Recreate the endpoints that serve the models, serving the copies. */
  endpoints?: boolean;
  /** List what would happen; write nothing. */
  dryRun?: boolean;
  /** Copies in flight at once (default 4); every request also goes through the shared per-resource rate budget. */
  concurrency?: number;
  /** Where copies in flight are recorded (default `migrate-region.state.json` in the working directory). */
  statePath?: string;
  poll?: PollOptions;
  clientOptions?: SpeechClientOptions;
  onEvent?: (e: MigrationEvent) => void;
}

export type MigrationEvent =
  | { type: "planned"; models: number }
  | { type: "copying"; model: string }
  | { type: "done"; model: string; status: ItemStatus }
  | { type: "failed"; model: string; message: string };

export type ItemStatus = "copied" | "resumed" | "existing" | "planned";

export interface ModelMapping {
  source: string;
  sourceName: string;
  locale: string;
  target?: string;
  status: ItemStatus;
}
export interface EndpointMapping {
  source: string;
  sourceName: string;
  target?: string;
  targetUrl?: string;
  model: string;
  status: "created" | "existing" | "planned";
}
export interface ProjectMapping {
  source: string;
  target?: string;
  status: "created" | "existing" | "planned";
}

export interface MigrationResult {
  dryRun: boolean;
  models: ModelMapping[];
  projects: ProjectMapping[];
  endpoints: EndpointMapping[];
  failures: { item: string; message: string }[];
}

/** Raised when a side cannot be listed at all (unreachable, wrong key, no role): nothing was done. */
export class MigrationAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationAccessError";
  }
}

interface StateFile {
  operations: Record<string, string>;
}

const idOf = (self: string | undefined) => (self ? idFromSelf(self) : "");
const account = (resourceId: string) => resourceId.split("/").pop()!.toLowerCase();

/** The source entity's custom properties for the target: without the source stack's Pulumi tags, with the origin. */
function carried(props: Record<string, string> | undefined, origin: string): Record<string, string> {
  const out = Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => !(IDENTITY_TAG_KEYS as readonly string[]).includes(k) && k !== MIGRATED_FROM));
  return { ...out, [MIGRATED_FROM]: origin };
}

async function listed<T>(side: "source" | "target", endpoint: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    throw new MigrationAccessError(accessProblem(e, side, endpoint) ?? `cannot list the ${side} Speech resource (${endpoint})${status ? ` (${status})` : ""}: ${(e as Error).message}`);
  }
}

/** Runs `f` over `items` with at most `n` at once. */
async function bounded<T>(items: T[], n: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

export async function migrateRegion(o: MigrationOptions): Promise<MigrationResult> {
  const source = new SpeechClient(o.from, o.clientOptions);
  const target = new SpeechClient(o.to, o.clientOptions);
  const origin = (collection: string, id: string) => `${account(o.fromResourceId)}/${collection}/${id}`;
  const statePath = path.resolve(o.statePath ?? "migrate-region.state.json");
  const state: StateFile = fs.existsSync(statePath) ? (JSON.parse(fs.readFileSync(statePath, "utf8")) as StateFile) : { operations: {} };
  const save = () => {
    if (o.dryRun) return;
    fs.writeFileSync(`${statePath}.tmp`, JSON.stringify(state, null, 2));
    fs.renameSync(`${statePath}.tmp`, statePath);
  };

  const [sourceModels, sourceProjects, sourceEndpoints] = await listed("source", o.from.endpoint, () =>
    Promise.all([source.listModels(), o.projects ? source.listProjects() : Promise.resolve([]), o.endpoints ? source.listEndpoints() : Promise.resolve([])]),
  );
  const [targetModels, targetProjects, targetEndpoints] = await listed("target", o.to.endpoint, () =>
    Promise.all([target.listModels(), o.projects ? target.listProjects() : Promise.resolve([]), o.endpoints ? target.listEndpoints() : Promise.resolve([])]),
  );
  const migrated = <T extends { customProperties?: Record<string, string> }>(list: T[]) => new Map(list.filter((x) => x.customProperties?.[MIGRATED_FROM]).map((x) => [x.customProperties![MIGRATED_FROM], x]));
  const doneModels = migrated(targetModels);
  const doneProjects = migrated(targetProjects);
  const doneEndpoints = migrated(targetEndpoints);

  const result: MigrationResult = { dryRun: !!o.dryRun, models: [], projects: [], endpoints: [], failures: [] };
  const wanted = o.models?.map((x) => x.toLowerCase());
  const unknown = (wanted ?? []).filter((w) => !sourceModels.some((x) => idOf(x.self) === w));
  for (const u of unknown) result.failures.push({ item: `model ${u}`, message: `no custom model ${u} on the source resource (base models cannot be copied)` });
  for (const x of sourceModels.filter((y) => wanted?.includes(idOf(y.self)) && y.status !== "Succeeded")) {
    result.failures.push({ item: `model ${x.displayName} (${idOf(x.self)})`, message: `it is ${x.status}: only a trained (Succeeded) model can be copied` });
  }
  const models = sourceModels.filter((x) => x.status === "Succeeded" && (!wanted || wanted.includes(idOf(x.self))));
  o.onEvent?.({ type: "planned", models: models.length });

  // Projects first: the copies and endpoints join them.
  const projectFor = new Map<string, string>();
  const neededProjects = new Set(models.map((x) => idOf(x.project?.self)).filter(Boolean));
  for (const p of sourceProjects.filter((x) => neededProjects.has(idOf(x.self)))) {
    const key = origin("projects", idOf(p.self));
    const existing = doneProjects.get(key);
    if (existing) {
      projectFor.set(idOf(p.self), existing.self!);
      result.projects.push({ source: p.self!, target: existing.self, status: "existing" });
    } else if (o.dryRun) {
      result.projects.push({ source: p.self!, status: "planned" });
    } else {
      try {
        const made = await target.createProject({ displayName: p.displayName, description: p.description, locale: p.locale, customProperties: carried(p.customProperties, key) });
        projectFor.set(idOf(p.self), made.self!);
        result.projects.push({ source: p.self!, target: made.self, status: "created" });
      } catch (e) {
        result.failures.push({ item: `project ${p.displayName}`, message: (e as Error).message });
      }
    }
  }

  await bounded(models, o.concurrency ?? 4, async (model) => {
    const id = idOf(model.self);
    const key = origin("models", id);
    const mapping: ModelMapping = { source: model.self!, sourceName: model.displayName, locale: model.locale, status: "planned" };
    result.models.push(mapping);
    try {
      let copy = doneModels.get(key);
      const properties = carried(model.customProperties, key);
      if (copy) mapping.status = "existing";
      else if (Object.keys(properties).length > MAX_CUSTOM_PROPERTIES) {
        throw new Error(`it has ${Object.keys(properties).length - 1} custom properties; its copy needs one more (${MIGRATED_FROM}) and the service allows ${MAX_CUSTOM_PROPERTIES}`);
      } else if (!o.dryRun) {
        o.onEvent?.({ type: "copying", model: model.displayName });
        let operation = state.operations[id];
        mapping.status = operation ? "resumed" : "copied";
        if (!operation) {
          operation = (await startModelCopy({ source, target, sourceResourceId: o.fromResourceId, targetResourceId: o.toResourceId }, id)).operationId;
          state.operations[id] = operation;
          save();
        }
        const arrived = await waitForModelCopy(source, operation, o.poll).catch((e) => {
          // A copy that failed, or an operation the service no longer knows, is started afresh by the next run.
          if (isNotFound(e) || (e as { code?: string }).code === "CopyFailed") {
            delete state.operations[id];
            save();
          }
          throw e;
        });
        const project = projectFor.get(idOf(model.project?.self));
        copy = await target.updateModel(arrived.id, {
          displayName: model.displayName,
          customProperties: properties,
          ...(project ? { project: { self: project } } : {}),
        });
        delete state.operations[id];
        save();
      }
      mapping.target = copy?.self;
      if (o.endpoints) await migrateEndpoints(model, copy);
      o.onEvent?.({ type: "done", model: model.displayName, status: mapping.status });
    } catch (e) {
      const side = (e as { side?: "source" | "target" }).side ?? "target";
      const message = accessProblem(e, side, side === "source" ? o.from.endpoint : o.to.endpoint) ?? (e as Error).message;
      result.failures.push({ item: `model ${model.displayName} (${id})`, message });
      o.onEvent?.({ type: "failed", model: model.displayName, message });
    }
  });

  async function migrateEndpoints(model: m.CustomModel, copy: m.CustomModel | undefined): Promise<void> {
    for (const ep of sourceEndpoints.filter((x) => idOf(x.model?.self) === idOf(model.self))) {
      const key = origin("endpoints", idOf(ep.self));
      const existing = doneEndpoints.get(key);
      const row: EndpointMapping = { source: ep.self!, sourceName: ep.displayName, model: copy?.self ?? "(the copy)", status: existing ? "existing" : "planned" };
      result.endpoints.push(row);
      if (existing) Object.assign(row, { target: existing.self, targetUrl: existing.links?.webSocket });
      if (existing || o.dryRun || !copy) continue;
      const project = projectFor.get(idOf(ep.project?.self));
      const made = await target.createEndpoint({
        displayName: ep.displayName,
        description: ep.description,
        locale: ep.locale,
        model: { self: copy.self! },
        ...(project ? { project: { self: project } } : {}),
        // Content logging needs bring-your-own-storage on the target: off, whatever the source had (see README).
        properties: { loggingEnabled: false },
        customProperties: carried(ep.customProperties, key),
      });
      const ready = await target.waitForEndpoint(idOf(made.self), o.poll);
      Object.assign(row, { target: ready.self, targetUrl: ready.links?.webSocket, status: "created" });
    }
  }

  // Source order, whatever order the parallel copies finished in.
  const order = new Map(models.map((x, i) => [x.self!, i]));
  result.models.sort((a, b) => (order.get(a.source) ?? 0) - (order.get(b.source) ?? 0));
  return result;
}

/** The mapping as a table (source model → target model, source endpoint → target endpoint). */
export function mappingTable(r: MigrationResult): string {
  const rows = [
    ["kind", "name", "source", "target", "status"],
    ...r.models.map((x) => ["model", x.sourceName, idOf(x.source), x.target ? idOf(x.target) : "-", x.status]),
    ...r.endpoints.map((x) => ["endpoint", x.sourceName, idOf(x.source), x.target ? idOf(x.target) : "-", x.status]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
