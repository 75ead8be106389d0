// A run's steps as the engine reports them in its event stream (`--event-log`, the Automation API's onEvent): per
// resource the operation, the keys that forced a replacement, and the failure, if any.
import type { EngineEvent } from "@pulumi/pulumi/automation";

/**
 * The engine's step kinds, with a replacement's three steps told apart the way a reader counts them: the new resource
 * ("replace", the engine's create-replacement) and the old one's deletion ("delete", its delete-replaced).
 */
export type StepOp = "same" | "create" | "update" | "replace" | "delete" | "refresh" | "discard" | "read" | "import";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** Create-only inputs that forced the replacement, as the provider's Diff reported them. */
  replaces?: string[];
  /** Inputs whose change the step applies. */
  diffs?: string[];
  /** The failure's message, when the step failed. */
  error?: string;
  /** The step failed but the provider kept the entity in the state (a partial failure: init errors). */
  initFailed?: boolean;
}

export interface Diagnostic {
  severity: string;
  message: string;
  urn?: string;
}

const OPS: Record<string, StepOp | undefined> = {
  same: "same",
  create: "create",
  update: "update",
  delete: "delete",
  "create-replacement": "replace",
  "delete-replaced": "delete",
  refresh: "refresh",
  read: "read",
  import: "import",
  "discard-replaced": "discard",
  // "replace" is the summary of a replacement whose two halves are reported on their own.
};

/** Collects steps and diagnostics from the engine's events. */
export class StepRecorder {
  readonly steps: Step[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly open = new Map<string, Step>();

  readonly onEvent = (e: EngineEvent): void => {
    const pre = e.resourcePreEvent?.metadata;
    if (pre) {
      const op = OPS[pre.op];
      if (!op || pre.type === "pulumi:pulumi:Stack" || pre.type.startsWith("pulumi:providers:")) return;
      const step: Step = { op, urn: pre.urn, type: pre.type, name: pre.urn.split("::").pop()! };
      if (op === "replace" && pre.keys?.length) step.replaces = pre.keys;
      if ((op === "update" || op === "replace") && pre.diffs?.length) step.diffs = pre.diffs;
      this.steps.push(step);
      this.open.set(`${pre.op} ${pre.urn}`, step);
    }
    const done = e.resOutputsEvent?.metadata;
    if (done?.op === "delete") {
      // A refresh whose Read found nothing ends as a delete from the state (the entity itself is already gone).
      const step = this.open.get(`refresh ${done.urn}`);
      if (step) step.op = "discard";
    }
    const failed = e.resOpFailedEvent?.metadata;
    if (failed) {
      const step = this.open.get(`${failed.op} ${failed.urn}`);
      if (step) step.error ??= "failed";
    }
    const d = e.diagnosticEvent;
    if (d && !d.ephemeral && d.severity !== ("debug" as string)) {
      const message = d.message.trim();
      this.diagnostics.push({ severity: d.severity, message, ...(d.urn ? { urn: d.urn } : {}) });
      if (d.severity === "error" && d.urn) {
        const step = [...this.steps].reverse().find((s) => s.urn === d.urn);
        if (step) step.error = step.error && step.error !== "failed" ? `${step.error}\n${message}` : message;
      }
    }
  };
}
