// Real PITR on the embedded PostgreSQL: archiving source, low-level base backup, recovery to a time.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectChecks, compareChecks, openSession } from "../../../automation/drill/checks.ts";
import { runLocalPostgresDrill } from "../../../automation/drill/local-postgres.ts";
import {
  archiveCurrentWal,
  recoveryCriticalSettings,
  restoreToPointInTime,
  sourceTarget,
  startArchivingPostgres,
  takeBaseBackup,
  type PitrSource,
} from "../../../automation/drill/pg-pitr.ts";

const root = mkdtempSync(path.join(tmpdir(), "dbtk-drill-pg-"));
// The server runs as its own OS user when we are root: the directory must be reachable by it.
chmodSync(root, 0o755);
let src: PitrSource;

beforeAll(async () => {
  src = await startArchivingPostgres(path.join(root, "source"));
});

afterAll(async () => {
  await src?.server.stop();
  rmSync(root, { recursive: true, force: true });
});

async function connect(db = "postgres"): Promise<pg.Client> {
  const c = new pg.Client(sourceTarget(src, db));
  await c.connect();
  return c;
}

async function now(c: pg.Client): Promise<string> {
  const { rows } = await c.query<{ t: string }>(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00') AS t`);
  return rows[0]!.t;
}

describe("restoreToPointInTime", () => {
  it("replays archived WAL up to the target time and no further", async () => {
    const c = await connect();
    await c.query("CREATE TABLE pitr_steps (n int PRIMARY KEY)");
    const backup = await takeBaseBackup(src, path.join(root, "backup-steps"), "steps");
    expect(backup.startWalFile).toMatch(/^[0-9A-F]{24}$/);
    expect(existsSync(path.join(backup.dir, "backup_label"))).toBe(true);
    expect(existsSync(path.join(backup.dir, "postmaster.pid"))).toBe(false);

    const marks: string[] = [];
    for (const n of [1, 2, 3]) {
      await c.query("INSERT INTO pitr_steps VALUES ($1)", [n]);
      marks.push(await now(c));
      await sleep(5);
    }
    await archiveCurrentWal(c);
    const settings = await recoveryCriticalSettings(c);
    await c.end();

    // To just after row 1, then just after row 2: each copy holds exactly the rows committed by then.
    for (const [i, expected] of [[0, [1]], [1, [1, 2]]] as const) {
      const restored = await restoreToPointInTime({
        backup,
        archiveDir: src.archiveDir,
        targetTime: marks[i]!,
        scratchDir: path.join(root, `scratch-steps-${i}`),
        login: { user: src.server.user, password: src.server.password },
        database: "postgres",
        user: src.user,
        settings,
      });
      try {
        expect(restored.rtoMs).toBeGreaterThan(0);
        const copy = new pg.Client(restored.cluster.target);
        await copy.connect();
        const { rows } = await copy.query<{ n: number }>("SELECT n FROM pitr_steps ORDER BY n");
        const promoted = await copy.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
        await copy.end();
        expect(rows.map((r) => r.n)).toEqual(expected);
        expect(promoted.rows[0]!.r).toBe(false);
      } finally {
        await restored.cluster.destroy();
      }
      expect(existsSync(path.join(root, `scratch-steps-${i}`))).toBe(false);
    }
  });

  it("fails, naming the log, when the archive does not reach the target, and leaves no scratch copy", async () => {
    const backup = await takeBaseBackup(src, path.join(root, "backup-late"), "late");
    const c = await connect();
    const settings = await recoveryCriticalSettings(c);
    await c.end();
    const scratchDir = path.join(root, "scratch-late");
    await expect(
      restoreToPointInTime({
        backup,
        archiveDir: src.archiveDir,
        targetTime: "2999-01-01 00:00:00+00",
        scratchDir,
        login: { user: src.server.user, password: src.server.password },
        database: "postgres",
        user: src.user,
        settings,
        timeoutMs: 60_000,
      }),
    ).rejects.toThrow(/recovery ended before configured recovery target was reached|did not/);
    expect(existsSync(scratchDir)).toBe(false);
  });
});

describe("runLocalPostgresDrill", () => {
  it("restores to T: rows before T present, rows after absent, tables match the source at T, copy removed", async () => {
    const c = await connect();
    await c.query("CREATE DATABASE shop");
    await c.end();
    const shop = await connect("shop");
    await shop.query("CREATE TABLE orders (id int PRIMARY KEY, note text)");
    await shop.query("INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 200) g");
    await shop.end();

    const report = await runLocalPostgresDrill({
      rootDir: src.rootDir,
      database: "shop",
      validation: { tables: ["public.orders", "dbtk_drill.marker"], query: "SELECT count(*) AS n, max(id) AS top FROM orders" },
    });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    const names = report.checks.map((ch) => ch.name);
    expect(names).toEqual([
      "rows written before T present",
      "rows written after T absent",
      "rows public.orders",
      "md5 public.orders",
      "rows dbtk_drill.marker",
      "md5 dbtk_drill.marker",
      "query",
    ]);
    expect(report.checks.find((ch) => ch.name === "rows public.orders")!.actual).toBe("200");
    expect(report.rtoSeconds).toBeGreaterThan(0);
    // The last transaction replayed is the last "before" row, committed just before T.
    expect(report.rpoSeconds).toBeGreaterThanOrEqual(0);
    expect(report.archiveLeadSeconds).toBeGreaterThan(0);
    expect(report.scratch.destroyed).toBe(true);
    expect(existsSync(report.scratch.id)).toBe(false);
    // The source holds the rows written after T; only the restored copy lacked them.
    const s = await connect("shop");
    const { rows } = await s.query("SELECT phase, count(*)::int AS n FROM dbtk_drill.marker GROUP BY phase ORDER BY phase");
    await s.end();
    expect(rows).toEqual([{ phase: "after", n: 2 }, { phase: "before", n: 3 }]);
    // Segments older than the drill's base backup were pruned; the backup itself is gone.
    expect(readdirSync(path.join(src.rootDir, "backups"))).toEqual([]);
  });

  it("reports a failed check when the copy differs from what the source had", async () => {
    const c = await connect();
    await c.query("CREATE TABLE IF NOT EXISTS drift (id int)");
    await c.query("INSERT INTO drift VALUES (1)");
    const session = await openSession(sourceTarget(src, "postgres"));
    const expected = await collectChecks(session, { tables: ["public.drift"] });
    await c.query("INSERT INTO drift VALUES (2)");
    const checks = await compareChecks(session, expected, { tables: ["public.drift"] });
    const missing = await compareChecks(session, new Map([["rows public.nope", "1"], ["md5 public.nope", "x"]]), {});
    await session.close();
    await c.end();
    expect(checks.map((ch) => [ch.name, ch.ok])).toEqual([
      ["rows public.drift", false],
      ["md5 public.drift", false],
    ]);
    expect(missing[0]!.ok).toBe(false);
    expect(missing[0]!.actual).toMatch(/does not exist/);
  });
});
