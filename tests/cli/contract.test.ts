// One contract for every command-line tool (scripts/cli): `--help` lists the exit codes, a usage error exits 2 and
// names the option and what it allows, bad input in a file exits 2 and names the file, and a service that does not
// answer exits 3 and names what was tried. One row per command: a new command adds its row.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const TS_NODE = require.resolve("ts-node/dist/bin.js");

interface Case {
  argv: (files: Files) => string[];
  /** What the message must name (the option and the allowed values, or the file). */
  names: (files: Files) => RegExp[];
}

interface Row {
  command: string;
  script: string;
  /** Exit code 3 is part of this command's help (it reaches a service). */
  reachesService: boolean;
  usage: Case;
  badInput: Case;
  /** A service nothing answers at: exit 3, naming what was tried. */
  unreachable?: Case;
}

interface Files {
  dir: string;
  notJson: string;
  emptyObject: string;
  datasetsTypo: string;
  closedPort: number;
}

const ARM = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/${name}`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const COMMANDS: Row[] = [
  {
    command: "sync-data",
    script: "scripts/sync-training-data.ts",
    reachesService: true,
    usage: { argv: (f) => ["--dataset", f.dir, "--kind", "Acoustc", "--locale", "en-US", "--validate-only"], names: () => [/--kind/, /Acoustic, AudioFiles/] },
    badInput: { argv: (f) => ["--config", f.datasetsTypo, "--validate-only"], names: (f) => [new RegExp(esc(path.basename(f.datasetsTypo))), /unknown key "dri"/, /allowed keys: .*dir/] },
    unreachable: {
      argv: (f) => ["--dataset", path.join(ROOT, "examples/sandbox/en-US/callcenter-train"), "--kind", "Acoustic", "--locale", "en-US", "--no-progress", "--manifest", path.join(f.dir, "m.json"), "--connection-string", `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:${f.closedPort}/devstoreaccount1;`],
      names: (f) => [new RegExp(`127\\.0\\.0\\.1:${f.closedPort}`), /Azurite/],
    },
  },
  {
    command: "migrate",
    script: "scripts/migrate-region.ts",
    reachesService: true,
    usage: {
      argv: () => ["--from", "https://a.cognitiveservices.azure.com", "--to", "https://a.cognitiveservices.azure.com", "--from-resource-id", ARM("a"), "--to-resource-id", ARM("a")],
      names: () => [/--to-resource-id/, /--from-resource-id/, /same/],
    },
    badInput: { argv: () => ["--from", "http://example.com", "--to", "https://b.cognitiveservices.azure.com", "--from-resource-id", ARM("a"), "--to-resource-id", ARM("b")], names: () => [/--from/, /https/] },
    unreachable: {
      argv: (f) => ["--from", `http://127.0.0.1:${f.closedPort}`, "--to", "https://b.cognitiveservices.azure.com", "--from-resource-id", ARM("a"), "--to-resource-id", ARM("b"), "--from-key", "k1k1k1", "--to-key", "k2k2k2", "--dry-run", "--state", path.join(f.dir, "s.json"), "--no-progress"],
      names: (f) => [new RegExp(`127\\.0\\.0\\.1:${f.closedPort}`)],
    },
  },
  {
    command: "preview-summary",
    script: "scripts/preview-summary.ts",
    reachesService: false,
    usage: { argv: () => ["--in", "x.json", "--warn-days", "0"], names: () => [/--warn-days/, /whole number of days/] },
    badInput: { argv: (f) => ["--in", f.emptyObject], names: (f) => [new RegExp(esc(f.emptyObject)), /pulumi preview --json/] },
  },
  {
    command: "expiry-report",
    script: "scripts/expiry-report.ts",
    reachesService: false,
    usage: { argv: () => ["--in", "x.json", "--warn-days", "soon"], names: () => [/--warn-days/, /whole number of days/] },
    badInput: { argv: (f) => ["--in", f.notJson], names: (f) => [new RegExp(esc(f.notJson))] },
  },
  {
    command: "repair-state",
    script: "scripts/repair-state.ts",
    reachesService: false,
    usage: { argv: () => [], names: () => [/--in/] },
    badInput: { argv: (f) => ["--in", f.emptyObject], names: (f) => [new RegExp(esc(f.emptyObject)), /pulumi stack export/] },
  },
  {
    command: "emulator",
    script: "emulator/cli.ts",
    reachesService: false,
    usage: { argv: () => ["--port", "http"], names: () => [/--port/, /0-65535/] },
    badInput: { argv: (f) => ["--port", "0", "--state", f.notJson], names: (f) => [new RegExp(esc(f.notJson))] },
  },
  {
    command: "sandbox",
    script: "scripts/sandbox.ts",
    reachesService: false,
    usage: { argv: () => ["--destroy", "--fail-gate"], names: () => [/--destroy/, /--fail-gate/] },
    badInput: { argv: () => ["--duration", "training=100"], names: () => [/--duration/, /dataset, model, endpoint, evaluation, copy/] },
  },
  {
    command: "evaluation-report",
    script: "scripts/evaluation-report.ts",
    reachesService: true,
    usage: { argv: (f) => ["--stack-export", f.emptyObject, "--evaluation", "e1"], names: () => [/--stack-export/, /--evaluation/] },
    badInput: { argv: (f) => ["--stack-export", f.notJson], names: (f) => [/--stack-export/, new RegExp(esc(f.notJson))] },
    unreachable: {
      argv: (f) => ["--evaluation", "00000000-0000-0000-0000-000000000001", "--endpoint", `http://127.0.0.1:${f.closedPort}`, "--key", "k1k1k1", "--out", path.join(f.dir, "reports")],
      names: (f) => [new RegExp(`127\\.0\\.0\\.1:${f.closedPort}`), /00000000-0000-0000-0000-000000000001/],
    },
  },
  {
    command: "smoke-test",
    script: "scripts/smoke-test.ts",
    reachesService: true,
    usage: { argv: () => ["--endpoint", "https://a.cognitiveservices.azure.com", "--endpoint-id", "00000000-0000-0000-0000-0000000000e1", "--locale", "en-US"], names: () => [/--clip/, /<file>=<text>/] },
    badInput: { argv: (f) => ["--endpoint", "https://a.cognitiveservices.azure.com", "--endpoint-id", "00000000-0000-0000-0000-0000000000e1", "--locale", "en-US", "--clip", `${f.notJson}=hello`, "--key", "k1k1k1"], names: (f) => [new RegExp(esc(f.notJson))] },
    unreachable: {
      argv: (f) => ["--endpoint", `http://127.0.0.1:${f.closedPort}`, "--endpoint-id", "00000000-0000-0000-0000-0000000000e1", "--locale", "en-US", "--clip", `${path.join(ROOT, "examples/sandbox/en-US/smoke/greeting.wav")}=hello`, "--key", "k1k1k1", "--retries", "0"],
      names: (f) => [new RegExp(`127\\.0\\.0\\.1:${f.closedPort}`)],
    },
  },
];

