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

  /** Runs `args` through both tools on fresh databases (each migrated with `before` first, if given) and compares. */
  async function both(files: Record<string, string>, args: { flyway: string[]; dbtk: string[] }, before?: Record<string, string>) {
    const d = path.join(srv.root, "parity", String(++n));
    const [fw, ours] = [await srv.database(), await srv.database()];
    if (before) {
      writeMigrations(d, before);
      expect((await flyway(fw, d, ["migrate"])).code).toBe(0);
      expect((await dbtkCli(ours, ["migrate", "--dir", d])).code).toBe(0);
    }
    writeMigrations(d, files);
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

  const v1 = { "V1__a.sql": "CREATE TABLE a (id INT);" };
  const v2 = { "V2__b.sql": "CREATE TABLE b (id INT);" };
  const v3 = { "V3__c.sql": "CREATE TABLE c (id INT);" };
  const r1 = { "R__r.sql": "CREATE OR REPLACE VIEW r AS SELECT 1 AS one;" };
  const r2 = { "R__r.sql": "CREATE OR REPLACE VIEW r AS SELECT 2 AS two;" };
  const scenarios: Record<string, [before: Record<string, string>, after: Record<string, string>]> = {
    "pending versioned": [v1, { ...v1, ...v2 }],
    "pending repeatable": [v1, { ...v1, ...r1 }],
    "outdated repeatable": [{ ...v1, ...r1 }, { ...v1, ...r2 }],
    "missing versioned": [{ ...v1, ...v2 }, v2],
    "missing repeatable": [{ ...v1, ...r1 }, v1],
    "ignored (older, never applied)": [{ ...v1, ...v3 }, { ...v1, ...v2, ...v3 }],
    "future": [{ ...v1, ...v2 }, v1],
  };
  it.each([
    ["pending versioned", ""],
    ["pending versioned", "*:pending"],
    ["pending versioned", "versioned:pending"],
    ["pending versioned", "repeatable:pending"],
    ["pending repeatable", ""],
    ["pending repeatable", "repeatable:pending"],
    ["pending repeatable", "versioned:pending"],
    ["outdated repeatable", ""],
    ["outdated repeatable", "*:pending"],
    ["outdated repeatable", "repeatable:pending"],
    ["missing versioned", ""],
    ["missing versioned", "*:missing"],
    ["missing versioned", "repeatable:missing"],
    ["missing repeatable", "repeatable:missing"],
    ["ignored (older, never applied)", ""],
    ["ignored (older, never applied)", "*:ignored"],
    ["ignored (older, never applied)", "*:pending,*:future"],
    ["future", ""],
    ["future", "*:pending"],
    ["future", "*:future"],
    ["future", "*:*"],
  ])("validate, %s, ignore patterns [%s]: same verdict as Flyway", async (name, patterns) => {
    const [before, after] = scenarios[name]!;
    const args = {
      flyway: ["validate", ...(patterns ? [`-ignoreMigrationPatterns=${patterns}`] : [])],
      dbtk: ["validate", ...(patterns ? ["--ignore-migration-patterns", patterns] : [])],
    };
    const r = await both(after, args, before);
    if (r.dbtk.code !== 0) expect(r.dbtk.stderr).toMatch(/validation failed/);
  });

  it("an invalid ignore pattern is refused, naming the valid states", async () => {
    const r = await both(v1, { flyway: ["validate", "-ignoreMigrationPatterns=*:outdated"], dbtk: ["validate", "--ignore-migration-patterns", "*:outdated"] }, v1).catch((e: Error) => e);
    // Flyway exits 1, dbtk 2 (a usage error, as for every bad flag value).
    expect(r).toBeInstanceOf(Error);
    const d = path.join(srv.root, "parity", String(n));
    const ours = await dbtkCli(await srv.database(), ["validate", "--dir", d, "--ignore-migration-patterns", "*:outdated"]);
    expect(ours.code).toBe(2);
    expect(ours.stderr).toMatch(/invalid migration pattern "\*:outdated".*state one of \*, missing, pending, ignored, future.*--ignore-migration-patterns/);
  });

  it("a misnamed file is skipped with a warning, as Flyway skips it; --validate-migration-naming makes it an error", async () => {
    const files = { ...v1, "v2_b.sql": "CREATE TABLE b (id INT);", "V3_c.sql": "CREATE TABLE c (id INT);", "notes.sql": "SELECT 1;" };
    const r = await both(files, { flyway: ["migrate"], dbtk: ["migrate"] });
    expect(r.dbtk.code).toBe(0);
    expect(r.dbtk.stderr).toMatch(/warning: V3_c\.sql: skipped, its name fits no migration pattern.*--validate-migration-naming/);
    const strict = await both(files, { flyway: ["migrate", "-validateMigrationNaming=true"], dbtk: ["migrate", "--validate-migration-naming"] });
    expect(strict.dbtk.code).toBe(1);
    expect(strict.dbtk.stderr).toMatch(/v2_b\.sql: file name does not fit a migration pattern/);
  });
});
