// MysqlDatabaseAccess through the real Pulumi engine on Debian's MariaDB: create, change in place, a failed
// update undone (no transactional DDL there), destroy.
import { rmSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MysqlDatabaseAccess, type DatabaseAccessArgs } from "../../../components/access/index.ts";
import { startLocalMariadb, type ServerHandle } from "../../../core/servers/index.ts";
import { failure, pulumiInstalled, tempRoot } from "../../automation/engine/helpers.ts";
import { failedUp, testStack, type TestStack } from "./engine.ts";

const ready = pulumiInstalled();
const SLOW = { timeout: 300_000 };
const PW = { api: "Api-pw-1'\\x", report: "Report-pw-2" };

describe.skipIf(!ready)("MysqlDatabaseAccess on MariaDB through the real Pulumi engine", () => {
  let root: string;
  let server: ServerHandle;
  let stack: TestStack;

  const admin = () => mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  const login = (user: string, password: string) => mysql.createConnection({ host: server.host, port: server.port, user, password, database: "shop" });
  const program = (args: Omit<DatabaseAccessArgs, "connection">) => async () => {
    const connection = pulumi.secret({ host: server.host, port: server.port, user: server.user, password: server.password, database: "shop", engine: "mysql" as const });
    const access = new MysqlDatabaseAccess("shop", { connection, ...args });
    return { roles: access.roles, logins: access.logins };
  };
  /** Accounts (users and roles) named shop… on the server. */
  const accounts = async () => {
    const c = await admin();
    const [rows] = await c.query("select User as u from mysql.user where User like 'shop%' order by User");
    await c.end();
    return (rows as { u: string }[]).map((r) => r.u);
  };

  beforeAll(async () => {
    root = tempRoot("dbtk-access-maria-");
    server = await startLocalMariadb({ rootDir: path.join(root, "maria") });
    const c = await admin();
    await c.query("create database shop");
    await c.query("create table shop.orders (id int primary key, total int)");
    await c.end();
    stack = await testStack(path.join(root, "state"), "shop");
  });

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("create: roles with grants on shop.*, users with their role as default role; secrets encrypted", SLOW, async () => {
    const result = await stack.up(
      program({
        logins: [
          { name: "shop_api", role: "app", password: PW.api },
          { name: "shop_report", role: "readonly", password: PW.report },
        ],
      }),
    );
    expect(result.outputs.roles?.value).toMatchObject({ app: "shop_app", readonly: "shop_readonly" });
    expect(await accounts()).toEqual(["shop_api", "shop_app", "shop_migrator", "shop_owner", "shop_readonly", "shop_report"]);

    const api = await login("shop_api", PW.api);
    await api.query("insert into orders values (1, 42)");
    expect((await failure(() => api.query("create table nope (id int)"))).errno).toBe(1142);
    await api.end();
    const report = await login("shop_report", PW.report);
    expect((await report.query("select total from orders"))[0]).toEqual([{ total: 42 }]);
    expect((await failure(() => report.query("insert into orders values (2, 1)"))).errno).toBe(1142);
    await report.end();

    const state = stack.stateText();
    for (const secret of [server.password, ...Object.values(PW)]) expect(state).not.toContain(secret);
  });

  it("update: readonly → app in place; a failing update is undone", SLOW, async () => {
    const moved = { logins: [{ name: "shop_report", role: "app" as const, password: PW.report }] };
    const result = await stack.up(program(moved));
    expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(result.summary.resourceChanges?.replace ?? 0).toBe(0);
    expect(await accounts()).toEqual(["shop_app", "shop_migrator", "shop_owner", "shop_readonly", "shop_report"]);
    const report = await login("shop_report", PW.report);
    await report.query("insert into orders values (2, 7)");
    await report.end();

    // Two new users, the second refused by the server (a password policy stands in for any failure
    // midway): the first is dropped again and the previous set stays.
    const c = await admin();
    await c.query("install soname 'simple_password_check'");
    try {
      const logins = [...moved.logins, { name: "shop_new", role: "readonly" as const, password: "Strong-pw-9" }, { name: "shop_weak", role: "readonly" as const, password: "weak" }];
      const err = await failedUp(stack, program({ logins }));
      expect(err).toContain("Your password does not satisfy the current policy requirements");
      expect(err).toContain("while running: CREATE USER IF NOT EXISTS 'shop_weak'@'%' IDENTIFIED BY '****'");
      expect(err).not.toContain("Strong-pw-9");
    } finally {
      await c.query("uninstall soname 'simple_password_check'");
      await c.end();
    }
    expect(await accounts()).toEqual(["shop_app", "shop_migrator", "shop_owner", "shop_readonly", "shop_report"]);
  });

  it("destroy: users and roles dropped, the data kept", SLOW, async () => {
    await stack.destroy();
    expect(await accounts()).toEqual([]);
    const c = await admin();
    const [rows] = await c.query("select total from shop.orders order by total");
    await c.end();
    expect(rows).toEqual([{ total: 7 }, { total: 42 }]);
  });
});
