// What merging a pull request will do to a speech stack, in Markdown, from the JSON `pulumi preview --json` prints
// (pkg/display/json.go PreviewDigest: `steps` with `op`, `urn`, `oldState`/`newState`, `diffReasons`,
// `replaceReasons`, `detailedDiff`, and `changeSummary`; secrets shown as "[secret]", unknowns as the engine's
// placeholder). The fixtures of its tests are recorded from real runs (tests/preview-summary/record-fixtures.ts). No Pulumi
// import: a pure function over that JSON and the training-data manifest, used by `npm run preview-summary`.
import type { Manifest } from "../training-data/manifest";
import { DYNAMIC_TYPE_PREFIX, SKU_LIMITS, daysLeft, expiresWithin, percentValue } from "../domain";
import { referenceKey } from "../custom-speech/checks";

/** The engine's placeholder for a value not known until the deployment (pkg/resource/stack/deployment.go). */
export type { Manifest };
export { MANIFEST_VERSION, type ManifestEntry } from "../training-data/manifest";
export type { DatasetKind } from "../domain";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = "[secret]";

export interface ResourceState {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, any>;
  outputs?: Record<string, any>;
  parent?: string;
}

export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  oldState?: ResourceState;
  newState?: ResourceState;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
}

export interface PreviewDigest {
  steps?: PreviewStep[];
  diagnostics?: { urn?: string; message?: string; severity?: string }[];
  changeSummary?: Record<string, number>;
}

export interface SummaryOptions {
  /** The sync manifest(s): audio hours per changed dataset. */
  manifests?: Manifest[];
  /** Dates inside this many days are warned about (default 60). */
  warnDays?: number;
  now?: number;
}

const kindOf = (type: string | undefined) => (type?.startsWith(DYNAMIC_TYPE_PREFIX) ? type.slice(DYNAMIC_TYPE_PREFIX.length) : undefined);
const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
const stackOf = (urn: string) => urn.split("::")[0]?.split(":").pop() ?? "";

/** A value as a reviewer reads it: unknowns and secrets said in words, entity URIs shortened to kind/id. */
export function shown(v: unknown): string {
  if (v === undefined || v === null) return "none";
  if (v === UNKNOWN) return "(known after the deployment)";
  if (v === SECRET) return "(secret)";
  if (typeof v === "string") {
    const m = /\/speechtotext\/((?:models\/base|models|datasets|endpoints|projects|evaluations)\/[0-9a-f-]{36})/i.exec(v);
    return m ? `\`${m[1]}\`` : `\`${v}\``;
  }
  return `\`${JSON.stringify(v)}\``;
}

/** The state a step leaves (new) or the state it starts from (old), merged for reading. */
const props = (s?: ResourceState) => ({ ...(s?.outputs ?? {}), ...(s?.inputs ?? {}) });

interface Step extends PreviewStep {
  kind?: string;
  name: string;
}

/** One step per resource: a replace's three steps (create-replacement, replace, delete-replaced) read as one. */
function byResource(steps: PreviewStep[]): Step[] {
  const out = new Map<string, Step>();
  for (const s of steps) {
    const op = s.op === "create-replacement" || s.op === "delete-replaced" ? "replace" : s.op;
    const prev = out.get(s.urn);
    const merged: Step = {
      ...prev,
      ...s,
      op: prev?.op === "replace" ? "replace" : op,
      oldState: prev?.oldState ?? s.oldState,
      newState: s.newState ?? prev?.newState,
      // Sorted: the engine lists them in no fixed order.
      replaceReasons: [...new Set([...(prev?.replaceReasons ?? []), ...(s.replaceReasons ?? [])])].sort(),
      diffReasons: [...new Set([...(prev?.diffReasons ?? []), ...(s.diffReasons ?? [])])].sort(),
      kind: kindOf(s.newState?.type ?? s.oldState?.type),
      name: nameOf(s.urn),
    };
    out.set(s.urn, merged);
  }
  return [...out.values()];
}

const changes = (s: Step) => s.op !== "same" && s.op !== "read" && s.op !== "refresh";
const locale = (s: Step) => props(s.newState).locale ?? props(s.oldState).locale;

function hours(ms: number): string {
  return (ms / 3_600_000).toFixed(1);
}

/** A rough training time: an hour, plus 10 minutes per hour of audio (the service reports none in advance). */
export function estimatedTrainingHours(audioMs: number): number {
  return Math.round((1 + (audioMs / 3_600_000) * (10 / 60)) * 10) / 10;
}

/** A date as the summaries show it: the day, and how many days away. */
/** A threshold as the program gave it: 12, or "0.3%" (an unknown in a preview stays as the engine shows it). */
const asPercent = (v: unknown) => (typeof v === "number" || (typeof v === "string" && v.endsWith("%")) ? percentValue(v as number | string) : v);
const shownDate = (date: string, now: number) => `${date.slice(0, 10)} (${daysLeft(date, now)} days)`;

