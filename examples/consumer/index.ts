// A program of a team that installed this package from npm: its own composition, by package name.
// The consumer test (tests/package/consumer.test.ts) packs the package, installs the tarball next to a copy of
// this folder, compiles it and runs it under Pulumi's mocks.
import * as pulumi from "@pulumi/pulumi";
import { Project, SpeechAccount, validateTrainingRegion } from "pulumi-custom-speech";
import { API_VERSION } from "pulumi-custom-speech/speech-api";

const config = new pulumi.Config();
const location = validateTrainingRegion(config.get("location") ?? "eastus");

const speech = new SpeechAccount("speech", { resourceGroupName: config.require("resourceGroupName"), location });
const project = new Project("call-center", {
  // The endpoint alone: the provider authenticates with Microsoft Entra ID (DefaultAzureCredential).
  speech: { endpoint: speech.endpoint },
  locale: "en-US",
  displayName: "Call center",
});

export const endpoint = speech.endpoint;
export const projectUrl = project.self;
export const speechApiVersion = API_VERSION;
