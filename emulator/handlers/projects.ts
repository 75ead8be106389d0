// Projects: no status, complete synchronously. Deleting a project detaches its members (their `project` is dropped).
import type { Project } from "../../components/speech-api/models";
import type { Ctx, Reply } from "../context";
import { jsonBody } from "../context";
import { LOCALES } from "../catalogue";
import { iso, newId } from "../ids";
import type { Common, StoredProject } from "../store";
import { applyCommonPatch, commonFromBody, commonView, deleteHandler, findEntity, getHandler, listHandler, newestFirst, optionalString, requireLocale, type EntityKind } from "./common";
import { created, list, ok } from "./replies";
import { datasetView } from "./datasets";
import { modelView } from "./models";
import { endpointView } from "./endpoints";
import { evaluationView } from "./evaluations";

export function projectView(ctx: Ctx, p: StoredProject): Project {
  const link = (child: string): string => ctx.resource.self(`/projects/${p.id}/${child}`);
  return {
    self: ctx.resource.self(`/projects/${p.id}`),
    ...(commonView(ctx, p) as { displayName: string }),
    locale: p.locale,
    ...(p.foundryProjectName !== undefined && { foundryProjectName: p.foundryProjectName }),
    createdDateTime: iso(p.createdAt),
    links: {
      evaluations: link("evaluations"),
      datasets: link("datasets"),
      models: link("models"),
      endpoints: link("endpoints"),
      transcriptions: link("transcriptions"),
    },
  };
}

export function createProject(ctx: Ctx): Reply {
  const body = jsonBody(ctx);
  const locale = requireLocale(body);
  const project: StoredProject = {
    id: newId(),
    seq: ctx.resource.nextSeq(),
    createdAt: ctx.now,
    ...commonFromBody(ctx, { ...body, project: undefined }, locale), // projects do not nest
    locale,
    foundryProjectName: optionalString(body, "foundryProjectName"),
  };
  ctx.resource.state.projects[project.id] = project;
  return created(projectView(ctx, project));
}

const projects: EntityKind<StoredProject> = { what: "project", path: "/projects", collection: (s) => s.projects, view: projectView };

export const getProject = getHandler(projects);
export const listProjects = listHandler(projects);
export const projectLocales = (): Reply => ok(LOCALES);

export function updateProject(ctx: Ctx): Reply {
  const project = findEntity(ctx, projects);
  const patch = jsonBody(ctx);
  const { project: _notAProjectField, ...rest } = patch;
  applyCommonPatch(ctx, project, rest, project.locale);
  if ("foundryProjectName" in patch) project.foundryProjectName = optionalString(patch, "foundryProjectName");
  return ok(projectView(ctx, project));
}

export const deleteProject = deleteHandler(projects, (ctx, { id }) => {
  const s = ctx.resource.state;
  const members: Common[] = [...Object.values(s.datasets), ...Object.values(s.models), ...Object.values(s.endpoints), ...Object.values(s.evaluations)];
  for (const m of members) if (m.projectId === id) delete m.projectId;
});

/** GET /projects/{id}/datasets|models|endpoints|evaluations|transcriptions (transcriptions are not emulated: always empty). */
export function projectChildren(ctx: Ctx): Reply {
  const project = findEntity(ctx, projects);
  const s = ctx.resource.state;
  const mine = <T extends Common>(c: Record<string, T>): T[] => newestFirst(c as Record<string, T & { seq: number }>).filter((e) => e.projectId === project.id);
  const child = ctx.path.split("/").pop();
  const views: object[] =
    child === "datasets" ? mine(s.datasets).map((d) => datasetView(ctx, d))
      : child === "models" ? mine(s.models).map((m) => modelView(ctx, m))
        : child === "endpoints" ? mine(s.endpoints).map((e) => endpointView(ctx, e))
          : child === "evaluations" ? mine(s.evaluations).map((e) => evaluationView(ctx, e))
            : [];
  return list(ctx, views);
}
