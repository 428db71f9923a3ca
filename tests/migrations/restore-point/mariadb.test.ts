// Restore points on a real MariaDB (Debian's, tools/install-mariadb.sh): DDL is not transactional, so a
// migration failing after an ALTER TABLE leaves it applied; the copy (tables, rows, auto-increment,
// foreign keys, generated columns, views, routines, triggers) is swapped back under the same name.
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
import { mariadbInstalled, query, requireMariadbInCi } from "../runner/helpers.ts";
import { serverForSuite, state } from "./helpers.ts";

requireMariadbInCi();

describe.skipIf(!mariadbInstalled)("restore points on MariaDB", () => {
  const { server, atV1 } = serverForSuite("mysql", "rp-maria");
  const srv = { database: () => server().database() };

  /** What the catalog snapshot leaves out: the next auto-increment value, and objects' behaviour. */
  const behaviour = async (t: DbTarget) => ({
    next: await query(t, "SELECT AUTO_INCREMENT AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items'"),
    generated: await query(t, "SELECT up FROM items ORDER BY id"),
    view: await query(t, "SELECT name FROM item_names ORDER BY name"),
    fn: await query(t, "SELECT twice(21) AS v"),
    tags: await query(t, "SELECT * FROM tags"),
  });

  it("with restoreOnFailure, a migration failing after an ALTER TABLE leaves catalog, rows and history as before", async () => {
    const { t, d } = await atV1();
    const before = { ...(await state(t)), ...(await behaviour(t)) };
    const err = (await migrateWithRestorePoint({ target: t, dir: d }, { restoreOnFailure: true }).catch((e: unknown) => e)) as Error & GuardedFailure;
    expect(err.message).toMatch(/V2__fail_half_way\.sql/);
    expect(err.restorePointOutcome.restored).toMatchObject({ database: t.database, versionBefore: "1" });
    expect({ ...(await state(t)), ...(await behaviour(t)) }).toEqual(before);
    // The trigger is back and fires; the foreign key still holds.
    await query(t, "INSERT INTO items (name) VALUES ('  padded  ')");
    expect(await query(t, "SELECT name FROM items WHERE id = 3")).toEqual([{ name: "padded" }]);
    await expect(query(t, "INSERT INTO tags VALUES (11, 99)")).rejects.toThrow(/foreign key constraint fails/);
    expect(await listRestorePoints(t)).toEqual([]);
  });

  it("without it, the restore point stays and restoring it by id brings the same state back", async () => {
    const { t, d } = await atV1();
    const before = { ...(await state(t)), ...(await behaviour(t)) };
    const err = (await migrateWithRestorePoint({ target: t, dir: d }).catch((e: unknown) => e)) as GuardedFailure;
    const id = err.restorePointOutcome.restorePoint!.id;
    expect((await state(t)).schema).toContain('"extra"');
    expect(await listRestorePoints(t)).toMatchObject([{ id, source: t.database, versionBefore: "1", state: "ready" }]);
    expect(await restoreRestorePoint(t, id)).toMatchObject({ id, database: t.database, versionBefore: "1" });
    expect({ ...(await state(t)), ...(await behaviour(t)) }).toEqual(before);
    expect(await listRestorePoints(t)).toEqual([]);
  });

  it("keeps the newest n, drops by id, refuses unknown ids and other databases' points", async () => {
    const { t } = await atV1();
    const other = await srv.database();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await takeRestorePoint(t, "1")).id);
    expect((await pruneRestorePoints(t, 2)).map((p) => p.id)).toEqual([ids[0]]);
    expect((await listRestorePoints(t, { sizes: true })).map((p) => [p.id, p.sizeBytes! > 0])).toEqual([
      [ids[2], true],
      [ids[1], true],
    ]);
    await dropRestorePoint(t, ids[1]!);
    expect((await listRestorePoints(t)).map((p) => p.id)).toEqual([ids[2]]);
    await expect(restoreRestorePoint(t, "dbtk_rp_nosuch")).rejects.toThrow(/no restore point "dbtk_rp_nosuch".*`dbtk restore-point ls`/);
    await expect(restoreRestorePoint(other, ids[2]!)).rejects.toThrow(new RegExp(`"${ids[2]}" is a copy of database "${t.database}", not "${other.database}"`));
    expect(await listRestorePoints(other)).toEqual([]);
  });
});
