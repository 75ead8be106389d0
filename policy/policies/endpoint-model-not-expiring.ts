// A custom model stops transcribing on its transcription expiry date and the endpoint silently falls back to a base
// model. Endpoints hold only a reference to their model, so this is a stack policy: it finds the Model or ModelCopy
// in the stack that the endpoint deploys (its `model` input) or the service reports it serving (`servedModel`).
import type { PolicyConfigSchema, StackValidationArgs, StackValidationPolicy, ReportViolation } from "@pulumi/policy";
import { daysLeft, ensure, expiresWithin, number } from "../../components/domain";
import { readConfig } from "../lib/config";
import { localeOf, modelKey, named, nodes, shownModel, type Node } from "../lib/speech";
import { ENDPOINT, MODEL, MODEL_COPY } from "../lib/types";
import { knownString } from "../lib/values";

export interface ExpiryConfig {
  expiryDays: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    expiryDays: {
      type: "integer",
      minimum: 0,
      maximum: 3650,
      default: 30,
      description: "An endpoint may not serve a model whose transcription ends within this many days.",
    },
  },
};

const NAME = "endpoint-model-not-expiring";

/** `now` is a parameter for tests that pin the clock; the pack uses the real one. */
export function endpointModelNotExpiringPolicy(now: () => number = Date.now): StackValidationPolicy {
  return {
    name: NAME,
    description: "Endpoints never serve a custom model whose transcription expires within expiryDays (default 30).",
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps:
      "Retrain on a newer base model before the date: for a LocalePipeline, a new base model (config baseModel, or the policy's minAdaptationDaysLeft) " +
      "or new training data retrains and the gate swaps the endpoint; for a ModelCopy, retrain in the source stack and run `pulumi up` here to copy the new model.",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const config = readConfig<ExpiryConfig>(NAME, configSchema, args.getConfig);
      const days = ensure<number>(`${NAME}.expiryDays`, config.expiryDays, number(0, 3650, { integer: true }));
      const all = nodes(args.resources);
      const models = new Map<string, Node>();
      for (const m of all.filter((n) => n.type === MODEL || n.type === MODEL_COPY)) {
        for (const ref of [m.props.self, m.props.modelId]) {
          const key = modelKey(ref);
          if (key) models.set(key, m);
        }
      }
      const endpoints = all.filter((n) => n.type === ENDPOINT);
      if (endpoints.length === 0) return args.notApplicable("the stack has no Endpoint");
      for (const endpoint of endpoints) {
        // What it is told to serve and what the service says it serves: usually the same model, reported once.
        const served = new Set([endpoint.props.model, endpoint.props.servedModel].map(modelKey).filter((k): k is string => !!k));
        for (const key of served) {
          const model = models.get(key);
          const expiry = model && knownString(model.props.transcriptionExpiry);
          // Not in this stack, not known yet (a new model), no date, or outside the window.
          const today = now();
          if (!model || !expiresWithin(expiry, days, today)) continue;
          const left = daysLeft(expiry, today);
          const when = left < 0 ? `ended on ${expiry.slice(0, 10)} (${-left} days ago)` : `ends on ${expiry.slice(0, 10)}, in ${left} days`;
          reportViolation(
            `${named(endpoint)} (${localeOf(endpoint) ?? "locale not known"}) serves ${named(model)} (${shownModel(key)}), whose transcription ${when}: ` +
              `inside the ${days}-day window (expiryDays). The endpoint then falls back to a base model. ` +
              (model.type === MODEL_COPY
                ? "Retrain in the source stack, then `pulumi up` here copies the new model and swaps the endpoint."
                : "Retrain on a newer base model (a new baseModel or training data); the evaluation gate then swaps the endpoint."),
            endpoint.urn,
          );
        }
      }
    },
  };
}

export const endpointModelNotExpiring = endpointModelNotExpiringPolicy();
