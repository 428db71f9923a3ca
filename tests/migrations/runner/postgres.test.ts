// The runner on a real PostgreSQL: applying, failures mapped to file and line, no-transaction
// migrations, validation, repeatables, target, dry run and placeholders.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseline, info, migrate, MigrationError, repair, undo, validate, type ProgressEvent } from "../../../migrations/index.ts";
import { flywayChecksum } from "../../../migrations/index.ts";
import { history, query, startServer, writeMigrations, type TestServer } from "./helpers.ts";

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer("postgres", "pg");
});
afterAll(async () => {
  await srv?.stop();
});
const dir = (name: string) => path.join(srv.root, "migrations", name);

async function failureOf(p: Promise<unknown>): Promise<MigrationError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError);
    return err as MigrationError;
  }
  throw new Error("expected the promise to fail");
}

describe("migrate on PostgreSQL", () => {
  it("applies versioned then repeatable migrations and records them as Flyway does", async () => {
    const target = await srv.database();
    const files = {
      "V1__create_users.sql": "CREATE TABLE users (id int primary key, name text);",
      "V1.9__add_email.sql": "ALTER TABLE users ADD COLUMN email text;",
      "V1.10__seed.sql": "INSERT INTO users VALUES (1, 'a', 'a@x');\nINSERT INTO users VALUES (2, 'b', 'b@x');\n",
      "R__users_view.sql": "CREATE OR REPLACE VIEW user_names AS SELECT name FROM users;",
    };
    const d = writeMigrations(dir("basic"), files);
    const events: ProgressEvent[] = [];
    const r = await migrate({ target, dir: d, onProgress: (e) => events.push(e) });
    expect(r.applied.map((m) => m.script)).toEqual(["V1__create_users.sql", "V1.9__add_email.sql", "V1.10__seed.sql", "R__users_view.sql"]);
    expect(r.currentVersion).toBe("1.10");
    expect(events.filter((e) => e.type === "applied")).toHaveLength(4);
    const rows = await history(target);
    expect(rows).toEqual([
      { installed_rank: 1, version: "1", description: "create users", type: "SQL", script: "V1__create_users.sql", checksum: flywayChecksum(files["V1__create_users.sql"]), success: true },
      { installed_rank: 2, version: "1.9", description: "add email", type: "SQL", script: "V1.9__add_email.sql", checksum: flywayChecksum(files["V1.9__add_email.sql"]), success: true },
      { installed_rank: 3, version: "1.10", description: "seed", type: "SQL", script: "V1.10__seed.sql", checksum: flywayChecksum(files["V1.10__seed.sql"]), success: true },
      { installed_rank: 4, version: null, description: "users view", type: "SQL", script: "R__users_view.sql", checksum: flywayChecksum(files["R__users_view.sql"]), success: true },
    ]);
    expect(await query(target, "SELECT count(*)::int AS n FROM user_names")).toEqual([{ n: 2 }]);
    const again = await migrate({ target, dir: d });
    expect(again.applied).toEqual([]);
    expect((await history(target)).length).toBe(4);
  });

  it("a failing migration leaves the previous version; the error names file, line and server message", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("fail"), {
      "V1__ok.sql": "CREATE TABLE a (id int primary key);",
      "V2__broken.sql": "CREATE TABLE b (id int);\n\n-- a comment\nINSERT INTO b VALUES (1);\nSELEC 1;\n",
    });
    const err = await failureOf(migrate({ target, dir: d }));
    expect(err.code).toBe("MIGRATION_FAILED");
    expect(err.script).toBe("V2__broken.sql");
    expect(err.line).toBe(5);
    expect(err.message).toMatch(/^V2__broken\.sql:5: syntax error at or near "SELEC"/);
    expect((await history(target)).map((r) => r.version)).toEqual(["1"]);
    expect(await query(target, "SELECT to_regclass('b') AS t")).toEqual([{ t: null }]);
  });

  it("maps a runtime error without a position to the failing statement's line, after a placeholder", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("runtime"), {
      "V1__dup.sql": "CREATE TABLE k (id int primary key, note text);\nINSERT INTO k VALUES (1, '${note}');\n\nINSERT INTO k\n  VALUES (1, 'again');\n",
    });
    const err = await failureOf(migrate({ target, dir: d, placeholders: { note: "a\nvalue spanning\nthree lines" } }));
    expect(err.line).toBe(4);
    expect(err.serverMessage).toMatch(/duplicate key value violates unique constraint/);
    expect(await query(target, "SELECT to_regclass('k') AS t")).toEqual([{ t: null }]);
  });

  it("replaces placeholders, with Flyway's built-ins; an unknown one names file, line and placeholder", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("ph"), {
      "V1__t.sql": "CREATE TABLE ${table_name} (who text DEFAULT '${flyway:user}', f text DEFAULT '${flyway:filename}');\nINSERT INTO ${table_name} DEFAULT VALUES;",
    });
    await migrate({ target, dir: d, placeholders: { table_name: "things" } });
    expect(await query(target, "SELECT who, f FROM things")).toEqual([{ who: target.user, f: "V1__t.sql" }]);

    const t2 = await srv.database();
    writeMigrations(d, { "V1__t.sql": "SELECT 1;", "V2__u.sql": "SELECT 1;\n-- uses ${missing_one}\n" });
    const err = await failureOf(migrate({ target: t2, dir: d }));
    expect(err.code).toBe("PLACEHOLDER");
    expect(err.message).toMatch(/V2__u\.sql:2: no value for placeholder \$\{missing_one\}/);
    expect(await query(t2, "SELECT to_regclass('flyway_schema_history') AS t")).toEqual([{ t: null }]);
  });

  it("runs CREATE INDEX CONCURRENTLY and VACUUM outside a transaction, detected automatically", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("cic"), {
      "V1__t.sql": "CREATE TABLE big (id int, v text);\nINSERT INTO big SELECT g, g::text FROM generate_series(1, 1000) g;",
      "V2__idx.sql": "CREATE INDEX CONCURRENTLY big_v ON big (v);\nVACUUM ANALYZE big;",
    });
    const r = await migrate({ target, dir: d });
    expect(r.plan.map((p) => p.transactional)).toEqual([true, false]);
    expect(await query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_v'::regclass")).toEqual([{ indisvalid: true }]);
  });

  it("the no-transaction marker: partial changes stay, the failure is recorded, repair clears it", async () => {
    const target = await srv.database();
    const files = { "V1__notx.sql": "-- dbtk:no-transaction\nCREATE TABLE kept (id int);\nCREATE TABLE kept (id int);\n" };
    const d = writeMigrations(dir("marker"), files);
    const err = await failureOf(migrate({ target, dir: d }));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/recorded as failed.*dbtk repair/s);
    expect(await query(target, "SELECT to_regclass('kept')::text AS t")).toEqual([{ t: "kept" }]);
    expect(await history(target)).toMatchObject([{ version: "1", success: false }]);
    expect((await info({ target, dir: d })).migrations.map((m) => m.state)).toEqual(["Failed"]);
    expect((await failureOf(migrate({ target, dir: d }))).code).toBe("FAILED_IN_HISTORY");
    expect(await repair({ target, dir: d })).toMatchObject({ removedFailed: ["V1__notx.sql"] });
    writeMigrations(d, { "V1__notx.sql": "-- dbtk:no-transaction\nCREATE TABLE IF NOT EXISTS kept (id int);\n" });
    await migrate({ target, dir: d });
    expect(await history(target)).toMatchObject([{ version: "1", success: true }]);
  });
});

