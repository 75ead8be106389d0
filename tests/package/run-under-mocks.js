// Copied into the consumer's folder by consumer.test.ts and run there with node, so that every module, this
// package and @pulumi/pulumi alike, resolves from the consumer's node_modules. Runs the compiled program (argv[2])
// under Pulumi's mocks, or only loads the package's entries when argv[2] is "--library", and prints one JSON line:
// the resources registered (type, name, inputs) and the program's outputs.
const pulumi = require("@pulumi/pulumi");

async function main() {
  const resources = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = args.type === "azure-native:cognitiveservices:Account" ? { ...args.inputs, endpoint: "https://speech-consumer.cognitiveservices.azure.com/" } : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "speech-consumer",
    "dev",
    false,
  );
  pulumi.runtime.setAllConfig({ "speech-consumer:resourceGroupName": "rg-consumer" });
  let outputs = {};
  if (process.argv[2] === "--library") {
    for (const entry of ["", "/speech-api", "/training-data", "/region-migration", "/preview-summary", "/emulator", "/provider"]) require(`pulumi-custom-speech${entry}`);
  } else {
    const exported = require(require("path").resolve(process.argv[2]));
    outputs = Object.fromEntries(await Promise.all(Object.entries(exported).map(async ([k, v]) => [k, await new Promise((r) => pulumi.output(v).apply(r))])));
  }
  await pulumi.runtime.waitForRPCs();
  process.stdout.write(JSON.stringify({ resources, outputs }) + "\n");
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
