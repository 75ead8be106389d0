// The real Pulumi engine for the deployment scenarios: the CLI on PATH, a hermetic file backend, stacks driven as users
// drive them (the Automation API and plain CLI commands), and what the engine reports and stores.
export { PulumiBackend, pulumiEngine, missingEngineMessage, runCli, type CliResult, type PulumiEngine } from "./cli";
export { EngineStack, ROOT, alive, processTree, type BackgroundRun, type EngineStackOptions, type ProjectSource, type RunResult } from "./stack";
export { parseState, type StackState, type StateResource, type PendingOperation } from "./state";
export type { Step, StepOp, Diagnostic } from "./steps";
