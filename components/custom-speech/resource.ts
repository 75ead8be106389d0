// Program-side half shared by every Custom Speech resource: turns `pulumi.Input` args into the provider's inputs,
// keeps the key (and SAS-bearing URLs) secret, and adds the identity used to adopt an entity after a crash.
import * as pulumi from "@pulumi/pulumi";
import type { Tuning } from "./core";
import { RESOURCE_MODULE } from "../domain";
import { thinProvider } from "./provider";
import { allInputs, connectionKeys, secretInputs, type ResourceSpec } from "./spec";

export interface SpeechConnectionInput {
  /** The Speech resource endpoint, e.g. https://<name>.cognitiveservices.azure.com. */
  endpoint: pulumi.Input<string>;
  /** The resource key (kept secret). Omit it (and keyConfig) to authenticate with Microsoft Entra ID (DefaultAzureCredential). */
  key?: pulumi.Input<string>;
  /**
   * The stack config key that holds the resource key, e.g. "existingSpeechKey" (this project's namespace) or
   * "<project>:<key>". The provider then reads the key from the stack config on every operation — refresh and
   * destroy included — so a rotated key (`pulumi config set --secret …`) takes effect everywhere, and the key is
   * never stored in the state. When both are given, resources store only keyConfig and the key serves
   * program-side lookups (getBaseModel).
   */
  keyConfig?: string;
}

export interface CommonArgs {
  speech: pulumi.Input<SpeechConnectionInput>;
  /** Defaults to the Pulumi resource name. */
  displayName?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** At most 7 entries: the service allows 10 and 3 carry the Pulumi identity. */
  customProperties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Wait budget for create/update (customTimeouts do not reach dynamic providers). */
  waitMinutes?: pulumi.Input<number>;
  /** Poll and retry knobs; changing them is never a change of the resource. */
  tuning?: pulumi.Input<Tuning>;
  /**
   * Bring an existing entity (its id) under management: the create GETs it, checks it is what the inputs
   * describe, updates what can be patched and tags it, instead of creating one. Never a change afterwards.
   * (`pulumi import` cannot serve dynamic resources: the engine sends Read without the provider.)
   */
  adoptId?: pulumi.Input<string>;
}

const qualified = (keyConfig: string) => (keyConfig.includes(":") ? keyConfig : `${pulumi.getProject()}:${keyConfig}`);

/** A connection written out in the program (not an Output), whose fields can be looked at before they resolve. */
const isPlain = (speech: pulumi.Input<SpeechConnectionInput>): speech is SpeechConnectionInput =>
  typeof speech === "object" && !pulumi.Output.isInstance(speech) && !(speech instanceof Promise);

/** The connection as the provider gets it: a config key (project-qualified) and no key, or secret when it carries a key. */
function connectionInput(speech: pulumi.Input<SpeechConnectionInput>): pulumi.Output<{ endpoint: string; key?: string; keyConfig?: string }> {
  // Built from the endpoint alone, so that the key (a secret) does not make the stored connection secret too.
  if (isPlain(speech) && speech.keyConfig) return pulumi.output(speech.endpoint).apply((endpoint) => ({ endpoint, keyConfig: qualified(speech.keyConfig!) }));
  return pulumi.output(speech).apply((c) => {
    if (c.keyConfig) return pulumi.output({ endpoint: c.endpoint, keyConfig: qualified(c.keyConfig) });
    return c.key ? pulumi.secret({ endpoint: c.endpoint, key: c.key }) : pulumi.output({ endpoint: c.endpoint });
  });
}

/**
 * The connection for calls the program makes itself (getBaseModel): the key, or the stack config value keyConfig
 * names (secret), or neither (Microsoft Entra ID).
 */
export function programConnection(speech: pulumi.Input<SpeechConnectionInput>): pulumi.Output<{ endpoint: string; key?: string }> {
  return pulumi.output(speech).apply((c) => {
    if (c.key || !c.keyConfig) return pulumi.output({ endpoint: c.endpoint, key: c.key });
    const [namespace, key] = qualified(c.keyConfig).split(":");
    const fromConfig = new pulumi.Config(namespace).getSecret(key);
    return pulumi.all([c.endpoint, fromConfig]).apply(([endpoint, k]) => ({ endpoint, key: k }));
  });
}

/** False only when the program says plainly that no key is stored with the connection. */
function mayCarryKey(speech: pulumi.Input<SpeechConnectionInput>): boolean {
  return !(isPlain(speech) && (speech.key === undefined || speech.keyConfig !== undefined));
}

/** Base class: seeds the declared outputs, adds identity and secrecy, and names the type `custom-speech:<Kind>`. */
export abstract class SpeechResource extends pulumi.dynamic.Resource {
  declare readonly self: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly error: pulumi.Output<{ code: string | null; message: string | null } | null>;

  protected constructor(spec: ResourceSpec<any>, name: string, args: CommonArgs & Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    // What the class declares starts unset, so each is an Output on the resource: the common outputs, the spec's
    // computed ones (the keys it returns even for an empty entity), required and exposed inputs. Other inputs are
    // properties only when the program gives them: each property costs Pulumi's SDK several promises per resource.
    const inputs = allInputs(spec);
    const exposed = Object.keys(inputs).filter((k) => inputs[k].required || inputs[k].exposed);
    const outputNames = [...exposed, ...Object.keys(spec.outputs({}, {})), ...(spec.decide?.outputs ?? [])];
    const props: Record<string, unknown> = {};
    for (const k of ["self", "status", "error", "displayName", ...outputNames]) props[k] = undefined;
    for (const [k, v] of Object.entries(args)) if (v !== undefined) props[k] = v;
    const connections = connectionKeys(spec);
    for (const k of connections) if (args[k] !== undefined) props[k] = connectionInput(args[k] as pulumi.Input<SpeechConnectionInput>);
    props.__identity = { project: pulumi.getProject(), stack: pulumi.getStack(), name };
    const secrets = secretInputs(spec);
    for (const k of secrets) if (args[k] !== undefined) props[k] = pulumi.secret(args[k] as pulumi.Input<unknown>);
    const keyed = connections.filter((k) => args[k] !== undefined && mayCarryKey(args[k] as pulumi.Input<SpeechConnectionInput>));
    const secretOpts: pulumi.CustomResourceOptions = { additionalSecretOutputs: [...keyed, ...secrets] };
    // Pulumi's SDK takes a stack trace for each promise it makes (several per property), for its promise-leak
    // report; under ts-node each one is source-mapped frame by frame, which was most of a preview's program time.
    // Without frames while the resource registers: Pulumi's own source position (taken with the limit it sets
    // itself) is unchanged, and the leak report still names each promise.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(thinProvider(spec.kind), name, props, pulumi.mergeOptions(opts, secretOpts), RESOURCE_MODULE, spec.kind);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
