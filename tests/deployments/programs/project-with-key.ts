// A program that gives a Custom Speech resource its key by value (a key from an azure-native listAccountKeys, or
// a program's own secret), not by config key name.
import * as pulumi from "@pulumi/pulumi";
import { FAST_TUNING } from "../../support/stack-files";
import { Project } from "../../../components/custom-speech";

export function program() {
  const config = new pulumi.Config();
  const project = new Project("keyed", {
    speech: { endpoint: config.require("endpoint"), key: config.requireSecret("key") },
    locale: "en-US",
    tuning: FAST_TUNING,
  });
  return { projectId: project.id };
}
