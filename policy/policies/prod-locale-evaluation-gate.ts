// In prod, no locale trains without a quality gate: every LocalePipeline has an Evaluation (its child), and a Model
// trained here outside a LocalePipeline has an Evaluation of its locale. A gate without thresholds approves every
// candidate, so it does not count. Copied locales (LocaleReplica, ModelCopy) train nothing here: their gate ran in
// the source stack, which this policy covers when it is a prod stack too.
import type { PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PROD_STACK_PATTERN, readConfig } from "../lib/config";
import { localeOf, named, nodes, within } from "../lib/speech";
import { matchesStack, stackOf } from "../lib/stack";
import { EVALUATION, LOCALE_PIPELINE, MODEL } from "../lib/types";
import { isUnknown } from "../lib/values";

export interface LocaleGateConfig {
  prodStackPattern: string;
  requireThresholds: boolean;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    prodStackPattern: PROD_STACK_PATTERN,
    requireThresholds: {
      type: "boolean",
      default: true,
      description: "An Evaluation counts as a gate only with maxWordErrorRate or minWordErrorRateImprovement set.",
    },
  },
};
const NAME = "prod-locale-evaluation-gate";
const FIX = "Give the locale an evaluation in the stack config: { dataset: <a test dataset>, maxWordErrorRate and/or minWordErrorRateImprovement }.";

export const prodLocaleEvaluationGate: StackValidationPolicy = {
  name: NAME,
  description: "In prod stacks (prodStackPattern, default prod*), every locale pipeline that trains a model has an evaluation gate with a threshold.",
  enforcementLevel: "mandatory",
  configSchema,
  remediationSteps: `${FIX} Without LocalePipeline: an Evaluation of the locale (model2: the Model) and the Endpoint on its approvedModel.`,
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const config = readConfig<LocaleGateConfig>(NAME, configSchema, args.getConfig);
    const all = nodes(args.resources);
    const stack = all.length ? stackOf(all[0].urn) : "";
    if (!matchesStack(config.prodStackPattern, stack)) return args.notApplicable(`stack "${stack}" does not match prodStackPattern "${config.prodStackPattern}"`);
    const evaluations = all.filter((n) => n.type === EVALUATION);
    const pipelines = all.filter((n) => n.type === LOCALE_PIPELINE);

    for (const pipeline of pipelines) {
      const children = all.filter((n) => within(n, pipeline.urn));
      const locale = children.map(localeOf).find(Boolean);
      if (children.some((n) => n.type === EVALUATION)) continue;
      reportViolation(
        `${named(pipeline)} (${locale ?? "locale not known"}) in prod stack "${stack}" has no evaluation gate: every retrained model would go to its endpoint untested. ${FIX}`,
        pipeline.urn,
      );
    }
    // Written without our components: a Model trained in this stack needs an Evaluation of its locale.
    for (const model of all.filter((n) => n.type === MODEL && !pipelines.some((p) => within(n, p.urn)))) {
      const locale = localeOf(model);
      if (locale === undefined || evaluations.some((e) => localeOf(e) === locale)) continue;
      reportViolation(`${named(model)} (${locale}) is trained in prod stack "${stack}", which has no Evaluation for ${locale}. ${FIX}`, model.urn);
    }
    if (!config.requireThresholds) return;
    for (const evaluation of evaluations) {
      const [max, min] = [evaluation.props.maxWordErrorRate, evaluation.props.minWordErrorRateImprovement];
      if (isUnknown(max) || isUnknown(min) || (max !== undefined && max !== null) || (min !== undefined && min !== null)) continue;
      reportViolation(
        `${named(evaluation)} (${localeOf(evaluation) ?? "locale not known"}) sets neither maxWordErrorRate nor minWordErrorRateImprovement, so it approves every candidate. ${FIX}`,
        evaluation.urn,
      );
    }
  },
};
