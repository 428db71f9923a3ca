// DatabaseAccess through the provider, as a C#, Python, Go or YAML program constructs it: plain wire values
// in, the same children and inputs as the TypeScript path (the access resource's secret connection and
// passwords included); a wrong role or prefix is refused by property path before anything is registered.
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { installMocks, registered, reset, Tracker, type Registered } from "../components/support/harness.ts";
import { refusal } from "./refusal.ts";

installMocks();
// The published build, as the provider loads it: the serialized dynamic provider is then the same code.
const { DatabaseAccess, MysqlDatabaseAccess } = await import("@dbtk/components/access");
const { DbtkProvider } = await import("../../provider/provider.ts");

const provider = new DbtkProvider({ componentsDist: path.join(import.meta.dirname, "../../components/dist"), version: "0.0.0" });
const shape = (records: Registered[]) =>
  records.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })).sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
const connection = (engine: "postgres" | "mysql") => ({
  host: "orders.c0abcdefgh.us-east-1.rds.amazonaws.com",
  port: engine === "postgres" ? 5432 : 3306,
  user: "dbadmin",
  password: "Admin-pw-1",
  database: "orders",
  engine,
});
const args = (engine: "postgres" | "mysql") => ({
  connection: connection(engine),
  ...(engine === "postgres" ? { schemas: ["app"], extensions: ["citext"] } : {}),
  logins: [
    { name: "orders_api", role: "app" },
    { name: "orders_bi", role: "readonly", password: "Given-pw-2" },
  ],
});


beforeEach(reset);

describe("DatabaseAccess through the provider", () => {
  it.each([
    ["postgres", "provisioning:postgres:DatabaseAccess", DatabaseAccess],
    ["mysql", "provisioning:mysql:DatabaseAccess", MysqlDatabaseAccess],
  ] as const)("%s: the same children and inputs as the TypeScript path; logins secret", async (engine, token, Component) => {
    const ts = new Tracker();
    // The same wire values (a plain connection: the component makes it secret in the access resource).
    new Component("orders", args(engine) as ConstructorParameters<typeof Component>[1], { transformations: [ts.transformation] });
    await ts.settle();
    const expected = shape(registered.splice(0));

    const tracker = new Tracker();
    const result = await provider.construct("orders", token, JSON.parse(JSON.stringify(args(engine))) as pulumi.Inputs, { transformations: [tracker.transformation] });
    await tracker.settle();
    const got = shape(registered.splice(0));
    expect(got.map((r) => r.type)).toContain(token);
    expect(got.map((r) => r.type)).toContain("pulumi-nodejs:dynamic/dbtk:DatabaseAccess");
    expect(got).toEqual(expected);
    expect(Object.keys(result.state).sort()).toEqual(["database", "logins", "roles"]);
    expect(await pulumi.isSecret(result.state["logins"] as pulumi.Output<unknown>)).toBe(true);
  });

  it("a role outside the set is refused by the schema naming logins[1].role and the roles", async () => {
    const wrong = { ...args("postgres"), logins: [{ name: "a", role: "app" }, { name: "b", role: "writer" }] };
    const errors = await refusal(provider.construct("orders", "provisioning:postgres:DatabaseAccess", wrong, {}));
    expect(errors).toEqual([{ propertyPath: "logins[1].role", reason: '"writer" is not a valid AccessRole; use one of "owner", "migrator", "app", "readonly"' }]);
    expect(registered).toEqual([]);
  });

  it("what the component's own check refuses (a prefix that is no role prefix) comes back by field", async () => {
    const errors = await refusal(provider.construct("orders", "provisioning:postgres:DatabaseAccess", { ...args("postgres"), prefix: "Orders-DB" }, {}));
    expect(errors.map((e) => e.propertyPath)).toEqual(["prefix"]);
    expect(errors[0]!.reason).toMatch(/^"Orders-DB" is not a role prefix; use/);
    expect(registered).toEqual([]);
  });
});
