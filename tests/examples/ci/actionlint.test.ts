// actionlint (tools/install-actionlint.sh) on the GitHub recipe and the composite action. The files are put
// in a throw-away repository layout so `uses: ./` resolves to our action.yml and its inputs are checked;
// the action's own steps are linted as a workflow whose dispatch inputs mirror the action's inputs.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { cacheDir, dirsFromEnv } from "../../../core/servers/paths.ts";

const repo = path.resolve(import.meta.dirname, "../../..");
const bin = [path.join(cacheDir(dirsFromEnv(process.env)), "bin", "actionlint"), ...(process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "actionlint"))].find(
  (p) => existsSync(p),
);
const work = mkdtempSync(path.join(tmpdir(), "dbtk-actionlint-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface LintError {
  message: string;
  filepath: string;
  line: number;
  kind: string;
}

/** A repository with our action.yml at its root and the given workflows; actionlint's errors. */
async function lint(workflows: Record<string, string>): Promise<LintError[]> {
  const project = mkdtempSync(path.join(work, "repo-"));
  mkdirSync(path.join(project, ".git"));
  mkdirSync(path.join(project, ".github", "workflows"), { recursive: true });
  copyFileSync(path.join(repo, "action.yml"), path.join(project, "action.yml"));
  for (const [name, text] of Object.entries(workflows)) writeFileSync(path.join(project, ".github", "workflows", name), text);
  const res = await execa(bin!, ["-format", "{{json .}}"], { cwd: project, reject: false });
  if (res.exitCode !== 0 && res.exitCode !== 1) throw new Error(`actionlint failed to run (${res.exitCode}): ${res.stderr}`);
  return JSON.parse(res.stdout || "[]") as LintError[];
}

/** The composite action's steps as a workflow job, with `inputs.*` typed by a workflow_dispatch. */
function actionAsWorkflow(): string {
  const action = parse(readFileSync(path.join(repo, "action.yml"), "utf8")) as {
    inputs: Record<string, { description: string; required?: boolean; default?: string }>;
    runs: { steps: unknown[] };
  };
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([k, v]) => [k, { description: v.description, required: v.required ?? false, type: "string", ...(v.default !== undefined ? { default: v.default } : {}) }]),
  );
  return stringify({
    name: "action steps",
    on: { workflow_dispatch: { inputs } },
    jobs: { composite: { "runs-on": "ubuntu-latest", steps: action.runs.steps } },
  });
}

const missing = !bin;
describe.skipIf(missing && !process.env.CI)("actionlint", () => {
  it("is installed (tools/install-actionlint.sh)", () => {
    expect(bin, "actionlint not found: run tools/install-actionlint.sh").toBeDefined();
  });

  it("passes the GitHub workflow recipe and the composite action's steps", async () => {
    const errors = await lint({
      "database.yml": readFileSync(path.join(repo, "examples/ci/github/workflow.yml"), "utf8"),
      "action-steps.yml": actionAsWorkflow(),
    });
    expect(errors.map((e) => `${e.filepath}:${e.line}: ${e.message} [${e.kind}]`)).toEqual([]);
  });

  it("checks calls of our action against its inputs (a wrong input is reported)", async () => {
    const bad = stringify({
      on: "push",
      jobs: { j: { "runs-on": "ubuntu-latest", steps: [{ uses: "./", with: { args: "reap", argz: "typo" } }] } },
    });
    const errors = await lint({ "bad.yml": bad });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/input "argz" is not defined in action "dbtk"/)]);
  });
});
