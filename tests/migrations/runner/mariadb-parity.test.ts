// Issue #11, Flyway parity on MariaDB: the same files through the real Flyway and through `dbtk`, each on a
// fresh database; exit code, history rows (version, description, type, checksum, success) and schema must agree.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { dbtkCli, ensureFlyway, flyway, history, mariadbInstalled, query, requireMariadbInCi, startServer, writeMigrations, type TestServer } from "./helpers.ts";

requireMariadbInCi();
beforeAll(ensureFlyway, 600_000);

/** What both tools left in a database, its name blanked out (the two databases differ in name only). */
async function snapshot(t: DbTarget): Promise<unknown> {
  const q = (sql: string) => query(t, sql, [t.database]);
  const rows = await history(t).catch(() => []);
  const schema = {
    columns: await q("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, ORDINAL_POSITION"),
    routines: await q(
      "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1",
    ),
    views: await q("SELECT TABLE_NAME, VIEW_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY 1"),
    triggers: await q("SELECT TRIGGER_NAME, ACTION_STATEMENT, COLLATION_CONNECTION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY 1"),
  };
  const history_ = rows.map((r) => ({ version: r.version, description: r.description, type: r.type, checksum: r.checksum, success: Number(r.success) }));
  return JSON.parse(JSON.stringify({ history: history_, schema }).replaceAll(t.database, "<db>"));
}

describe.skipIf(!mariadbInstalled)("Flyway parity on MariaDB (issue #11)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer("mysql", "parity");
  });
  afterAll(async () => {
    await srv?.stop();
  });
  let n = 0;

  /** Runs `args` through both tools on fresh databases (after `setup` commands, if any) and compares. */
  async function both(files: Record<string, string>, args: { flyway: string[]; dbtk: string[] }, setup: { flyway: string[]; dbtk: string[] }[] = []) {
    const d = writeMigrations(path.join(srv.root, "parity", String(++n)), files);
    const [fw, ours] = [await srv.database(), await srv.database()];
    for (const s of setup) {
      expect((await flyway(fw, d, s.flyway)).code).toBe(0);
      expect((await dbtkCli(ours, [...s.dbtk, "--dir", d])).code).toBe(0);
    }
    const a = await flyway(fw, d, args.flyway);
    const b = await dbtkCli(ours, [...args.dbtk, "--dir", d]);
    expect({ code: b.code, ...((await snapshot(ours)) as object) }).toEqual({ code: a.code, ...((await snapshot(fw)) as object) });
    return { flyway: a, dbtk: b, dir: d, targets: { flyway: fw, dbtk: ours } };
  }
  const migrate = { flyway: ["migrate"], dbtk: ["migrate"] };

  it.each([
    ["$$", "END$$"],
    ["//", "END//"],
    [";;", "END;;"],
    ["$$", "END $$"],
  ])("DELIMITER %s blocks closed by %s split as Flyway splits them", async (delim, end) => {
    const body = [
      "CREATE TABLE t (id INT PRIMARY KEY, n INT);",
      `DELIMITER ${delim}`,
      "CREATE PROCEDURE bump(IN k INT)",
      "BEGIN",
      "  UPDATE t SET n = n + 1 WHERE id = k;",
      "  IF ROW_COUNT() = 0 THEN",
      "    INSERT INTO t VALUES (k, 1);",
      "  END IF;",
      end,
      "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC",
      "BEGIN",
      "  RETURN x * 2;",
      end,
      "DELIMITER ;",
      "CALL bump(1);",
      "CREATE VIEW v AS SELECT id, twice(n) AS n2 FROM t;",
    ].join("\n");
    const r = await both({ "V1__routines.sql": body }, migrate);
    expect(r.dbtk.code).toBe(0);
    expect(await query(r.targets.dbtk, "SELECT * FROM v")).toEqual([{ id: 1, n2: 2 }]);
  });
  it("routines, views and triggers get the collation_connection Flyway's sessions give them", async () => {
    const r = await both(
      {
        "V1__t.sql": "CREATE TABLE t (id INT, name VARCHAR(20));\nCREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.name = LOWER(NEW.name);",
        "R__v.sql": "CREATE OR REPLACE VIEW v AS SELECT name FROM t WHERE name = 'x';",
      },
      migrate,
    );
    const [view] = await query(r.targets.dbtk, "SELECT COLLATION_CONNECTION AS c FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?", [r.targets.dbtk.database]);
    expect(view).toEqual({ c: "utf8mb4_general_ci" });
  });
});
