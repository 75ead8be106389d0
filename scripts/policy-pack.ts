// Makes dist/policy a policy pack that runs from an installed package: after `tsc`, the compiled pack gets its
// PulumiPolicy.yaml, a package.json whose main is the compiled index.js (PolicyPack reads the version there) and the
// per-stack configs. Users run `pulumi preview --policy-pack node_modules/pulumi-custom-speech/dist/policy`.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

export function buildPolicyPack(root = ROOT): string {
  const source = path.join(root, "policy");
  const out = path.join(root, "dist", "policy");
  if (!fs.existsSync(path.join(out, "index.js"))) throw new Error(`${out}/index.js is missing: run tsc -p . first`);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const yaml = fs.readFileSync(path.join(source, "PulumiPolicy.yaml"), "utf8").replace(/^#.*\n/gm, "");
  fs.writeFileSync(
    path.join(out, "PulumiPolicy.yaml"),
    "# The custom-speech policy pack, compiled (docs/policy.md): pulumi preview --policy-pack node_modules/pulumi-custom-speech/dist/policy\n" + yaml,
  );
  const manifest = { name: "pulumi-custom-speech-policy", version: pkg.version, private: true, license: "Apache-2.0", main: "index.js" };
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  fs.cpSync(path.join(source, "config"), path.join(out, "config"), { recursive: true });
  return out;
}

if (require.main === module) process.stdout.write(`policy pack: ${path.relative(process.cwd(), buildPolicyPack())}\n`);
