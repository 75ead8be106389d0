// One locale on a Speech resource that already exists, with the package from npm: project, datasets read from blob
// URLs, a model, a WER gate and an endpoint. The key is a secret of the stack (`pulumi config set --secret
// speechKey …`), read by the providers on every operation; without it they use Microsoft Entra ID. The consumer test
// (tests/package/consumer.test.ts) deploys it with the Pulumi CLI against the emulator.
import * as pulumi from "@pulumi/pulumi";
import { LocalePipeline, validateLocale } from "pulumi-custom-speech";

const config = new pulumi.Config();
const data = config.require("dataUrl"); // a container URL: https://<account>.blob.core.windows.net/<container>

const pipeline = new LocalePipeline("call-center-en-us", {
  speech: { endpoint: config.require("speechEndpoint"), keyConfig: config.getSecret("speechKey") ? "speechKey" : undefined },
  config: validateLocale(
    {
      locale: "en-US",
      displayName: "Call center",
      datasets: [
        { name: "calls", kind: "Acoustic", contentUrl: `${data}/calls.zip` },
        { name: "calls-test", kind: "Acoustic", contentUrl: `${data}/calls-test.zip` },
      ],
      training: { datasets: ["calls"] },
      evaluation: { dataset: "calls-test", maxWordErrorRate: 10 },
      endpoint: { displayName: "call-center-en-US" },
    },
    "locale",
  ),
  tuning: config.getObject("tuning"),
});

export const endpointId = pipeline.endpointId;
export const endpointUrl = pipeline.endpointUrl;
export const modelId = pipeline.modelId;
