// The access planner on its own: validation messages name the field and the fix; the statements quote
// identifiers and passwords, and the entry point loads no Pulumi and no driver.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  accessRoles,
  mysqlApplyStatements,
  mysqlRemoveStatements,
  postgresApplyStatements,
  postgresRemoveStatements,
  redactStatement,
  roleNames,
  validateAccessSpec,
  type AccessSpec,
} from "../../../components/access/sql.ts";

const spec = (over: Partial<AccessSpec> = {}): AccessSpec => ({
  database: "orders",
  prefix: "orders",
  schemas: ["public"],
  extensions: [],
  logins: [
    { name: "orders_api", role: "app", password: "s3cret'pw" },
    { name: "orders_flyway", role: "migrator", password: "m1grate" },
  ],
  ...over,
});

describe("validateAccessSpec", () => {
  it("accepts a good spec and names the four roles from the prefix", () => {
    expect(validateAccessSpec(spec())).toEqual([]);
    expect(validateAccessSpec(spec({ extensions: ["pg_trgm", "uuid-ossp"] }))).toEqual([]);
    expect(accessRoles).toEqual(["owner", "migrator", "app", "readonly"]);
    expect(roleNames("orders")).toEqual({ owner: "orders_owner", migrator: "orders_migrator", app: "orders_app", readonly: "orders_readonly" });
  });

  it("names an unknown role with the roles to use", () => {
    const bad = spec({ logins: [{ name: "a", role: "app", password: "x" }, { name: "b", role: "writer" as never, password: "x" }] });
    expect(validateAccessSpec(bad)).toEqual(['logins[1].role: "writer" is not a role; use one of owner, migrator, app, readonly']);
  });

  it("names every bad field by its path", () => {
    const problems = validateAccessSpec({
      database: "",
      prefix: "Orders-1",
      schemas: ["app", "pg_temp", "app"],
      extensions: [""],
      logins: [
        { name: "orders_app", role: "app", password: "x" },
        { name: "public", role: "readonly", password: "" },
        { name: "dup", role: "app", password: "x" },
        { name: "dup", role: "app", password: "x" },
      ],
      members: { app: ["dup"], writer: ["x"] } as AccessSpec["members"],
    });
    expect(problems).toEqual([
      "database: must be a non-empty database name",
      'prefix: "Orders-1" is not a role prefix; use a lowercase letter then lowercase letters, digits or _ (at most 54 characters, not pg_…), e.g. "orders"',
      'schemas[1]: "pg_temp" starts with pg_, which PostgreSQL reserves',
      'schemas[2]: "app" is listed twice (first at schemas[0])',
      "extensions[0]: must be a non-empty extension name",
      'logins[1].name: "public" is reserved by PostgreSQL',
      "logins[1].password: must be a non-empty string",
      'logins[3].name: "dup" is listed twice (first at logins[2])',
      'members.app[0]: "dup" is managed by this spec; members are roles that exist outside it',
      'members.writer: "writer" is not a role; use one of owner, migrator, app, readonly',
    ]);
  });

  it("flags a login named like one of the set's roles, and names too long for the engine", () => {
    expect(validateAccessSpec(spec({ logins: [{ name: "orders_app", role: "app", password: "x" }] }))).toEqual([
      'logins[0].name: "orders_app" is one of the access roles\' own names; pick another login name',
    ]);
    const long = "x".repeat(33);
    expect(validateAccessSpec(spec({ schemas: [], logins: [{ name: long, role: "app", password: "x" }] }), { engine: "mysql" })).toEqual([
      `logins[0].name: "${long}" is 33 characters long; the limit is 32`,
    ]);
    expect(validateAccessSpec(spec({ database: "d".repeat(64) }))).toEqual([`database: "${"d".repeat(64)}" is 64 bytes long; the limit is 63`]);
  });

  it("refuses schemas, extensions and members on MySQL/MariaDB, naming the field", () => {
    expect(validateAccessSpec(spec({ extensions: ["citext"], members: { readonly: ["grafana"] } }), { engine: "mysql" })).toEqual([
      'schemas: MySQL and MariaDB have no schemas inside a database; leave schemas empty (the grants cover all of database "orders")',
      'extensions: MySQL and MariaDB have no extensions inside a database; leave extensions empty (the grants cover all of database "orders")',
      "members: MySQL and MariaDB accounts are not supported as members; grant the role to the account yourself or use logins",
    ]);
  });

  it("the planners refuse an invalid spec before producing any statement", () => {
    expect(() => postgresApplyStatements(spec({ prefix: "" }))).toThrow(/prefix: "" is not a role prefix/);
    expect(() => mysqlApplyStatements(spec())).toThrow(/schemas: MySQL and MariaDB have no schemas/);
    expect(() => postgresApplyStatements(spec(), spec({ database: "other" }))).toThrow(/previous: it is for database "other"/);
  });
});

