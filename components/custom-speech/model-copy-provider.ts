// The ModelCopy lifecycle, built from the shared core's parts (check, diff, identity tags, wait budget, partial
// failure, secrets): authorize on the target, copy on the source, wait for the copy operation, then tag the copy and
// connect it to the target project.
//
// The copy has no id in the target until its operation ends, and the service cannot list copy operations: a run that
// stops while a copy is in flight would leave nothing a rerun could find, and the rerun would copy again. So before
// copying, the create opens a journal in the target: a project carrying this resource's identity tags and, once the
// copy is started, the operation's id. A rerun finds the journal and waits for that operation instead of copying
// twice; the journal is deleted when the copy is tagged. The Pulumi id is the copy operation's id.
import type * as pulumi from "@pulumi/pulumi";
import { accessProblem, idFromSelf, isNotFound, isInUse, startModelCopy, waitForModelCopy, type SpeechClient } from "../speech-api";
import type * as m from "../speech-api/models";
import { IDENTITY_TAG_KEYS, referenceKey } from "./checks";
import {
  MANAGED,
  clientFor,
  customPropertiesBody,
  guard,
  identityTags,
  isDeadline,
  messageOf,
  newManagedTag,
  offlineMethods,
  partialFailure,
  plain,
  patchFor,
  reconcile,
  refreshedInputs,
  requestContext,
  toOutputs,
  waitOptions,
  type Outputs,
} from "./core";
import { modelCopySpec as spec } from "./model-copy";
import { canonicalJson, inputKeys, mergeBodies, type Inputs } from "./spec";

/** The copy operation of a resource: its id, unless it adopted an existing model (adoptId). */
const operationOf = (id: string, props: Inputs): string | null => (props.adoptId ? null : (props.copyOperation ?? id));

/** The least a delete waits for a copy still running. */
const DELETE_WAIT_MINUTES = 10;

/** The journal's custom property that holds the copy operation's id. */
const OPERATION_TAG = "pulumi-copy-operation";
const JOURNAL = "journal";

const idOf = (ref: string) => String(referenceKey(ref, "models")).split("/").pop()!;
const who = (i: Inputs) => `ModelCopy ${i.displayName}`;

/** Runs one call on one side, turning access and input errors into messages that name what to fix. */
async function on<T>(side: "source" | "target", inputs: Inputs, what: string, f: () => Promise<T>, codes: Record<string, string> = {}): Promise<T> {
  try {
    return await f();
  } catch (e) {
    // The copy procedure says which side answered (authorize: target, copy: source).
    const at = (e as { side?: "source" | "target" }).side ?? side;
    const access = accessProblem(e, at, at === "source" ? inputs.sourceSpeech.endpoint : inputs.speech.endpoint);
    // The status stays on the error: callers decide by it whether the service answered at all.
    const status = { statusCode: (e as { statusCode?: number }).statusCode };
    if (access) throw Object.assign(new Error(`${who(inputs)}: ${what}: ${access}. Service said: ${messageOf(e)}`), status);
    const hint = codes[(e as { innerCode?: string }).innerCode ?? ""] ?? (isNotFound(e) ? codes.NotFound : undefined);
    if (hint) throw Object.assign(new Error(`${who(inputs)}: ${hint}. Service said: ${messageOf(e)}`), status);
    throw e;
  }
}

const SOURCE_ID_HINT = "source.resourceId (sourceResourceId) is not the ARM id of the source Speech resource: give the resourceId of the resource behind source.speech.endpoint";

/** The outputs: the target model's (or, while the copy runs, the operation's status), with the operation id. */
function outputsOf(entity: m.CustomModel | { status?: string }, inputs: Inputs, managedTag: string | null, operation: string | null): Outputs {
  return { ...toOutputs(spec, entity as m.CustomModel, inputs, managedTag), copyOperation: operation } as Outputs;
}

// ---- the journal (a project in the target) ----

function journalTags(inputs: Inputs): Record<string, string> {
  return { ...identityTags(spec, inputs), [MANAGED]: JOURNAL };
}

