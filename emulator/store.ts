// In-memory entity store per emulated resource, persisted as one JSON file (temp + rename) when statePath is set.
// Entities keep timestamps, not statuses: the status is computed from the clock when read (see lifecycle.ts).
import * as fs from "fs";
import * as path from "path";
import type { DatasetKind, EvaluationProperties, ModelCopyAuthorization } from "../components/speech-api/models";

/** A processing run: NotStarted → Running → terminal between `start` and `start + duration`. */
export interface Timeline {
  start: number;
  duration: number;
  /** A dataset created without contentUrl waits (NotStarted) for its blocks to be committed. */
  waiting?: boolean;
  /** Skip NotStarted: an endpoint redeploying after a model swap is Running at once. */
  startsRunning?: boolean;
}

export interface Common {
  id: string;
  seq: number;
  createdAt: number;
  displayName: string;
  description?: string;
  customProperties?: Record<string, string>;
  projectId?: string;
}

export interface StoredProject extends Common {
  locale: string;
  foundryProjectName?: string;
}

export interface StoredDataset extends Common {
  locale: string;
  kind: DatasetKind;
  contentUrl?: string;
  timeline: Timeline;
  blocks?: { idLength?: number; uncommitted: Record<string, number>; committed: { name: string; size: number }[] };
}

/** A model reference inside one resource: the base catalogue or a custom model. */
export interface ModelLink {
  base: boolean;
  id: string;
}

export interface StoredModel extends Common {
  locale: string;
  baseModelId: string;
  datasetIds: string[];
  weight?: number;
  /** The custom-model WER of the scenario when it was trained: a model's quality is decided by its training. */
  wordErrorRate?: number;
  timeline: Timeline;
}

export interface StoredEndpoint extends Common {
  locale: string;
  model: ModelLink;
  loggingEnabled?: boolean;
  timeline: Timeline;
}

export interface StoredEvaluation extends Common {
  locale: string;
  model1: ModelLink;
  model2: ModelLink;
  datasetId: string;
  transcriptionIds: [string, string];
  figures: EvaluationProperties;
  /** The dataset's content was known at creation: per-file results are kept beside the state (data.ts). */
  perFile?: boolean;
  timeline: Timeline;
}

export interface StoredCopyOperation {
  id: string;
  createdAt: number;
  timeline: Timeline;
  sourceModelId: string;
  targetResource: string;
  targetModelId: string;
  /** The target's new model, added to the target only once the operation has succeeded (as the service shows it). */
  copy?: StoredModel;
  /** failCopies: the operation ends Failed with this error, and nothing arrives in the target. */
  failure?: { code: string; message: string };
}

export interface ResourceState {
  seq: number;
  projects: Record<string, StoredProject>;
  datasets: Record<string, StoredDataset>;
  models: Record<string, StoredModel>;
  endpoints: Record<string, StoredEndpoint>;
  evaluations: Record<string, StoredEvaluation>;
  copyOperations: Record<string, StoredCopyOperation>;
  copyAuthorizations: Record<string, ModelCopyAuthorization>;
  /** markDatasetBad: training (and evaluation) that ends after `at` fails with `message`. */
  badDatasets: Record<string, { at: number; message: string }>;
}

export interface EmulatorState {
  version: 1;
  /** Clock at first start: anchors the base-model catalogue so its ids survive restarts. */
  catalogueEpoch: number;
  resources: Record<string, ResourceState>;
}

export const emptyResourceState = (): ResourceState => ({
  seq: 0,
  projects: {},
  datasets: {},
  models: {},
  endpoints: {},
  evaluations: {},
  copyOperations: {},
  copyAuthorizations: {},
  badDatasets: {},
});

export function loadState(statePath: string | undefined, now: number): EmulatorState {
  if (statePath && fs.existsSync(statePath)) {
    const parsed = JSON.parse(fs.readFileSync(statePath, "utf8")) as EmulatorState;
    if (parsed.version !== 1) throw new Error(`Emulator state file ${statePath} has unsupported version ${String(parsed.version)}.`);
    return parsed;
  }
  return { version: 1, catalogueEpoch: now, resources: {} };
}

export function saveState(statePath: string, state: EmulatorState): void {
  // Write a sibling temp file then rename: a crash never leaves a half-written state file.
  fs.mkdirSync(path.dirname(path.resolve(statePath)), { recursive: true });
  const tmp = `${statePath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, statePath);
}
