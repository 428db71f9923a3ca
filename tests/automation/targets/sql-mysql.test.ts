// The MySQL/MariaDB primitives on a real local MariaDB: one schema + one user per id, metadata rows,
// templates cloned by replaying DDL and copying rows, sessions killed before the drop.
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { startLocalMariadb } from "../../../core/servers/index.ts";
import { newMeta, templateName } from "../../../automation/targets/meta.ts";
import { directTarget } from "../../../automation/targets/server.ts";
import { MysqlServer } from "../../../automation/targets/sql-mysql.ts";
import { sqlTemplateSupport } from "../../../automation/templates/support.ts";
import { mysqlLeftovers, sandbox } from "../helpers.ts";

const sb = sandbox("sqlmy");
let admin: DbTarget;
let root: mysql.Connection;
const servers: MysqlServer[] = [];

function server(): MysqlServer {
  const s = new MysqlServer({ admin });
  servers.push(s);
  return s;
}

function connect(t: DbTarget): Promise<mysql.Connection> {
  return mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database || undefined, multipleStatements: true });
}

const key = (n: number) => n.toString(16).padStart(2, "0").repeat(32);

/** A schema with what a clone must reproduce: FKs (declared child-first order), generated columns, views on views, routines, a trigger, rows. */
async function build(conn: DbTarget): Promise<number> {
  const c = await connect(conn);
  await c.query(`
    CREATE TABLE parent (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20) NOT NULL);
    CREATE TABLE child (id INT PRIMARY KEY AUTO_INCREMENT, parent_id INT, total INT, doubled INT AS (total * 2) VIRTUAL,
                        FOREIGN KEY (parent_id) REFERENCES parent (id));
    INSERT INTO parent (name) VALUES ('p1'), ('p2');
    INSERT INTO child (parent_id, total) VALUES (1, 5), (2, 7);
    CREATE VIEW totals AS SELECT p.name, c.total FROM parent p JOIN child c ON c.parent_id = p.id;
    CREATE VIEW names AS SELECT name FROM totals;
    CREATE FUNCTION dbl(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
    CREATE PROCEDURE add_parent(n VARCHAR(20)) BEGIN INSERT INTO parent (name) VALUES (n); END;
    CREATE TRIGGER bump BEFORE INSERT ON child FOR EACH ROW SET NEW.total = COALESCE(NEW.total, 0) + 1;`);
  await c.end();
  return 1;
}

beforeAll(async () => {
  const s = await startLocalMariadb({ rootDir: path.join(sb.serversDir, "mariadb") });
  admin = { engine: "mysql", host: s.host, port: s.port, user: s.user, password: s.password, database: "" };
  root = await mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: s.password });
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await root?.end();
  await sb.cleanup();
});

describe("a schema of its own", () => {
  it("gets a user with ALL on that schema only, and a metadata row", async () => {
    const s = server();
    const meta = newMeta({ target: "local-mariadb", ttlMs: 60_000, owner: "tester" });
    const conn = await s.create(meta);
    const c = await connect(conn);
    await c.query("CREATE TABLE mine (x INT); INSERT INTO mine VALUES (1)");
    const [dbs] = await c.query<mysql.RowDataPacket[]>("SHOW DATABASES");
    expect(dbs.map((d) => d.Database)).toEqual(expect.arrayContaining([meta.id]));
    expect(dbs.map((d) => d.Database).filter((d: string) => d.startsWith("dbtk"))).toEqual([meta.id]);
    await expect(c.query("CREATE DATABASE sneaky")).rejects.toThrow(/denied/);
    await expect(c.query("SELECT * FROM dbtk_bookkeeping.dbtk_meta")).rejects.toThrow(/denied/);
    const [grants] = await c.query<mysql.RowDataPacket[]>("SHOW GRANTS");
    const text = grants.map((g) => Object.values(g)[0]).join("\n");
    expect(text).toContain(`ON \`${meta.id.replace(/_/g, "\\_")}\`.*`);
    expect(text).not.toMatch(/ON \*\.\* TO .*(ALL|CREATE|SUPER)/);
    await c.end();
    const [rows] = await root.query<mysql.RowDataPacket[]>("SELECT meta FROM dbtk_bookkeeping.dbtk_meta WHERE id = ?", [meta.id]);
    expect(JSON.parse(String(rows[0]?.meta))).toMatchObject({ owner: "tester", expiresAt: meta.expiresAt });
    await s.drop(meta.id);
  });

  it("drops although a session is open (killed first), and dropping twice is fine", async () => {
    const s = server();
    const meta = newMeta({ target: "local-mariadb", ttlMs: 60_000 });
    const leaked = await connect(await s.create(meta));
    leaked.on("error", () => undefined);
    await leaked.query("CREATE TABLE t (x INT); BEGIN; INSERT INTO t VALUES (1)");
    await s.drop(meta.id);
    await s.drop(meta.id);
    const left = await mysqlLeftovers(root);
    expect(left.databases).not.toContain(meta.id);
    expect(left.logins).not.toContain(meta.id);
    await expect(leaked.query("SELECT 1")).rejects.toThrow();
    expect((await s.list()).some((f) => f.id === meta.id)).toBe(false);
  });
});