const THRESHOLDS = ["maxWordErrorRate", "minWordErrorRateImprovement"];

/**
 * The inputs a step changes. Dynamic providers report no per-property diff (the engine's diffReasons and
 * detailedDiff stay empty for them), so old and new inputs are compared; unknown new values count as changes.
 */
function changedKeys(s: Step): string[] {
  if (s.diffReasons?.length) return s.diffReasons.filter((k) => k !== "__provider");
  const a = s.oldState?.inputs ?? {};
  const b = s.newState?.inputs ?? {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !k.startsWith("__") && k !== "tuning" && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Whether an evaluation's step changes its gate's thresholds. */
const thresholdsChange = (g: Step) => THRESHOLDS.some((k) => props(g.oldState)[k] !== props(g.newState)[k]);

/** Whether an endpoint update swaps its model (same id and URL). */
const swaps = (e: Step) => changedKeys(e).includes("model");

/** The Markdown summary; the same text serves as a GitHub step summary and as a pull-request comment. */
export function summarize(preview: PreviewDigest, o: SummaryOptions = {}): string {
  const steps = byResource(preview.steps ?? []);
  const now = o.now ?? Date.now();
  const warnDays = o.warnDays ?? 60;
  const speech = steps.filter((s) => s.kind);
  const stack = stackOf(steps[0]?.urn ?? preview.diagnostics?.find((d) => d.urn)?.urn ?? "");
  const title = `### Custom Speech preview${stack ? `: \`${stack}\`` : ""}`;
  const diagnostics = preview.diagnostics ?? [];
  // The CLI puts the severity in front of the message ("error: ..."); the summary's headings say it already.
  const text = (m: string) => m.trim().replace(/^(error|warning): /, "");
  const errors = [...new Set(diagnostics.filter((d) => d.severity === "error" && d.message).map((d) => text(d.message!)))];
  // A failed preview says so first: what it shows is not what merging would do.
  const failed = errors.length ? ["**The preview failed**; what follows is incomplete.", "", ...errors.map((m) => `- ${m.split("\n")[0]}`), ""] : [];
  const warnings = [...new Set(diagnostics.filter((d) => d.severity === "warning" && d.message).map((d) => text(d.message!)))];
  const changed = speech.filter(changes);
  const expiring = expiry(speech, warnDays, now);
  if (!changed.length && !expiring.length && !failed.length) return `${title}\n\nNo Custom Speech change.${warnings.length ? `\n\n${warnings.map((w) => `- ⚠️ ${w}`).join("\n")}` : ""}\n`;

  const out: string[] = [title, "", ...failed];
  const entries = (o.manifests ?? []).flatMap((m) => m.datasets);

  const shownData = new Set<Step>();
  const retrains = changed.filter((s) => (s.kind === "Model" && (s.op === "replace" || s.op === "create")) || (s.kind === "ModelCopy" && (s.op === "replace" || s.op === "create")));
  if (retrains.length) {
    out.push("**Retrains**", "");
    for (const m of retrains) {
      const l = locale(m);
      if (m.kind === "ModelCopy") {
        out.push(`- ${l}: \`${m.name}\` ${m.op === "create" ? "copies" : "copies again"} from the training stack: ${shown(props(m.oldState).sourceModel)} → ${shown(props(m.newState).sourceModel)}.`);
        continue;
      }
      const data = changed.filter((d) => d.kind === "Dataset" && locale(d) === l && d.op !== "delete");
      const audio = data.reduce((ms, d) => ms + (entries.find((e) => e.name === props(d.newState).displayName && e.locale === l)?.audioDurationMs ?? 0), 0);
      const why = m.op === "create" ? "new model" : `changed: ${(m.replaceReasons ?? []).join(", ") || "its inputs"}`;
      out.push(`- ${l}: \`${m.name}\` trains (${why}).`);
      for (const d of data) {
        shownData.add(d);
        const name = props(d.newState).displayName ?? d.name;
        const entry = entries.find((e) => e.name === name && e.locale === l);
        out.push(`  - dataset \`${name}\` (${props(d.newState).kind ?? "?"}): ${d.op === "create" ? "new" : `new content (${(d.replaceReasons ?? []).join(", ")})`}${entry?.audioDurationMs ? `, ${hours(entry.audioDurationMs)} h of audio` : ""}`);
      }
      out.push(`  - estimated training time: about ${estimatedTrainingHours(audio)} h${audio ? ` for ${hours(audio)} h of audio` : ""} (a rough rule; the wait budget is \`training.waitMinutes\`).`);
      const old = props(m.oldState);
      if (old.baseModelChargesForAdaptation === true && !props(m.newState).baseModel) {
        out.push("  - ⚠️ training on this locale's current base models is charged (`chargeForAdaptation`).");
      }
      const quota = data.map((d) => props(d.newState).quota).find((q) => q && typeof q === "object") as { sku?: "S0" | "F0"; datasetsInStack?: number } | undefined;
      if (quota?.sku && typeof quota.datasetsInStack === "number" && quota.datasetsInStack + data.length > SKU_LIMITS[quota.sku].datasets * 0.9) {
        out.push(`  - ⚠️ ${quota.sku} holds at most ${SKU_LIMITS[quota.sku].datasets} datasets; this stack declares ${quota.datasetsInStack}, and a replacement needs room for both while it runs.`);
      }
    }
    out.push("");
  }

  const regated = (l: string) => changed.some((g) => g.kind === "Evaluation" && g.op === "update" && locale(g) === l && thresholdsChange(g));
  const endpoints = changed.filter((s) => s.kind === "Endpoint");
  if (endpoints.length) {
    out.push("**Endpoints**", "");
    for (const e of endpoints) {
      const before = props(e.oldState).servedModel ?? props(e.oldState).model;
      const after = props(e.newState).model;
      if (e.op === "delete") out.push(`- **\`${e.name}\` (${locale(e)}) is deleted: applications using endpoint ${shown(e.oldState?.id)} stop working (an outage).**`);
      else if (e.op === "replace") out.push(`- **\`${e.name}\` (${locale(e)}) is replaced (${(e.replaceReasons ?? []).join(", ")}): a new endpoint id and URL, and the old endpoint is deleted (an outage for applications using it).**`);
      else if (e.op === "create") out.push(`- \`${e.name}\` (${locale(e)}) is created, serving ${shown(after)}.`);
      else if (swaps(e)) {
        const trained = retrains.some((m) => locale(m) === locale(e));
        // A dynamic resource's outputs are unknown in a preview of its update, so the gate decided again leaves the
        // model open although nothing was trained: the swap happens only if the new thresholds pick another model.
        if (after === UNKNOWN && !trained && regated(locale(e))) out.push(`- \`${e.name}\` (${locale(e)}) may swap in place (same id and URL): ${shown(before)} → the model the gate passes on its new thresholds (known after the deployment); nothing changes if that is ${shown(before)}.`);
        else out.push(`- \`${e.name}\` (${locale(e)}) swaps in place (same id and URL): ${shown(before)} → ${shown(after)}${after === UNKNOWN && trained ? " (the model that passes the gate)" : ""}.`);
      }
      else out.push(`- \`${e.name}\` (${locale(e)}) is updated in place (${changedKeys(e).join(", ") || "settings"}).`);
    }
    out.push("");
  }

  const gates = changed.filter((s) => s.kind === "Evaluation" && s.op !== "delete");
  if (gates.length) {
    out.push("**Gates**", "");
    for (const g of gates) {
      const p = props(g.newState);
      const thresholds = [
        p.maxWordErrorRate !== undefined && `WER at most ${asPercent(p.maxWordErrorRate)} %`,
        p.minWordErrorRateImprovement !== undefined && `at least ${asPercent(p.minWordErrorRateImprovement)} points better than the baseline`,
      ].filter(Boolean).join(", ") || "no threshold";
      const baseline = p.baselineEndpoint ? `what \`${p.baselineEndpoint}\` serves when it runs (else ${shown(p.model1)})` : shown(p.model1);
      if (g.op === "update" && !thresholdsChange(g)) out.push(`- \`${g.name}\` (${locale(g)}) is updated in place (${changedKeys(g).join(", ") || "settings"}); the gate does not change.`);
      else if (g.op === "update") out.push(`- \`${g.name}\` (${locale(g)}): the gate is decided again on the existing results with ${thresholds} (no new evaluation).`);
      else out.push(`- \`${g.name}\` (${locale(g)}) runs: ${thresholds}; baseline: ${baseline}. A failing gate stops the \`up\` and nothing downstream changes.`);
    }
    out.push("");
  }

  if (expiring.length) out.push("**Expiry**", "", ...expiring.map((x) => `- ${x}`), "");
  if (warnings.length) out.push("**Warnings**", "", ...warnings.map((w) => `- ${w}`), "");

  const listed = new Set([...retrains, ...shownData, ...endpoints, ...gates]);
  const rest = changed.filter((s) => !listed.has(s));
  // `pulumi preview --json` lists unchanged resources only with --show-sames; its changeSummary always counts them,
  // the stack itself included (always listed, so that it can be told apart).
  const isStack = (s: Step) => s.newState?.type === "pulumi:pulumi:Stack" || s.urn.includes("::pulumi:pulumi:Stack::");
  const stackSame = steps.some((s) => isStack(s) && s.op === "same") ? 1 : 0;
  const unchanged = preview.changeSummary?.same !== undefined ? preview.changeSummary.same - stackSame : steps.filter((s) => s.op === "same" && !isStack(s)).length;
  const counts = Object.entries(rest.reduce<Record<string, number>>((n, s) => ({ ...n, [s.op]: (n[s.op] ?? 0) + 1 }), {}))
    .map(([op, n]) => `${n} to ${op}`)
    .join(", ");
  // A failed preview planned nothing past its error: its counts would read as "nothing changes".
  if (!failed.length || counts) out.push(`Everything else: ${counts || "no other change"}; ${unchanged} unchanged.`);
  return `${out.join("\n").trimEnd()}\n`;
}

