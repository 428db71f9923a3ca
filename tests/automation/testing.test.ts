// The library API for test runners (automation/testing.ts) and the vitest globalSetup example.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ephemeralDatabases, withTestDatabase } from "../../automation/testing.ts";
import { serversDir, startLocalPostgres } from "../../core/servers/index.ts";
import { inUse, mysqlAdmin, mysqlLeftovers, pgAdmin, pgLeftovers, REPO, sandbox } from "./helpers.ts";

const sb = sandbox("lib");
const sample = path.join(REPO, "examples/sample-app/migrations");
// The library reads no environment: the sandbox's directories are passed as options.
const dirs = { serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache") };
let admin: pg.Client;

async function count(url: string, sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query(sql);
  await c.end();
  return Number(rows[0].n);
}

beforeAll(async () => {
  const warm = await ephemeralDatabases({ ...dirs, migrations: sample, poolSize: 0 });
  await warm.close();
  admin = await pgAdmin(sb);
});

afterAll(async () => {
  await admin?.end();
  await sb.cleanup();
});

describe("ephemeralDatabases (PostgreSQL)", () => {
  it("hands out fresh migrated databases, one per acquire, and close() leaves nothing", async () => {
    const dbs = await ephemeralDatabases({ ...dirs, migrations: sample, poolSize: 2 });
    const [a, b] = await Promise.all([dbs.acquire(), dbs.acquire()]);
    expect(a.id).not.toBe(b.id);
    expect(a.url).toMatch(/^postgres:\/\//);
    expect(a.env.PGDATABASE).toBe(a.id);
    for (const db of [a, b]) expect(await count(db.url, "select count(*) as n from flyway_schema_history where success")).toBe(3);
    const c = new pg.Client({ connectionString: a.url });
    await c.connect();
    await c.query("insert into users (email, name) values ('x@example.com', 'X')");
    await c.end();
    expect(await count(b.url, "select count(*) as n from users")).toBe(0);
    await a.release();
    await a.release(); // idempotent
    expect(inUse(await pgLeftovers(admin)).databases).not.toContain(a.id);
    await dbs.close(); // b was never released: close destroys it, and the spares
    expect(inUse(await pgLeftovers(admin))).toEqual({ databases: [], logins: [] });
    await expect(dbs.acquire()).rejects.toThrow(/after close/);
  });

  it("keeps spares ready: an acquire after a refill takes a database that already exists", async () => {
    const dbs = await ephemeralDatabases({ ...dirs, migrations: sample, poolSize: 2 });
    const first = await dbs.acquire();
    // Wait until the pool has its two spares again (created in the background).
    for (let i = 0; i < 200 && inUse(await pgLeftovers(admin)).databases.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    const existing = new Set(inUse(await pgLeftovers(admin)).databases);
    expect(existing.size).toBe(3);
    const second = await dbs.acquire();
    expect(existing.has(second.id)).toBe(true);
    await first.release();
    await second.release();
    await dbs.close();
    expect(inUse(await pgLeftovers(admin))).toEqual({ databases: [], logins: [] });
  });

  it("without templates, migrates every database in place", async () => {
    const dbs = await ephemeralDatabases({ ...dirs, migrations: sample, poolSize: 0, templates: false });
    await withTestDatabase(dbs, async (db) => {
      expect(await count(db.url, "select count(*) as n from flyway_schema_history where success")).toBe(3);
      expect(db.template).toBeUndefined();
    });
    await dbs.close();
    expect(inUse(await pgLeftovers(admin))).toEqual({ databases: [], logins: [] });
  });

  it("a missing migrations folder fails before anything is made", async () => {
    await expect(ephemeralDatabases({ ...dirs, migrations: path.join(sb.root, "nope") })).rejects.toThrow(/no such folder/);
  });
});

describe("ephemeralDatabases (MariaDB)", () => {
  it("clones a migrated template schema per acquire", async () => {
    const dir = sb.dir("mysql-migrations");
    writeFileSync(path.join(dir, "V1__people.sql"), "CREATE TABLE people (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40) NOT NULL);\n");
    writeFileSync(path.join(dir, "V2__seed.sql"), "INSERT INTO people (name) VALUES ('Ada'), ('Grace');\n");
    const dbs = await ephemeralDatabases({ ...dirs, target: "local", engine: "mysql", migrations: dir, poolSize: 1 });
    const db = await dbs.acquire();
    expect(db.url).toMatch(/^mysql:\/\//);
    expect(db.env.MYSQL_DATABASE).toBe(db.id);
    const c = await mysql.createConnection({ host: db.connection.host, port: db.connection.port, user: db.connection.user, password: db.connection.password, database: db.id });
    const [rows] = await c.query<mysql.RowDataPacket[]>("SELECT name FROM people ORDER BY id");
    expect(rows.map((r) => r.name)).toEqual(["Ada", "Grace"]);
    await c.end();
    await db.release();
    await dbs.close();
    const root = await mysqlAdmin(sb);
    expect(inUse(await mysqlLeftovers(root))).toEqual({ databases: [], logins: [] });
    await root.end();
  });
});

describe("the vitest globalSetup example (examples/vitest)", () => {
  it("runs green and leaves nothing behind", async () => {
    // The example passes no directories, so its server goes to the default, ~/.cache/dbtk/servers:
    // a private HOME keeps it in the sandbox.
    const home = sb.dir("home");
    const child = spawn("npx", ["vitest", "run", "--config", "examples/vitest/vitest.config.ts"], {
      cwd: REPO,
      env: { ...sb.env, HOME: home, npm_config_cache: path.join(sb.root, "npm-cache") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once("close", r));
    const server = await startLocalPostgres({ rootDir: path.join(serversDir({ cacheDir: path.join(home, ".cache", "dbtk") }), "postgres") });
    try {
      expect(out).toMatch(/Tests\s+.*3 passed/);
      expect(code).toBe(0);
      const c = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: "postgres" });
      await c.connect();
      expect(inUse(await pgLeftovers(c))).toEqual({ databases: [], logins: [] });
      await c.end();
    } finally {
      await server.stop();
    }
  });
});
