// The package's public API, one api-extractor report per entry in package.json `exports` (api/*.api.md, reviewed
// like code, as the Azure SDK does). `node api/extract.js` fails when the surface differs from the checked-in
// report (npm test); `node api/extract.js --local` rewrites the reports after an intended change (npm run api).
// Runs on the declarations in dist/, so `npm run build` comes first.
const path = require("path");
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");

const root = path.resolve(__dirname, "..");
const pkg = require(path.join(root, "package.json"));
const local = process.argv.includes("--local");

let failed = false;
for (const [entry, target] of Object.entries(pkg.exports)) {
  if (typeof target !== "object" && !String(target).endsWith(".js")) continue;
  const js = typeof target === "object" ? target.types : target.replace(/\.js$/, ".d.ts");
  if (!js.endsWith(".d.ts")) continue;
  const name = entry === "." ? "pulumi-custom-speech" : `pulumi-custom-speech-${entry.slice(2)}`;
  const config = ExtractorConfig.loadFile(path.join(root, "api-extractor.json"));
  config.mainEntryPointFilePath = path.join(root, js);
  config.apiReport.reportFileName = name;
  const prepared = ExtractorConfig.prepare({ configObject: config, configObjectFullPath: path.join(root, "api-extractor.json"), packageJsonFullPath: path.join(root, "package.json") });
  const result = Extractor.invoke(prepared, { localBuild: local, showVerboseMessages: false, messageCallback: (m) => { if (m.logLevel === "warning" || m.logLevel === "error") { /* printed by api-extractor */ } } });
  if (!result.succeeded || (!local && result.apiReportChanged)) {
    failed = true;
    console.error(`api/${name}.api.md: the public API of "${pkg.name}${entry === "." ? "" : entry.slice(1)}" changed. Review it and run \`npm run api\` to accept the change.`);
  }
}
process.exit(failed ? 1 : 0);