describe("statements", () => {
  it("quote identifiers and escape passwords (PostgreSQL)", () => {
    const odd = spec({ schemas: ['we"ird'], logins: [{ name: "Mixed Case", role: "readonly", password: "a'b\\c" }] });
    const sql = postgresApplyStatements(odd).join("\n");
    expect(sql).toContain('CREATE SCHEMA IF NOT EXISTS "we""ird" AUTHORIZATION "orders_owner"');
    expect(sql).toContain(`ALTER ROLE "Mixed Case" WITH LOGIN PASSWORD E'a''b\\\\c'`);
    expect(sql).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "orders_owner" IN SCHEMA "we""ird" GRANT SELECT ON TABLES TO "orders_readonly"');
    expect(sql).toContain('REVOKE CONNECT, TEMPORARY ON DATABASE "orders" FROM PUBLIC');
    expect(redactStatement(`ALTER ROLE "x" WITH LOGIN PASSWORD E'a''b\\\\c'`)).toBe(`ALTER ROLE "x" WITH LOGIN PASSWORD '****'`);
  });

  it("a migrator login starts its sessions as the owner role; an app login does not", () => {
    const sql = postgresApplyStatements(spec());
    expect(sql).toContain(`ALTER ROLE "orders_flyway" IN DATABASE "orders" SET role = 'orders_owner'`);
    expect(sql).toContain(`ALTER ROLE "orders_api" IN DATABASE "orders" RESET role`);
  });

  it("with the previous spec, drop removed logins and revoke removed schemas", () => {
    const before = spec({ schemas: ["public", "reporting"] });
    const after = spec({ logins: [{ name: "orders_api", role: "app", password: "x" }] });
    const sql = postgresApplyStatements(after, before).join("\n");
    expect(sql).toContain('DROP ROLE IF EXISTS "orders_flyway"');
    expect(sql).toMatch(/REVOKE ALL ON ALL TABLES IN SCHEMA "reporting" FROM "orders_app", "orders_readonly"/);
    expect(sql).not.toMatch(/DROP (SCHEMA|EXTENSION|TABLE)/);
    expect(postgresRemoveStatements(before).join("\n")).not.toMatch(/DROP (SCHEMA|EXTENSION|TABLE)/);
  });

  it("MySQL/MariaDB: roles on db.* with wildcards escaped, users with a default role, the flavour's syntax", () => {
    const my = spec({ database: "my_db", schemas: [] });
    const maria = mysqlApplyStatements(my);
    expect(maria).toContain("GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON `my\\_db`.* TO `orders_app`");
    expect(maria).toContain("CREATE USER IF NOT EXISTS 'orders_api'@'%' IDENTIFIED BY 's3cret''pw'");
    expect(maria).toContain("SET DEFAULT ROLE `orders_app` FOR 'orders_api'@'%'");
    expect(mysqlApplyStatements(my, undefined, { flavor: "mysql" })).toContain("SET DEFAULT ROLE `orders_app` TO 'orders_api'@'%'");
    const moved = mysqlApplyStatements(spec({ database: "my_db", schemas: [], logins: [{ name: "orders_api", role: "readonly", password: "x" }] }), my);
    expect(moved).toContain("REVOKE `orders_app` FROM 'orders_api'@'%'");
    expect(moved).toContain("DROP USER IF EXISTS 'orders_flyway'@'%'");
    expect(mysqlRemoveStatements(my)).toEqual([
      "DROP USER IF EXISTS 'orders_api'@'%'",
      "DROP USER IF EXISTS 'orders_flyway'@'%'",
      ...accessRoles.map((r) => `DROP ROLE IF EXISTS \`orders_${r}\``),
    ]);
  });
});

describe("the @dbtk/components/access/sql entry point", () => {
  it("is exported by the package and imports neither Pulumi nor a driver", () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../../components/package.json"), "utf8"));
    expect(pkg.exports["./access/sql"]).toEqual({ types: "./dist/access/sql.d.ts", default: "./dist/access/sql.js" });
    expect(pkg.typesVersions["*"]["access/sql"]).toEqual(["dist/access/sql.d.ts"]);
    for (const file of ["sql.ts", "spec.ts", "sql-postgres.ts", "sql-mysql.ts"]) {
      const text = readFileSync(path.resolve(import.meta.dirname, "../../../components/access", file), "utf8");
      const imports = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
      expect(imports.every((i) => i?.startsWith("./")), `${file}: ${imports.join(", ")}`).toBe(true);
    }
  });
});
