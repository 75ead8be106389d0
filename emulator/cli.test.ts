// `npm run emulator` starts, prints each resource's endpoint, region and resource id, answers, and stops on SIGTERM.
import { spawn } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..");

it("the emulator CLI serves the resources it was given and stops cleanly on SIGTERM", async () => {
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/ts-node/dist/bin.js"), "--transpile-only", "emulator/cli.ts", "--port", "0", "--resource", "lab=westeurope:lab-key", "--resource", "prod=eastus:prod-key", "--duration", "model=60000"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out} ${err}`)), 30_000);
      child.stdout.on("data", () => {
        if (/resource prod:/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", () => reject(new Error(`CLI exited early: ${out} ${err}`)));
    });
    const endpoint = /resource lab: endpoint=(\S+) region=westeurope resourceId=(\S+)/.exec(out);
    expect(endpoint).not.toBeNull();
    expect(endpoint![2]).toMatch(/\/providers\/Microsoft\.CognitiveServices\/accounts\/lab$/);
    expect(out).not.toContain("lab-key");
    const res = await fetch(`${endpoint![1]}/speechtotext/projects/locales?api-version=2025-10-15`, { headers: { "Ocp-Apim-Subscription-Key": "lab-key" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toContain("en-US");
    const denied = await fetch(`${endpoint![1]}/speechtotext/projects?api-version=2025-10-15`, { headers: { "Ocp-Apim-Subscription-Key": "prod-key" } });
    expect(denied.status).toBe(401);
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
  expect(out).toContain("stopped (SIGTERM)");
});

it("the emulator CLI rejects a malformed --resource, naming the expected form", async () => {
  const child = spawn(process.execPath, [path.join(root, "node_modules/ts-node/dist/bin.js"), "--transpile-only", "emulator/cli.ts", "--resource", "nokey"], { cwd: root });
  let err = "";
  child.stderr.on("data", (c) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(2);
  expect(err).toContain("NAME=REGION:KEY");
});

it("the emulator CLI rejects an unknown --wer-scenario, naming the option and the allowed scenarios", async () => {
  const child = spawn(process.execPath, [path.join(root, "node_modules/ts-node/dist/bin.js"), "--transpile-only", "emulator/cli.ts", "--port", "0", "--wer-scenario", "worse"], { cwd: root });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(2);
  expect(err).toContain("--wer-scenario");
  expect(err).toContain("allowed: default, gate-fails, small-gain");
  // Refused before listening: nothing was served.
  expect(out).not.toContain("listening on");
});

it.each(["SIGTERM", "SIGKILL"] as const)("`npm run emulator` stops serving when npm is killed by its pid (%s)", async (signal) => {
  // npm runs the script in `sh -c`, which a killed npm leaves behind: the emulator watches npm itself.
  const npm = spawn(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "-s", "emulator", "--", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  npm.stdout.on("data", (c) => (out += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000);
    npm.stdout.on("data", () => {
      const m = /listening on (\S+)/.exec(out);
      if (m && /stops when process/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  expect(out).toContain(`stops when process`);
  const answers = () =>
    fetch(`${url}/speechtotext/projects/locales?api-version=2025-10-15`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
  expect(await answers()).toBe(true);
  process.kill(npm.pid!, signal);
  const deadline = Date.now() + 10_000;
  while ((await answers()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(await answers()).toBe(false);
}, 60_000);