async function findJournal(target: SpeechClient, inputs: Inputs): Promise<m.Project | undefined> {
  const tags = journalTags(inputs);
  const projects = await on("target", inputs, "reading the target's projects", () => target.listProjects());
  return projects.find((p) => Object.entries(tags).every(([k, v]) => p.customProperties?.[k] === v));
}

async function openJournal(target: SpeechClient, inputs: Inputs): Promise<m.Project> {
  return on("target", inputs, "recording the copy", () => target.createProject({
    displayName: `pulumi copy in progress: ${inputs.displayName}`.slice(0, 256),
    description: "Records a model copy in progress (pulumi-custom-speech ModelCopy); deleted when the copy is done. Safe to delete when no deployment runs.",
    locale: inputs.locale,
    customProperties: journalTags(inputs),
  }));
}

/**
 * A run that stopped between starting a copy and recording it leaves a journal without an operation: that copy
 * may still arrive. Once this run's own copy has arrived, earlier unclaimed copies of the same source model that
 * arrived since the journal was opened are that run's, and are deleted (a copy that arrives later than this run's
 * own is not seen; see docs/custom-speech-resources.md).
 */
async function sweepInterrupted(target: SpeechClient, inputs: Inputs, sourceModel: m.CustomModel, since: string | undefined, keep: string): Promise<void> {
  if (!since) return;
  // A copy carries its source's display name and custom properties; one that has been claimed since (tagged by a
  // ModelCopy, or by `npm run migrate`) is not a stray. Where a copy does not look like that, nothing is deleted.
  const same = (x: m.CustomModel) => canonicalJson(x.customProperties ?? {}) === canonicalJson(sourceModel.customProperties ?? {});
  try {
    const strays = (await target.listModels()).filter(
      (x) =>
        x.self &&
        idFromSelf(x.self) !== keep &&
        x.locale === sourceModel.locale &&
        x.displayName === sourceModel.displayName &&
        same(x) &&
        Date.parse(x.createdDateTime ?? "") >= Date.parse(since) &&
        !x.customProperties?.[IDENTITY_TAG_KEYS[0]]?.includes("/ModelCopy/"),
    );
    for (const x of strays) await target.deleteModel(idFromSelf(x.self!)).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  } catch (e) {
    // The copy is made and tagged: a failed clean-up must not lose it from the state.
    process.stderr.write(`${who(inputs)}: could not look for a copy left by an interrupted run: ${messageOf(e)}\n`);
  }
}

