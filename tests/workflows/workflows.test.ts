// The GitHub workflows (.github/workflows): each parses, passes a real workflow validator (action-validator, the
// GitHub workflow schema), pins its actions, gives the inputs its actions require, and logs in with OIDC only.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { validateWorkflow } from "@action-validator/core";

const DIR = path.join(__dirname, "../../.github/workflows");
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml"));
const text = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
const doc = (f: string) => yaml.load(text(f)) as any;
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; name?: string; if?: string };
const steps = (f: string): Step[] => Object.values(doc(f).jobs as Record<string, { steps?: Step[] }>).flatMap((j) => j.steps ?? []);

/** The inputs each action we use requires (from its action.yml), or needs for what we use it for. */
const REQUIRED: Record<string, string[]> = {
  "azure/login": ["client-id", "tenant-id", "subscription-id"], // OIDC
  "actions/setup-node": ["node-version"],
  "actions/upload-artifact": ["name", "path"],
  "actions/github-script": ["script"],
};

test("there are the preview, deploy (with its reusable up) and drift workflows", () => {
  expect(files.sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml", "up.yml"]);
});

test.each(files)("%s passes the workflow validator", (f) => {
  expect(validateWorkflow(text(f)).errors).toEqual([]);
});

test("the validator does catch a broken workflow", () => {
  const broken = text("preview.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest").replace("pull_request:", "pull_requests:");
  expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
});

test.each(files)("%s pins every action to a version and gives its required inputs", (f) => {
  for (const s of steps(f).filter((x) => x.uses && !x.uses.startsWith("./"))) {
    expect([f, s.uses]).toEqual([f, expect.stringMatching(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/)]);
    const [name] = s.uses!.split("@");
    for (const input of REQUIRED[name] ?? []) expect([f, name, input, s.with?.[input]]).toEqual([f, name, input, expect.anything()]);
    // The Pulumi action runs a command on a named stack (its README: stack-name is required with a command).
    if (name === "pulumi/actions") {
      expect(s.uses).toBe("pulumi/actions@v7");
      if (s.with?.command) expect(s.with?.["stack-name"]).toBeTruthy();
    }
  }
});

test.each(files)("%s logs in to Azure with OIDC only: id-token permission, no client secret or credentials JSON", (f) => {
  const t = text(f);
  expect(t).not.toMatch(/client-secret|creds:|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET/);
  if (steps(f).some((s) => s.uses?.startsWith("azure/login"))) expect(doc(f).permissions["id-token"]).toBe("write");
  if (f !== "deploy.yml") expect(t).toContain("PULUMI_BACKEND_URL: azblob://");
});

test("preview: a saved plan, the summary as the step summary and as one edited pull-request comment per stack", () => {
  const run = steps("preview.yml").map((s) => s.run ?? "").join("\n");
  expect(run).toMatch(/pulumi preview --json --show-sames --save-plan/);
  expect(run).toMatch(/args=\(--in "preview-\$\{\{ matrix.stack \}\}.json" --out summary.md\)/);
  expect(run).toContain('npm run -s preview-summary -- "${args[@]}"');
  expect(run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  const comment = steps("preview.yml").find((s) => s.uses?.startsWith("actions/github-script"))!;
  expect(String(comment.with!.script)).toMatch(/updateComment[\s\S]*createComment/);
  expect(doc("preview.yml").permissions["pull-requests"]).toBe("write");
});

test("deploy: dev first, then prod behind the prod environment, one deployment at a time, applying the reviewed plan", () => {
  const d = doc("deploy.yml");
  expect(d.on.push.branches).toEqual(["main"]);
  expect(d.jobs.prod).toMatchObject({ needs: "dev", uses: "./.github/workflows/up.yml", with: { stack: "prod", environment: "prod" } });
  expect(d.concurrency["cancel-in-progress"]).toBe(false);
  const up = doc("up.yml");
  expect(up.jobs.up.environment).toBe("${{ inputs.environment }}");
  expect(up.jobs.up["timeout-minutes"]).toBeLessThanOrEqual(360); // GitHub-hosted runners stop jobs at 6 hours
  const pulumi = steps("up.yml").find((s) => s.uses?.startsWith("pulumi/actions") && s.with?.command)!;
  expect(pulumi.with).toMatchObject({ command: "up", plan: "${{ steps.plan.outputs.file }}" });
});

test("up: the evaluation reports also when the gate failed (artifact and job summary), then the smoke test of the endpoints that changed", () => {
  const all = steps("up.yml");
  const at = (pred: (s: Step) => boolean) => all.findIndex(pred);
  const up = at((s) => s.uses?.startsWith("pulumi/actions") === true && s.with?.command === "up");
  const before = at((s) => s.name === "the state before the update");
  const reports = at((s) => s.name === "evaluation reports");
  const smoke = at((s) => s.name === "smoke test of the endpoints that changed");
  expect([before < up, up < reports, reports < smoke]).toEqual([true, true, true]);
  expect(all[before].run).toContain('pulumi stack export --stack "${{ inputs.stack }}" > "$RUNNER_TEMP/before.json"');
  // always(): a failed gate fails the up step, and that is when the report matters most.
  expect(all[reports].if).toBe("always() && steps.up.conclusion != 'skipped'");
  expect(all[reports].run).toContain('npm run -s evaluation-report -- --stack-export "$RUNNER_TEMP/after.json" --out evaluation-reports --summary "$GITHUB_STEP_SUMMARY"');
  const artifact = all.find((s) => s.uses?.startsWith("actions/upload-artifact") && s.with?.path === "evaluation-reports/")!;
  expect(artifact.if).toBe("always() && steps.up.conclusion != 'skipped'");
  expect(all[smoke].if).toMatch(/^steps\.up\.conclusion == 'success'/);
  expect(all[smoke].run).toContain('npm run -s smoke-test -- --stack-config "Pulumi.${{ inputs.stack }}.yaml" --stack-export "$RUNNER_TEMP/after.json" --changed-since "$RUNNER_TEMP/before.json"');
  // The scripts the steps call exist.
  const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")).scripts;
  expect(scripts["evaluation-report"]).toBeDefined();
  expect(scripts["smoke-test"]).toBeDefined();
});

test("long deploys keep their Azure identity: a workload-identity token file refreshed in the background", () => {
  const fresh = steps("up.yml").find((s) => s.name === "keep an OIDC token fresh for long trainings")!;
  expect(fresh.run).toMatch(/AZURE_FEDERATED_TOKEN_FILE=\$file/);
  expect(fresh.run).toMatch(/while sleep 240; do fetch/);
  expect(fresh.run).toMatch(/audience=api:\/\/AzureADTokenExchange/);
  const plan = steps("up.yml").find((s) => s.name?.startsWith("the reviewed plan"))!;
  expect(plan.if).toBe("github.run_attempt == 1"); // a re-run resumes from a changed state: no stale plan
});

test("pull requests preview with a read-only identity of their own; drift never runs beside a deployment", () => {
  expect(text("preview.yml")).toContain("client-id: ${{ vars.AZURE_PREVIEW_CLIENT_ID }}");
  expect(text("preview.yml")).not.toContain("vars.AZURE_CLIENT_ID");
  expect(doc("drift.yml").concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
});

test("drift: refresh expecting no change, then the expiry report that fails the job", () => {
  // The program runs, so the providers get the current stack config (a rotated key included), not the last up's.
  const drift = steps("drift.yml");
  const refresh = drift.findIndex((s) => s.run?.includes("pulumi refresh"));
  expect(drift[refresh].run).toMatch(/pulumi refresh --stack "\$\{\{ matrix\.stack \}\}" --run-program --expect-no-changes --yes/);
  expect(drift.findIndex((s) => s.uses?.startsWith("pulumi/actions"))).toBeLessThan(refresh);
  const report = steps("drift.yml").find((s) => s.name === "expiry report")!;
  expect(report.run).toMatch(/npm run -s expiry-report -- --in state.json --warn-days 60 --out expiry.md \|\| code=\$\?/);
  expect(report.run).toMatch(/exit \$code/);
  expect(doc("drift.yml").on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
});

test("preview and up run the policy pack with the stack's pack config, and every deployed stack has one", () => {
  const preview = steps("preview.yml").find((s) => s.name?.startsWith("pulumi preview"))!;
  expect(preview.run).toMatch(/pulumi preview [^>]*--policy-pack policy --policy-pack-config "policy\/config\/\$\{\{ matrix.stack \}\}.json"/);
  const up = steps("up.yml").find((s) => s.uses?.startsWith("pulumi/actions") && s.with?.command)!;
  expect(up.with).toMatchObject({ policyPacks: "policy", policyPackConfigs: "policy/config/${{ inputs.stack }}.json" });
  const stacks = [...doc("preview.yml").jobs.preview.strategy.matrix.stack, ...Object.values(doc("deploy.yml").jobs).map((j: any) => j.with.stack)];
  for (const stack of new Set(stacks)) expect([stack, fs.existsSync(path.join(DIR, "../../policy/config", `${stack}.json`))]).toEqual([stack, true]);
});
