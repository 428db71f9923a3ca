// `dbtk lint` through the real CLI: exit codes and output formats.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dbtk as run } from "../adapters/support.ts";

// GITHUB_ACTIONS=true (in CI) would switch the default format to annotations.
const dbtk = (args: string[]) => run(args, { GITHUB_ACTIONS: "" });

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const out = mkdtempSync(path.join(tmpdir(), "dbtk-lint-cli-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("dbtk lint", () => {
  it("exits 1 on error findings and prints SARIF", async () => {
    const res = await dbtk(["lint", path.join(fixtures, "mysql"), "--engine", "mysql", "--sarif"]);
    expect(res.code).toBe(1);
    const sarif = JSON.parse(res.stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain("mysql-drop-column");
  });

  it("exits 0 when there are only warnings or nothing", async () => {
    const res = await dbtk(["lint", path.join(fixtures, "dbmate")]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe("1 file(s) checked, no findings");
    const warned = await dbtk(["lint", path.join(fixtures, "mysql-warnings"), "--engine", "mysql"]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain("V3__index.sql:2:1: warning mysql-index-not-online:");
    expect(warned.stdout).toContain("0 error(s), 1 warning(s)");
  });

  it("writes JSON to a file with --output and prints file:line text by default", async () => {
    const file = path.join(out, "lint.json");
    const res = await dbtk(["lint", path.join(fixtures, "postgres"), "--json", "-o", file]);
    expect(res.code).toBe(1);
    const report = JSON.parse(readFileSync(file, "utf8")) as { errors: number; findings: Array<{ rule: string; line: number }> };
    expect(report.errors).toBe(3);
    expect(report.findings.find((f) => f.rule === "ban-drop-column")?.line).toBe(4);
    const text = await dbtk(["lint", path.join(fixtures, "postgres")]);
    expect(text.stdout).toContain("V2__unsafe_changes.sql:4:22: error ban-drop-column:");
  });

  it("refuses --json with --sarif and an unknown engine", async () => {
    expect((await dbtk(["lint", fixtures, "--json", "--sarif"])).stderr).toContain("--json and --sarif are exclusive");
    expect((await dbtk(["lint", fixtures, "--engine", "oracle"])).stderr).toContain('--engine "oracle" is not supported');
  });
});