/** Served models and base models whose dates fall inside the window, from the states the preview shows. */
function expiry(speech: Step[], days: number, now: number): string[] {
  const out: string[] = [];
  // A model being replaced is not the one that will be served.
  for (const s of speech.filter((x) => x.op !== "delete" && !(x.op === "replace" && (x.kind === "Model" || x.kind === "ModelCopy")))) {
    const p = { ...props(s.oldState), ...props(s.newState) };
    const d = (date: string) => shownDate(date, now);
    if ((s.kind === "Model" || s.kind === "ModelCopy") && expiresWithin(p.transcriptionExpiry, days, now)) {
      out.push(`${locale(s)}: \`${s.name}\` stops transcribing on ${d(p.transcriptionExpiry)}; endpoints serving it then fall back to a base model.`);
    }
    if (s.kind === "Model" && expiresWithin(p.baseModelAdaptationExpiry, days, now)) {
      out.push(`${locale(s)}: the base model of \`${s.name}\` can be trained on only until ${d(p.baseModelAdaptationExpiry)}.`);
    }
  }
  return out;
}

/** A resource of `pulumi stack export` (deployment.resources[]). */
export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, any>;
  delete?: boolean;
}

export interface ExpiryReport {
  markdown: string;
  /** Served models whose transcription ends inside the window: the job fails on these. */
  failing: string[];
}