describe("validation on PostgreSQL", () => {
  const base = { "V1__a.sql": "CREATE TABLE a (id int);", "V2__b.sql": "CREATE TABLE b (id int);", "V3__c.sql": "CREATE TABLE c (id int);" };

  it("an edited applied file is a checksum mismatch naming the file; migrate refuses", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("edit"), base);
    await migrate({ target, dir: d });
    writeMigrations(d, { ...base, "V2__b.sql": "CREATE TABLE b (id bigint);", "V4__d.sql": "CREATE TABLE d (id int);" });
    const v = await validate({ target, dir: d });
    expect(v.ok).toBe(false);
    // V4 is pending: a problem too for validate, as in Flyway (migrate applies it).
    expect(v.problems).toMatchObject([
      { kind: "checksum-mismatch", script: "V2__b.sql", version: "2" },
      { kind: "pending", script: "V4__d.sql", version: "4" },
    ]);
    expect(v.problems[0]!.message).toMatch(/V2__b\.sql was edited after it was applied/);
    const err = await failureOf(migrate({ target, dir: d }));
    expect(err.code).toBe("VALIDATION");
    expect(err.message).toMatch(/V2__b\.sql/);
    expect(await query(target, "SELECT to_regclass('d') AS t")).toEqual([{ t: null }]);
  });

  it("CRLF and LF versions of an applied file validate the same", async () => {
    const target = await srv.database();
    const files = { "V1__multi.sql": "CREATE TABLE m (\n  id int\n);\nINSERT INTO m VALUES (1);\n" };
    const d = writeMigrations(dir("crlf"), files);
    await migrate({ target, dir: d });
    writeMigrations(d, { "V1__multi.sql": files["V1__multi.sql"].replace(/\n/g, "\r\n") });
    expect(await validate({ target, dir: d })).toMatchObject({ ok: true, problems: [] });
  });

  it("a deleted applied file is missing; repair marks it deleted", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("deleted"), base);
    await migrate({ target, dir: d });
    writeMigrations(d, { "V1__a.sql": base["V1__a.sql"], "V3__c.sql": base["V3__c.sql"] });
    const v = await validate({ target, dir: d });
    expect(v.problems).toMatchObject([{ kind: "missing", script: "V2__b.sql" }]);
    expect((await failureOf(migrate({ target, dir: d }))).code).toBe("VALIDATION");
    expect(await repair({ target, dir: d })).toMatchObject({ markedDeleted: ["V2__b.sql"] });
    expect((await history(target)).at(-1)).toMatchObject({ version: "2", type: "DELETE" });
    expect(await validate({ target, dir: d })).toMatchObject({ ok: true });
    expect((await info({ target, dir: d })).migrations.find((m) => m.version === "2")?.state).toBe("Deleted");
  });

  it("a new file older than the latest applied is out of order unless allowed", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("ooo"), { "V1__a.sql": base["V1__a.sql"], "V3__c.sql": base["V3__c.sql"] });
    await migrate({ target, dir: d });
    writeMigrations(d, base);
    const v = await validate({ target, dir: d });
    expect(v.problems).toMatchObject([{ kind: "out-of-order", script: "V2__b.sql" }]);
    expect((await info({ target, dir: d })).migrations.find((m) => m.version === "2")?.state).toBe("Ignored");
    expect((await failureOf(migrate({ target, dir: d }))).message).toMatch(/V2__b\.sql .*options\.outOfOrder/);
    const r = await migrate({ target, dir: d, outOfOrder: true });
    expect(r.applied.map((m) => m.script)).toEqual(["V2__b.sql"]);
    expect((await info({ target, dir: d })).migrations.find((m) => m.version === "2")?.state).toBe("Out of Order");
  });

  it("repair realigns the checksum of an edited file", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("realign"), base);
    await migrate({ target, dir: d });
    writeMigrations(d, { ...base, "V1__a.sql": "CREATE TABLE a (id int); -- reformatted" });
    expect(await repair({ target, dir: d })).toMatchObject({ realigned: ["V1__a.sql"], removedFailed: [], markedDeleted: [] });
    expect(await validate({ target, dir: d })).toMatchObject({ ok: true });
    expect((await history(target))[0]!.checksum).toBe(flywayChecksum("CREATE TABLE a (id int); -- reformatted"));
  });
});