let files: Files;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-contract-"));
  const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const closedPort = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  files = {
    dir,
    notJson: write("not-json.json", "this is not JSON\n"),
    emptyObject: write("empty.json", "{}\n"),
    datasetsTypo: write("datasets.json", JSON.stringify({ datasets: [{ name: "train", dri: "train", kind: "Acoustic", locale: "en-US" }] })),
    closedPort,
  };
});
afterAll(() => fs.rmSync(files.dir, { recursive: true, force: true }));

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // CI=true: the sandbox's checks of the Pulumi CLI come after the usage checks, and nothing here may start services.
    execFile(process.execPath, [TS_NODE, "--transpile-only", script, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: "" } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe.each(COMMANDS.map((r) => [r.command, r] as const))("%s keeps the command-line contract", (_name, row) => {
  test("--help exits 0 and lists the exit codes", async () => {
    const r = await run(row.script, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: /);
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 {2}\S.*\n {2}2 {2}usage or bad input/);
    expect(/\n {2}3 {2}\S/.test(r.stdout)).toBe(row.reachesService);
  }, 60_000);

  test("a usage error exits 2 and names the option and what it allows", async () => {
    const r = await run(row.script, row.usage.argv(files));
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2 });
    for (const re of row.usage.names(files)) expect(r.stderr).toMatch(re);
  }, 60_000);

  test("bad input exits 2 and names what is wrong", async () => {
    const r = await run(row.script, row.badInput.argv(files));
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2 });
    for (const re of row.badInput.names(files)) expect(r.stderr).toMatch(re);
  }, 60_000);

  if (row.unreachable) {
    const unreachable = row.unreachable;
    test("a service that does not answer exits 3 and names what was tried", async () => {
      const r = await run(row.script, unreachable.argv(files));
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 3 });
      for (const re of unreachable.names(files)) expect(r.stderr).toMatch(re);
      expect(r.stderr + r.stdout).not.toMatch(/c2VjcmV0|k1k1k1|k2k2k2/);
    }, 90_000);
  }
});
