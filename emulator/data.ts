// Dataset content and evaluation results as the handlers see them: where they are kept (ContentStore keys), a
// parsed index per dataset (cached: a 1,000-clip zip is parsed once), and the import of a `contentUrl`, which runs
// outside the synchronous handlers (the server starts it after a create and waits for it before an evaluation):
// a SAS URL is fetched as is; a plain blob URL of a trusted storage account (Azurite's development account on this
// machine always) is read with its key.
import type { StoredDataset } from "./store";
import type { ContentStore } from "./content";
import { indexDataset, type DatasetIndex, type EvaluationResults } from "./recognition";
import { FAIL_IMPORT_MARKER } from "./status";

/** Largest content the emulator fetches from a contentUrl. */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
const IMPORT_TIMEOUT_MS = 30_000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
// Azurite's documented development account; the key is public and only works against Azurite.
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

const hex = (text: string): string => Buffer.from(text, "utf8").toString("hex");

export const datasetKey = (resource: string, datasetId: string): string => `${resource}/datasets/${datasetId}`;
export const contentKey = (resource: string, datasetId: string): string => `${datasetKey(resource, datasetId)}/data`;
export const blockKey = (resource: string, datasetId: string, blockId: string): string => `${datasetKey(resource, datasetId)}/blocks/${hex(blockId)}`;
export const resultsKey = (resource: string, evaluationId: string): string => `${resource}/evaluations/${evaluationId}.json`;

/** Which per-file score files an evaluation serves: the test switch behind `setEvaluationDetails`. */
export type EvaluationDetailsMode = "served" | "omitted" | "unparseable";

export class EmulatorData {
  private readonly indexes = new Map<string, DatasetIndex | null>();
  private readonly results = new Map<string, EvaluationResults | null>();
  private readonly imports = new Map<string, Promise<void>>();
  detailsMode: EvaluationDetailsMode = "served";

  /** Storage accounts the emulated resources read without a SAS (trustStorage, and Azurite's development account). */
  private readonly trusted: { matches(url: URL): boolean; read(url: string): Promise<Buffer> }[] = [];

  constructor(
    readonly store: ContentStore,
    trustAzurite = true,
  ) {
    // Azurite's development account on this machine, whose key is public: the sandbox's plain blob URLs just work.
    if (trustAzurite) this.trusted.push({
      matches: (u) => LOOPBACK.has(u.hostname) && u.pathname.startsWith(`/${AZURITE_ACCOUNT}/`),
      read: (url) => {
        const blob = require("@azure/storage-blob") as typeof import("@azure/storage-blob");
        return new blob.BlobClient(url, new blob.StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)).downloadToBuffer();
      },
    });
  }

  /**
   * Lets the emulated Speech resources read the blobs of a storage account given by its connection string without
   * a SAS, as the service reads a customer's account with trusted-service access (its managed identity).
   * @azure/storage-blob signs the reads; it is loaded only here.
   */
  trustStorage(connectionString: string): { endpoint: string } {
    const blob = require("@azure/storage-blob") as typeof import("@azure/storage-blob");
    let service;
    try {
      service = blob.BlobServiceClient.fromConnectionString(connectionString);
    } catch {
      throw new Error("trustStorage: not an Azure Storage connection string (AccountName=…;AccountKey=…;BlobEndpoint=…); the value is not shown, it holds a key.");
    }
    const endpoint = service.url.replace(/\/+$/, "");
    this.trusted.unshift({ matches: (u) => u.href.startsWith(`${endpoint}/`), read: (url) => new blob.BlobClient(url, service.credential).downloadToBuffer() });
    return { endpoint };
  }

  /** The content of a dataset when known (committed blocks, or what its contentUrl served). */
  content(resource: string, datasetId: string): Buffer | undefined {
    return this.store.get(contentKey(resource, datasetId));
  }

  setContent(resource: string, datasetId: string, bytes: Buffer): void {
    this.store.put(contentKey(resource, datasetId), bytes);
    this.indexes.delete(`${resource}/${datasetId}`);
  }

  /** Audio files and references of an audio dataset whose content is known and is a zip. */
  index(resource: string, d: StoredDataset): DatasetIndex | undefined {
    const key = `${resource}/${d.id}`;
    if (!this.indexes.has(key)) {
      const bytes = this.content(resource, d.id);
      this.indexes.set(key, (bytes && indexDataset(d.kind, bytes)) || null);
    }
    return this.indexes.get(key) ?? undefined;
  }

  removeDataset(resource: string, datasetId: string): void {
    this.store.remove(datasetKey(resource, datasetId));
    this.indexes.delete(`${resource}/${datasetId}`);
  }

  saveResults(resource: string, evaluationId: string, r: EvaluationResults): void {
    this.store.put(resultsKey(resource, evaluationId), Buffer.from(JSON.stringify(r)));
    this.results.set(`${resource}/${evaluationId}`, r);
  }

  evaluationResults(resource: string, evaluationId: string): EvaluationResults | undefined {
    const key = `${resource}/${evaluationId}`;
    if (!this.results.has(key)) {
      const bytes = this.store.get(resultsKey(resource, evaluationId));
      this.results.set(key, bytes ? (JSON.parse(bytes.toString("utf8")) as EvaluationResults) : null);
    }
    return this.results.get(key) ?? undefined;
  }

  removeEvaluation(resource: string, evaluationId: string): void {
    this.store.remove(resultsKey(resource, evaluationId));
    this.results.delete(`${resource}/${evaluationId}`);
  }

  /**
   * Fetches a dataset's contentUrl in the background (e.g. an Azurite SAS URL). A failure (unreachable, not 200,
   * too large) leaves the content unknown: the dataset behaves as before, with synthetic figures.
   */
  startImport(resource: string, d: StoredDataset): void {
    const url = d.contentUrl;
    if (!url || url.includes(FAIL_IMPORT_MARKER) || this.store.has(contentKey(resource, d.id))) return;
    const key = `${resource}/${d.id}`;
    const run = (async () => {
      try {
        const parsed = new URL(url);
        const trusted = parsed.searchParams.has("sig") ? undefined : this.trusted.find((t) => t.matches(parsed));
        if (trusted) {
          const bytes = await trusted.read(url);
          if (bytes.length <= MAX_IMPORT_BYTES) this.setContent(resource, d.id, bytes);
          return;
        }
        const res = await fetch(url, { signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS) });
        if (res.status !== 200) return;
        if (Number(res.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES) return;
        const bytes = Buffer.from(await res.arrayBuffer());
        if (bytes.length <= MAX_IMPORT_BYTES) this.setContent(resource, d.id, bytes);
      } catch {
        // unreachable or refused: no content known
      } finally {
        this.imports.delete(key);
      }
    })();
    this.imports.set(key, run);
  }

  /** Waits for the imports under way (before an evaluation is created, so it sees the content). */
  async settled(): Promise<void> {
    await Promise.all([...this.imports.values()]);
  }
}
