// Public surface of the emulator (docs/contracts.md, "Emulator").

export interface EmulatedResourceSpec {
  name: string;
  region: string;
  key: string;
  /** S0 (default) or F0, whose per-resource limits the emulator enforces (F0: 2 datasets). */
  sku?: "S0" | "F0";
  subscriptionId?: string;
  resourceGroup?: string;
}

export type DurationKind = "dataset" | "model" | "endpoint" | "evaluation" | "copy";

export interface FaultOptions {
  /** Share (0..1) of requests answered with 500 or 503 and the Error body. */
  serverErrorRate?: number;
  /** Share (0..1) of requests whose socket is destroyed without a response. */
  resetRate?: number;
  /** Delay added before each request is handled. */
  latencyMs?: number;
  /** Seed of the pseudo-random generator that picks the faulted requests. */
  seed?: number;
}

export interface EmulatorOptions {
  port?: number; // 0 (default) = any free port; binds 127.0.0.1
  tls?: boolean; // serve HTTPS with a generated self-signed certificate (Entra bearer needs https)
  resources?: EmulatedResourceSpec[]; // default [{ name: "speech", region: "eastus", key: "local-key" }]
  durations?: Partial<Record<DurationKind, number>>; // ms per NotStarted→Running→terminal; default 0
  statePath?: string; // persist to/restore from a JSON file
  rateLimit?: { requests: number; windowMs: number } | false; // default 100 / 10 000 ms per resource
  faults?: FaultOptions;
  pageSize?: number; // default `top` when the request gives none
  now?: () => number; // clock for timestamps and state transitions
  catalogueEpoch?: number; // when a new state's base-model catalogue was made (ages, deprecation dates); default now
  /** Connection strings of storage accounts whose blobs a dataset's plain contentUrl may name (see trustStorage). */
  trustedStorage?: string[];
  /** Read plain blob URLs of Azurite's development account on this machine (its key is public); default true. */
  trustAzurite?: boolean;
}

export interface EmulatedResourceInfo {
  endpoint: string;
  region: string;
  key: string;
  resourceId: string;
}

export interface RequestLogEntry {
  resource: string;
  method: string;
  path: string;
  /** HTTP status; 0 when the connection was reset without a response. */
  status: number;
  time: number;
}

export interface EvaluationScenario {
  baseModelWordErrorRate: number; // default 12
  /** default 8; fixed for each model when it is trained (a later change only affects models trained after it) */
  customModelWordErrorRate: number;
  perModel?: Record<string, number>; // model id → WER, overrides
}

export interface RunningEmulator {
  url: string; // http(s)://127.0.0.1:PORT
  ca?: string; // PEM of the self-signed certificate when tls
  resources: Record<string, EmulatedResourceInfo>;
  requestLog: RequestLogEntry[];
  setFaults(f: EmulatorOptions["faults"]): void;
  setScenario(s: Partial<EvaluationScenario>): void;
  markDatasetBad(resource: string, datasetId: string, message?: string): void;
  /** Regenerates a resource's key, as `az cognitiveservices account keys regenerate` does: the old key stops working. */
  rotateKey(resource: string, key: string): void;
  /** Ends every copy authorization the (target) resource has issued so far, as if their lifetime had passed. */
  expireCopyAuthorizations(resource: string): void;
  /** Copies started from this (source) resource while set end Failed with `message`; undefined stops it. */
  failCopies(resource: string, message: string | undefined): void;
  /** While set, every request to the resource is answered 403 Forbidden, as for a principal without a data-plane role. */
  setForbidden(resource: string, forbidden: boolean): void;
  /**
   * Test switch of the per-file score files: "served" (default), "omitted" (evaluations list no EvaluationDetails
   * files, so a reader falls back to the transcriptions), "unparseable" (their content is not JSON).
   */
  setEvaluationDetails(mode: "served" | "omitted" | "unparseable"): void;
  /**
   * The audio files the emulator degraded for each model of an evaluation whose test set's content it knew, in the
   * order errors were given to them (see README.md, "Per-file results"); throws for an evaluation without them.
   */
  degradedFiles(resource: string, evaluationId: string): { model1: string[]; model2: string[] };
  /**
   * Lets the emulated resources read plain (SAS-less) blob URLs of this storage account, as the service reads a
   * customer's account with trusted-service access; returns the account's blob endpoint (never the key).
   */
  trustStorage(connectionString: string): { endpoint: string };
  /** Called after every answered (or reset) request, e.g. to crash a client right after its POST. */
  onRequest(listener: ((entry: RequestLogEntry) => void) | undefined): void;
  stop(): Promise<void>;
}
