// `dbtk run --as app|readonly`: migrations run as the database's own login, the command as a second login
// with only an application's (or a reader's) rights, so a suite fails when it needs a privilege production
// will not give it. The login goes with the database: teardown, and reap after a SIGKILL.
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { dbtk, inUse, mysqlAdmin, mysqlLeftovers, pgLeftovers, REPO, startDbtk, warmSandbox } from "../helpers.ts";

const { sb, admin } = warmSandbox("run-as", ["--migrations", "examples/sample-app/migrations"]);
const MIGRATIONS = ["--migrations", "examples/sample-app/migrations"];

/** Runs each statement as the command's login; prints `ok <i>` or `denied <i>: <error>` per statement. */
const client = (statements: string[], holdMs = 0) => [
  process.execPath,
  "-e",
  `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
   (async () => { const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); await c.connect();
     console.error("user " + (await c.query("select current_user as u")).rows[0].u);
     for (const [i, s] of ${JSON.stringify(statements)}.entries()) {
       try { await c.query(s); console.error("ok " + i); } catch (e) { console.error("denied " + i + ": " + e.message); }
     }
     await new Promise((r) => setTimeout(r, ${holdMs})); await c.end(); })().catch((e) => { console.error(e.message); process.exit(5); });`,
];

const runLogins = async () =>
  (await admin().query<{ n: string }>("select rolname as n from pg_roles where rolname ~ '^dbtk_.*_(app|readonly)$'")).rows.map((r) => r.n);

describe("dbtk run --as (PostgreSQL)", () => {
  it("app: reads and writes the migrated tables, cannot change the schema; the login is gone after the run", async () => {
    const r = await dbtk(
      ["run", "--json", ...MIGRATIONS, "--as", "app", "--", ...client([
        "insert into users (email, name) values ('a@example.com', 'A') returning id",
        "update users set name = 'B'",
        "select count(*) from tasks",
        "create table extra (id int)",
        "alter table users add column nickname text",
        "drop table tasks",
      ])],
      sb.env,
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { id: string; as: string; connection: { user: string } };
    expect(summary.as).toBe("app");
    expect(summary.connection.user).toBe(`${summary.id}_app`);
    expect(r.stderr).toContain(`user ${summary.id}_app`);
    expect(r.stderr).toMatch(new RegExp(`command runs as ${summary.id}_app \\(app rights; migrations ran as ${summary.id}\\)`));
    for (const i of [0, 1, 2]) expect(r.stderr).toMatch(new RegExp(`^ok ${i}$`, "m"));
    expect(r.stderr).toMatch(/^denied 3: permission denied for schema public/m);
    expect(r.stderr).toMatch(/^denied 4: must be owner of table users/m);
    expect(r.stderr).toMatch(/^denied 5: must be owner of table tasks/m);
    expect(await runLogins()).toEqual([]);
    expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
  });

  it("readonly: selects, but every write is refused", async () => {
    const r = await dbtk(["run", ...MIGRATIONS, "--as", "readonly", "--", ...client(["select count(*) from users", "insert into users (email, name) values ('b@example.com', 'B')", "delete from tasks"])], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^ok 0$/m);
    expect(r.stderr).toMatch(/^denied 1: permission denied for table users/m);
    expect(r.stderr).toMatch(/^denied 2: permission denied for table tasks/m);
    expect(await runLogins()).toEqual([]);
  });

  it("a role that is not app or readonly is a usage error naming --as; nothing is made", async () => {
    const r = await dbtk(["run", "--as", "admin", "--", "true"], sb.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as: "admin" is not a role a command can run as; use one of app, readonly');
    expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
  });

  it("a SIGKILLed run without a guardian: reap --dead drops the database, its login and the app login", async () => {
    const run = startDbtk(["run", "--no-guardian", ...MIGRATIONS, "--as", "app", "--", ...client(["select 1"], 1500)], sb.env);
    await run.waitFor("ok 0");
    run.child.kill("SIGKILL");
    await run.done;
    expect(await runLogins()).toHaveLength(1);
    const reap = await dbtk(["reap", "--dead"], sb.env);
    expect(reap.code, reap.stderr).toBe(0);
    expect(await runLogins()).toEqual([]);
    expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
  });
});

describe("dbtk run --as (MariaDB)", () => {
  let my: mysql.Connection | undefined;
  afterAll(async () => my?.end());

  it("app: DML on the run's schema, no DDL; the user is dropped with it", async () => {
    const code = `const m = require(${JSON.stringify(path.join(REPO, "node_modules/mysql2/promise"))});
      (async () => { const c = await m.createConnection(process.env.DATABASE_URL);
        console.error("user " + (await c.query("select current_user() as u"))[0][0].u);
        for (const [i, s] of ["insert into items values (1)", "select * from items", "create table more (id int)", "drop table items"].entries()) {
          try { await c.query(s); console.error("ok " + i); } catch (e) { console.error("denied " + i + ": " + e.message); } }
        await c.end(); })().catch((e) => { console.error(e.message); process.exit(5); });`;
    const dir = sb.dir("my-migrations");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(dir, "V1__items.sql"), "create table items (id int primary key);\n");
    const r = await dbtk(["run", "--engine", "mysql", "--migrations", dir, "--as", "app", "--", process.execPath, "-e", code], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^user dbtk_\w+_app@%$/m);
    expect(r.stderr).toMatch(/^ok 0$/m);
    expect(r.stderr).toMatch(/^ok 1$/m);
    expect(r.stderr).toMatch(/^denied 2: CREATE command denied/m);
    expect(r.stderr).toMatch(/^denied 3: DROP command denied/m);
    my = await mysqlAdmin(sb);
    const [users] = await my.query<mysql.RowDataPacket[]>("SELECT User FROM mysql.user WHERE User LIKE 'dbtk\\_%\\_app'");
    expect(users).toEqual([]);
    expect(inUse(await mysqlLeftovers(my))).toEqual({ databases: [], logins: [] });
  });
});
