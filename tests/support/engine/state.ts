// What the engine stores, as the backend's checkpoint and `pulumi stack export` hold it: per resource its URN, type,
// id, inputs, outputs, parent, pending-delete flag, init errors and protect flag; and the pending operations of a
// run that died. Secret values are unwrapped when the text has them in plaintext (`--show-secrets`) and stay
// encrypted otherwise; either way the keys that were secret are listed, so a test asserts on secrecy.

/** The passphrase/cloud secrets managers' envelope in a checkpoint (apitype's secret signature). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface StateResource {
  urn: string;
  type: string;
  /** The resource's name (the URN's last part). */
  name: string;
  custom: boolean;
  id?: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  parent?: string;
  /** Replaced (create-before-delete) and waiting to be deleted at the end of a run. */
  delete?: boolean;
  /** A partial failure's reasons: the next `up` updates the resource. */
  initErrors?: string[];
  protect?: boolean;
  external?: boolean;
  /** Top-level output keys whose values are secret. */
  secretOutputs: string[];
}

export interface PendingOperation {
  type: string;
  urn: string;
}

export interface StackState {
  resources: StateResource[];
  pendingOperations: PendingOperation[];
}

function unwrap(v: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(v)) {
    const items = v.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined && "plaintext" in o) return { value: JSON.parse(String(o.plaintext)), secret: true };
    if (o[SECRET_SIG] !== undefined) return { value: o, secret: true }; // still encrypted
    const entries = Object.entries(o).map(([k, x]) => [k, unwrap(x)] as const);
    return { value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])), secret: entries.some(([, x]) => x.secret) };
  }
  return { value: v, secret: false };
}

function props(p: Record<string, unknown> | undefined): { values: Record<string, any>; secret: string[] } {
  const values: Record<string, any> = {};
  const secret: string[] = [];
  for (const [k, v] of Object.entries(p ?? {})) {
    const u = unwrap(v);
    values[k] = u.value;
    if (u.secret) secret.push(k);
  }
  return { values, secret };
}

/** Parses a deployment as `pulumi stack export` prints it (with or without --show-secrets). */
export function parseState(exported: string): StackState {
  const doc = JSON.parse(exported) as { deployment?: { resources?: any[]; pending_operations?: any[] } };
  const resources = (doc.deployment?.resources ?? []).map((r): StateResource => {
    const outputs = props(r.outputs);
    return {
      urn: r.urn,
      type: r.type,
      name: String(r.urn).split("::").pop()!,
      custom: !!r.custom,
      id: r.id || undefined,
      inputs: props(r.inputs).values,
      outputs: outputs.values,
      parent: r.parent,
      delete: r.delete || undefined,
      initErrors: r.initErrors?.length ? r.initErrors : undefined,
      protect: r.protect || undefined,
      external: r.external || undefined,
      secretOutputs: outputs.secret,
    };
  });
  const pendingOperations = (doc.deployment?.pending_operations ?? []).map((o) => ({ type: o.type, urn: o.resource?.urn }));
  return { resources, pendingOperations };
}