describe("repeatables, target, dry run", () => {
  it("re-applies a repeatable migration when its checksum changes", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("rep"), { "V1__t.sql": "CREATE TABLE t (x int);", "R__v.sql": "CREATE OR REPLACE VIEW v AS SELECT 1 AS one;" });
    await migrate({ target, dir: d });
    writeMigrations(d, { "V1__t.sql": "CREATE TABLE t (x int);", "R__v.sql": "CREATE OR REPLACE VIEW v AS SELECT 1 AS one, 2 AS two;" });
    const before = await info({ target, dir: d });
    expect(before.migrations.map((m) => [m.script, m.state])).toEqual([
      ["V1__t.sql", "Success"],
      ["R__v.sql", "Outdated"],
      ["R__v.sql", "Pending"],
    ]);
    expect((await migrate({ target, dir: d })).applied.map((m) => m.script)).toEqual(["R__v.sql"]);
    expect((await history(target)).filter((r) => r.script === "R__v.sql")).toHaveLength(2);
    expect((await info({ target, dir: d })).migrations.map((m) => m.state)).toEqual(["Success", "Superseded", "Success"]);
    expect((await migrate({ target, dir: d })).applied).toEqual([]);
  });

  it("stops at the target version; later ones are Above Target", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("target"), { "V1__a.sql": "SELECT 1;", "V2__b.sql": "SELECT 2;", "V3__c.sql": "SELECT 3;" });
    const r = await migrate({ target, dir: d, targetVersion: "2" });
    expect(r.currentVersion).toBe("2");
    expect((await info({ target, dir: d, targetVersion: "2" })).migrations.map((m) => m.state)).toEqual(["Success", "Success", "Above Target"]);
    expect((await info({ target, dir: d })).pending).toBe(1);
  });

  it("a dry run returns the plan and changes nothing", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("dry"), { "V1__a.sql": "CREATE TABLE a (id int);", "V2__idx.sql": "CREATE INDEX CONCURRENTLY ai ON a (id);" });
    const r = await migrate({ target, dir: d, dryRun: true });
    expect(r).toMatchObject({ dryRun: true, applied: [], plan: [{ script: "V1__a.sql", transactional: true }, { script: "V2__idx.sql", transactional: false }] });
    expect(await query(target, "SELECT to_regclass('flyway_schema_history') AS h, to_regclass('a') AS a")).toEqual([{ h: null, a: null }]);
  });

  it("runs Flyway SQL callbacks (beforeMigrate, afterEachMigrate, afterMigrate) without recording them", async () => {
    const target = await srv.database();
    await query(target, "CREATE TABLE log (n serial, what text)");
    const d = writeMigrations(dir("callbacks"), {
      "V1__a.sql": "CREATE TABLE a (id int);",
      "V2__b.sql": "CREATE TABLE b (id int);",
      "beforeMigrate.sql": "INSERT INTO log (what) VALUES ('before');",
      "afterEachMigrate.sql": "INSERT INTO log (what) VALUES ('each');",
      "afterMigrate__grants.sql": "INSERT INTO log (what) VALUES ('after');",
    });
    await migrate({ target, dir: d });
    await migrate({ target, dir: d });
    expect((await query<{ what: string }>(target, "SELECT what FROM log ORDER BY n")).map((r) => r.what)).toEqual(["before", "each", "each", "after", "before", "after"]);
    expect((await history(target)).map((r) => r.script)).toEqual(["V1__a.sql", "V2__b.sql"]);
  });

  it("uses a custom schema and table, creating the schema like Flyway", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("schema"), { "V1__a.sql": "CREATE TABLE a (id int);" });
    await migrate({ target, dir: d, schema: "app", table: "my_history" });
    expect(await query(target, "SELECT to_regclass('app.a')::text AS a")).toEqual([{ a: "app.a" }]);
    expect(await history(target, "app.my_history")).toMatchObject([
      { installed_rank: 0, type: "SCHEMA", description: "<< Flyway Schema Creation >>", script: '"app"' },
      { installed_rank: 1, version: "1" },
    ]);
  });
});

