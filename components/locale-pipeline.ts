// One locale's Custom Speech pipeline as a component:
//   Project → Datasets → Model (its create picks the base model) → Evaluation gate → Endpoint (from the approved model).
// A retrain shows in preview as a Model replace; the Endpoint swaps in place only once the gate passes.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { Dataset, Endpoint, Evaluation, Model, Project } from "./custom-speech";
import type { DatasetQuota, SpeechConnectionInput, Tuning } from "./custom-speech";
import { adaptsBaseModel, daysLeft, expiresWithin, LOCALE_PIPELINE_TYPE } from "./domain";
import type { LocaleConfig } from "./stack-config";
import { findDataset, readManifestSync, type Manifest, type ManifestEntry } from "./training-data/manifest";
import { InputError } from "./input-error";

export interface LocalePipelineArgs {
  speech: pulumi.Input<SpeechConnectionInput>;
  config: LocaleConfig;
  /** Base model self URI; overrides `config.baseModel` and the lookup. */
  baseModel?: pulumi.Input<string>;
  /** Poll/retry knobs passed to every resource (tests use short polls). */
  tuning?: Tuning;
  /**
   * The Speech resource's SKU and how many datasets the stack declares on it (all locales; default: this
   * pipeline's). On F0 (2 datasets) a preview refuses a dataset replacement the resource could not hold.
   */
  quota?: DatasetQuota;
  /** Pulumi's `protect` on the Endpoint (only there: a protected Model could never be replaced by a retrain). */
  protectEndpoint?: boolean;
}

/** Warnings for dates inside the window: a served model stops transcribing, a base model stops training. */
export function expiryWarnings(
  locale: string,
  dates: { modelTranscriptionExpiry?: string | null; baseModelAdaptationExpiry?: string | null },
  windowDays: number,
  now = Date.now(),
): string[] {
  const out: string[] = [];
  const within = (d?: string | null) => expiresWithin(d, windowDays, now);
  const days = (d: string) => daysLeft(d, now);
  if (within(dates.modelTranscriptionExpiry)) {
    const d = dates.modelTranscriptionExpiry as string;
    out.push(`${locale}: the served custom model stops transcribing on ${d.slice(0, 10)} (${days(d)} days); the endpoint then falls back to a base model. Retrain on a newer base model.`);
  }
  if (within(dates.baseModelAdaptationExpiry)) {
    const d = dates.baseModelAdaptationExpiry as string;
    out.push(`${locale}: the base model can be trained on only until ${d.slice(0, 10)} (${days(d)} days); move to a newer base model.`);
  }
  return out;
}

/** A locale's endpoint from its config: shared by LocalePipeline (trained here) and LocaleReplica (copied). */
export function localeEndpoint(
  name: string,
  c: { locale: string; endpoint?: LocaleConfig["endpoint"] },
  wiring: { speech: pulumi.Input<SpeechConnectionInput>; tuning?: Tuning; project: pulumi.Input<string>; model: pulumi.Input<string> },
  opts: pulumi.CustomResourceOptions,
): Endpoint {
  return new Endpoint(
    name,
    {
      ...wiring,
      locale: c.locale,
      displayName: c.endpoint?.displayName ?? `${c.locale} endpoint`,
      loggingEnabled: c.endpoint?.loggingEnabled,
      waitMinutes: c.endpoint?.waitMinutes,
      adoptId: c.endpoint?.adoptId,
    },
    opts,
  );
}

/** Logs the expiry warnings of a locale's served model (and base model) from the program, so previews show them too. */
export function warnOnExpiry(
  parent: pulumi.Resource,
  locale: string,
  dates: { modelTranscriptionExpiry: pulumi.Output<string | null>; baseModelAdaptationExpiry?: pulumi.Output<string | null> },
  windowDays: number,
  hint = "",
): void {
  pulumi.all([dates.modelTranscriptionExpiry, dates.baseModelAdaptationExpiry ?? null]).apply(([t, a]) => {
    for (const w of expiryWarnings(locale, { modelTranscriptionExpiry: t, baseModelAdaptationExpiry: a }, windowDays)) pulumi.log.warn(`${w}${hint}`, parent);
  });
}

/** The sync command with its arguments, pasteable: from this repository, and from a project that installed the package. */
const sync = (args: string) => `\`npm run sync-data -- ${args}\` (or \`npx custom-speech-sync-data ${args}\`)`;

/**
 * A dataset's entry in the sync manifest. The manifest is written by the training-data sync, which needs the store
 * the first `pulumi up` creates: so a missing one says what to run, in which order, at preview time.
 */
function manifestEntry(locale: string, name: string, file: string, manifests: Map<string, Manifest>) {
  const where = `locales[${locale}].datasets[${name}].manifest`;
  if (!manifests.has(file) && !fs.existsSync(file)) {
    throw new InputError(
      `${where}: ${file} does not exist (looked for in ${process.cwd()}). The training-data sync writes it: deploy the stack ` +
        `with no locales first (it creates the store), then run ${sync(`--config <datasets.json> --manifest ${file}`)} ` +
        `against that store, then add the locale (README, "Use it against real Azure").`,
    );
  }
  try {
    if (!manifests.has(file)) manifests.set(file, readManifestSync(file));
    return findDataset(manifests.get(file)!, name);
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}. Sync the dataset first: ${sync(`--config <datasets.json> --manifest ${file}`)}.`);
  }
}

/** Each manifest dataset's entry; throws for a manifest or a local file that is not there. */
function datasetSources(c: LocaleConfig) {
  const entries = new Map<string, ManifestEntry>();
  // The locale's datasets usually share one manifest: each file is read once.
  const manifests = new Map<string, Manifest>();
  for (const d of c.datasets) {
    if (d.manifest) entries.set(d.name, manifestEntry(c.locale, d.name, d.manifest, manifests));
    if (d.file) requireDatasetFile(c.locale, d.name, d.kind, d.file);
  }
  return entries;
}

/** A local dataset file is uploaded as it is; a missing one fails the preview, not the upload. */
function requireDatasetFile(locale: string, name: string, kind: string, file: string) {
  if (fs.existsSync(file)) return;
  throw new InputError(
    `locales[${locale}].datasets[${name}].file: ${file} does not exist (looked for in ${process.cwd()}). \`file\` names a ` +
      `package you make: a flat zip of the dataset folder; ${sync(`--dataset <folder> --kind ${kind} --locale ${locale} --validate-only`)} ` +
      `checks the folder first. Or sync the folder to the store and name the sync's \`manifest\` instead.`,
  );
}

