// Without a Pulumi CLI the deployment scenarios fail, with CI=true or not, and say how to get one: never a silent
// skip. Checked on a real scenario file, run by jest in a child process whose PATH has Node and no `pulumi`.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

test.each(["true", ""])("with CI=%j and no pulumi on PATH, a scenario fails with one paragraph on installing the CLI", (ci) => {
  const PATH = [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter);
  expect(PATH.split(path.delimiter).some((d) => fs.existsSync(path.join(d, "pulumi")))).toBe(false);
  const r = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--ci", "tests/deployments/f0-limit.test.ts"], {
    cwd: ROOT,
    env: { HOME: process.env.HOME ?? "/tmp", PATH, CI: ci },
    encoding: "utf8",
    timeout: 120_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  expect(r.status).not.toBe(0);
  expect(out).toMatch(/No Pulumi CLI on PATH: the deployment scenarios run on the real Pulumi engine/);
  expect(out).toContain("curl -fsSL https://get.pulumi.com | sh -s -- --version");
  expect(out).not.toMatch(/skipped/);
}, 240_000);
