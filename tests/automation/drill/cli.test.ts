// `dbtk restore-drill` end to end through the real CLI entry (bin/dbtk.mjs), and its argument handling;
// a drill leaves no server running that it started.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalPostgres } from "../../../core/servers/index.ts";
import { postmastersOn } from "../../../core/servers/postgres.ts";
import { processesOnDataDir } from "../../../core/servers/procs.ts";
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

  it("stops the source server it started: afterwards only the main server's postmaster runs in the servers directory", async () => {
    const serversDir = path.join(root, "servers");
    mkdirSync(serversDir, { mode: 0o755 });
    const main = await startLocalPostgres({ rootDir: path.join(serversDir, "postgres") });
    try {
      const env = { ...process.env, DBTK_SERVERS_DIR: serversDir, DBTK_CACHE_DIR: path.join(root, "cache") };
      const res = await execa("node", [dbtk, "restore-drill", "--target", "local-postgres", "--json"], { cwd: repo, reject: false, env });
      expect(res.exitCode, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, scratch: { destroyed: true } });
      expect(res.stderr).toMatch(/stopping the archiving source cluster/);
      const postmasters = processesOnDataDir(serversDir, { within: true, program: /^postgres$/ });
      expect(postmasters).toEqual(postmastersOn(path.join(serversDir, "postgres", "data")));
      expect(postmasters).toHaveLength(1);
      const status = await execa("node", [dbtk, "server", "status", "--json"], { cwd: repo, reject: false, env });
      const servers = (JSON.parse(status.stdout) as { servers: { name: string; running: boolean }[] }).servers;
      expect(servers.map((s) => [s.name, s.running])).toEqual([["postgres", true], ["mariadb", false], ["drill-postgres", false]]);
    } finally {
      await main.stop();
    }
  });

  it("refuses --time together with --snapshot-id, naming both flags: a usage error, exit 2", async () => {
    const res = await execa("node", [dbtk, "restore-drill", "--target", "aws", "--snapshot-id", "s", "--time", "2026-01-01T00:00:00Z"], { cwd: repo, reject: false });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/--time and --snapshot-id are exclusive/);
  });

  it("rejects an unknown target with the choices, exit 2", async () => {
    const res = await execa("node", [dbtk, "restore-drill", "--target", "oracle"], { cwd: repo, reject: false });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/local-postgres, local-mariadb, aws, gcp, azure/);
  });
});
