// The deployment driver: stack programs through preview, up, refresh, destroy and up --replace, across runs.
export { Deployment, type DeploymentOptions, type RunResult, type Step, type StepOp, type Diagnostic } from "./engine";
export { Checkpoint, type StateResource } from "./checkpoint";
export { ProviderServer, ProviderCallError, serializeProvider, secretValue, SECRET_SIG, type Props, type ResourceState } from "./provider-server";
export type { Program } from "./program";
