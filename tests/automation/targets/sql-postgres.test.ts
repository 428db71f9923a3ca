// The PostgreSQL primitives on a real embedded server: least privilege, metadata, templates, pool, drop.
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { startLocalPostgres } from "../../../core/servers/index.ts";
import { newMeta, templateName } from "../../../automation/targets/meta.ts";
import { directTarget } from "../../../automation/targets/server.ts";
import { PostgresServer } from "../../../automation/targets/sql-postgres.ts";
import { sqlTemplateSupport } from "../../../automation/templates/support.ts";
import { pgLeftovers, sandbox } from "../helpers.ts";

const sb = sandbox("sqlpg");
let admin: DbTarget;
let root: pg.Client;
const servers: PostgresServer[] = [];

function server(a: DbTarget = admin, strategy?: "wal_log" | "file_copy"): PostgresServer {
  const s = new PostgresServer({ admin: a, ...(strategy ? { strategy } : {}) });
  servers.push(s);
  return s;
}

async function connect(t: DbTarget): Promise<pg.Client> {
  const c = new pg.Client({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database });
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

async function build(conn: DbTarget): Promise<number> {
  const c = await connect(conn);
  await c.query("create table parent (id serial primary key, name text not null); insert into parent (name) values ('a'), ('b')");
  await c.query("create table child (id serial primary key, parent_id int references parent (id))");
  await c.end();
  return 2;
}

const key = (n: number) => n.toString(16).padStart(2, "0").repeat(32);

beforeAll(async () => {
  const s = await startLocalPostgres({ rootDir: path.join(sb.serversDir, "postgres") });
  admin = { engine: "postgres", host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" };
  root = await connect(admin);
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await root?.end();
  await sb.cleanup();
});

describe("a database of its own", () => {
  it("gets a least-privilege login that owns only its database, with metadata on both", async () => {
    const s = server();
    const meta = newMeta({ target: "local", ttlMs: 60_000, owner: "tester" });
    const conn = await s.create(meta);
    const c = await connect(conn);
    expect((await c.query("select current_user as u, current_database() as d")).rows[0]).toEqual({ u: meta.id, d: meta.id });
    await c.query("create table mine (x int)");
    await c.end();
    const { rows } = await root.query(
      `select r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls, pg_get_userbyid(d.datdba) as owner,
              shobj_description(d.oid, 'pg_database') as dbm, shobj_description(r.oid, 'pg_authid') as rm,
              (select count(*)::int from pg_database o where pg_get_userbyid(o.datdba) = r.rolname) as owned
         from pg_roles r join pg_database d on d.datname = r.rolname where r.rolname = $1`,
      [meta.id],
    );
    expect(rows[0]).toMatchObject({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false, owner: meta.id, owned: 1 });
    expect(JSON.parse(rows[0].dbm)).toMatchObject({ owner: "tester", expiresAt: meta.expiresAt, target: "local" });
    expect(JSON.parse(rows[0].rm)).toMatchObject({ owner: "tester", createdAt: meta.createdAt });
    // The password never reached the server in clear: only a SCRAM verifier is stored.
    const pw = await root.query("select rolpassword from pg_authid where rolname = $1", [meta.id]);
    expect(pw.rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    await s.drop(meta.id);
  });

  it("cannot reach another ephemeral database or the postgres database's objects", async () => {
    const s = server();
    const a = newMeta({ target: "local", ttlMs: 60_000 });
    const b = newMeta({ target: "local", ttlMs: 60_000 });
    const ca = await s.create(a);
    await s.create(b);
    await expect(connect({ ...ca, database: b.id })).rejects.toThrow(/permission denied for database/);
    const c = await connect(ca);
    await expect(c.query("create database sneaky")).rejects.toThrow(/permission denied to create database/);
    await expect(c.query("create role sneaky")).rejects.toThrow(/permission denied to create role/);
    await c.end();
    await s.drop(a.id);
    await s.drop(b.id);
  });

  it("drops WITH (FORCE) although a connection leaked, and dropping twice is fine", async () => {
    const s = server();
    const meta = newMeta({ target: "local", ttlMs: 60_000 });
    const leaked = await connect(await s.create(meta));
    await leaked.query("begin; create table t (x int); insert into t values (1)");
    await s.drop(meta.id);
    await s.drop(meta.id);
    expect((await pgLeftovers(root)).databases).not.toContain(meta.id);
    expect((await pgLeftovers(root)).logins).not.toContain(meta.id);
    await expect(leaked.query("select 1")).rejects.toThrow();
  });

  it("refuses to drop something that is not an ephemeral id", async () => {
    await expect(server().drop("postgres")).rejects.toThrow(/not an ephemeral database id/);
  });

  it("lists what it made, including a half-made login without a database", async () => {
    const s = server();
    const meta = newMeta({ target: "local", ttlMs: 60_000 });
    await root.query(`create role ${meta.id} login; comment on role ${meta.id} is '${JSON.stringify({ dbtk: 1, ...meta })}'`);
    const found = (await s.list()).find((f) => f.id === meta.id);
    expect(found).toMatchObject({ hasDatabase: false, hasLogin: true, meta: { expiresAt: meta.expiresAt } });
    await s.drop(meta.id);
    expect((await s.list()).some((f) => f.id === meta.id)).toBe(false);
  });
});

describe("templates", () => {
  it("clones carry the template's schema and rows; the login has owner rights on them but not on the template", async () => {
    const t = directTarget("local", server());
    await t.templates!.ensure(key(1), build);
    const meta = newMeta({ target: "local", ttlMs: 60_000 });
    const db = await t.create({ ...meta, engine: "postgres", template: key(1) });
    const c = await connect(db.connection);
    expect((await c.query("select name from parent order by id")).rows).toEqual([{ name: "a" }, { name: "b" }]);
    await c.query("alter table child add column note text; insert into child (parent_id) values (1)");
    await c.query("drop table child");
    await expect(c.query(`alter database ${templateName(key(1))} allow_connections true`)).rejects.toThrow(/must be owner/);
    await expect(c.query(`drop database ${templateName(key(1))}`)).rejects.toThrow(/must be owner|being accessed|permission/);
    await c.end();
    await t.destroy(db.id);
    const { rows } = await root.query("select datistemplate, datallowconn from pg_database where datname = $1", [templateName(key(1))]);
    expect(rows[0]).toEqual({ datistemplate: true, datallowconn: false });
  });

  it("builds a template once for concurrent callers", async () => {
    let builds = 0;
    const supports = [1, 2, 3].map(() => sqlTemplateSupport(server(), "local"));
    await Promise.all(
      supports.map((s) =>
        s.ensure(key(2), async (conn) => {
          builds++;
          await new Promise((r) => setTimeout(r, 300));
          return build(conn);
        }),
      ),
    );
    expect(builds).toBe(1);
    expect(await supports[0]!.has(key(2))).toBe(true);
    expect(await supports[1]!.migrationCount!(key(2))).toBe(2);
  });

  it("a failed build leaves nothing behind", async () => {
    const s = sqlTemplateSupport(server(), "local");
    await expect(
      s.ensure(key(3), async (conn) => {
        const c = await connect(conn);
        await c.query("create table ok (x int)");
        await c.end();
        throw new Error("migration V2 failed");
      }),
    ).rejects.toThrow(/V2 failed/);
    const left = await pgLeftovers(root);
    expect(left.templates).not.toContain(templateName(key(3)));
    expect(left.templateLogins).not.toContain(templateName(key(3)));
    expect(await s.has(key(3))).toBe(false);
  });

  it("a crashed build (no lock holder) is rebuilt by the next caller and removed by gc", async () => {
    const s = server();
    await s.beginTemplate(key(4)); // as if its builder was killed here
    const support = sqlTemplateSupport(s, "local");
    expect(await support.has(key(4))).toBe(false);
    let built = 0;
    await support.ensure(key(4), async (conn) => {
      built++;
      return build(conn);
    });
    expect(built).toBe(1);
    expect(await support.has(key(4))).toBe(true);
    await s.beginTemplate(key(5));
    expect(await support.gc({ maxAgeMs: 86_400_000, maxBytes: Number.MAX_SAFE_INTEGER })).toEqual([templateName(key(5))]);
    expect((await pgLeftovers(root)).templates).not.toContain(templateName(key(5)));
  });

  it("gc drops templates by age and by the size cap, keeps what it is told, and takes their pooled clones along", async () => {
    const s = server();
    const support = sqlTemplateSupport(s, "local");
    for (const k of [6, 7, 8]) await support.ensure(key(k), build);
    expect(await support.fill!(key(6), 2)).toBe(2);
    // Nothing is old yet; a size cap below one template keeps only the kept one.
    const byAge = await support.gc({ maxAgeMs: 86_400_000, maxBytes: Number.MAX_SAFE_INTEGER, keep: [key(7)] });
    expect(byAge).toEqual([]);
    const bySize = await support.gc({ maxAgeMs: 86_400_000, maxBytes: 1, keep: [key(7)] });
    expect(bySize).toEqual(expect.arrayContaining([templateName(key(6)), templateName(key(8))]));
    expect(bySize).not.toContain(templateName(key(7)));
    const left = await pgLeftovers(root);
    expect(left.templates).toContain(templateName(key(7)));
    expect(left.templates).not.toContain(templateName(key(6)));
    expect(left.pooled).toEqual([]);
    // Age: maxAge 0 drops the rest.
    expect(await support.gc({ maxAgeMs: 0, maxBytes: Number.MAX_SAFE_INTEGER })).toContain(templateName(key(7)));
  });

  it("keeps a template's login while clones use it, and gc removes it once they are gone", async () => {
    const t = directTarget("local", server());
    await t.templates!.ensure(key(9), build);
    const db = await t.create({ ...newMeta({ target: "local", ttlMs: 60_000 }), engine: "postgres", template: key(9) });
    await t.templates!.gc({ maxAgeMs: 0, maxBytes: 0 });
    expect((await pgLeftovers(root)).templateLogins).toContain(templateName(key(9)));
    const c = await connect(db.connection);
    expect((await c.query("select count(*)::int as n from parent")).rows[0].n).toBe(2);
    await c.end();
    await t.destroy(db.id);
    await t.templates!.gc({ maxAgeMs: 0, maxBytes: 0 });
    expect((await pgLeftovers(root)).templateLogins).not.toContain(templateName(key(9)));
  });
});

describe("pool of pre-made clones", () => {
  it("hands each clone to exactly one of many concurrent claimers, with a fresh password", async () => {
    const t = directTarget("local", server());
    const support = t.templates!;
    await support.ensure(key(10), build);
    expect(await support.fill!(key(10), 2)).toBe(2);
    expect(await support.fill!(key(10), 2)).toBe(0);
    const claimers = [1, 2, 3, 4, 5].map(() => sqlTemplateSupport(server(), "local"));
    const got = await Promise.all(claimers.map((c) => c.claim!(key(10), newMeta({ target: "local", ttlMs: 60_000, owner: "claimer" }))));
    const won = got.filter((g) => g !== undefined);
    expect(won).toHaveLength(2);
    expect(new Set(won.map((w) => w.id)).size).toBe(2);
    for (const w of won) {
      const c = await connect(w.connection);
      expect((await c.query("select count(*)::int as n from parent")).rows[0].n).toBe(2);
      await c.end();
      const listed = (await t.list()).find((m) => m.id === w.id);
      expect(listed).toMatchObject({ owner: "claimer", state: "ready", template: key(10) });
      await t.destroy(w.id);
    }
  });
});

describe("a non-superuser admin (CREATEDB CREATEROLE, as on managed servers)", () => {
  it("makes, clones and drops databases and templates", async () => {
    await root.query("create role dbtk_test_admin login createdb createrole password 'adminpw-123'");
    const limited = server({ ...admin, user: "dbtk_test_admin", password: "adminpw-123" });
    const t = directTarget("server", limited);
    await t.templates!.ensure(key(11), build);
    const db = await t.create({ ...newMeta({ target: "server", ttlMs: 60_000 }), engine: "postgres", template: key(11) });
    const c = await connect(db.connection);
    expect((await c.query("select count(*)::int as n from parent")).rows[0].n).toBe(2);
    await c.end();
    await t.destroy(db.id);
    expect(await t.templates!.gc({ maxAgeMs: 0, maxBytes: 0 })).toContain(templateName(key(11)));
    const left = await pgLeftovers(root);
    expect(left.databases).not.toContain(db.id);
    expect(left.templates).not.toContain(templateName(key(11)));
  });
});

describe("clone strategy", () => {
  it("picks FILE_COPY on the local server (no fsync) and WAL_LOG when asked; both clone", async () => {
    expect(await server().strategyClause()).toBe(" STRATEGY FILE_COPY");
    const walLog = server(admin, "wal_log");
    expect(await walLog.strategyClause()).toBe(" STRATEGY WAL_LOG");
    const t = directTarget("local", walLog);
    await t.templates!.ensure(key(12), build);
    const db = await t.create({ ...newMeta({ target: "local", ttlMs: 60_000 }), engine: "postgres", template: key(12) });
    const c = await connect(db.connection);
    expect((await c.query("select count(*)::int as n from parent")).rows[0].n).toBe(2);
    await c.end();
    await t.destroy(db.id);
  });
});

describe("tidy", () => {
  const vacuums = async (): Promise<number> =>
    Number((await root.query<{ n: string }>("select vacuum_count as n from pg_stat_all_tables where relid = 'pg_shdepend'::regclass")).rows[0]?.n);

  it("vacuums the shared catalogs once churn has left enough dead rows in them, not before", async () => {
    const s = new PostgresServer({ admin, tidyDeadRows: 0 });
    servers.push(s);
    const tpl = sqlTemplateSupport(s, "local");
    await tpl.ensure(key(0x7d), build);
    const meta = newMeta({ target: "local", ttlMs: 60_000 });
    await s.create(meta, key(0x7d));
    await s.drop(meta.id);
    const before = await vacuums();
    await server().tidy(); // the default threshold: a few dead rows are left to autovacuum
    await s.tidy();
    // The count is reported by the vacuuming session's statistics, flushed within a second or so.
    const deadline = Date.now() + 10_000;
    while ((await vacuums()) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await vacuums()).toBe(before + 1);
  });
});
