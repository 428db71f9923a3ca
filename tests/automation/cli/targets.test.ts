// The same commands on every target that runs here: local MariaDB, an existing server (direct SQL,
// PostgreSQL and MariaDB), and an existing server through the Pulumi engine (the default for `server`).
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type mysql from "mysql2/promise";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbtk, inUse, mysqlAdmin, mysqlLeftovers, pgAdmin, pgAdminUrl, pgLeftovers, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("targets");
const sample = path.join(REPO, "examples/sample-app/migrations");
let pgRoot: pg.Client;
let myRoot: mysql.Connection;
let mysqlMigrations: string;

/** A command that checks the connection variables of MySQL clients and the migrated table. */
const mysqlCheck = () => [
  "--",
  process.execPath,
  "-e",
  `const m = require(${JSON.stringify(path.join(REPO, "node_modules/mysql2/promise"))});
   const e = process.env;
   if (!e.DATABASE_URL.startsWith("mysql://")) process.exit(3);
   m.createConnection({ host: e.MYSQL_HOST, port: +e.MYSQL_TCP_PORT, user: e.MYSQL_USER, password: e.MYSQL_PWD, database: e.MYSQL_DATABASE })
     .then(c => c.query("SELECT COUNT(*) AS n FROM people").then(([r]) => c.end().then(() => process.exit(r[0].n == 2 ? 0 : 4))))
     .catch(err => { console.error(err.message); process.exit(5); });`,
];

beforeAll(async () => {
  mysqlMigrations = sb.dir("mysql-migrations");
  writeFileSync(path.join(mysqlMigrations, "V1__people.sql"), "CREATE TABLE people (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40) NOT NULL);\n");
  writeFileSync(path.join(mysqlMigrations, "V2__seed.sql"), "INSERT INTO people (name) VALUES ('Ada'), ('Grace');\n");
  const a = await dbtk(["run", "--migrations", sample, "--", process.execPath, "-e", ""], sb.env);
  expect(a.code).toBe(0);
  pgRoot = await pgAdmin(sb);
});

afterAll(async () => {
  await pgRoot?.end();
  await myRoot?.end();
  await sb.cleanup();
});

describe("local MariaDB", () => {
  it("--target local --engine mysql: MYSQL_* variables, migrated schema, nothing left", async () => {
    const r = await dbtk(["run", "--target", "local", "--engine", "mysql", "--migrations", mysqlMigrations, ...mysqlCheck()], sb.env);
    expect(r.stderr).toMatch(/dbtk: migrate [\d.]+ m?s \(2 migrations, built template/);
    expect(r.code).toBe(0);
    myRoot = await mysqlAdmin(sb);
    expect(inUse(await mysqlLeftovers(myRoot))).toEqual({ databases: [], logins: [] });
  });

  it("--target local-mariadb: the same server; up, ls, down", async () => {
    const r = await dbtk(["run", "--target", "local-mariadb", "--migrations", mysqlMigrations, ...mysqlCheck()], sb.env);
    expect(r.stderr).toMatch(/template [0-9a-f]{8} reused/);
    expect(r.code).toBe(0);
    const up = await dbtk(["up", "--json", "--target", "local-mariadb", "--migrations", mysqlMigrations], sb.env);
    const id = JSON.parse(up.stdout).id as string;
    const ls = await dbtk(["ls", "--json", "--target", "local-mariadb"], sb.env);
    expect(JSON.parse(ls.stdout).databases).toContainEqual(expect.objectContaining({ id, target: "local-mariadb", state: "ready" }));
    expect((await dbtk(["down", "--target", "local-mariadb", id], sb.env)).code).toBe(0);
    expect(inUse(await mysqlLeftovers(myRoot))).toEqual({ databases: [], logins: [] });
  });

  it("a failing MySQL migration: clear message, nothing left", async () => {
    const dir = sb.dir("mysql-broken");
    writeFileSync(path.join(dir, "V1__bad.sql"), "CREATE TABLE t (id INT REFERENCES nowhere (id) ON DELETE CASCADE, FOREIGN KEY (id) REFERENCES nowhere (id));\n");
    const r = await dbtk(["run", "--target", "local-mariadb", "--migrations", dir, "--", process.execPath, "-e", ""], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/V1__bad\.sql/);
    const left = await mysqlLeftovers(myRoot);
    expect(inUse(left)).toEqual({ databases: [], logins: [] });
    expect(left.templates.length).toBe(1); // only the good one from the tests above
  });
});

describe("an existing server, plain SQL (--engine direct)", () => {
  it("PostgreSQL: a database and login per run on the server at --server-url", async () => {
    const url = pgAdminUrl(sb);
    const r = await dbtk(["run", "--json", "--target", "server", "--engine", "direct", "--server-url", url, "--migrations", sample, "--", "node", "--test", "examples/sample-app/test/"], sb.env);
    expect(r.code).toBe(0);
    // With --json the command's own output goes to stderr: stdout is the summary alone.
    expect(JSON.parse(r.stdout).target).toBe("server");
    expect(inUse(await pgLeftovers(pgRoot))).toEqual({ databases: [], logins: [] });
  });

  it("MariaDB: DBTK_SERVER_URL works as well as the flag", async () => {
    const st = JSON.parse(readFileSync(path.join(sb.serversDir, "mariadb", "server.json"), "utf8")) as { port: number; password: string };
    const url = `mysql://dbtk_admin:${encodeURIComponent(st.password)}@127.0.0.1:${st.port}`;
    const r = await dbtk(["run", "--target", "server", "--engine", "direct", "--migrations", mysqlMigrations, ...mysqlCheck()], { ...sb.env, DBTK_SERVER_URL: url });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(st.password);
    expect(inUse(await mysqlLeftovers(myRoot))).toEqual({ databases: [], logins: [] });
  });

  it("--engine that contradicts the URL is refused", async () => {
    const r = await dbtk(["run", "--target", "server", "--engine", "mysql", "--server-url", pgAdminUrl(sb), "--", "true"], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--engine mysql does not match the server URL, which is postgres://");
  });
});

// The Pulumi engine is built by tools/install-pulumi.sh into the user's cache; link it into the sandbox's.
const userBin = path.join(process.env.DBTK_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "dbtk"), "bin");
const havePulumi = existsSync(path.join(userBin, "pulumi")) && existsSync(path.join(userBin, "pulumi-resource-pulumi-nodejs"));

describe.runIf(havePulumi)("an existing server through the Pulumi engine (the default for --target server)", () => {
  it("run creates a stack, migrates, runs, destroys; ls and reap see nothing left", async () => {
    const bin = path.join(sb.root, "cache", "bin");
    mkdirSync(bin, { recursive: true });
    for (const f of ["pulumi", "pulumi-resource-pulumi-nodejs"]) if (!existsSync(path.join(bin, f))) symlinkSync(path.join(userBin, f), path.join(bin, f));
    const url = pgAdminUrl(sb);
    const adminPassword = decodeURIComponent(new URL(url).password);
    const r = await dbtk(["run", "--target", "server", "--server-url", url, "--migrations", sample, "--", "node", "--test", "examples/sample-app/test/"], sb.env);
    expect(r.stderr).toMatch(/dbtk: provision .* on server/);
    expect(r.stderr).toMatch(/dbtk: migrate [\d.]+ m?s \(3 migrations\)/);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(adminPassword);
    const ls = await dbtk(["ls", "--json", "--target", "server", "--server-url", url], sb.env);
    expect(JSON.parse(ls.stdout).databases).toEqual([]);
    expect(inUse(await pgLeftovers(pgRoot))).toEqual({ databases: [], logins: [] });
  });
});
