// Local emulator of the Speech to text REST API 2025-10-15 (Custom Speech). See emulator/README.md.
export { startEmulator } from "./server";
export type {
  DurationKind,
  EmulatedResourceInfo,
  EmulatedResourceSpec,
  EmulatorOptions,
  EvaluationScenario,
  FaultOptions,
  RequestLogEntry,
  RunningEmulator,
} from "./types";
