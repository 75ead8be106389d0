// Program-side half shared by every Custom Speech resource: turns `pulumi.Input` args into the provider's inputs,
// keeps the key (and SAS-bearing URLs) secret, and adds the identity used to adopt an entity after a crash.
import * as pulumi from "@pulumi/pulumi";
import type { Inputs, ResourceSpec, Tuning } from "./core";

export interface SpeechConnectionInput {
  /** The Speech resource endpoint, e.g. https://<name>.cognitiveservices.azure.com. */
  endpoint: pulumi.Input<string>;
  /** The resource key (kept secret). Omit to authenticate with Microsoft Entra ID (DefaultAzureCredential). */
  key?: pulumi.Input<string>;
}

export interface CommonArgs {
  speech: pulumi.Input<SpeechConnectionInput>;
  /** Defaults to the Pulumi resource name. */
  displayName?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** At most 8 entries: the service allows 10 and 2 carry the Pulumi identity. */
  customProperties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Wait budget for create/update (customTimeouts do not reach dynamic providers). */
  waitMinutes?: pulumi.Input<number>;
  /** Poll and retry knobs; changing them is never a change of the resource. */
  tuning?: pulumi.Input<Tuning>;
}

/** The connection as a secret when it carries a key, so state and outputs never show it in plaintext. */
export function secretConnection(speech: pulumi.Input<SpeechConnectionInput>): pulumi.Output<{ endpoint: string; key?: string }> {
  return pulumi.output(speech).apply((c) =>
    c.key ? pulumi.secret({ endpoint: c.endpoint, key: c.key }) : pulumi.output({ endpoint: c.endpoint }),
  );
}

/** Base class: seeds the declared outputs, adds identity and secrecy, and names the type `custom-speech:<Kind>`. */
export abstract class SpeechResource extends pulumi.dynamic.Resource {
  declare readonly self: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly error: pulumi.Output<{ code: string | null; message: string | null } | null>;

  protected constructor(
    spec: ResourceSpec<any>,
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    args: CommonArgs & Record<string, unknown>,
    opts?: pulumi.CustomResourceOptions,
    secretInputs: string[] = [],
  ) {
    // Every output starts unset, so each is an Output on the resource: the inputs and the spec's computed outputs
    // (their names are the keys the spec returns, even for an empty entity).
    const outputNames = [...spec.inputKeys, ...Object.keys(spec.outputs({}, {} as Inputs))];
    const props: Record<string, unknown> = {};
    for (const k of ["self", "status", "error", "createdDateTime", "lastActionDateTime", ...outputNames]) props[k] = undefined;
    Object.assign(props, args);
    props.speech = secretConnection(args.speech);
    props.__identity = { project: pulumi.getProject(), stack: pulumi.getStack(), name };
    for (const k of secretInputs) if (args[k] !== undefined) props[k] = pulumi.secret(args[k] as pulumi.Input<unknown>);
    const secretOpts: pulumi.CustomResourceOptions = { additionalSecretOutputs: ["speech", ...secretInputs] };
    super(provider, name, props, pulumi.mergeOptions(opts, secretOpts), "custom-speech", spec.kind);
  }
}
