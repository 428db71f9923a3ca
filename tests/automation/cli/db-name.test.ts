// `dbtk run --db-name <name>`: a suite that hard-codes its database name gets it; the login keeps the
// run's id, so ls, reap, teardown and the guardian find the database under its fixed name.
import path from "node:path";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { dbtk, guardiansOf, inUse, pgLeftovers, REPO, running, startDbtk, until, warmSandbox } from "../helpers.ts";

const { sb, admin } = warmSandbox("dbname");

const exists = async (name: string) => (await admin().query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;

/** Connects as the run's login to PGDATABASE, creates a table in it, then waits `ms`. */
const suite = (ms = 0) => [
  process.execPath,
  "-e",
  `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
   const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
   c.connect().then(() => c.query("create table t (id int)")).then(() => c.query("select current_database() as d"))
     .then((r) => { console.error("database " + r.rows[0].d + " / " + process.env.PGDATABASE); return c.end(); })
     .then(() => new Promise((r) => setTimeout(r, ${ms}))).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(5); });`,
];

describe("--db-name", () => {
  it("the command gets its database under the fixed name (URL and PG* agree); teardown drops it and the login", async () => {
    const r = await dbtk(["run", "--json", "--migrations", "examples/sample-app/migrations", "--db-name", "myapp_test", "--", ...suite()], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("database myapp_test / myapp_test");
    expect(r.stderr).toMatch(/dbtk: database dbtk_\w+ named myapp_test/);
    const summary = JSON.parse(r.stdout) as { id: string; connection: { database: string; user: string } };
    expect(summary.connection.database).toBe("myapp_test");
    expect(summary.connection.user).toBe(summary.id);
    expect(await exists("myapp_test")).toBe(false);
    expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
  });

  it("while it runs: ls lists it as ready; a second run asking for the same name fails (exit 2) and leaves nothing", async () => {
    const first = startDbtk(["run", "--db-name", "shared_name", "--", ...suite(60_000)], sb.env);
    await first.waitFor("database shared_name / shared_name");
    const ls = await dbtk(["ls", "--json"], sb.env);
    const listed = (JSON.parse(ls.stdout) as { databases: Array<{ id: string; name?: string; state?: string }> }).databases.filter((d) => d.name === "shared_name");
    expect(listed).toHaveLength(1);
    expect(listed[0]!.state).toBe("ready");

    const second = await dbtk(["run", "--db-name", "shared_name", "--", "true"], sb.env);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('--db-name: a database named "shared_name" already exists');
    const left = await pgLeftovers(admin());
    // Only the first run's login is left under an id: its database goes by the fixed name.
    expect(inUse(left)).toEqual({ databases: [], logins: [listed[0]!.id] });
    expect(await exists("shared_name")).toBe(true);

    // SIGKILL: the guardian drops the named database too.
    const guardians = guardiansOf(first.child.pid!);
    expect(guardians.length).toBe(1);
    first.child.kill("SIGKILL");
    await first.done;
    let last = "";
    await until(
      async () => {
        const l = await pgLeftovers(admin());
        last = JSON.stringify({ named: await exists("shared_name"), inUse: inUse(l) });
        return !(await exists("shared_name")) && inUse(l).logins.length === 0 && !guardians.some(running);
      },
      15_000,
      () => last,
    );
  });

  it("a killed run without a guardian: reap --dead finds the named database by its login and drops both", async () => {
    // The orphaned command holds dbtk's stderr open until it ends: keep it short.
    const run = startDbtk(["run", "--no-guardian", "--db-name", "reaped_db", "--", ...suite(1500)], sb.env);
    await run.waitFor("database reaped_db / reaped_db");
    run.child.kill("SIGKILL");
    await run.done;
    expect(await exists("reaped_db")).toBe(true);
    const reap = await dbtk(["reap", "--dead"], sb.env);
    expect(reap.code, reap.stderr).toBe(0);
    expect(await exists("reaped_db")).toBe(false);
    expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
  });

  it("refuses, before anything is made: MySQL targets, a dbtk_ name, a name PostgreSQL cannot take", async () => {
    const mysql = await dbtk(["run", "--engine", "mysql", "--db-name", "app", "--", "true"], sb.env);
    expect(mysql.code).toBe(2);
    expect(mysql.stderr).toMatch(/--db-name: target local-mariadb cannot give a database a name of its own/);
    const ours = await dbtk(["run", "--db-name", "dbtk_mine", "--", "true"], sb.env);
    expect(ours.code).toBe(2);
    expect(ours.stderr).toContain("--db-name: \"dbtk_mine\" starts with dbtk_");
    const bad = await dbtk(["run", "--db-name", "9lives; drop", "--", "true"], sb.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--db-name: "9lives; drop" is not a usable database name');
  });
});
