// The CI recipes: each parses, runs the pipeline the README promises (lint, tests on an ephemeral database,
// migration check, preview with the policy pack, staging then gated prod, nightly drill and reap), and
// every `dbtk` call in it is accepted by the real CLI — a missing command or flag is named in the failure.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { parseDocument } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProgram } from "./program.ts";
import { callsOf, checkCall, dbtkCalls, jenkinsShellSteps, scriptsUnder, shellCommands } from "./scripts.ts";

const repo = path.resolve(import.meta.dirname, "../../..");
const read = (rel: string) => readFileSync(path.join(repo, rel), "utf8");
type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Doc) : {});

interface Recipe {
  file: string;
  /** Every shell script the pipeline runs. */
  scripts(): string[];
  /** Stack names `pulumi preview -s` gets, literal or from the platform's matrix. */
  previewStacks(): string[];
  /** The prod apply waits for staging and for a person. Returns what proves it. */
  gate(): { prodAfterStaging: boolean; approval: boolean };
  /** A nightly trigger exists. */
  nightly(): boolean;
}

function loadYaml(rel: string): Doc {
  const doc = parseDocument(read(rel), { merge: true });
  expect(doc.errors.map((e) => e.message), rel).toEqual([]);
  return obj(doc.toJS());
}

const github: Recipe = {
  file: "examples/ci/github/workflow.yml",
  scripts() {
    const doc = loadYaml(this.file);
    const runs = scriptsUnder(doc, new Set(["run"]));
    // `uses: ./` is the repo's composite action: its `args` are a dbtk command line.
    const steps = Object.values(obj(doc.jobs)).flatMap((j) => (obj(j).steps as Doc[] | undefined) ?? []);
    const actionCalls = steps.filter((s) => s.uses === "./").map((s) => `npx dbtk ${String(obj(s.with).args)}`);
    return [...runs, ...actionCalls];
  },
  previewStacks() {
    const jobs = Object.values(obj(loadYaml(this.file).jobs)).map(obj);
    const preview = jobs.find((j) => JSON.stringify(j.steps).includes("pulumi preview"));
    return ((obj(obj(preview?.strategy).matrix).stack as string[] | undefined) ?? []).map(String);
  },
  gate() {
    const jobs = obj(loadYaml(this.file).jobs);
    const envOf = (j: unknown) => {
      const e = obj(j).environment;
      return typeof e === "string" ? e : String(obj(e).name ?? "");
    };
    const prodName = Object.keys(jobs).find((k) => envOf(jobs[k]) === "prod");
    const stagingName = Object.keys(jobs).find((k) => envOf(jobs[k]) === "staging");
    const needs = [obj(jobs[prodName ?? ""]).needs].flat();
    // GitHub's approval is the `prod` environment's required reviewers: the job must target that environment.
    return { prodAfterStaging: !!stagingName && needs.includes(stagingName), approval: !!prodName };
  },
  nightly() {
    return Array.isArray(obj(loadYaml(this.file).on).schedule);
  },
};

const gitlab: Recipe = {
  file: "examples/ci/gitlab/.gitlab-ci.yml",
  scripts() {
    return scriptsUnder(loadYaml(this.file), new Set(["script", "before_script", "after_script"]));
  },
  previewStacks() {
    const doc = loadYaml(this.file);
    const job = Object.values(doc).map(obj).find((j) => JSON.stringify(j.script ?? "").includes("pulumi preview"));
    const matrix = (obj(job?.parallel).matrix as Doc[] | undefined) ?? [];
    return matrix.flatMap((m) => (m.STACK as string[] | undefined) ?? []);
  },
  gate() {
    const doc = loadYaml(this.file);
    const envName = (j: Doc) => String(obj(j.environment).name ?? j.environment ?? "");
    const entries = Object.entries(doc).map(([k, v]) => [k, obj(v)] as const);
    const prod = entries.find(([, j]) => envName(j) === "prod");
    const staging = entries.find(([, j]) => envName(j) === "staging");
    const manual = ((prod?.[1].rules as Doc[] | undefined) ?? []).some((r) => r.when === "manual") || prod?.[1].when === "manual";
    const needs = (prod?.[1].needs as unknown[] | undefined) ?? [];
    return { prodAfterStaging: !!staging && needs.includes(staging[0]), approval: manual && prod?.[1].allow_failure === false };
  },
  nightly() {
    return JSON.stringify(loadYaml(this.file)).includes('\\"schedule\\"');
  },
};