describe("templates (no TEMPLATE in MySQL: DDL replay + INSERT … SELECT)", () => {
  it("clones tables in FK order, rows, generated columns, views on views, routines and triggers", async () => {
    const t = directTarget("local-mariadb", server());
    await t.templates!.ensure(key(1), build);
    const db = await t.create({ ...newMeta({ target: "local-mariadb", ttlMs: 60_000 }), engine: "mysql", template: key(1) });
    const c = await connect(db.connection);
    const [names] = await c.query<mysql.RowDataPacket[]>("SELECT name FROM names ORDER BY name");
    expect(names.map((r) => r.name)).toEqual(["p1", "p2"]);
    const [d] = await c.query<mysql.RowDataPacket[]>("SELECT dbl(21) AS d");
    expect(d[0]?.d).toBe(42);
    await c.query("CALL add_parent('p3'); INSERT INTO child (parent_id, total) VALUES (3, 1)");
    const [rows] = await c.query<mysql.RowDataPacket[]>("SELECT id, total, doubled FROM child ORDER BY id");
    // AUTO_INCREMENT continues after the copied rows; the trigger fired (1 + 1).
    expect(rows).toEqual([{ id: 1, total: 5, doubled: 10 }, { id: 2, total: 7, doubled: 14 }, { id: 3, total: 2, doubled: 4 }]);
    await expect(c.query("INSERT INTO child (parent_id, total) VALUES (99, 1)")).rejects.toThrow(/foreign key constraint/i);
    // The view reads the clone, not the template.
    const [fromView] = await c.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM totals");
    expect(Number(fromView[0]?.n)).toBe(3);
    await c.end();
    const [tplRows] = await root.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${templateName(key(1))}\`.parent`);
    expect(Number(tplRows[0]?.n)).toBe(2);
    await t.destroy(db.id);
  });

  it("builds once for concurrent callers; a failed build leaves nothing", async () => {
    let builds = 0;
    const supports = [1, 2, 3].map(() => sqlTemplateSupport(server(), "local-mariadb"));
    await Promise.all(supports.map((s) => s.ensure(key(2), async (conn) => (builds++, build(conn)))));
    expect(builds).toBe(1);
    await expect(supports[0]!.ensure(key(3), async () => Promise.reject(new Error("bad migration")))).rejects.toThrow(/bad migration/);
    const left = await mysqlLeftovers(root);
    expect(left.templates).toContain(templateName(key(2)));
    expect(left.templates).not.toContain(templateName(key(3)));
    expect(left.templateLogins).toEqual([]); // build logins are dropped once the template is sealed
  });

  it("pool clones go to one claimer each; gc removes templates and their clones", async () => {
    const t = directTarget("local-mariadb", server());
    await t.templates!.ensure(key(4), build);
    expect(await t.templates!.fill!(key(4), 2)).toBe(2);
    const got = await Promise.all([1, 2, 3].map(() => sqlTemplateSupport(server(), "local-mariadb").claim!(key(4), newMeta({ target: "local-mariadb", ttlMs: 60_000 }))));
    const won = got.filter((g) => g !== undefined);
    expect(won).toHaveLength(2);
    expect(new Set(won.map((w) => w.id)).size).toBe(2);
    const c = await connect(won[0]!.connection);
    const [n] = await c.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM parent");
    expect(Number(n[0]?.n)).toBe(2);
    await c.end();
    for (const w of won) await t.destroy(w.id);
    await t.templates!.fill!(key(4), 1);
    const dropped = await t.templates!.gc({ maxAgeMs: 0, maxBytes: 0 });
    expect(dropped).toContain(templateName(key(4)));
    const left = await mysqlLeftovers(root);
    expect(left.templates).toEqual([]);
    expect(left.databases).toEqual([]);
    expect(left.pooled).toEqual([]);
  });
});
