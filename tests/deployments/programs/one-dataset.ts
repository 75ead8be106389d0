// A program with one Dataset whose contentUrl (with its SAS token) and key come from the stack config.
import * as pulumi from "@pulumi/pulumi";
import { FAST_TUNING } from "../../support/stack-files";
import { Dataset } from "../../../components/custom-speech";

export function program() {
  const config = new pulumi.Config();
  const dataset = new Dataset("data", {
    speech: { endpoint: config.require("endpoint"), key: config.requireSecret("key") },
    kind: "Language",
    locale: "en-US",
    contentUrl: config.requireSecret("contentUrl"),
    tuning: FAST_TUNING,
  });
  return { datasetId: dataset.id, status: dataset.status };
}