const jenkins: Recipe = {
  file: "examples/ci/jenkins/Jenkinsfile",
  scripts() {
    return jenkinsShellSteps(read(this.file));
  },
  previewStacks() {
    return this.scripts().flatMap((s) => callsOf(s, "pulumi")).filter((a) => a[0] === "preview").map((a) => a[a.indexOf("-s") + 1] ?? "");
  },
  gate() {
    const text = read(this.file);
    const staging = text.indexOf("pulumi up -s staging");
    const input = text.indexOf("input message:", staging);
    const prod = text.indexOf("pulumi up -s prod");
    return { prodAfterStaging: staging >= 0 && prod > staging, approval: input > staging && input < prod };
  },
  nightly() {
    return /triggers\s*\{\s*cron\(/.test(read(this.file)) && /triggeredBy 'TimerTrigger'/.test(read(this.file));
  },
};

const azure: Recipe = {
  file: "examples/ci/azure-devops/azure-pipelines.yml",
  scripts() {
    return scriptsUnder(loadYaml(this.file), new Set(["script", "bash"]));
  },
  previewStacks() {
    const stages = (loadYaml(this.file).stages as Doc[] | undefined) ?? [];
    const jobs = stages.flatMap((s) => (s.jobs as Doc[] | undefined) ?? []);
    const preview = jobs.find((j) => JSON.stringify(j.steps ?? "").includes("pulumi preview"));
    return Object.values(obj(obj(preview?.strategy).matrix)).map((m) => String(obj(m).STACK));
  },
  gate() {
    const stages = (loadYaml(this.file).stages as Doc[] | undefined) ?? [];
    const stageWithEnv = (env: string) => stages.find((s) => ((s.jobs as Doc[] | undefined) ?? []).some((j) => j.deployment && j.environment === env));
    const prod = stageWithEnv("prod");
    const staging = stageWithEnv("staging");
    // The approval is the `prod` environment's Approvals check; it applies to deployment jobs targeting it.
    return { prodAfterStaging: !!staging && [prod?.dependsOn].flat().includes(staging.stage), approval: !!prod };
  },
  nightly() {
    return Array.isArray(loadYaml(this.file).schedules);
  },
};

const recipes = [github, gitlab, jenkins, azure];
let program: Command;

beforeAll(async () => {
  program = await loadProgram();
});

describe.each(recipes)("$file", (recipe) => {
  const calls = () => recipe.scripts().flatMap(dbtkCalls);
  const has = (command: string, ...flags: string[]) => calls().some((a) => a[0] === command && flags.every((f) => a.includes(f)));

  it("runs lint with SARIF, tests on an ephemeral database, the migration check, the drill and reap", () => {
    // SARIF goes to a file the platform uploads.
    for (const a of calls().filter((c) => c[0] === "lint")) expect(a.slice(a.indexOf("--sarif") + 1, a.indexOf("--sarif") + 3)[0]).toBe("-o");
    expect(existsSync(path.join(repo, recipe.file))).toBe(true);
    const missing = [
      ["lint", "--sarif"],
      ["run", "--migrations", "--"],
      ["check", "--migrations"],
      ["restore-drill"],
      ["reap"],
    ].filter(([cmd, ...flags]) => !has(cmd!, ...flags)).map((c) => `dbtk ${c.join(" ")}`);
    expect(missing, `${recipe.file} does not call`).toEqual([]);
  });

  it("lints only the change: --since the merge base with the target branch", () => {
    const lints = calls().filter((c) => c[0] === "lint");
    expect(lints.length).toBeGreaterThan(0);
    for (const a of lints) expect(a[a.indexOf("--since") + 1], a.join(" ")).toMatch(/^\$\(git merge-base .+ HEAD\)$/);
  });

  it("every dbtk call is a real command with real flags", () => {
    const problems = calls().flatMap((args) => checkCall(program, args).map((p) => `"dbtk ${args.join(" ")}": ${p}`));
    expect(problems, `${recipe.file}: calls the CLI does not accept`).toEqual([]);
  });

  it("previews dev, staging and prod with the policy pack in policy/", () => {
    const previews = recipe.scripts().flatMap((s) => callsOf(s, "pulumi")).filter((a) => a[0] === "preview");
    expect(previews.length).toBeGreaterThan(0);
    for (const p of previews) expect(p[p.indexOf("--policy-pack") + 1], p.join(" ")).toBe("policy");
    expect(new Set(recipe.previewStacks())).toEqual(new Set(["dev", "staging", "prod"]));
    expect(existsSync(path.join(repo, "policy", "PulumiPolicy.yaml"))).toBe(true);
  });

  it("applies to staging, then to prod behind an approval", () => {
    const ups = recipe.scripts().flatMap((s) => callsOf(s, "pulumi")).filter((a) => a[0] === "up");
    const stacks = ups.map((a) => a[a.indexOf("-s") + 1]);
    expect(stacks).toEqual(expect.arrayContaining(["staging", "prod"]));
    for (const u of ups) expect(u).toContain("--policy-pack");
    expect(recipe.gate()).toEqual({ prodAfterStaging: true, approval: true });
  });

  it("has a nightly trigger for the restore drill", () => {
    expect(recipe.nightly()).toBe(true);
  });
});

describe("recipe readers", () => {
  it("split shell scripts into commands, keeping quoted and substituted words whole", () => {
    expect(shellCommands(`T=$(date -u -d '1 hour ago')\nnpx dbtk run --migrations "my dir" -- npm test && echo ok # done`)).toEqual([
      ["T=$(date -u -d '1 hour ago')"],
      ["npx", "dbtk", "run", "--migrations", "my dir", "--", "npm", "test"],
      ["echo", "ok"],
    ]);
    expect(dbtkCalls(`DATABASE_URL="$X" npx dbtk migrate --migrations m > out.json 2>&1`)).toEqual([["migrate", "--migrations", "m"]]);
    expect(callsOf(`pulumi preview -s "\${{ matrix.stack }}" --policy-pack policy`, "pulumi")).toEqual([
      ["preview", "-s", "${{ matrix.stack }}", "--policy-pack", "policy"],
    ]);
  });

  it("read Jenkins sh steps in every quoting style", () => {
    const steps = jenkinsShellSteps(`sh 'npx dbtk reap'\nsh "echo \\"x\\""\nsh '''\n  a \\\n  b\n'''\nsh(script: 'ls')`);
    expect(steps.map((s) => s.trim())).toEqual(["npx dbtk reap", 'echo "x"', "a    b", "ls"]);
  });

  it("name an unknown command, an unknown flag and a missing value", () => {
    expect(checkCall(program, ["no-such-command"])[0]).toMatch(/^dbtk has no command "no-such-command" \(it has: .*restore-drill/);
    expect(checkCall(program, ["restore-drill", "--bogus"])).toEqual([expect.stringMatching(/^dbtk restore-drill has no option --bogus \(it has: --target/)]);
    expect(checkCall(program, ["restore-drill", "--target"])).toEqual(["dbtk restore-drill --target needs a value (--target <target>)"]);
    expect(checkCall(program, ["restore-drill", "extra"])[0]).toMatch(/takes 0 argument\(s\)/);
    expect(checkCall(program, ["restore-drill", "--target", "aws", "--table", "a,b", "--json"])).toEqual([]);
  });
});
