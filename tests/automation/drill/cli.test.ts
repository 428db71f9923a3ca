// `dbtk restore-drill` end to end through the real CLI entry (bin/dbtk.mjs), and its argument handling.
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalPostgres } from "../../../core/servers/index.ts";
import type { DrillReport } from "../../../automation/drill/index.ts";

const repo = path.resolve(import.meta.dirname, "../../..");
const dbtk = path.join(repo, "bin", "dbtk.mjs");
const root = mkdtempSync(path.join(tmpdir(), "dbtk-drill-cli-"));
chmodSync(root, 0o755);

afterAll(async () => {
  if (existsSync(path.join(root, "pg", "data"))) await (await startLocalPostgres({ rootDir: path.join(root, "pg") })).stop();
  rmSync(root, { recursive: true, force: true });
});

describe("dbtk restore-drill", () => {
  it("--target local-postgres --json: a passing PITR drill report on stdout, progress on stderr, exit 0", async () => {
    const res = await execa("node", [dbtk, "restore-drill", "--target", "local-postgres", "--root-dir", path.join(root, "pg"), "--json"], {
      cwd: repo,
      reject: false,
    });
    expect(res.exitCode, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as DrillReport;
    expect(report).toMatchObject({ target: "local-postgres", method: "pitr", ok: true, scratch: { destroyed: true } });
    expect(report.checks.length).toBeGreaterThanOrEqual(4);
    expect(res.stderr).toMatch(/restore point T = /);
  });

  it("refuses --time together with --snapshot-id, naming both flags, exit 1", async () => {
    const res = await execa("node", [dbtk, "restore-drill", "--target", "aws", "--snapshot-id", "s", "--time", "2026-01-01T00:00:00Z"], { cwd: repo, reject: false });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/--time and --snapshot-id are exclusive/);
  });

  it("rejects an unknown target with the choices", async () => {
    const res = await execa("node", [dbtk, "restore-drill", "--target", "oracle"], { cwd: repo, reject: false });
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toMatch(/local-postgres, local-mariadb, aws, gcp, azure/);
  });
});
