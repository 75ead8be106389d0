// README.md is run by users word by word: every command of its `sh` blocks must name something that exists — an npm
// script, a bin of the package, or a file of the repository — or be listed here as needing Azure or another CLI.
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Programs README commands run that are not this package's: what each needs. */
const EXTERNAL: Record<string, string> = {
  pulumi: "the Pulumi CLI (and for stacks other than the sandbox, Azure)",
  az: "the Azure CLI and an Azure account",
  git: "git and network access",
  cd: "the shell",
};
/** npm's own commands (not scripts). */
const NPM_COMMANDS = new Set(["ci", "install", "pack"]);

/** Every command of every fenced sh block: continuation lines joined, comments dropped, `&&` chains split. */
export function shCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  return blocks.flatMap((b) =>
    b
      .replace(/\\\n\s*/g, " ")
      .split("\n")
      .map((l) => l.replace(/\s+#\s.*$/, "").trim())
      .filter(Boolean)
      .flatMap((l) => l.split(/\s*&&\s*/)),
  );
}

describe("README.md", () => {
  const commands = shCommands(README);

  test("is at most 200 lines, and has sh commands to check", () => {
    expect(README.split("\n").length).toBeLessThanOrEqual(200);
    expect(commands.length).toBeGreaterThan(10);
  });

  test.each(shCommands(README).map((c) => [c]))("`%s` names an npm script, a bin, a file or a listed external CLI", (line) => {
    const words = line.replace(/^(\w+=\S+\s+)+/, "").split(/\s+/);
    const [program, sub] = words;
    if (program === "npm") {
      if (sub === "run") expect(Object.keys(PKG.scripts)).toContain(words[2]);
      else if (sub === "test") expect(Object.keys(PKG.scripts)).toContain("test"); // npm's shorthand for `npm run test`
      else expect([...NPM_COMMANDS]).toContain(sub);
    } else if (program === "npx") {
      expect(Object.keys(PKG.bin)).toContain(sub);
    } else {
      expect(Object.keys(EXTERNAL)).toContain(program);
    }
    // Paths of this repository that the command names exist (policy packs, configs).
    for (const w of words.filter((x) => /^(policy|examples|docs)(\/|$)/.test(x))) expect([w, fs.existsSync(path.join(ROOT, w))]).toEqual([w, true]);
  });

  test("every relative link names a file of the repository that the package ships or the repository has", () => {
    const links = [...README.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    for (const l of links) expect([l, fs.existsSync(path.join(ROOT, l))]).toEqual([l, true]);
  });
});
