// Restore points on a real (embedded) PostgreSQL: a migration failing half-way after CREATE INDEX
// CONCURRENTLY is undone by swapping the copy back; retention, ls/drop, sessions and bad input.
import pg from "pg";
import { describe, expect, it } from "vitest";
import {
  dropRestorePoint,
  listRestorePoints,
  migrateWithRestorePoint,
  pruneRestorePoints,
  restoreRestorePoint,
  takeRestorePoint,
  type GuardedFailure,
} from "../../../automation/restore-point/index.ts";
import type { DbTarget } from "../../../core/connection.ts";
import { migrate } from "../../../migrations/index.ts";
import { query } from "../runner/helpers.ts";
import { serverForSuite, state, V1 } from "./helpers.ts";

describe("restore points on PostgreSQL", () => {
  const suite = serverForSuite("postgres", "rp-pg");
  const srv = { database: () => suite.server().database() };
  const dir = suite.dir;

  /** A database at V1 with database-level settings, grants and a comment, and its V1+V2 folder. */
  async function atV1(): Promise<{ t: DbTarget; d: string }> {
    const { t, d } = await suite.atV1();
    await query(t, `ALTER DATABASE "${t.database}" SET search_path = app, "$user", public`);
    await query(t, `REVOKE ALL ON DATABASE "${t.database}" FROM PUBLIC; COMMENT ON DATABASE "${t.database}" IS 'orders'`);
    return { t, d };
  }

  /** Database-level settings, grants and comment: what a template copy does not carry by itself. */
  const dbLevel = (t: DbTarget) =>
    query(
      t,
      `select d.datacl::text as acl, shobj_description(d.oid, 'pg_database') as comment,
              (select array_agg(c order by c)::text from pg_db_role_setting s, unnest(s.setconfig) c where s.setdatabase = d.oid) as settings
         from pg_database d where d.datname = current_database()`,
    );

  it("with restoreOnFailure, a migration failing after CREATE INDEX CONCURRENTLY leaves catalog, rows and history as before", async () => {
    const { t, d } = await atV1();
    const before = await state(t);
    const level = await dbLevel(t);
    const progress: string[] = [];
    const err = (await migrateWithRestorePoint({ target: t, dir: d }, { restoreOnFailure: true, restorePoint: { onProgress: (m) => progress.push(m) } }).catch(
      (e: unknown) => e,
    )) as Error & GuardedFailure;
    expect(err.message).toMatch(/V2__fail_half_way\.sql/);
    const o = err.restorePointOutcome;
    expect(o.restorePoint?.versionBefore).toBe("1");
    expect(o.restored).toMatchObject({ id: o.restorePoint?.id, database: t.database, versionBefore: "1" });
    expect(o.restored!.ms).toBeGreaterThan(0);
    expect(await state(t)).toEqual(before);
    expect(await dbLevel(t)).toEqual(level);
    expect(progress.some((m) => m.startsWith(`restored ${t.database} from ${o.restorePoint!.id} in `))).toBe(true);
    // The copy took the database's place; nothing is left behind.
    expect(await listRestorePoints(t)).toEqual([]);
  });

  it("without it, the restore point stays and restoring it by id brings the same state back", async () => {
    const { t, d } = await atV1();
    const before = await state(t);
    const err = (await migrateWithRestorePoint({ target: t, dir: d }).catch((e: unknown) => e)) as GuardedFailure;
    const id = err.restorePointOutcome.restorePoint!.id;
    const after = await state(t);
    expect(after.schema).toContain("items_name");
    expect(after.rows).toHaveLength(3);
    expect(await listRestorePoints(t)).toMatchObject([{ id, source: t.database, versionBefore: "1", state: "ready" }]);
    const r = await restoreRestorePoint(t, id);
    expect(r).toMatchObject({ id, database: t.database, versionBefore: "1" });
    expect(await state(t)).toEqual(before);
    expect(await listRestorePoints(t)).toEqual([]);
  });

  it("takes none when nothing is pending, nor for a dry run", async () => {
    const t = await srv.database();
    const d = dir({ "V1__init.sql": V1.postgres });
    expect((await migrateWithRestorePoint({ target: t, dir: d, dryRun: true })).restorePointOutcome).toEqual({ pruned: [] });
    const first = await migrateWithRestorePoint({ target: t, dir: d });
    expect(first.restorePointOutcome.restorePoint?.versionBefore).toBeNull();
    const again = await migrateWithRestorePoint({ target: t, dir: d }, { keep: 1 });
    expect(again.restorePointOutcome).toEqual({ pruned: [] });
    expect((await listRestorePoints(t)).map((p) => p.id)).toEqual([first.restorePointOutcome.restorePoint!.id]);
  });

  it("keeps the newest n; ls lists newest first; drop removes one", async () => {
    const { t } = await atV1();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await takeRestorePoint(t, "1")).id);
    const pruned = await pruneRestorePoints(t, 2);
    expect(pruned.map((p) => p.id)).toEqual([ids[0]]);
    expect((await listRestorePoints(t, { sizes: true })).map((p) => [p.id, p.sizeBytes! > 0])).toEqual([
      [ids[2], true],
      [ids[1], true],
    ]);
    expect(await dropRestorePoint(t, ids[1]!)).toMatchObject({ id: ids[1], source: t.database });
    expect((await listRestorePoints(t)).map((p) => p.id)).toEqual([ids[2]]);
  });

  it("refuses an unknown id and another database's restore point, naming them and `dbtk restore-point ls`", async () => {
    const { t } = await atV1();
    const other = await srv.database();
    const theirs = await takeRestorePoint(other, null);
    await expect(restoreRestorePoint(t, "dbtk_rp_nosuch")).rejects.toThrow(/no restore point "dbtk_rp_nosuch".*`dbtk restore-point ls`/);
    await expect(dropRestorePoint(t, "dbtk_rp_nosuch")).rejects.toThrow(/"dbtk_rp_nosuch"/);
    await expect(restoreRestorePoint(t, theirs.id)).rejects.toThrow(new RegExp(`"${theirs.id}" is a copy of database "${other.database}", not "${t.database}"`));
    expect(await listRestorePoints(t)).toEqual([]);
    expect((await listRestorePoints(other)).map((p) => p.id)).toEqual([theirs.id]);
  });

  it("waits for other sessions and names them, or terminates them when asked", async () => {
    const { t } = await atV1();
    const c = new pg.Client({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database, application_name: "orders-api" });
    c.on("error", () => undefined);
    await c.connect();
    try {
      await expect(takeRestorePoint(t, "1", { waitMs: 300 })).rejects.toThrow(/1 other session\(s\): pid \d+ on t_\d+_\d+ as \w+ \(orders-api\).*sessions: "terminate"/);
      const said: string[] = [];
      const p = await takeRestorePoint(t, "1", { sessions: "terminate", onProgress: (m) => said.push(m) });
      expect(said.join("\n")).toMatch(/terminating 1 other session\(s\): pid \d+ .*\(orders-api\)/);
      expect((await listRestorePoints(t)).map((x) => x.id)).toEqual([p.id]);
    } finally {
      await c.end().catch(() => undefined);
    }
  });
});
