// A program with one Dataset whose contentUrl (with its SAS token) and key come from the stack config; optionally
// in a Project (`inProject`) and with custom properties (`customProperties`).
import * as pulumi from "@pulumi/pulumi";
import { FAST_TUNING } from "../../support/stack-files";
import { Dataset, Project } from "../../../components/custom-speech";

export function program() {
  const config = new pulumi.Config();
  const speech = { endpoint: config.require("endpoint"), key: config.requireSecret("key") };
  const project = config.getBoolean("inProject") ? new Project("group", { speech, locale: "en-US", tuning: FAST_TUNING }) : undefined;
  const dataset = new Dataset("data", {
    speech,
    kind: "Language",
    locale: "en-US",
    project: project?.self,
    contentUrl: config.requireSecret("contentUrl"),
    customProperties: config.getObject<Record<string, string>>("customProperties"),
    tuning: FAST_TUNING,
  });
  return { datasetId: dataset.id, status: dataset.status };
}
