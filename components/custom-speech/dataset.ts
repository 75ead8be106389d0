// Dataset: training or test data, from a URL the service fetches or a local file uploaded in blocks.
// kind, locale, content (URL without its SAS, or hash) → replace; displayName, description, project → PATCH.
import * as crypto from "crypto";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import type * as m from "../speech-api/models";
import { DATASET_KINDS, type DatasetKind } from "../training-data/kinds";
import { URL_WITHOUT_QUERY, defineSpeechResource, type ResourceSpec } from "./core";
import { SpeechResource, type CommonArgs } from "./resource";

export const datasetSpec: ResourceSpec<m.Dataset> = {
  kind: "Dataset",
  inputKeys: ["kind", "locale", "project", "contentUrl", "file", "contentHash"],
  replaceKeys: ["kind", "locale", "contentUrl", "contentHash"],
  patchKeys: ["project"],
  // contentUrl is compared without its query: a rotated SAS token is not new data.
  references: { project: "projects", contentUrl: URL_WITHOUT_QUERY },
  defaultWaitMinutes: 60,
  validate(c, i) {
    c.oneOf("kind", DATASET_KINDS);
    c.locale();
    c.reference("project", "project");
    c.url("contentUrl");
    c.string("file");
    c.string("contentHash", { maxLength: 128 });
    const has = (k: string) => i[k] !== undefined && i[k] !== null && i[k] !== "";
    if (has("contentUrl") === has("file")) c.fail("contentUrl", "give exactly one of contentUrl (a URL the service can read) or file (a local file uploaded in blocks)");
    if (has("file") && !has("contentHash")) c.fail("contentHash", "contentHash is required with file (the Dataset resource computes it from the file when omitted)");
  },
  api: {
    create: (c, body) => c.createDataset(body),
    get: (c, id) => c.getDataset(id),
    list: (c, filter) => c.listDatasets({ filter }),
    update: (c, id, patch) => c.updateDataset(id, patch),
    remove: (c, id) => c.deleteDataset(id),
    wait: (c, id, o) => c.waitForDataset(id, o),
  },
  createBody: (i, rc) => ({
    displayName: i.displayName,
    description: i.description,
    locale: i.locale,
    kind: i.kind,
    project: i.project ? rc.ref(i.project, "projects") : undefined,
    contentUrl: i.contentUrl,
  }),
  patchBody: (i, changed, rc) => (changed.includes("project") && i.project ? { project: rc.ref(i.project, "projects") } : {}),
  async complete(c, entity, id, i) {
    // A block-upload dataset waits in NotStarted until its blocks are committed; re-upload on resume.
    if (!i.file || entity.status !== "NotStarted") return entity;
    const blocks = await c.getDatasetBlocks(id);
    if ((blocks.committedBlocks ?? []).length === 0) {
      await c.uploadDatasetContent(id, require("fs").createReadStream(i.file));
    }
    return c.getDataset(id);
  },
  outputs: (e) => ({
    acceptedLineCount: e.properties?.acceptedLineCount ?? null,
    rejectedLineCount: e.properties?.rejectedLineCount ?? null,
    durationMilliseconds: e.properties?.durationMilliseconds ?? null,
  }),
  refreshedInputs: (e) => ({ displayName: e.displayName, description: e.description, locale: e.locale, kind: e.kind, project: e.project?.self }),
  inUseHint: "a model or an evaluation still uses this dataset; delete or retrain those first",
};

/** The serialized provider (exported for engine-contract tests). */
export const datasetProvider = defineSpeechResource(datasetSpec);

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
    super(datasetSpec, datasetProvider, name, { ...args, contentHash }, opts, ["contentUrl"]);
  }
}
