// The state the driver keeps between runs, shaped like a Pulumi checkpoint (apitype.ResourceV3): per resource its
// URN, type, custom flag, id, inputs, outputs, parent, dependencies, pending-delete flag and init errors. Secret
// values are held in memory as plain values with their keys listed, and written out encrypted (like the
// passphrase secrets manager: `{ "4dabf…": "1b47…", "ciphertext": … }`), so a test can look for plaintext secrets
// in exactly what a backend would store.
import { createCipheriv, createDecipheriv, randomBytes } from "crypto";
import { SECRET_SIG, type Props } from "./provider-server";

export interface StateResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  inputs: Props;
  outputs: Props;
  parent?: string;
  dependencies: string[];
  propertyDependencies?: Record<string, string[]>;
  /** Replaced (create-before-delete) and waiting to be deleted at the end of a run. */
  delete?: boolean;
  /** Reasons of a partial failure: the next `up` forces an update. */
  initErrors?: string[];
  protect?: boolean;
  /** Read, not managed (a StackReference): refreshed by reading, and deleting it only drops it (step.go DeleteStep ~L660). */
  external?: boolean;
  /** Top-level keys whose values are secret. */
  secretInputs: string[];
  secretOutputs: string[];
}

export function copyResource(r: StateResource): StateResource {
  return structuredClone(r);
}

export class Checkpoint {
  constructor(
    public resources: StateResource[] = [],
    private readonly key: Buffer = randomBytes(32),
  ) {}

  /** The live resource with this URN (pending deletes are never matched, pkg/resource/deploy/deployment.go buildResourceMaps). */
  live(urn: string): StateResource | undefined {
    return this.resources.find((r) => r.urn === urn && !r.delete);
  }

  byName(name: string, type?: string): StateResource[] {
    return this.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  }

  ofType(type: string): StateResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  clone(): Checkpoint {
    return new Checkpoint(this.resources.map(copyResource), this.key);
  }

  private encrypt(value: unknown): Props {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return { [SECRET_SIG.key]: SECRET_SIG.value, ciphertext: `v1:${iv.toString("base64")}:${Buffer.concat([body, cipher.getAuthTag()]).toString("base64")}` };
  }

  private sealed(props: Props, secret: string[]): Props {
    return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, secret.includes(k) ? this.encrypt(v) : v]));
  }

  /** The checkpoint as a backend stores it (`pulumi stack export` shape), secrets encrypted. */
  serialize(): string {
    const resources = this.resources.map((r) => ({
      urn: r.urn,
      custom: r.custom,
      ...(r.id !== undefined && { id: r.id }),
      type: r.type,
      inputs: this.sealed(r.inputs, r.secretInputs),
      outputs: this.sealed(r.outputs, r.secretOutputs),
      ...(r.parent && { parent: r.parent }),
      ...(r.protect && { protect: true }),
      ...(r.external && { external: true }),
      ...(r.delete && { delete: true }),
      dependencies: r.dependencies,
      ...(r.propertyDependencies && { propertyDependencies: r.propertyDependencies }),
      ...(r.initErrors?.length && { initErrors: r.initErrors }),
    }));
    return JSON.stringify({ version: 3, checkpoint: { latest: { manifest: { magic: "driver", version: "test" }, resources } } }, null, 4);
  }

  private decrypt(v: unknown): { secret: boolean; value: unknown } {
    const sealed = v as Props;
    if (typeof v !== "object" || v === null || sealed[SECRET_SIG.key] !== SECRET_SIG.value) return { secret: false, value: v };
    const [, iv, data] = String(sealed.ciphertext).split(":");
    const raw = Buffer.from(data, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return { secret: true, value: JSON.parse(Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString("utf8")) };
  }

  /** What `serialize` wrote (e.g. after an export, an edit and an import), read back with this checkpoint's key. */
  deserialize(text: string): Checkpoint {
    const resources = (JSON.parse(text).checkpoint.latest.resources as any[]).map((r): StateResource => {
      const open = (props: Props = {}) => {
        const secret: string[] = [];
        const plain = Object.fromEntries(
          Object.entries(props).map(([k, v]) => {
            const d = this.decrypt(v);
            if (d.secret) secret.push(k);
            return [k, d.value];
          }),
        );
        return { plain, secret };
      };
      const inputs = open(r.inputs);
      const outputs = open(r.outputs);
      return {
        urn: r.urn,
        type: r.type,
        name: r.urn.split("::").pop(),
        custom: r.custom,
        id: r.id,
        inputs: inputs.plain,
        outputs: outputs.plain,
        parent: r.parent,
        dependencies: r.dependencies ?? [],
        propertyDependencies: r.propertyDependencies,
        delete: r.delete,
        initErrors: r.initErrors,
        protect: r.protect,
        external: r.external,
        secretInputs: inputs.secret,
        secretOutputs: outputs.secret,
      };
    });
    return new Checkpoint(resources, this.key);
  }

  /** Bytes the serialized checkpoint takes (what every checkpoint write rewrites). */
  bytes(): number {
    return Buffer.byteLength(this.serialize());
  }
}
