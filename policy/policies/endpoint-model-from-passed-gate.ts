// Where a stack evaluates a locale, its endpoints deploy only what a gate approved: an Evaluation's approvedModel,
// which is set only when the gate passed. Judged by value when the values are known, and by wiring (the property
// dependencies of the endpoint's `model`) when the model is not known yet in a preview.
import type { PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { localeOf, modelKey, named, nodes, shownModel, type Node } from "../lib/speech";
import { ENDPOINT, EVALUATION } from "../lib/types";
import { isSet, isUnknown } from "../lib/values";

const configSchema: PolicyConfigSchema = { properties: {} };
const NAME = "endpoint-model-from-passed-gate";
const FIX = "Deploy the gate's outcome: new Endpoint(name, { model: evaluation.approvedModel, ... }) (LocalePipeline does).";

export const endpointModelFromPassedGate: StackValidationPolicy = {
  name: NAME,
  description: "Where the stack has an Evaluation for a locale, the locale's endpoints serve a model a passed Evaluation approved (its approvedModel).",
  enforcementLevel: "mandatory",
  configSchema,
  remediationSteps: `${FIX} A failed gate leaves the endpoint on the model it served; fix the model or the gate, never bypass it.`,
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    readConfig(NAME, configSchema, args.getConfig);
    const all = nodes(args.resources);
    const evaluations = all.filter((n) => n.type === EVALUATION);
    if (evaluations.length === 0) return args.notApplicable("the stack has no Evaluation");
    for (const endpoint of all.filter((n) => n.type === ENDPOINT)) {
      const locale = localeOf(endpoint);
      const gates = evaluations.filter((e) => locale !== undefined && localeOf(e) === locale);
      if (gates.length === 0) continue; // no gate for this locale here (e.g. a copied locale): nothing to pass
      const where = `${named(endpoint)} (${locale})`;
      const gateNames = gates.map(named).join(", ");
      // propertyDependencies: the resources the engine says the `model` input came from (absent: not reported).
      const from = endpoint.resource.propertyDependencies?.model;
      const wiredToGate = !!from?.some((d) => gates.some((g) => g.urn === d.urn));
      const model = endpoint.props.model;

      if (!isSet(model)) {
        if (isUnknown(model) && from && from.length > 0 && !wiredToGate) {
          const sources = nodes(from).map(named).join(", ");
          reportViolation(`${where} deploys a model that comes from ${sources}, not from an approvedModel of ${gateNames}. ${FIX}`, endpoint.urn);
        }
        continue;
      }
      const key = modelKey(model);
      if (gates.some((g) => isSet(g.props.approvedModel) && modelKey(g.props.approvedModel) === key)) continue;
      const failed = gates.find((g) => g.props.passed === false && modelKey(g.props.model2) === key);
      if (failed) {
        const reasons = Array.isArray(failed.props.gateFailures) ? `: ${failed.props.gateFailures.join("; ")}` : "";
        reportViolation(`${where} serves ${shownModel(model)}, the candidate of ${named(failed)}, whose gate failed${reasons}. ${FIX}`, endpoint.urn);
        continue;
      }
      // Wired to the gate: a failed gate left it on the model it served. A gate not decided yet (a preview, a run
      // still waiting) approves nothing so far: both are judged when the values are known.
      if (wiredToGate) continue;
      if (gates.some((g: Node) => !isSet(g.props.approvedModel) && g.props.passed !== false)) continue;
      const approved = gates.map((g) => (isSet(g.props.approvedModel) ? shownModel(g.props.approvedModel) : undefined)).filter(Boolean);
      reportViolation(
        `${where} serves ${shownModel(model)}, which no passed gate approved (${gateNames}; approved: ${approved.length ? approved.join(", ") : "none"}). ${FIX}`,
        endpoint.urn,
      );
    }
  },
};
