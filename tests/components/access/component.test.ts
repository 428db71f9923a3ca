// The components under Pulumi mocks: what they register (generated passwords as children, the access
// resource with secret inputs), their outputs, the engine token, and args refused before any registration.
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { installMocks, isSecretValue, plain, registered, reset, Tracker, value } from "../support/harness.ts";

installMocks();
const { DatabaseAccess, MysqlDatabaseAccess, AccessValidationError } = await import("../../../components/access/index.ts");
const { accessProvider } = await import("../../../components/access/provider.ts");
type Inputs = import("../../../components/access/provider.ts").AccessProviderInputs;

const ACCESS = "pulumi-nodejs:dynamic/dbtk:DatabaseAccess";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const connection = { host: "orders.c0abcdefgh.us-east-1.rds.amazonaws.com", port: 5432, user: "dbadmin", password: "Admin-pw-1", database: "orders", engine: "postgres" as const };

describe("DatabaseAccess under mocks", () => {
  beforeEach(reset);

  it("registers one access resource with secret connection and passwords; generated passwords are children", async () => {
    const tracker = new Tracker();
    const access = new DatabaseAccess(
      "orders",
      {
        connection: pulumi.secret(connection),
        extensions: ["citext"],
        logins: [
          { name: "orders_api", role: "app" },
          { name: "orders_bi", role: "readonly", password: "Given-pw-2" },
        ],
      },
      { transformations: [tracker.transformation] },
    );
    expect(await value(access.roles)).toEqual({ owner: "orders_owner", migrator: "orders_migrator", app: "orders_app", readonly: "orders_readonly" });
    const logins = await value(access.logins);
    expect(await pulumi.isSecret(access.logins)).toBe(true);
    expect(logins.orders_bi).toEqual({ ...connection, user: "orders_bi", password: "Given-pw-2" });
    expect(logins.orders_api?.password).toMatch(/^Mock-Pw-7q!orders-orders_api-password$/);
    await tracker.settle();

    expect(tracker.find("orders").type).toBe("provisioning:postgres:DatabaseAccess");
    expect(tracker.find("orders-orders_api-password").parent).toBe(access);
    expect(registered.filter((r) => r.type === PASSWORD).map((r) => r.name)).toEqual(["orders-orders_api-password"]);
    const resource = registered.find((r) => r.type === ACCESS);
    expect(resource).toBeDefined();
    const inputs = resource!.inputs;
    expect(isSecretValue(inputs.connection)).toBe(true);
    expect(isSecretValue(inputs.passwords)).toBe(true);
    expect(plain(inputs.plan)).toEqual({
      database: "orders",
      prefix: "orders",
      schemas: ["public"],
      extensions: ["citext"],
      logins: [
        { name: "orders_api", role: "app" },
        { name: "orders_bi", role: "readonly" },
      ],
    });
    expect(plain(inputs.ssl)).toBe("require");
    expect(plain(inputs.engine)).toBe("postgres");
  });

  it("passes a providers option on to its children", async () => {
    const random = await import("@pulumi/random");
    const rnd = new random.Provider("rnd");
    const access = new DatabaseAccess("withprov", { connection, logins: [{ name: "withprov_api", role: "app" }] }, { providers: { random: rnd } });
    await value(access.logins);
    const password = registered.find((r) => r.type === PASSWORD && r.name === "withprov-withprov_api-password");
    expect(password?.provider).toMatch(/::rnd::/);
  });

  it("MySQL/MariaDB: its own token, no schemas by default, ssl off for localhost", async () => {
    const tracker = new Tracker();
    const access = new MysqlDatabaseAccess(
      "shop",
      { connection: { ...connection, host: "127.0.0.1", port: 3306, engine: "mysql" }, logins: [{ name: "shop_api", role: "app", password: "p" }] },
      { transformations: [tracker.transformation] },
    );
    await value(access.roles);
    await tracker.settle();
    expect(tracker.find("shop").type).toBe("provisioning:mysql:DatabaseAccess");
    const inputs = registered.find((r) => r.type === ACCESS)!.inputs;
    expect(plain(inputs.plan)).toMatchObject({ schemas: [], extensions: [] });
    expect(plain(inputs.ssl)).toBe("disable");
  });

  it("refuses bad args before registering anything, naming each field", () => {
    const before = registered.length;
    const attempt = () =>
      new DatabaseAccess("Orders-DB", {
        connection,
        logins: [{ name: "a", role: "writer" as never, password: "x" }],
      });
    expect(attempt).toThrow(AccessValidationError);
    expect(attempt).toThrow(/prefix: the component's name "Orders-DB" is not a role prefix; pass prefix/);
    expect(attempt).toThrow(/logins\[0\]\.role: "writer" is not a role; use one of owner, migrator, app, readonly/);
    expect(() => new MysqlDatabaseAccess("shop", { connection, schemas: ["public"] })).toThrow(/schemas: MySQL and MariaDB have no schemas/);
    expect(registered.length).toBe(before);
  });

  it("an unresolved prefix passes the component's check (the provider checks it once known)", async () => {
    const access = new DatabaseAccess("later", { connection, prefix: pulumi.output("later") });
    expect(await value(access.roles)).toMatchObject({ owner: "later_owner" });
  });
});

describe("the dynamic provider's check and diff", () => {
  const inputs = (over: Partial<Inputs> = {}, plan: Partial<Inputs["plan"]> = {}): Inputs => ({
    engine: "postgres",
    connection,
    ssl: "require",
    caCertificate: "",
    plan: { database: "orders", prefix: "orders", schemas: ["public"], extensions: [], logins: [{ name: "orders_api", role: "app" }], ...plan },
    passwords: { orders_api: "p" },
    ...over,
  });

  it("names each bad field once values are known; unknown values wait", async () => {
    expect((await accessProvider.check!(inputs(), inputs())).failures).toEqual([]);
    const bad = inputs({ connection: { ...connection, engine: "mysql", password: undefined } }, { logins: [{ name: "orders_api", role: "writer" as never }] });
    expect((await accessProvider.check!(inputs(), bad)).failures?.map((f) => f.reason)).toEqual([
      "connection: is a mysql server's, not postgres; use MysqlDatabaseAccess for it",
      "connection.password: absent (RDS manages the master password: auth.managedMasterPassword); pass a connection with the password read from its secret",
      'logins[0].role: "writer" is not a role; use one of owner, migrator, app, readonly',
    ]);
    const unknown = inputs({}, { prefix: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    expect((await accessProvider.check!(inputs(), unknown)).failures ?? []).toEqual([]);
  });

  it("replaces on another server, database or prefix; updates in place otherwise", async () => {
    const diff = (news: Inputs) => accessProvider.diff!("id", { ...inputs(), roles: { owner: "", migrator: "", app: "", readonly: "" } }, news);
    expect(await diff(inputs())).toMatchObject({ changes: false, replaces: [] });
    expect(await diff(inputs({}, { logins: [{ name: "orders_api", role: "readonly" }] }))).toMatchObject({ changes: true, replaces: [] });
    expect(await diff(inputs({ passwords: { orders_api: "rotated" } }))).toMatchObject({ changes: true, replaces: [] });
    expect(await diff(inputs({}, { database: "other" }))).toMatchObject({ changes: true, replaces: ["plan"] });
    expect(await diff(inputs({ connection: { ...connection, host: "elsewhere" } }))).toMatchObject({ replaces: ["connection"], deleteBeforeReplace: true });
  });
});
