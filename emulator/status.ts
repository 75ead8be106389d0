// Status of each stored entity at a given time, including the failure rules:
// - a dataset whose contentUrl contains `emulator-fail-import` ends Failed;
// - training or an evaluation fails when a dataset it uses was marked bad before it ended, or ended Failed itself.
import type { EntityError } from "../components/speech-api/models";
import { endOf, phaseAt, type Phase } from "./lifecycle";
import type { ModelLink, ResourceState, StoredDataset, StoredEndpoint, StoredEvaluation, StoredModel } from "./store";

export const FAIL_IMPORT_MARKER = "emulator-fail-import";

export function datasetFailure(d: StoredDataset): EntityError | undefined {
  if (d.contentUrl?.includes(FAIL_IMPORT_MARKER)) {
    // The service quotes the URL it could not read, SAS token and all: clients must not pass it on.
    return { code: "DataImportFailed", message: `The content at ${d.contentUrl} could not be imported (the URL contains '${FAIL_IMPORT_MARKER}').` };
  }
  return undefined;
}

export const datasetPhase = (d: StoredDataset, now: number): Phase => phaseAt(d.timeline, now, datasetFailure(d));

/** Why a run that ends at `end` and uses these datasets fails, if it does. */
function datasetsFailure(state: ResourceState, datasetIds: string[], end: number): EntityError | undefined {
  for (const id of datasetIds) {
    const bad = state.badDatasets[id];
    if (bad && bad.at <= end) return { code: "FailedDataset", message: `Dataset ${id}: ${bad.message}` };
    const d = state.datasets[id];
    if (d && d.timeline.start + d.timeline.duration <= end && datasetFailure(d)) {
      return { code: "FailedDataset", message: `Dataset ${id} failed to import.` };
    }
  }
  return undefined;
}

export const modelFailure = (state: ResourceState, m: StoredModel): EntityError | undefined =>
  datasetsFailure(state, m.datasetIds, endOf(m.timeline));

export const modelPhase = (state: ResourceState, m: StoredModel, now: number): Phase => phaseAt(m.timeline, now, modelFailure(state, m));

export const evaluationFailure = (state: ResourceState, e: StoredEvaluation): EntityError | undefined =>
  datasetsFailure(state, [e.datasetId], endOf(e.timeline));

export const evaluationPhase = (state: ResourceState, e: StoredEvaluation, now: number): Phase =>
  phaseAt(e.timeline, now, evaluationFailure(state, e));

export const endpointPhase = (e: StoredEndpoint, now: number): Phase => phaseAt(e.timeline, now);

/** Whether a referenced model can be deployed/evaluated now: base models always, custom ones once Succeeded. */
export function modelLinkStatus(state: ResourceState, link: ModelLink, now: number): Phase["status"] {
  return link.base ? "Succeeded" : modelPhase(state, state.models[link.id], now).status;
}
