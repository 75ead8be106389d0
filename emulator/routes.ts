// The route table of /speechtotext (2025-10-15 Custom Speech operations). Literal paths come before `{id}` ones.
import type { Handler } from "./context";
import * as copy from "./handlers/copy";
import * as datasets from "./handlers/datasets";
import * as endpoints from "./handlers/endpoints";
import * as evaluations from "./handlers/evaluations";
import * as models from "./handlers/models";
import * as projects from "./handlers/projects";
import * as results from "./handlers/results";

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  handler: Handler;
  /** Largest accepted body in bytes (413 above); JSON routes accept 4 MiB. */
  maxBody?: number;
  /** Body is not JSON (block upload). */
  binary?: boolean;
}

export const ROUTES: Route[] = [
  { method: "GET", path: "/projects/locales", handler: projects.projectLocales },
  { method: "GET", path: "/projects", handler: projects.listProjects },
  { method: "POST", path: "/projects", handler: projects.createProject },
  { method: "GET", path: "/projects/{id}", handler: projects.getProject },
  { method: "PATCH", path: "/projects/{id}", handler: projects.updateProject },
  { method: "DELETE", path: "/projects/{id}", handler: projects.deleteProject },
  { method: "GET", path: "/projects/{id}/datasets", handler: projects.projectChildren },
  { method: "GET", path: "/projects/{id}/models", handler: projects.projectChildren },
  { method: "GET", path: "/projects/{id}/endpoints", handler: projects.projectChildren },
  { method: "GET", path: "/projects/{id}/evaluations", handler: projects.projectChildren },
  { method: "GET", path: "/projects/{id}/transcriptions", handler: projects.projectChildren },

  { method: "GET", path: "/datasets/locales", handler: datasets.datasetLocales },
  { method: "GET", path: "/datasets", handler: datasets.listDatasets },
  { method: "POST", path: "/datasets", handler: datasets.createDataset },
  { method: "GET", path: "/datasets/{id}", handler: datasets.getDataset },
  { method: "PATCH", path: "/datasets/{id}", handler: datasets.updateDataset },
  { method: "DELETE", path: "/datasets/{id}", handler: datasets.deleteDataset },
  { method: "GET", path: "/datasets/{id}/blocks", handler: datasets.getBlocks },
  { method: "PUT", path: "/datasets/{id}/blocks", handler: datasets.uploadBlock, maxBody: datasets.MAX_BLOCK_BYTES, binary: true },
  { method: "POST", path: "/datasets/{id}/blocks:commit", handler: datasets.commitBlocks },
  { method: "GET", path: "/datasets/{id}/files", handler: datasets.listDatasetFiles },
  { method: "GET", path: "/datasets/{id}/files/{fileId}", handler: datasets.getDatasetFile },

  { method: "GET", path: "/models/locales", handler: models.modelLocales },
  { method: "GET", path: "/models/base", handler: models.listBaseModels },
  { method: "GET", path: "/models/base/{id}", handler: models.getBaseModel },
  { method: "GET", path: "/models/base/{id}/manifest", handler: models.getBaseModelManifest },
  { method: "POST", path: "/models:authorizecopy", handler: copy.authorizeCopy },
  { method: "GET", path: "/models", handler: models.listModels },
  { method: "POST", path: "/models", handler: models.createModel },
  { method: "GET", path: "/models/{id}", handler: models.getModel },
  { method: "PATCH", path: "/models/{id}", handler: models.updateModel },
  { method: "DELETE", path: "/models/{id}", handler: models.deleteModel },
  { method: "POST", path: "/models/{id}:copy", handler: copy.copyModel },
  { method: "GET", path: "/models/{id}/manifest", handler: models.getModelManifest },
  { method: "GET", path: "/models/{id}/files", handler: models.listModelFiles },
  { method: "GET", path: "/models/{id}/files/{fileId}", handler: models.getModelFile },
  { method: "GET", path: "/operations/models/copy/{id}", handler: copy.getCopyOperation },

  { method: "GET", path: "/endpoints/locales", handler: endpoints.endpointLocales },
  { method: "GET", path: "/endpoints", handler: endpoints.listEndpoints },
  { method: "POST", path: "/endpoints", handler: endpoints.createEndpoint },
  { method: "GET", path: "/endpoints/{id}", handler: endpoints.getEndpoint },
  { method: "PATCH", path: "/endpoints/{id}", handler: endpoints.updateEndpoint },
  { method: "DELETE", path: "/endpoints/{id}", handler: endpoints.deleteEndpoint },

  { method: "GET", path: "/evaluations/locales", handler: evaluations.evaluationLocales },
  { method: "GET", path: "/evaluations", handler: evaluations.listEvaluations },
  { method: "POST", path: "/evaluations", handler: evaluations.createEvaluation },
  { method: "GET", path: "/evaluations/{id}", handler: evaluations.getEvaluation },
  { method: "PATCH", path: "/evaluations/{id}", handler: evaluations.updateEvaluation },
  { method: "DELETE", path: "/evaluations/{id}", handler: evaluations.deleteEvaluation },
  { method: "GET", path: "/evaluations/{id}/files", handler: evaluations.listEvaluationFiles },
  { method: "GET", path: "/evaluations/{id}/files/{fileId}", handler: evaluations.getEvaluationFile },

  // Only the files of the two transcriptions an evaluation links (batch transcription is not emulated).
  { method: "GET", path: "/transcriptions/{id}/files", handler: results.listTranscriptionFiles },
  { method: "GET", path: "/transcriptions/{id}/files/{fileId}", handler: results.getTranscriptionFile },
];

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((r) => {
      const names: string[] = [];
      const source = r.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return "([^/:]+)";
      });
      return { ...r, pattern: new RegExp(`^${source}$`), names };
    });
  }

  /** The route for method + path; `methodNotAllowed` when only the path matches. */
  match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | "notFound" | "methodNotAllowed" {
    let pathMatched = false;
    for (const r of this.compiled) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      return { route: r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return pathMatched ? "methodNotAllowed" : "notFound";
  }
}
