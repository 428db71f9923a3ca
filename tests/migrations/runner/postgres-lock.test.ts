// The runner's lock on PostgreSQL: concurrent runners apply each migration once; a CREATE INDEX
// CONCURRENTLY migration completes while the lock is held and another runner waits; a runner killed with
// SIGKILL mid-migration leaves no lock behind.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, type MigrateResult } from "../../../migrations/index.ts";
import { history, query, repoRoot, startServer, writeMigrations, type TestServer } from "./helpers.ts";

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer("postgres", "pglock");
});
afterAll(async () => {
  await srv?.stop();
});
const dir = (name: string) => path.join(srv.root, "migrations", name);

describe("lock on PostgreSQL", () => {
  it("several runners in parallel apply each version exactly once", async () => {
    const target = await srv.database();
    const files: Record<string, string> = {};
    for (let i = 1; i <= 40; i++) files[`V${i}__step_${i}.sql`] = `CREATE TABLE step_${i} (id int);`;
    files["R__view.sql"] = "CREATE OR REPLACE VIEW steps AS SELECT 1 AS x;";
    const d = writeMigrations(dir("parallel"), files);
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate({ target, dir: d })));
    expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(41);
    const rows = await history(target);
    expect(rows).toHaveLength(41);
    expect(new Set(rows.map((r) => r.script)).size).toBe(41);
    expect(rows.every((r) => r.success === true)).toBe(true);
  });

  it("shares Flyway's lock key, so a session holding it blocks the runner", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("flywaykey"), { "V1__a.sql": "SELECT 1;" });
    // Flyway: 77431708279161 + "\"public\".\"flyway_schema_history\"".hashCode()
    const key = 77431708279161n + BigInt(javaHash('"public"."flyway_schema_history"'));
    const holder = new pg.Client({ ...target });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${key})`);
      await expect(migrate({ target, dir: d, lockTimeoutMs: 0 })).rejects.toThrow(/another runner holds the migration lock/);
    } finally {
      await holder.end();
    }
    expect((await migrate({ target, dir: d, lockTimeoutMs: 0 })).applied).toHaveLength(1);
  });

  it("CREATE INDEX CONCURRENTLY completes while the lock is held and another runner waits for it", async () => {
    const target = await srv.database();
    await query(target, "CREATE TABLE gate (x int)");
    const d = writeMigrations(dir("cic-wait"), {
      "V1__items.sql": "SELECT count(*) FROM gate;\nCREATE TABLE items (id int, v text);\nINSERT INTO items SELECT g, g::text FROM generate_series(1, 5000) g;",
      "V2__index.sql": "CREATE INDEX CONCURRENTLY items_v ON items (v);",
    });
    // The test holds the gate so runner 1 sits in V1 until runner 2 is waiting for the lock.
    const gate = new pg.Client({ ...target });
    await gate.connect();
    await gate.query("BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE");
    let second: Promise<MigrateResult> | undefined;
    let released: () => void = () => undefined;
    const secondWaiting = new Promise<void>((resolve) => (released = resolve));
    const first = migrate({
      target,
      dir: d,
      onProgress: (e) => {
        if (e.type === "apply" && e.migration.version === "1" && !second) {
          // 60 s is a bound, not a timing assertion: a waiter that kept a snapshot open would make the
          // index build wait until this runner gave up, and then this runner would fail.
          second = migrate({ target, dir: d, lockTimeoutMs: 60_000, onProgress: (w) => w.type === "lock-wait" && released() });
        }
      },
    });
    await secondWaiting;
    await gate.query("COMMIT");
    await gate.end();
    const r1 = await first;
    const r2 = await second!;
    expect(r1.applied.map((m) => [m.script, m.transactional])).toEqual([
      ["V1__items.sql", true],
      ["V2__index.sql", false],
    ]);
    expect(r2.applied).toEqual([]);
    expect(await query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_v'::regclass")).toEqual([{ indisvalid: true }]);
  });

  it("a runner killed with SIGKILL mid-migration leaves no stale lock: the next runner migrates at once", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("sigkill"), {
      "V1__a.sql": "CREATE TABLE a (id int);",
      "V2__slow.sql": "SELECT pg_sleep(${sleep});",
      "V3__b.sql": "CREATE TABLE b (id int);",
    });
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "fixtures/child-migrate.ts")], {
      cwd: repoRoot,
      env: { ...process.env, DBTK_TEST_TARGET: JSON.stringify(target), DBTK_TEST_DIR: d, DBTK_TEST_PLACEHOLDERS: JSON.stringify({ sleep: "60" }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) {
      if (line.includes('"apply"') && line.includes("V2__slow.sql")) break;
    }
    // Wait until the server is really executing the sleep, then kill the runner without warning.
    for (let i = 0; i < 200; i++) {
      const rows = await query(target, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()");
      if (rows.length > 0) break;
      await sleep(50);
    }
    child.kill("SIGKILL");
    await exited;
    expect((await history(target)).map((r) => r.version)).toEqual(["1"]);
    // No manual unlock, no force: the lock died with the killed runner's connection.
    const r = await migrate({ target, dir: d, placeholders: { sleep: "0" }, lockTimeoutMs: 5_000 });
    expect(r.applied.map((m) => m.script)).toEqual(["V2__slow.sql", "V3__b.sql"]);
    expect((await history(target)).map((x) => [x.version, x.success])).toEqual([
      ["1", true],
      ["2", true],
      ["3", true],
    ]);
    expect(await query(target, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).toEqual([{ n: 0 }]);
  });
});

function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