async function closeJournal(target: SpeechClient, journal: m.Project | undefined): Promise<void> {
  if (!journal?.self) return;
  try {
    await target.deleteProject(idFromSelf(journal.self));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/**
 * Closes the journal of this operation, if one is left: once the engine has the operation id (a result or a partial
 * failure), the journal has done its job, and leaving it would let a replacement with the same inputs take over
 * an operation that belongs to this resource.
 */
async function closeJournalOf(target: SpeechClient, inputs: Inputs, operation: string | null, known?: m.Project): Promise<void> {
  if (!operation) return;
  // The create holds its journal; other paths look (one may be left from a run that stopped).
  const journal = known ?? (await findJournal(target, inputs));
  if (journal?.customProperties?.[OPERATION_TAG] === operation) await closeJournal(target, journal);
}

// ---- the steps ----

/** What the service would refuse later, asked before anything is written: the source model and the target project. */
async function checkBeforeCopy(source: SpeechClient, target: SpeechClient, inputs: Inputs): Promise<m.CustomModel> {
  const model = await on("source", inputs, "reading source.model", () => source.getModel(idOf(inputs.sourceModel)), {
    NotFound: `source.model (sourceModel) ${inputs.sourceModel} is not a custom model of the source resource ${inputs.sourceSpeech.endpoint} (base models cannot be copied)`,
  });
  if (model.locale !== inputs.locale) throw new Error(`${who(inputs)}: locale is ${inputs.locale}, but source.model is a ${model.locale} model`);
  if (model.status !== "Succeeded") throw new Error(`${who(inputs)}: source.model is ${model.status}; only a trained (Succeeded) model can be copied`);
  if (!inputs.project) return model;
  const project = await on("target", inputs, "reading target.project", () => target.getProject(String(referenceKey(inputs.project, "projects")).split("/").pop()!), {
    NotFound: `target.project (project) ${inputs.project} does not exist in the target resource ${inputs.speech.endpoint}`,
  });
  if (project.locale !== inputs.locale) throw new Error(`${who(inputs)}: target.project (project) is a ${project.locale} project, but the model is ${inputs.locale}`);
  return model;
}

/** Waits for the copy operation, then tags the copy, connects it to the project and closes the journal. */
async function complete(operation: string, inputs: Inputs, journal?: m.Project): Promise<Outputs> {
  const target = clientFor(inputs);
  try {
    return await wait(operation, inputs, journal);
  } catch (e) {
    // The engine gets the operation id with a partial failure: the journal is not needed any more.
    if (typeof (e as { id?: unknown }).id === "string") await closeJournalOf(target, inputs, operation, journal).catch(() => undefined);
    throw e;
  }
}

async function wait(operation: string, inputs: Inputs, journal?: m.Project): Promise<Outputs> {
  const source = clientFor(inputs, "sourceSpeech");
  const target = clientFor(inputs);
  const { minutes, poll } = waitOptions(spec, inputs);
  let arrived: { id: string };
  try {
    arrived = await on("source", inputs, "waiting for the copy", () => waitForModelCopy(source, operation, poll));
  } catch (e) {
    const last = (e as { lastValue?: m.Operation }).lastValue;
    if (isNotFound(e)) {
      throw new Error(
        `${who(inputs)}: the copy operation ${operation} no longer exists on the source (operations expire); ` +
          "`pulumi refresh` drops this copy from the state, and the next `pulumi up` copies again",
      );
    }
    if (isDeadline(e)) {
      throw partialFailure(
        `${who(inputs)}: the copy ${operation} is still ${last?.status ?? "running"} after the ${minutes}-minute wait budget (waitMinutes); ` +
          "it was kept in the state: run `pulumi up` again to resume waiting without copying again",
        operation,
        { ...outputsOf({ status: last?.status ?? "Running" }, inputs, null, operation), __provider: inputs.__provider },
      );
    }
    if ((e as { code?: string }).code === "CopyFailed") {
      throw partialFailure(`${who(inputs)}: ${messageOf(e).replace(/\.$/, "")}. Nothing was copied; \`pulumi up --replace\` tries again.`, operation, {
        ...outputsOf({ status: "Failed" }, inputs, null, operation),
        __provider: inputs.__provider,
      });
    }
    throw partialFailure(`${who(inputs)}: the copy ${operation} was started, but waiting for it failed: ${messageOf(e)}. Run \`pulumi up\` again to resume.`, operation, {
      ...outputsOf({ status: last?.status ?? "Running" }, inputs, null, operation),
      __provider: inputs.__provider,
    });
  }
  return finish(target, operation, arrived.id, inputs, journal);
}

/** Gives the copy the program's display name, description, custom properties, identity tags and project. */
async function finish(target: SpeechClient, operation: string | null, modelId: string, inputs: Inputs, journal?: m.Project): Promise<Outputs> {
  let entity = await target.getModel(modelId);
  const managedTag = newManagedTag();
  // The copy arrives with the source's custom properties: they are replaced by the program's and the identity tags.
  const patch = mergeBodies([
    reconcile(spec, entity, inputs, requestContext(target)),
    { customProperties: customPropertiesBody(spec, inputs, managedTag, { customProperties: { ...entity.customProperties } }) },
  ]);
  try {
    entity = await on("target", inputs, "tagging the copy", () => target.updateModel(modelId, patch), {
      InvalidProject: "target.project (project) cannot hold the copy (another locale, or it does not exist)",
    });
  } catch (e) {
    throw partialFailure(`${who(inputs)}: the copy ${modelId} arrived but could not be tagged or connected: ${messageOf(e)}. Run \`pulumi up\` again to finish.`, operation ?? modelId, {
      ...outputsOf(entity, inputs, null, operation),
      __provider: inputs.__provider,
    });
  }
  await closeJournalOf(target, inputs, operation, journal);
  return outputsOf(entity, inputs, managedTag, operation);
}

/** adoptId: a copy that already exists in the target (made by Speech Studio or `npm run migrate`) is tagged, not copied. */
async function adopt(target: SpeechClient, inputs: Inputs): Promise<{ id: string; outs: Outputs }> {
  const id = String(inputs.adoptId);
  const entity = await on("target", inputs, "reading adoptId", () => target.getModel(id), { NotFound: `adoptId: model ${id} does not exist on ${inputs.speech.endpoint}` });
  // A copy carries its source model's tags (a Model of the source stack); only another ModelCopy's tag is a claim.
  const owner = entity.customProperties?.[IDENTITY_TAG_KEYS[0]];
  if (owner?.includes("/ModelCopy/") && owner !== identityTags(spec, inputs)[IDENTITY_TAG_KEYS[0]]) {
    throw new Error(`adoptId: model ${id} is managed by another Pulumi resource (${owner})`);
  }
  if (entity.locale !== inputs.locale) throw new Error(`adoptId: model ${id} is ${entity.locale}, the ModelCopy says ${inputs.locale}`);
  return { id, outs: await finish(target, null, id, inputs) };
}

export const modelCopyProvider: Required<Omit<pulumi.dynamic.ResourceProvider, "configure">> = {
  ...offlineMethods(spec),

  create: guard(
    (inputs) => inputs,
    async (inputs: Inputs) => {
      const source = clientFor(inputs, "sourceSpeech");
      const target = clientFor(inputs);
      if (inputs.adoptId) return adopt(target, inputs);
      // A run that stopped after starting this copy left its journal: wait for that copy instead of copying again.
      let journal = await findJournal(target, inputs);
      let operation = journal?.customProperties?.[OPERATION_TAG];
      // An operation the service no longer knows (they expire) is started again.
      if (operation && (await source.getModelCopyOperation(operation).then(() => false, (e) => (isNotFound(e) ? true : Promise.reject(e))))) {
        await closeJournal(target, journal);
        [journal, operation] = [undefined, undefined];
      }
      let interrupted: { since?: string; sourceModel: m.CustomModel } | undefined;
      if (!operation) {
        const sourceModel = await checkBeforeCopy(source, target, inputs);
        if (journal) interrupted = { since: journal.createdDateTime, sourceModel };
        journal ??= await openJournal(target, inputs);
        const started = await on("target", inputs, "copying", () =>
          startModelCopy({ source, target, sourceResourceId: inputs.sourceResourceId, targetResourceId: inputs.targetResourceId }, idOf(inputs.sourceModel)),
          { InvalidSourceAzureResourceId: SOURCE_ID_HINT },
        ).catch(async (e) => {
          // Only a definite refusal means no copy started; after a lost answer the journal stays, so a rerun looks
          // for the copy that may be under way.
          const status = (e as { statusCode?: number }).statusCode;
          if (status !== undefined && status < 500) await closeJournal(target, journal).catch(() => undefined);
          throw e;
        });
        operation = started.operationId;
        const noted = journal;
        journal = await target.updateProject(idFromSelf(noted.self!), { customProperties: { ...journalTags(inputs), [OPERATION_TAG]: operation } }).catch((e) => {
          throw partialFailure(`${who(inputs)}: the copy ${operation} was started but could not be recorded: ${messageOf(e)}. Run \`pulumi up\` again to resume.`, operation!, {
            ...outputsOf({ status: "Running" }, inputs, null, operation!),
            __provider: inputs.__provider,
          });
        });
      }
      const outs = await complete(operation, inputs, journal);
      if (interrupted) await sweepInterrupted(target, inputs, interrupted.sourceModel, interrupted.since, outs.modelId);
      return { id: operation, outs };
    },
  ),

  update: guard(
    (_id, _olds, news) => news,
    async (id: string, olds: Inputs, news: Inputs) => {
      const target = clientFor(news);
      // A copy still running (or arrived but untagged) when the last `up` stopped: resume; never copy again.
      if (!olds.modelId) return { outs: await complete(operationOf(id, olds)!, news) };
      if (!olds.managedTag) return { outs: await finish(target, operationOf(id, olds), olds.modelId, news) };
      const patch = patchFor(spec, olds, news, requestContext(target));
      let entity: m.CustomModel;
      try {
        entity = Object.keys(patch).length
          ? await on("target", news, "updating the copy", () => target.updateModel(olds.modelId, patch), { InvalidProject: "target.project (project) cannot hold the copy" })
          : await target.getModel(olds.modelId);
      } catch (e) {
        if (isNotFound(e)) throw new Error(`${who(news)}: the copy ${olds.modelId} no longer exists; run \`pulumi refresh\` so the next \`up\` copies again`);
        throw e;
      }
      return { outs: outputsOf(entity, news, olds.managedTag, operationOf(id, olds)) };
    },
  ),

  read: guard(
    (_id, props) => props,
    async (id: string, props: Inputs) => {
      const operation = operationOf(id, props);
      let modelId: string | undefined = props.modelId ?? undefined;
      if (!modelId && operation) {
        // Still copying when the state was written: the operation says whether the copy has arrived since.
        let op: m.Operation;
        try {
          op = await clientFor(props, "sourceSpeech").getModelCopyOperation(operation);
        } catch (e) {
          if (isNotFound(e)) return {};
          throw e;
        }
        if (op.status !== "Succeeded" || !op.result?.link) {
          const inputs = plain(Object.fromEntries(inputKeys(spec).filter((k) => props[k] !== undefined).map((k) => [k, props[k]])));
          return { id, props: outputsOf({ status: op.status }, inputs, null, operation), inputs };
        }
        modelId = idFromSelf(op.result.link);
      }
      if (!modelId) return {};
      let entity: m.CustomModel;
      try {
        entity = await clientFor(props).getModel(modelId);
      } catch (e) {
        if (isNotFound(e)) return {}; // gone: the engine drops it from the state
        throw e;
      }
      const inputs = refreshedInputs(spec, entity, props);
      return { id, props: outputsOf(entity, inputs, props.managedTag ?? null, operation), inputs };
    },
  ),

  delete: guard(
    (_id, props) => props,
    async (id: string, props: Inputs) => {
      const target = clientFor(props);
      const operation = operationOf(id, props);
      let modelId: string | undefined = props.modelId ?? undefined;
      if (!modelId && operation) {
        // A copy that was still running: wait for it, so it does not arrive after the delete. At least 10 minutes:
        // a budget that ran out on the create (the reason it is still running) must not make the delete give up.
        const budget = { ...props, waitMinutes: Math.max(props.waitMinutes ?? spec.defaultWaitMinutes ?? 60, DELETE_WAIT_MINUTES) };
        try {
          modelId = (await waitForModelCopy(clientFor(props, "sourceSpeech"), operation, waitOptions(spec, budget).poll)).id;
        } catch (e) {
          if (isDeadline(e)) throw new Error(`${who(props)}: the copy ${operation} is still running after ${budget.waitMinutes} minutes; run the delete again once it has finished, or its model would arrive after the delete`);
          if (!isNotFound(e) && (e as { code?: string }).code !== "CopyFailed") throw e;
        }
      }
      if (modelId) {
        try {
          // A copy another ModelCopy has since taken over (a replacement adopting the same model) lives on. One not
          // tagged yet still carries its source model's tags, which claim nothing here.
          const tags = (await target.getModel(modelId)).customProperties ?? {};
          const claimed = tags[IDENTITY_TAG_KEYS[0]]?.includes("/ModelCopy/") && tags[MANAGED] !== props.managedTag;
          if (!claimed) await target.deleteModel(modelId);
        } catch (e) {
          if (isInUse(e)) throw new Error(`${who(props)}: the copy ${modelId} cannot be deleted: ${spec.inUseHint}. Service said: ${messageOf(e)}`);
          if (!isNotFound(e)) throw e;
        }
      }
      await closeJournalOf(target, props, operation);
    },
  ),
};
