// The runner on a real MariaDB: DDL is not transactional, so a failed migration is recorded as failed and
// blocks later runs until repair; routines with BEGIN … END; undo; concurrent runners.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flywayChecksum, info, migrate, MigrationError, repair, undo, validate } from "../../../migrations/index.ts";
import { history, mariadbInstalled, query, requireMariadbInCi, startServer, writeMigrations, type TestServer } from "./helpers.ts";

requireMariadbInCi();

describe.skipIf(!mariadbInstalled)("runner on MariaDB", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer("mysql", "maria");
  });
  afterAll(async () => {
    await srv?.stop();
  });
  const dir = (name: string) => path.join(srv.root, "migrations", name);

  it("applies migrations, routines with BEGIN … END included, and records Flyway rows", async () => {
    const target = await srv.database();
    const files = {
      "V1__create_users.sql": "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50));\nINSERT INTO users VALUES (1, 'a;b');",
      "V2__proc.sql": [
        "CREATE PROCEDURE add_user(IN n VARCHAR(50))",
        "BEGIN",
        "  DECLARE next_id INT;",
        "  SELECT COALESCE(MAX(id), 0) + 1 INTO next_id FROM users;",
        "  IF next_id > 0 THEN",
        "    INSERT INTO users VALUES (next_id, n);",
        "  END IF;",
        "END;",
        "CALL add_user('c'); # hash comment",
      ].join("\n"),
      "R__names.sql": "CREATE OR REPLACE VIEW names AS SELECT name FROM users;",
    };
    const d = writeMigrations(dir("basic"), files);
    const r = await migrate({ target, dir: d });
    expect(r.applied.map((m) => m.script)).toEqual(["V1__create_users.sql", "V2__proc.sql", "R__names.sql"]);
    expect(await query(target, "SELECT name FROM names ORDER BY name")).toEqual([{ name: "a;b" }, { name: "c" }]);
    expect(await history(target)).toEqual([
      { installed_rank: 1, version: "1", description: "create users", type: "SQL", script: "V1__create_users.sql", checksum: flywayChecksum(files["V1__create_users.sql"]), success: 1 },
      { installed_rank: 2, version: "2", description: "proc", type: "SQL", script: "V2__proc.sql", checksum: flywayChecksum(files["V2__proc.sql"]), success: 1 },
      { installed_rank: 3, version: null, description: "names", type: "SQL", script: "R__names.sql", checksum: flywayChecksum(files["R__names.sql"]), success: 1 },
    ]);
    expect((await migrate({ target, dir: d })).applied).toEqual([]);
  });

  it("a failed migration is recorded as failed, names file and line, and blocks runs until repair", async () => {
    const target = await srv.database();
    const good = { "V1__a.sql": "CREATE TABLE a (id INT);" };
    const d = writeMigrations(dir("failed"), {
      ...good,
      "V2__bad.sql": "CREATE TABLE b (id INT);\n\nCREATE TABLE c (\n  id INT,\n  WHERE oops\n);\n",
    });
    let err: MigrationError | undefined;
    await migrate({ target, dir: d }).catch((e: MigrationError) => (err = e));
    expect(err).toBeInstanceOf(MigrationError);
    expect(err!.code).toBe("MIGRATION_FAILED");
    expect(err!.script).toBe("V2__bad.sql");
    expect(err!.line).toBe(5);
    expect(err!.message).toMatch(/^V2__bad\.sql:5: ER_PARSE_ERROR: .*near 'WHERE oops/);
    expect(err!.message).toMatch(/cannot roll back DDL.*dbtk repair/s);
    // The DDL before the failure stayed (MySQL cannot roll it back) and the failure is on record.
    expect(await query(target, "SHOW TABLES LIKE 'b'")).toHaveLength(1);
    expect((await history(target)).map((r) => [r.version, r.success])).toEqual([
      ["1", 1],
      ["2", 0],
    ]);
    expect((await info({ target, dir: d })).migrations.map((m) => m.state)).toEqual(["Success", "Failed"]);
    const refused = await migrate({ target, dir: d }).catch((e: MigrationError) => e);
    expect(refused).toMatchObject({ code: "FAILED_IN_HISTORY" });
    expect((refused as Error).message).toMatch(/failed migration to version 2 \(V2__bad\.sql\).*repair/);

    expect(await repair({ target, dir: d })).toMatchObject({ removedFailed: ["V2__bad.sql"] });
    writeMigrations(d, { ...good, "V2__bad.sql": "CREATE TABLE IF NOT EXISTS b (id INT);\nCREATE TABLE c (id INT);\n" });
    expect((await migrate({ target, dir: d })).applied.map((m) => m.script)).toEqual(["V2__bad.sql"]);
    expect((await history(target)).map((r) => [r.version, r.success])).toEqual([
      ["1", 1],
      ["2", 1],
    ]);
  });

  it("rolls back the DML of a failed migration (it still runs in a transaction)", async () => {
    const target = await srv.database();
    await query(target, "CREATE TABLE k (id INT PRIMARY KEY) ENGINE=InnoDB");
    const d = writeMigrations(dir("dml"), { "V1__rows.sql": "INSERT INTO k VALUES (1);\nINSERT INTO k VALUES (1);" });
    await expect(migrate({ target, dir: d })).rejects.toMatchObject({ line: 2, code: "MIGRATION_FAILED" });
    expect(await query(target, "SELECT * FROM k")).toEqual([]);
  });

  it("a transactional migration's first statement failing on its third line names that line and rolls back", async () => {
    // START TRANSACTION rides on the first statement's line (one round trip): the server's "at line N" must
    // still count from the statement.
    const target = await srv.database();
    await query(target, "CREATE TABLE q (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
    const d = writeMigrations(dir("first-fails"), {
      "V1__ok.sql": "INSERT INTO q VALUES (1, 1);",
      "V2__bad.sql": "-- a comment\nUPDATE q\n  SET v = 2\n  WHERE WHERE id = 1;\nINSERT INTO q VALUES (2, 2);\n",
    });
    const err = await migrate({ target, dir: d }).catch((e: MigrationError) => e);
    expect(err).toMatchObject({ code: "MIGRATION_FAILED", script: "V2__bad.sql", line: 4 });
    // Its advice says what happened: rolled back, yet on record as failed (Flyway's MySQL history).
    expect((err as Error).message).toMatch(/rolled back \(it has no DDL\), but .*records it as failed.*dbtk repair/s);
    expect((err as Error).message).not.toMatch(/may stay applied/);
    expect(await query(target, "SELECT id, v FROM q ORDER BY id")).toEqual([{ id: 1, v: 1 }]);
    expect((await history(target)).map((r) => [r.version, r.success])).toEqual([
      ["1", 1],
      ["2", 0],
    ]);
  });

  it("an edited file fails validation and migrate refuses", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("edit"), { "V1__a.sql": "CREATE TABLE a (id INT);" });
    await migrate({ target, dir: d });
    writeMigrations(d, { "V1__a.sql": "CREATE TABLE a (id BIGINT);", "V2__b.sql": "CREATE TABLE b (id INT);" });
    expect(await validate({ target, dir: d })).toMatchObject({
      ok: false,
      problems: [
        { kind: "checksum-mismatch", script: "V1__a.sql" },
        { kind: "pending", script: "V2__b.sql" },
      ],
    });
    expect(await validate({ target, dir: d, ignoreMigrationPatterns: ["*:pending"] })).toMatchObject({ ok: false, problems: [{ kind: "checksum-mismatch" }] });
    await expect(migrate({ target, dir: d })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await query(target, "SHOW TABLES LIKE 'b'")).toHaveLength(0);
  });

  it("undo runs U files and records UNDO_SQL", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("undo"), {
      "V1__a.sql": "CREATE TABLE a (id INT);",
      "V2__b.sql": "CREATE TABLE b (id INT);",
      "U2__b.sql": "DROP TABLE b;",
    });
    await migrate({ target, dir: d });
    expect((await undo({ target, dir: d })).applied.map((m) => m.script)).toEqual(["U2__b.sql"]);
    expect(await query(target, "SHOW TABLES LIKE 'b'")).toHaveLength(0);
    expect((await history(target)).at(-1)).toMatchObject({ version: "2", type: "UNDO_SQL", success: 1 });
    expect((await info({ target, dir: d })).pending).toBe(1);
    expect((await migrate({ target, dir: d })).applied.map((m) => m.script)).toEqual(["V2__b.sql"]);
  });

  it("several runners in parallel apply each version exactly once", async () => {
    const target = await srv.database();
    const files: Record<string, string> = {};
    for (let i = 1; i <= 20; i++) files[`V${i}__t${i}.sql`] = `CREATE TABLE t${i} (id INT);`;
    const d = writeMigrations(dir("parallel"), files);
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate({ target, dir: d })));
    expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(20);
    const rows = await history(target);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.version)).size).toBe(20);
  });
});