describe("undo and baseline", () => {
  const files = {
    "V1__a.sql": "CREATE TABLE a (id int);",
    "V2__b.sql": "CREATE TABLE b (id int);",
    "U2__b.sql": "DROP TABLE b;",
    "V3__c.sql": "CREATE TABLE c (id int);",
    "U3__c.sql": "DROP TABLE c;",
  };

  it("undoes down to a target, recorded as UNDO_SQL; the versions are pending again and re-apply", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("undo"), files);
    await migrate({ target, dir: d });
    const r = await undo({ target, dir: d, targetVersion: "1" });
    expect(r.applied.map((m) => m.script)).toEqual(["U3__c.sql", "U2__b.sql"]);
    expect(r.currentVersion).toBe("1");
    expect((await history(target)).slice(3)).toMatchObject([
      { installed_rank: 4, version: "3", description: "c", type: "UNDO_SQL", script: "U3__c.sql", checksum: flywayChecksum(files["U3__c.sql"]) },
      { installed_rank: 5, version: "2", type: "UNDO_SQL", script: "U2__b.sql" },
    ]);
    expect(await query(target, "SELECT to_regclass('b') AS b, to_regclass('c') AS c")).toEqual([{ b: null, c: null }]);
    const i = await info({ target, dir: d });
    expect(i.currentVersion).toBe("1");
    expect(i.migrations.map((m) => [m.category, m.version, m.state])).toEqual([
      ["Versioned", "1", "Success"],
      ["Versioned", "2", "Undone"],
      ["Versioned", "3", "Undone"],
      ["Undo", "3", "Success"],
      ["Undo", "2", "Success"],
      ["Versioned", "2", "Pending"],
      ["Versioned", "3", "Pending"],
    ]);
    expect(await validate({ target, dir: d })).toMatchObject({ ok: false, pending: 2, problems: [{ kind: "pending" }, { kind: "pending" }] });
    expect(await validate({ target, dir: d, ignoreMigrationPatterns: ["*:pending"] })).toMatchObject({ ok: true, pending: 2 });
    expect((await migrate({ target, dir: d })).applied.map((m) => m.script)).toEqual(["V2__b.sql", "V3__c.sql"]);
    // Without a target only the latest one is undone.
    expect((await undo({ target, dir: d })).applied.map((m) => m.script)).toEqual(["U3__c.sql"]);
  });

  it("refuses to undo a version without a U file, naming the file to add", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("undo-missing"), { "V1__a.sql": files["V1__a.sql"], "V2__make_b.sql": files["V2__b.sql"] });
    await migrate({ target, dir: d });
    const err = await failureOf(undo({ target, dir: d }));
    expect(err.code).toBe("UNDO");
    expect(err.message).toMatch(/no undo migration for version 2 \(V2__make_b\.sql\): add U2__make_b\.sql/);
  });

  it("baseline marks an existing database; migrate then applies only newer versions", async () => {
    const target = await srv.database();
    await query(target, "CREATE TABLE a (id int); CREATE TABLE b (id int)");
    const d = writeMigrations(dir("baseline"), files);
    expect(await baseline({ target, dir: d, baselineVersion: "2" })).toEqual({ version: "2", created: true });
    expect(await history(target)).toMatchObject([
      { installed_rank: 1, version: "2", description: "<< Flyway Baseline >>", type: "BASELINE", script: "<< Flyway Baseline >>", checksum: null },
    ]);
    expect((await info({ target, dir: d })).migrations.map((m) => m.state)).toEqual(["Baseline", "Below Baseline", "Ignored (Baseline)", "Pending"]);
    expect((await migrate({ target, dir: d })).applied.map((m) => m.script)).toEqual(["V3__c.sql"]);
    expect(await baseline({ target, dir: d, baselineVersion: "2" }).catch((e: Error) => e.message)).toMatch(/already records migrations/);
  });
});
