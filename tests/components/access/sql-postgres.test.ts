// The PostgreSQL planner's statements applied on the embedded server (no engine): the catalog after apply,
// logins acting for real, a change, and removal — also by a non-superuser CREATEROLE admin, as on RDS.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresApplyStatements, postgresRemoveStatements, type AccessSpec } from "../../../components/access/sql.ts";
import { startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";
import { tempRoot } from "../../automation/engine/helpers.ts";
import { applyInTransaction, defaultAcls, expectedRoles, pgConnect, privileges, rolesOf, sqlState, withPg } from "./helpers.ts";

describe("postgres access statements on a real server", () => {
  let root: string;
  let server: ServerHandle;

  beforeAll(async () => {
    root = tempRoot("dbtk-access-sql-");
    server = await startLocalPostgres({ rootDir: path.join(root, "pg") });
    await withPg(server, "postgres", async (c) => {
      await c.query("create database shop");
      await c.query("create database rds_like");
      // An RDS-style admin: CREATEROLE and CREATEDB, not a superuser, owning its database.
      await c.query("create role rds_admin login createrole createdb password 'adm1n'");
      await c.query("alter database rds_like owner to rds_admin");
    });
    await withPg(server, "shop", (c) => c.query("create table early (id int); insert into early values (1)"));
  });

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const shop = (over: Partial<AccessSpec> = {}): AccessSpec => ({
    database: "shop",
    prefix: "shop",
    schemas: ["public"],
    extensions: ["citext"],
    logins: [
      { name: "shop_api", role: "app", password: "api'pw\\1" },
      { name: "shop_report", role: "readonly", password: "rep0rt" },
      { name: "shop_flyway", role: "migrator", password: "fly" },
    ],
    ...over,
  });

  it("apply: roles, memberships, grants on existing and future objects; least privilege for each login", async () => {
    await withPg(server, "shop", (c) => applyInTransaction(c, postgresApplyStatements(shop())));
    await withPg(server, "shop", (c) => applyInTransaction(c, postgresApplyStatements(shop()))); // idempotent

    await withPg(server, "shop", async (c) => {
      expect(await rolesOf(c, ["shop_owner", "shop_migrator", "shop_app", "shop_readonly", "shop_api", "shop_report", "shop_flyway"])).toEqual(expectedRoles("shop", { shop_api: "app", shop_report: "readonly", shop_flyway: "migrator" }));
      // The table made before the apply is covered, PUBLIC lost CREATE and CONNECT.
      expect(await privileges(c, "shop_app", "early")).toEqual({ select: true, insert: true, delete: true, usage: true, create: false, connect: true });
      expect(await privileges(c, "shop_readonly", "early")).toEqual({ select: true, insert: false, delete: false, usage: true, create: false, connect: true });
      expect(await privileges(c, "public", "early")).toMatchObject({ create: false, connect: false });
      const { rows } = await c.query("select nspowner::regrole::text as owner from pg_namespace where nspname = 'public'");
      expect(rows[0].owner).toBe("shop_owner");
      expect((await c.query("select 1 from pg_extension where extname = 'citext'")).rowCount).toBe(1);
      expect(await defaultAcls(c, "shop_owner")).toEqual([
        "public:S:shop_app=rU/shop_owner,shop_readonly=r/shop_owner",
        "public:f:shop_app=X/shop_owner",
        "public:r:shop_app=arwd/shop_owner,shop_readonly=r/shop_owner",
      ]);
    });

    // The migrator's table belongs to the owner role and is readable by app and readonly at once.
    const flyway = await pgConnect(server, "shop", "shop_flyway", "fly");
    await flyway.query("create table orders (id serial primary key, note citext)");
    const { rows } = await flyway.query("select tableowner from pg_tables where tablename = 'orders'");
    expect(rows[0].tableowner).toBe("shop_owner");
    await flyway.end();

    const api = await pgConnect(server, "shop", "shop_api", "api'pw\\1");
    await api.query("insert into orders (note) values ('x')");
    await api.query("update orders set note = 'y'");
    expect(await sqlState(() => api.query("create table nope (id int)"))).toBe("42501");
    expect(await sqlState(() => api.query("drop table orders"))).toBe("42501");
    await api.end();

    const report = await pgConnect(server, "shop", "shop_report", "rep0rt");
    expect((await report.query("select count(*)::int as n from orders")).rows[0].n).toBe(1);
    expect(await sqlState(() => report.query("insert into orders (note) values ('z')"))).toBe("42501");
    await report.end();
    // Only this database changed: another one keeps PUBLIC's default CONNECT.
    expect(await sqlState(() => pgConnect(server, "rds_like", "shop_report", "rep0rt").then((c) => c.end()))).toBe("ok");
  });

  it("a failing statement leaves nothing applied; a missing member role is named by its field", async () => {
    const bad = shop({ prefix: "bad", logins: [], extensions: [], members: { readonly: ["grafana"] } });
    const err = await withPg(server, "shop", (c) => applyInTransaction(c, postgresApplyStatements(bad)).catch((e: Error) => e));
    expect(String(err)).toContain('members.readonly[0]: role "grafana" does not exist on the server');
    await withPg(server, "shop", async (c) => expect(await rolesOf(c, ["bad_owner", "bad_app"])).toEqual({}));
    // Connected to the wrong database: refused before anything.
    const wrong = await withPg(server, "postgres", (c) => applyInTransaction(c, postgresApplyStatements(shop({ prefix: "w" }))).catch((e: Error) => e));
    expect(String(wrong)).toContain('database: these statements are for database "shop" but the session is connected to postgres');
  });

  it("update: a login moves from readonly to app, one is dropped, a schema is added then removed", async () => {
    const next = shop({
      schemas: ["public", "reporting"],
      logins: [
        { name: "shop_api", role: "app", password: "api'pw\\1" },
        { name: "shop_report", role: "app", password: "rep0rt" },
      ],
    });
    await withPg(server, "shop", (c) => applyInTransaction(c, postgresApplyStatements(next, shop())));
    await withPg(server, "shop", async (c) => {
      const roles = await rolesOf(c, ["shop_report", "shop_flyway"]);
      expect(roles).toEqual({ shop_report: { login: true, memberOf: ["shop_app"] } });
      // What a migration makes there (as the owner role) is covered by the default privileges.
      await c.query("set role shop_owner; create table reporting.daily (d date); reset role");
      expect(await privileges(c, "shop_app", "daily", "reporting")).toMatchObject({ select: true, usage: true });
    });
    await withPg(server, "shop", (c) => applyInTransaction(c, postgresApplyStatements(shop({ logins: next.logins }), next)));
    await withPg(server, "shop", async (c) => {
      expect(await privileges(c, "shop_app", "daily", "reporting")).toMatchObject({ select: false, usage: false });
      expect((await c.query("select 1 from reporting.daily")).rowCount).toBe(0); // the schema and table stay
    });
  });

  it("remove: roles and logins gone, data handed to the admin, nothing dropped", async () => {
    await withPg(server, "shop", (c) => applyInTransaction(c, postgresRemoveStatements(shop())));
    await withPg(server, "shop", async (c) => {
      expect(await rolesOf(c, ["shop_owner", "shop_migrator", "shop_app", "shop_readonly", "shop_api", "shop_report", "shop_flyway"])).toEqual({});
      expect((await c.query("select count(*)::int as n from orders")).rows[0].n).toBe(1);
      const { rows } = await c.query("select tableowner from pg_tables where tablename = 'orders'");
      expect(rows[0].tableowner).toBe(server.user);
      expect((await c.query("select 1 from pg_default_acl")).rowCount).toBe(0);
    });
    // Removing again is a no-op.
    await withPg(server, "shop", (c) => applyInTransaction(c, postgresRemoveStatements(shop())));
  });

  it("works for a non-superuser CREATEROLE admin (RDS, Cloud SQL, Azure)", async () => {
    const spec = shop({ database: "rds_like", prefix: "rl", extensions: [], logins: [{ name: "rl_api", role: "app", password: "p" }, { name: "rl_mig", role: "migrator", password: "m" }] });
    const admin = await pgConnect(server, "rds_like", "rds_admin", "adm1n");
    try {
      await applyInTransaction(admin, postgresApplyStatements(spec));
      const mig = await pgConnect(server, "rds_like", "rl_mig", "m");
      await mig.query("create table t (id int)");
      await mig.end();
      expect(await privileges(admin, "rl_app", "t")).toMatchObject({ select: true, insert: true, create: false });
      await applyInTransaction(admin, postgresRemoveStatements(spec));
      expect(await rolesOf(admin, ["rl_owner", "rl_app", "rl_api", "rl_mig"])).toEqual({});
      expect((await admin.query("select tableowner from pg_tables where tablename = 't'")).rows[0].tableowner).toBe("rds_admin");
    } finally {
      await admin.end();
    }
  });
});