export class LocalePipeline extends pulumi.ComponentResource {
  readonly project: Project;
  readonly datasets: Record<string, Dataset>;
  readonly model: Model;
  readonly evaluation?: Evaluation;
  readonly endpoint?: Endpoint;
  readonly endpointId: pulumi.Output<string | undefined>;
  readonly endpointUrl: pulumi.Output<string | undefined>;
  readonly modelId: pulumi.Output<string>;
  readonly modelTranscriptionExpiry: pulumi.Output<string | null>;
  readonly baseModelAdaptationExpiry: pulumi.Output<string | null>;

  constructor(name: string, args: LocalePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    // Training data that is not there fails before anything is declared.
    const sources = datasetSources(args.config);
    super(LOCALE_PIPELINE_TYPE, name, {}, opts);
    const c = args.config;
    const common = { speech: args.speech, tuning: args.tuning };
    const quota = args.quota && { ...args.quota, datasetsInStack: Math.max(args.quota.datasetsInStack, c.datasets.length) };
    const child = { parent: this };

    this.project = new Project(`${name}-project`, { ...common, locale: c.locale, displayName: c.displayName ?? `${c.locale} Custom Speech` }, child);
    const project = this.project.self;

    this.datasets = {};
    for (const d of c.datasets) {
      const fromManifest = sources.get(d.name);
      this.datasets[d.name] = new Dataset(
        `${name}-${d.name}`,
        {
          ...common,
          project,
          kind: d.kind,
          locale: c.locale,
          displayName: d.name,
          contentUrl: d.contentUrl ?? fromManifest?.blobUrl,
          file: d.file,
          contentHash: d.contentHash ?? fromManifest?.contentHash,
          waitMinutes: d.waitMinutes,
          quota,
        },
        child,
      );
    }
    const dataset = (n: string, what: string): Dataset => {
      const ds = this.datasets[n];
      if (!ds) throw new InputError(`LocalePipeline ${name}: ${what} names dataset "${n}", which is not in datasets (${Object.keys(this.datasets).join(", ")})`);
      return ds;
    };
    const training = c.training.datasets.map((n) => dataset(n, "training.datasets"));

    // Unless a base model is named, the Model's create picks the newest one the policy allows and keeps it in the
    // state: previews ask the service nothing, and the base model changes only with a retrain.
    const kinds = [...new Set(c.training.datasets.map((n) => c.datasets.find((d) => d.name === n)!.kind))];
    const named = args.baseModel ?? c.baseModel?.id;
    this.model = new Model(
      `${name}-model`,
      {
        ...common,
        project,
        locale: c.locale,
        baseModel: named,
        baseModelPolicy: named ? undefined : { adaptationKinds: kinds.filter(adaptsBaseModel), minAdaptationDaysLeft: c.baseModel?.minAdaptationDaysLeft ?? 30 },
        datasets: training.map((d) => d.self),
        customModelWeightPercent: c.training.customModelWeightPercent,
        waitMinutes: c.training.waitMinutes,
      },
      child,
    );

    const endpointName = `${name}-endpoint`;
    let deployed: pulumi.Output<string> = this.model.self;
    if (c.evaluation) {
      this.evaluation = new Evaluation(
        `${name}-evaluation`,
        {
          ...common,
          project,
          locale: c.locale,
          // The candidate is compared with what the endpoint serves when the evaluation is created, else the base model.
          model1: this.model.resolvedBaseModel,
          baselineEndpoint: endpointName,
          model2: this.model.self,
          dataset: dataset(c.evaluation.dataset, "evaluation.dataset").self,
          maxWordErrorRate: c.evaluation.maxWordErrorRate,
          minWordErrorRateImprovement: c.evaluation.minWordErrorRateImprovement,
          waitMinutes: c.evaluation.waitMinutes,
        },
        child,
      );
      deployed = this.evaluation.approvedModel;
    }

    this.endpoint = localeEndpoint(endpointName, c, { ...common, project, model: deployed }, { ...child, protect: args.protectEndpoint });

    this.endpointId = this.endpoint.id;
    this.endpointUrl = this.endpoint.webSocketUrl;
    this.modelId = this.model.id;
    this.modelTranscriptionExpiry = this.model.transcriptionExpiry;
    this.baseModelAdaptationExpiry = this.model.baseModelAdaptationExpiry.apply((d) => d ?? null);

    warnOnExpiry(this, c.locale, this, c.expiryWarningDays ?? 60);

    this.registerOutputs({
      endpointId: this.endpointId,
      endpointUrl: this.endpointUrl,
      modelId: this.modelId,
      modelTranscriptionExpiry: this.modelTranscriptionExpiry,
      baseModelAdaptationExpiry: this.baseModelAdaptationExpiry,
    });
  }
}
