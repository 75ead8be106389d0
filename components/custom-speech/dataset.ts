// Dataset: training or test data, from a URL the service fetches or a local file uploaded in blocks.
// kind, locale, content (URL without its SAS, or hash) → replace; displayName, description, project → PATCH.
import * as crypto from "crypto";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { DATASET_KINDS, SKU_LIMITS, SPEECH_SKUS, oneOf, string, type DatasetKind, type SpeechSku } from "../domain";
import type * as m from "../speech-api/models";
import { isAbsent } from "./checks";
import { SpeechResource, type CommonArgs } from "./resource";
import { changedInputs, type ResourceSpec } from "./spec";

/** How many datasets the stack keeps on the Speech resource, so that a preview can refuse what F0 cannot hold. */
export interface DatasetQuota {
  sku: SpeechSku;
  /** Datasets this stack declares on the Speech resource (all locales). */
  datasetsInStack: number;
}

export const datasetSpec: ResourceSpec<m.Dataset> = {
  kind: "Dataset",
  inputs: {
    kind: { change: "replace", required: true, rule: oneOf(DATASET_KINDS), read: (e) => e.kind },
    locale: { change: "replace", required: true, check: (c, p) => c.locale(p), read: (e) => e.locale },
    project: { change: "patch", compare: { reference: "projects" }, check: (c, p) => c.reference(p, "project"), read: (e) => e.project?.self },
    // Compared without its query: a rotated SAS token is not new data.
    contentUrl: { change: "replace", compare: "urlWithoutQuery", secret: true, check: (c, p) => c.secretUrl(p, "https://<account>.blob.core.windows.net/<container>/<blob>") },
    // Uploaded by `complete`, not sent in the body.
    file: { change: "none", rule: string({ minLength: 1 }), create: () => ({}) },
    contentHash: { change: "replace", exposed: true, rule: string({ maxLength: 128 }), create: () => ({}) },
    quota: { change: "none" },
  },
  defaultWaitMinutes: 60,
  validate(c, news, olds) {
    if (isAbsent(news.contentUrl) === isAbsent(news.file)) {
      c.fail("contentUrl", "give exactly one of contentUrl (a URL the service can read) or file (a local file uploaded in blocks)");
    }
    if (!isAbsent(news.file) && isAbsent(news.contentHash)) c.fail("contentHash", "contentHash is required with file (the Dataset resource computes it from the file when omitted)");
    const q = news.quota as DatasetQuota | undefined;
    if (!q) return;
    c.rule("quota", (v) => (SPEECH_SKUS.includes((v as DatasetQuota).sku) && typeof (v as DatasetQuota).datasetsInStack === "number" ? undefined : "{ sku: S0 | F0, datasetsInStack }"));
    const limit = SKU_LIMITS[q.sku]?.datasets;
    // A replacement is created before the old dataset is deleted: for a moment both exist.
    // (A move to another Speech resource is not counted: the old resource does not hold the new dataset.)
    const replacing = Object.keys(olds).length > 0 ? changedInputs(datasetSpec, olds, news).replace.filter((k) => k !== "speech") : [];
    if (limit !== undefined && replacing.length && q.datasetsInStack + 1 > limit) {
      c.fail(
        replacing[0],
        `this change replaces the dataset, and the new one is created before the old one is deleted: ${q.datasetsInStack + 1} datasets ` +
          `for a moment, but a ${q.sku} Speech resource holds at most ${limit}. Use S0, or declare at most ${limit - 1} dataset${limit - 1 === 1 ? "" : "s"} on ${q.sku}.`,
      );
    }
  },
  api: {
    create: (c, body) => c.createDataset(body),
    get: (c, id) => c.getDataset(id),
    list: (c, filter) => c.listDatasets({ filter }),
    update: (c, id, patch) => c.updateDataset(id, patch),
    remove: (c, id) => c.deleteDataset(id),
    wait: (c, id, o) => c.waitForDataset(id, o),
  },
  async complete(c, entity, id, i) {
    // A block-upload dataset waits in NotStarted until its blocks are committed; re-upload on resume.
    if (!i.file || entity.status !== "NotStarted") return entity;
    const blocks = await c.getDatasetBlocks(id);
    if ((blocks.committedBlocks ?? []).length === 0) await c.uploadDatasetContent(id, fs.createReadStream(i.file));
    return c.getDataset(id);
  },
  outputs: (e) => ({
    acceptedLineCount: e.properties?.acceptedLineCount ?? null,
    rejectedLineCount: e.properties?.rejectedLineCount ?? null,
    durationMilliseconds: e.properties?.durationMilliseconds ?? null,
  }),
  inUseHint: "a model or an evaluation still uses this dataset; delete or retrain those first",
};

export interface DatasetArgs extends CommonArgs {
  kind: pulumi.Input<DatasetKind>;
  locale: pulumi.Input<string>;
  project?: pulumi.Input<string>;
  /** A URL the service can read (kept secret: it usually carries a SAS token). */
  contentUrl?: pulumi.Input<string>;
  /** A local file uploaded in blocks. */
  file?: pulumi.Input<string>;
  /** Hash of the content (e.g. from the sync manifest) so that changed data shows in preview. Computed from `file` when omitted. */
  contentHash?: pulumi.Input<string>;
  /** The SKU and how many datasets the stack declares: a preview refuses a replacement F0 cannot hold. */
  quota?: pulumi.Input<DatasetQuota>;
}

/** Streaming SHA-256 of a local file (program side; the provider never reads files during preview). */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash("sha256");
    fs.createReadStream(path)
      .on("error", (e) => reject(new Error(`Dataset file ${path} cannot be read: ${e.message}`)))
      .on("data", (d) => h.update(d))
      .on("end", () => resolve(`sha256:${h.digest("hex")}`));
  });
}

export class Dataset extends SpeechResource {
  declare readonly kind: pulumi.Output<DatasetKind>;
  declare readonly locale: pulumi.Output<string>;
  declare readonly contentHash: pulumi.Output<string | undefined>;
  declare readonly acceptedLineCount: pulumi.Output<number | null>;
  declare readonly rejectedLineCount: pulumi.Output<number | null>;
  declare readonly durationMilliseconds: pulumi.Output<number | null>;

  constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
    const contentHash = args.contentHash ?? (args.file ? pulumi.output(args.file).apply(hashFile) : undefined);
    super(datasetSpec, name, { ...args, contentHash }, opts);
  }
}

