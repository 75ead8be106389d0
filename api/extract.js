// The package's public API, one api-extractor report per entry in package.json `exports` (api/*.api.md, reviewed
// like code, as the Azure SDK does). `node api/extract.js` fails when a surface differs from its checked-in report,
// or when a report has no entry any more (npm test, and prepack before a pack or publish); `node api/extract.js
// --local` rewrites the reports after an intended change (npm run api). Reads the declarations in dist/, so
// `npm run build` comes first.
const fs = require("fs");
const path = require("path");
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");

const root = path.resolve(__dirname, "..");
const configFile = path.join(root, "api-extractor.json");
const pkg = require(path.join(root, "package.json"));
const local = process.argv.includes("--local");
const tsconfig = JSON.parse(fs.readFileSync(path.join(__dirname, "tsconfig.json"), "utf8"));

const reportName = (entry) => (entry === "." ? pkg.name : `${pkg.name}-${entry.slice(2)}`);
const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === "object" && target.types);

let failed = false;
for (const [entry, target] of entries) {
  const config = ExtractorConfig.loadFile(configFile);
  config.mainEntryPointFilePath = path.join(root, target.types);
  // Only the entry's own declarations and what they import: a program of every declaration in dist/ per entry
  // took several times as long.
  config.compiler = { overrideTsconfig: { ...tsconfig, files: [path.join(root, target.types)], include: [] } };
  config.apiReport.reportFileName = reportName(entry);
  const prepared = ExtractorConfig.prepare({ configObject: config, configObjectFullPath: configFile, packageJsonFullPath: path.join(root, "package.json") });
  // Quiet: the "bundled TypeScript version" notice (once per entry) and other info lines; warnings and errors still show.
  const result = Extractor.invoke(prepared, {
    localBuild: local,
    messageCallback: (m) => {
      if (m.logLevel === "info" || m.logLevel === "verbose") m.handled = true;
    },
  });
  if (!result.succeeded || (!local && result.apiReportChanged)) {
    failed = true;
    console.error(`api/${reportName(entry)}.api.md: the public API of "${pkg.name}${entry.slice(1)}" changed. Review the difference and run \`npm run api\` to accept it.`);
  }
}

const expected = new Set(entries.map(([entry]) => `${reportName(entry)}.api.md`));
for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith(".api.md") && !expected.has(f))) {
  failed = true;
  console.error(`api/${file}: no entry in package.json "exports" has this report any more; delete it (or restore the entry).`);
}
process.exit(failed ? 1 : 0);
