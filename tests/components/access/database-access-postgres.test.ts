// DatabaseAccess through the real Pulumi engine on the embedded PostgreSQL, one stack across the steps of
// a user's life: create, change grants in place, bad input refused with nothing applied, destroy.
import { rmSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseAccess, type DatabaseAccessArgs } from "../../../components/access/index.ts";
import { startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";
import { pulumiInstalled, tempRoot } from "../../automation/engine/helpers.ts";
import { failedUp, testStack, type TestStack } from "./engine.ts";
import { defaultAcls, expectedRoles, pgConnect, privileges, rolesOf, sqlState, withPg } from "./helpers.ts";

const ready = pulumiInstalled();
const SLOW = { timeout: 300_000 };
const PASSWORDS = { api: "Api-pw-7f3b9c2e81", report: "Report-pw-5d1a77e0c4", flyway: "Flyway-pw-93be40aa12" };
const ROLES = ["shop_owner", "shop_migrator", "shop_app", "shop_readonly"];

describe.skipIf(!ready)("DatabaseAccess on PostgreSQL through the real Pulumi engine", () => {
  let root: string;
  let server: ServerHandle;
  let stack: TestStack;

  const program = (args: Omit<DatabaseAccessArgs, "connection">) => async () => {
    const connection = pulumi.secret({ host: server.host, port: server.port, user: server.user, password: server.password, database: "shop", engine: "postgres" as const });
    const access = new DatabaseAccess("shop", { connection, ...args });
    return { roles: access.roles, logins: access.logins };
  };
  const first: Omit<DatabaseAccessArgs, "connection"> = {
    logins: [
      { name: "shop_api", role: "app", password: PASSWORDS.api },
      { name: "shop_report", role: "readonly", password: pulumi.secret(PASSWORDS.report) },
      { name: "shop_flyway", role: "migrator", password: PASSWORDS.flyway },
    ],
  };
  const second: Omit<DatabaseAccessArgs, "connection"> = {
    schemas: ["public", "reporting"],
    extensions: ["citext"],
    logins: [
      { name: "shop_api", role: "app", password: PASSWORDS.api },
      { name: "shop_report", role: "app", password: PASSWORDS.report },
    ],
  };

  beforeAll(async () => {
    root = tempRoot("dbtk-access-pg-");
    server = await startLocalPostgres({ rootDir: path.join(root, "pg") });
    await withPg(server, "postgres", (c) => c.query("create database shop"));
    stack = await testStack(path.join(root, "state"), "shop");
  });

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("create: the role set, logins and grants in the catalog; secrets encrypted in the state", SLOW, async () => {
    const result = await stack.up(program(first));
    expect(result.outputs.roles?.value).toEqual({ owner: "shop_owner", migrator: "shop_migrator", app: "shop_app", readonly: "shop_readonly" });
    expect(result.outputs.logins?.secret).toBe(true);
    expect(result.outputs.logins?.value.shop_api).toEqual({ host: server.host, port: server.port, user: "shop_api", password: PASSWORDS.api, database: "shop", engine: "postgres" });

    await withPg(server, "shop", async (c) => {
      expect(await rolesOf(c, [...ROLES, "shop_api", "shop_report", "shop_flyway"])).toEqual(expectedRoles("shop", { shop_api: "app", shop_report: "readonly", shop_flyway: "migrator" }));
      expect((await defaultAcls(c, "shop_owner")).length).toBe(3);
      expect(await privileges(c, "public", "pg_class", "pg_catalog")).toMatchObject({ connect: false });
    });

    // The migrator makes a table; app writes it but cannot make one; readonly reads but cannot write.
    const flyway = await pgConnect(server, "shop", "shop_flyway", PASSWORDS.flyway);
    await flyway.query("create table orders (id serial primary key, total int)");
    await flyway.end();
    const api = await pgConnect(server, "shop", "shop_api", PASSWORDS.api);
    await api.query("insert into orders (total) values (42)");
    expect(await sqlState(() => api.query("create table nope (id int)"))).toBe("42501");
    await api.end();
    const report = await pgConnect(server, "shop", "shop_report", PASSWORDS.report);
    expect((await report.query("select total from orders")).rows).toEqual([{ total: 42 }]);
    expect(await sqlState(() => report.query("insert into orders (total) values (1)"))).toBe("42501");
    await report.end();

    // Secrets: the admin's and the logins' passwords appear only encrypted.
    const state = stack.stateText();
    expect(state).toContain("ciphertext");
    for (const secret of [server.password, ...Object.values(PASSWORDS)]) expect(state).not.toContain(secret);
    expect(result.log).not.toContain(server.password);
    // The provider serialized into the state carries the planner by value and loads its driver at run time.
    const resources = (JSON.parse(state) as { checkpoint: { latest: { resources: { type: string; inputs?: Record<string, unknown> }[] } } }).checkpoint.latest.resources;
    const provider = String(resources.find((r) => r.type.endsWith("DatabaseAccess") && r.inputs?.__provider)?.inputs?.__provider ?? "");
    expect(provider).toContain("postgresApplyStatements");
    expect(provider).not.toMatch(/require\(["'](pg|@dbtk\/components[^"']*)["']\)/);
    expect(provider).not.toMatch(/LocalWorkspace|PulumiCommand/);
  });

  it("update: a login moves to app, another is dropped, a schema and an extension are added — in place", SLOW, async () => {
    const result = await stack.up(program(second));
    expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(result.summary.resourceChanges?.replace ?? 0).toBe(0);
    expect(result.summary.resourceChanges?.create ?? 0).toBe(0);
    await withPg(server, "shop", async (c) => {
      expect(await rolesOf(c, ["shop_report", "shop_flyway"])).toEqual({ shop_report: { login: true, memberOf: ["shop_app"] } });
      expect((await c.query("select 1 from pg_extension where extname = 'citext'")).rowCount).toBe(1);
      expect((await c.query("select nspowner::regrole::text as o from pg_namespace where nspname = 'reporting'")).rows).toEqual([{ o: "shop_owner" }]);
      expect(await privileges(c, "shop_app", "orders")).toMatchObject({ select: true, insert: true, usage: true });
    });
    const report = await pgConnect(server, "shop", "shop_report", PASSWORDS.report);
    await report.query("insert into orders (total) values (7)");
    await report.end();
    // Nothing to do the second time.
    const again = await stack.up(program(second));
    expect(again.summary.resourceChanges).not.toHaveProperty("update");
  });

  it("bad input: an unknown role or a missing member role is refused naming the field; nothing changes", SLOW, async () => {
    const before = await withPg(server, "shop", (c) => rolesOf(c, [...ROLES, "shop_api", "shop_report", "grafana"]));
    const unknownRole = await failedUp(stack, program({ ...second, logins: [{ name: "shop_api", role: "writer" as never, password: "x" }] }));
    expect(unknownRole).toContain('logins[0].role: "writer" is not a role; use one of owner, migrator, app, readonly');

    const missing = await failedUp(stack, program({ ...second, logins: [{ name: "shop_new", role: "app", password: "New-pw-1" }], members: { readonly: ["grafana"] } }));
    expect(missing).toContain('members.readonly[0]: role "grafana" does not exist on the server; create it first or remove it from members.readonly');
    // One transaction: the new login was not created, the dropped ones are still there.
    expect(await withPg(server, "shop", (c) => rolesOf(c, [...ROLES, "shop_api", "shop_report", "shop_new", "grafana"]))).toEqual(before);
    expect(stack.stateText()).not.toContain("New-pw-1");
  });

  it("bad input: a database that does not exist is named", SLOW, async () => {
    const other = await testStack(path.join(root, "state"), "missing-db");
    const err = await failedUp(other, program({ database: "nowhere", prefix: "nowhere", logins: [] }));
    expect(err).toContain(`database: "nowhere" does not exist on ${server.host}:${server.port}`);
    expect(await withPg(server, "shop", (c) => rolesOf(c, ["nowhere_owner"]))).toEqual({});
    await other.destroy();
  });

  it("drift: a login dropped behind the stack's back is found by refresh and made again by up", SLOW, async () => {
    await withPg(server, "shop", (c) => c.query("drop role shop_api"));
    await stack.refresh();
    const result = await stack.up(program(second));
    expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
    const api = await pgConnect(server, "shop", "shop_api", PASSWORDS.api);
    expect((await api.query("select count(*)::int as n from orders")).rows).toEqual([{ n: 2 }]);
    await api.end();
  });

  it("destroy: roles and logins gone, grants revoked, the data still there", SLOW, async () => {
    await stack.destroy();
    await withPg(server, "shop", async (c) => {
      expect(await rolesOf(c, [...ROLES, "shop_api", "shop_report"])).toEqual({});
      expect((await c.query("select total from orders order by total")).rows).toEqual([{ total: 7 }, { total: 42 }]);
      expect((await c.query("select tableowner from pg_tables where tablename = 'orders'")).rows).toEqual([{ tableowner: server.user }]);
      expect((await c.query("select count(*)::int as n from pg_default_acl")).rows).toEqual([{ n: 0 }]);
    });
  });
});
