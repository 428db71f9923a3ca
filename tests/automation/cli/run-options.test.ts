// `dbtk run` options from issue #11: --timeout, the ecosystems' variables (--env), privileges on request.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { dbtk, inUse, mysqlAdmin, mysqlLeftovers, pgAdminUrl, pgLeftovers, REPO, running, warmSandbox } from "../helpers.ts";

const sample = path.join(REPO, "examples/sample-app/migrations");
const { sb, admin } = warmSandbox("run-options", ["--migrations", sample]);

const nodeCmd = (code: string) => ["--", process.execPath, "-e", code];

async function nothingInUse(): Promise<void> {
  expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
}

describe("--timeout", () => {
  it("SIGTERMs the command's group, SIGKILLs what ignores it, tears down, exits 124", async () => {
    const pidFile = path.join(sb.dir("timeout"), "pid");
    // The command ignores SIGTERM and leaves a grandchild that ignores it too: only SIGKILL ends them.
    const code = `process.on("SIGTERM", () => {});
      const g = require("child_process").spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      setInterval(() => {}, 1000);`;
    const t0 = Date.now();
    const r = await dbtk(["run", "--timeout", "1s", "--migrations", sample, ...nodeCmd(code)], sb.env);
    expect(r.code).toBe(124);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.stderr).toMatch(/dbtk: timeout after 1(\.0)? s: SIGTERM to the command's process group \(SIGKILL in 3(\.0)? s\), then tearing down/);
    expect(r.stderr).toMatch(/dbtk: test exit 124 in/);
    expect(r.stderr).toMatch(/dbtk: teardown [\d.]+ m?s/);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(running(pid)).toBe(false);
    await nothingInUse();
  });

  it("a command that ends in time keeps its own exit code; a bad duration is refused", async () => {
    const r = await dbtk(["run", "--timeout", "1m", "--migrations", sample, ...nodeCmd("process.exit(3)")], sb.env);
    expect(r.code).toBe(3);
    const bad = await dbtk(["run", "--timeout", "soon", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--timeout: "soon" is not a duration/);
  });
});

function mysqlMigrations(): string {
  const dir = sb.dir("mysql-migrations");
  writeFileSync(path.join(dir, "V1__people.sql"), "CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100));\n");
  return dir;
}

describe("the ecosystems' variables", () => {
  it("MariaDB: a mysql2 client connects with MYSQL_* alone; JDBC_*, DATABASE_URL and --env names are set; names printed, no password", async () => {
    const out = path.join(sb.dir("mysql-env"), "env.json");
    const code = `
      const mysql = require(${JSON.stringify(path.join(REPO, "node_modules/mysql2/promise"))});
      const e = process.env;
      mysql.createConnection({ host: e.MYSQL_HOST, port: Number(e.MYSQL_PORT), user: e.MYSQL_USER, password: e.MYSQL_PASSWORD, database: e.MYSQL_DATABASE })
        .then(async (c) => {
          const [rows] = await c.query("SELECT DATABASE() AS d");
          await c.end();
          const keys = ["DATABASE_URL", "JDBC_DATABASE_URL", "JDBC_DATABASE_USERNAME", "JDBC_DATABASE_PASSWORD", "MYSQL_PASSWORD", "MYSQL_DATABASE", "SPRING_DATASOURCE_URL", "APP_DB_PORT"];
          require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify({ db: rows[0].d, ...Object.fromEntries(keys.map((k) => [k, e[k]])) }));
          console.log("connected as", e.MYSQL_USER);
        })
        .then(() => process.exit(0), (err) => { console.error(err.message); process.exit(5); });`;
    const r = await dbtk(
      ["run", "--engine", "mysql", "--env", "SPRING_DATASOURCE_URL=jdbc", "--env", "APP_DB_PORT=port", "--migrations", mysqlMigrations(), ...nodeCmd(code)],
      sb.env,
    );
    expect(r.stderr).toMatch(
      /^dbtk: env DATABASE_URL JDBC_DATABASE_URL JDBC_DATABASE_USERNAME JDBC_DATABASE_PASSWORD MYSQL_HOST MYSQL_PORT MYSQL_TCP_PORT MYSQL_USER MYSQL_PASSWORD MYSQL_PWD MYSQL_DATABASE SPRING_DATASOURCE_URL APP_DB_PORT$/m,
    );
    expect(r.code).toBe(0);
    const e = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
    expect(e.db).toBe(e.MYSQL_DATABASE);
    expect(e.JDBC_DATABASE_URL).toMatch(new RegExp(`^jdbc:mariadb://127\\.0\\.0\\.1:\\d+/${e.MYSQL_DATABASE}$`));
    expect(e.SPRING_DATASOURCE_URL).toBe(e.JDBC_DATABASE_URL);
    expect(e.DATABASE_URL).toBe(`mysql://${e.JDBC_DATABASE_USERNAME}:${encodeURIComponent(e.MYSQL_PASSWORD ?? "")}@127.0.0.1:${e.APP_DB_PORT}/${e.MYSQL_DATABASE}`);
    expect(e.JDBC_DATABASE_PASSWORD).toBe(e.MYSQL_PASSWORD);
    expect((e.MYSQL_PASSWORD ?? "").length).toBeGreaterThan(8);
    expect(r.stdout).toContain("connected as");
    expect(r.stdout + r.stderr).not.toContain(e.MYSQL_PASSWORD);
  });

  it("--env refuses a bad name or field, naming the fields", async () => {
    const r = await dbtk(["run", "--env", "X=secret", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--env X=secret: unknown field "secret"; use one of url, jdbc, host, port, user, password, database');
    const r2 = await dbtk(["run", "--env", "no-equals", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(r2.stderr).toContain('--env "no-equals": expected NAME=FIELD');
  });
});

describe("privileges on request", () => {
  const pgCreateDrop = `
    const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const name = process.env.PGDATABASE + "_extra";
    c.connect().then(() => c.query("CREATE DATABASE " + name)).then(() => c.query("DROP DATABASE " + name))
      .then(() => c.query("CREATE DATABASE " + name + "_kept")).then(() => c.end())
      .then(() => process.exit(0), (e) => { console.error("db error:", e.message); process.exit(6); });`;

  it("PostgreSQL --createdb: the login creates and drops its own databases; what it leaves goes with it", async () => {
    const without = await dbtk(["run", "--migrations", sample, ...nodeCmd(pgCreateDrop)], sb.env);
    expect(without.code).toBe(6);
    expect(without.stderr).toMatch(/db error: permission denied to create database/);
    const r = await dbtk(["run", "--createdb", "--migrations", sample, ...nodeCmd(pgCreateDrop)], sb.env);
    expect(r.stderr).toMatch(/dbtk: login dbtk_\w+ may create and drop its own databases/);
    expect(r.code).toBe(0);
    const { rows } = await admin().query("select datname from pg_database where datname like '%_kept'");
    expect(rows).toEqual([]);
    await nothingInUse();
  });

  it("MariaDB --createdb: schemas named <database>_… are the login's", async () => {
    const code = `
      const mysql = require(${JSON.stringify(path.join(REPO, "node_modules/mysql2/promise"))});
      const e = process.env;
      const name = e.MYSQL_DATABASE + "_extra";
      mysql.createConnection({ host: e.MYSQL_HOST, port: Number(e.MYSQL_PORT), user: e.MYSQL_USER, password: e.MYSQL_PASSWORD })
        .then(async (c) => {
          await c.query("CREATE DATABASE " + name);
          await c.query("CREATE TABLE " + name + ".t (x int)");
          await c.query("DROP DATABASE " + name);
          await c.query("CREATE DATABASE " + name + "_kept");
          await c.end();
        })
        .then(() => process.exit(0), (err) => { console.error("db error:", err.message); process.exit(6); });`;
    const without = await dbtk(["run", "--engine", "mysql", "--migrations", mysqlMigrations(), ...nodeCmd(code)], sb.env);
    expect(without.code).toBe(6);
    expect(without.stderr).toMatch(/db error: Access denied/);
    const r = await dbtk(["run", "--engine", "mysql", "--createdb", "--migrations", mysqlMigrations(), ...nodeCmd(code)], sb.env);
    expect(r.stderr).toMatch(/dbtk: login dbtk_\w+ may create and drop its own databases/);
    expect(r.code).toBe(0);
    const my = await mysqlAdmin(sb);
    try {
      const [rows] = await my.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '%\\_kept'");
      expect(rows).toEqual([]);
      expect(inUse(await mysqlLeftovers(my))).toEqual({ databases: [], logins: [] });
    } finally {
      await my.end();
    }
  });

  it("--superuser on a local target; refused on the server target with the fix", async () => {
    const r = await dbtk(["run", "--superuser", "--migrations", sample, ...nodeCmd(`
      const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      c.connect().then(() => c.query("select rolsuper from pg_roles where rolname = current_user")).then((q) => c.end().then(() => process.exit(q.rows[0].rolsuper ? 0 : 9)));`)], sb.env);
    expect(r.stderr).toMatch(/dbtk: login dbtk_\w+ may do anything \(superuser\)/);
    expect(r.code).toBe(0);
    const refused = await dbtk(["run", "--target", "server", "--engine", "direct", "--server-url", pgAdminUrl(sb), "--superuser", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--superuser: target server gives no superuser logins (other runs share the server); ask for --createdb instead");
    await nothingInUse();
  });
});

describe("a migration that needs a missing extension", () => {
  it("names the extensions the local server offers", async () => {
    const dir = sb.dir("ext");
    writeFileSync(path.join(dir, "V1__ext.sql"), "CREATE EXTENSION no_such_extension_xyz;\n");
    const r = await dbtk(["run", "--migrations", dir, ...nodeCmd("")], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no_such_extension_xyz/);
    expect(r.stderr).toMatch(/dbtk: note: a migration needs an extension this local server lacks; it offers: .*\bplpgsql\b/);
    await nothingInUse();
  });
});