/**
 * What the deployed stack serves and until when, from `pulumi stack export`: each endpoint's served model (a Model
 * or ModelCopy of the stack) and its transcription date, and the base models' adaptation dates.
 */
export function expiryReport(exported: { deployment?: { resources?: ExportedResource[] } }, o: { warnDays?: number; now?: number } = {}): ExpiryReport {
  const now = o.now ?? Date.now();
  const days = o.warnDays ?? 60;
  const live = (exported.deployment?.resources ?? []).filter((r) => !r.delete && kindOf(r.type));
  const models = live.filter((r) => kindOf(r.type) === "Model" || kindOf(r.type) === "ModelCopy");
  // The same model whichever way it is written (self URI with or without api-version, or id), as the policy pack matches.
  const key = (self: unknown) => referenceKey(self, "models");
  const d = (date: string) => shownDate(date, now);
  const failing: string[] = [];
  const rows: string[] = [];
  for (const e of live.filter((r) => kindOf(r.type) === "Endpoint")) {
    const wanted = key(e.outputs?.servedModel ?? e.outputs?.model);
    const served = wanted === undefined || wanted === null ? undefined : models.find((m) => key(m.outputs?.self) === wanted);
    const expires = served?.outputs?.transcriptionExpiry;
    const line = `\`${nameOf(e.urn)}\` (${e.outputs?.locale ?? "?"}) serves ${served ? `\`${nameOf(served.urn)}\`` : shown(e.outputs?.servedModel)}, which transcribes until ${typeof expires === "string" ? d(expires) : "an unknown date"}`;
    if (expiresWithin(expires, days, now)) {
      failing.push(line);
      rows.push(`- **${line}: retrain (or copy a newer model) before then.**`);
    } else rows.push(`- ${line}.`);
  }
  for (const m of models.filter((x) => expiresWithin(x.outputs?.baseModelAdaptationExpiry, days, now))) {
    rows.push(`- the base model of \`${nameOf(m.urn)}\` (${m.outputs?.locale}) can be trained on only until ${d(m.outputs!.baseModelAdaptationExpiry)}: the next retrain picks a newer one.`);
  }
  const stack = stackOf(live[0]?.urn ?? "");
  const head = `### Custom Speech expiry${stack ? `: \`${stack}\`` : ""} (window: ${days} days)`;
  const body = rows.length ? rows.join("\n") : "No endpoint in this stack.";
  return { markdown: `${head}\n\n${body}\n${failing.length ? `\n${failing.length} served model(s) expire inside the window.\n` : ""}`, failing };
}
