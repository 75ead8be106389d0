// Every policy of the pack, importable without starting the analyzer (policy/index.ts does that).
import type { Policies } from "@pulumi/policy";
import { endpointModelFromPassedGate } from "./endpoint-model-from-passed-gate";
import { endpointModelNotExpiring } from "./endpoint-model-not-expiring";
import { prodEndpointProtected } from "./prod-endpoint-protected";
import { prodLocaleEvaluationGate } from "./prod-locale-evaluation-gate";
import { speechAccountLocalAuthDisabled } from "./speech-account-local-auth";
import { speechAccountNetworkAccess } from "./speech-account-network-access";
import { speechAccountTrainingRegion } from "./speech-account-training-region";
import { trainingStorageHardened } from "./training-storage-hardened";

export {
  endpointModelFromPassedGate,
  endpointModelNotExpiring,
  prodEndpointProtected,
  prodLocaleEvaluationGate,
  speechAccountLocalAuthDisabled,
  speechAccountNetworkAccess,
  speechAccountTrainingRegion,
  trainingStorageHardened,
};

export const policies: Policies = [
  speechAccountTrainingRegion,
  speechAccountLocalAuthDisabled,
  speechAccountNetworkAccess,
  trainingStorageHardened,
  endpointModelNotExpiring,
  endpointModelFromPassedGate,
  prodEndpointProtected,
  prodLocaleEvaluationGate,
];
