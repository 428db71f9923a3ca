// The component package's schema, read as the engine reads it: the provider started as a plugin process
// and asked GetSchema over gRPC. Every component with its inputs and outputs, enums for the string unions,
// nested object types, descriptions from the doc comments, secrets marked — and a golden copy under version
// control, so every change to the schema shows in review.
//
// After an intended change to the components' args or docs, regenerate the golden file with
//   npm run build && DBTK_UPDATE_GOLDEN=1 npx vitest run tests/provider/schema.test.ts
// (refused under CI=true: there the test fails on any difference).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema, type EnumType, type ObjectType, type PackageSchema, type SchemaProperty } from "../../provider/schema.ts";
import { startPlugin, type RunningPlugin } from "./plugin.ts";

const GOLDEN = path.join(import.meta.dirname, "schema.golden.json");
const tokens = [
  "provisioning:aws:RdsDatabase",
  "provisioning:gcp:CloudSqlDatabase",
  "provisioning:azure:SqlDatabase",
  "provisioning:azure:PostgresFlexibleServer",
  "provisioning:azure:MysqlFlexibleServer",
];
const accessTokens = ["provisioning:postgres:DatabaseAccess", "provisioning:mysql:DatabaseAccess"];
const managedOutputs = ["engine", "databaseName", "host", "port", "endpoint", "readerEndpoints", "connection", "secretRef"];

let plugin: RunningPlugin;
let schema: PackageSchema;
const type = (name: string) => schema.types[`provisioning:index:${name}`];
const object = (name: string) => type(name) as ObjectType;
const enumValues = (name: string) => (type(name) as EnumType).enum.map((e) => e.value);
const refTo = (p: SchemaProperty | undefined) => p?.$ref?.replace("#/types/provisioning:index:", "");

beforeAll(async () => {
  plugin = await startPlugin();
  schema = JSON.parse(await plugin.getSchema()) as PackageSchema;
});
afterAll(async () => plugin?.stop());

describe("GetSchema over gRPC", () => {
  it("names the package provisioning, with its version and the components as component resources", () => {
    const version = (JSON.parse(readFileSync(path.join(import.meta.dirname, "../../provider/package.json"), "utf8")) as { version: string }).version;
    expect(schema.name).toBe("provisioning");
    expect(schema.version).toBe(version);
    expect(Object.keys(schema.resources).sort()).toEqual([...tokens, ...accessTokens].sort());
    for (const token of [...tokens, ...accessTokens]) {
      expect(schema.resources[token]!.isComponent, token).toBe(true);
      expect(schema.resources[token]!.description, token).not.toBe("");
    }
  });

  it.each(tokens)("%s takes environment (enum) and input (the partial spec), both required", (token) => {
    const r = schema.resources[token]!;
    expect(refTo(r.inputProperties["environment"])).toBe("Environment");
    expect(refTo(r.inputProperties["input"])).toBe("DatabaseSpecInput");
    expect(r.requiredInputs).toEqual(expect.arrayContaining(["environment", "input"]));
    expect(r.inputProperties["spec"], "a resolved spec stays TypeScript-only").toBeUndefined();
  });

  it("carries each cloud's own args, with the TypeScript-only ones left out", () => {
    const inputs = (t: string) => Object.keys(schema.resources[t]!.inputProperties);
    expect(inputs("provisioning:aws:RdsDatabase")).toEqual(expect.arrayContaining(["region", "regionalSettings", "applyImmediately", "performanceInsightsRetentionDays"]));
    expect(inputs("provisioning:aws:RdsDatabase")).not.toContain("regionProviders");
    expect(schema.resources["provisioning:gcp:CloudSqlDatabase"]!.requiredInputs).toContain("region");
    expect(schema.resources["provisioning:azure:SqlDatabase"]!.requiredInputs).toEqual(expect.arrayContaining(["resourceGroupName", "location", "keyVaultId"]));
    expect(refTo(schema.resources["provisioning:azure:SqlDatabase"]!.inputProperties["automaticTuning"])).toBe("AzureSqlAutomaticTuning");
    expect(refTo(schema.resources["provisioning:azure:PostgresFlexibleServer"]!.inputProperties["geoBackupKey"])).toBe("GeoBackupKey");
    const regional = schema.resources["provisioning:aws:RdsDatabase"]!.inputProperties["regionalSettings"]!;
    expect(regional.type).toBe("object");
    expect(refTo(regional.additionalProperties)).toBe("AwsRegionalSettings");
  });

  it("has enums for engine, tier, environment and the other string unions", () => {
    expect(enumValues("Engine")).toEqual(["postgres", "mysql", "sqlserver"]);
    expect(enumValues("Environment")).toEqual(["dev", "staging", "prod", "ci"]);
    expect(enumValues("SizeTier")).toEqual(["dev", "small", "medium", "large", "xlarge"]);
    expect(enumValues("AtRestEncryptionType")).toEqual(["provider-managed", "customer-key"]);
    expect(enumValues("RestoreMode")).toEqual(["snapshot", "point-in-time"]);
    expect(enumValues("DayOfWeek")).toEqual(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    expect(enumValues("KeyVaultAccessModel")).toEqual(["rbac", "access-policy"]);
    // Every enum value gets a name the generators can use as an identifier (C# `AtRestEncryptionType.CustomerKey`).
    expect((type("AtRestEncryptionType") as EnumType).enum.map((e) => e.name)).toEqual(["ProviderManaged", "CustomerKey"]);
  });

  it("nests backup, encryption, network and observability as object types; the spec input needs only name and engine", () => {
    const spec = object("DatabaseSpecInput");
    expect(spec.required).toEqual(["name", "engine"]);
    expect(refTo(spec.properties["engine"])).toBe("Engine");
    for (const [field, name] of [["backup", "BackupSpec"], ["encryption", "EncryptionSpec"], ["network", "NetworkSpec"], ["observability", "ObservabilitySpec"], ["size", "Size"], ["storage", "StorageSpec"], ["auth", "AuthSpec"], ["pooling", "PoolingSpec"], ["restore", "RestoreSpec"]] as const) {
      expect(refTo(spec.properties[field]), field).toBe(name);
      expect(object(name).required, `${name}: every field optional, laid over the preset`).toBeUndefined();
    }
    expect(spec.properties["replicas"]).toMatchObject({ type: "array", items: { $ref: "#/types/provisioning:index:ReplicaSpec" } });
    expect(spec.properties["tags"]).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    // Unions of object shapes become one object with the variants' fields, as the zod schema validates them.
    expect(Object.keys(object("AtRestEncryption").properties)).toEqual(["type", "keyId", "create", "rotationDays"]);
    expect(Object.keys(object("Size").properties)).toEqual(["tier", "instanceClass"]);
    expect(refTo(object("Size").properties["tier"])).toBe("SizeTier");
    expect(object("BackupSpec").properties["retentionDays"]!.type).toBe("integer");
    expect(object("AlarmSpec").properties["cpuPercent"]!.type).toBe("number");
    expect(refTo(object("ObservabilitySpec").properties["alarms"])).toBe("AlarmSpec");
    expect(refTo(object("BackupSpec").properties["crossRegionCopy"])).toBe("CrossRegionCopy");
  });

  it("describes every input, output, type and field from the doc comments", () => {
    const missing: string[] = [];
    for (const [token, r] of Object.entries(schema.resources)) {
      for (const [k, p] of Object.entries(r.inputProperties)) if (!p.description) missing.push(`${token} input ${k}`);
      for (const [k, p] of Object.entries(r.properties)) if (!p.description) missing.push(`${token} output ${k}`);
    }
    for (const [name, t] of Object.entries(schema.types)) {
      if (!t.description) missing.push(name);
      if (t.type === "object") for (const [k, p] of Object.entries(t.properties)) if (!p.description) missing.push(`${name}.${k}`);
    }
    expect(missing).toEqual([]);
    expect(object("BackupSpec").properties["retentionDays"]!.description).toMatch(/^Days automated backups are kept/);
  });

  it.each(tokens)("%s outputs the ManagedDatabase members, connection secret", (token) => {
    const r = schema.resources[token]!;
    expect(Object.keys(r.properties)).toEqual(expect.arrayContaining(managedOutputs));
    expect(r.properties["connection"]).toMatchObject({ $ref: "#/types/provisioning:index:ConnectionInfo", secret: true });
    expect(r.properties["port"]!.type).toBe("integer");
    expect(refTo(r.properties["engine"])).toBe("Engine");
    expect(r.required).toEqual(expect.arrayContaining(managedOutputs));
    for (const [k, p] of Object.entries(r.properties)) if (k !== "connection") expect(p.secret, k).toBeUndefined();
  });

  it.each(accessTokens)("%s takes the admin connection (required) and logins with a role enum; its logins output is secret", (token) => {
    const r = schema.resources[token]!;
    expect(r.requiredInputs).toEqual(["connection"]);
    expect(refTo(r.inputProperties["connection"])).toBe("ConnectionInfo");
    expect(r.inputProperties["logins"]).toMatchObject({ type: "array", items: { $ref: "#/types/provisioning:index:DatabaseAccessLogin" } });
    expect(object("DatabaseAccessLogin").properties["password"]).toMatchObject({ type: "string", secret: true });
    expect(enumValues("AccessRole")).toEqual(["owner", "migrator", "app", "readonly"]);
    expect(enumValues("AccessSsl")).toEqual(["disable", "require", "verify-full"]);
    expect(r.inputProperties["members"]).toMatchObject({ type: "object", additionalProperties: { type: "array", items: { type: "string" } } });
    expect(Object.keys(r.properties).sort()).toEqual(["database", "logins", "roles"]);
    expect(r.properties["logins"]).toMatchObject({ type: "object", additionalProperties: { $ref: "#/types/provisioning:index:ConnectionInfo" }, secret: true });
    expect(r.properties["roles"]!.secret).toBeUndefined();
  });

  it("keeps no fallback description for a field the components now document", () => {
    const stale: string[] = [];
    buildSchema(path.join(import.meta.dirname, "../../components/dist"), "0.0.0", stale);
    expect(stale, "remove these from fallbackDocs in provider/model.ts").toEqual([]);
  });

  it("marks the connection's password secret", () => {
    expect(object("ConnectionInfo").properties["password"]!.secret).toBe(true);
    expect(object("ConnectionInfo").required).toEqual(["host", "port", "user", "database", "engine"]);
  });

  it("matches the golden schema under version control", () => {
    const served = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env["DBTK_UPDATE_GOLDEN"] === "1") {
      if (process.env["CI"] === "true") throw new Error("DBTK_UPDATE_GOLDEN is refused under CI=true: regenerate locally and commit");
      writeFileSync(GOLDEN, served);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} missing: run with DBTK_UPDATE_GOLDEN=1`).toBe(true);
    expect(JSON.parse(served), "schema differs from tests/provider/schema.golden.json; if intended, regenerate (see the file header)").toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });
});

describe("the schema follows the components' declarations", () => {
  /** A copy of @dbtk/components' declarations with one file edited. */
  function editedDist(file: string, edit: (text: string) => string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "dbtk-provider-decl-"));
    cpSync(path.join(import.meta.dirname, "../../components/dist"), dir, { recursive: true, filter: (src) => !src.endsWith(".js") && !src.endsWith(".map") });
    const target = path.join(dir, file);
    writeFileSync(target, edit(readFileSync(target, "utf8")));
    return dir;
  }

  it("a new engine in the TypeScript union is a new enum value, with no edit to the provider", () => {
    const dir = editedDist("spec/types.d.ts", (t) => t.replace('export type Engine = "postgres" | "mysql" | "sqlserver";', 'export type Engine = "postgres" | "mysql" | "sqlserver" | "oracle";'));
    const built = buildSchema(dir, "0.0.0");
    expect((built.types["provisioning:index:Engine"] as EnumType).enum.map((e) => e.value)).toEqual(["postgres", "mysql", "sqlserver", "oracle"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("an arg the schema cannot carry (a function) stops the build, naming it, until it is given a form or listed as omitted", () => {
    const dir = editedDist("aws/args.d.ts", (t) => t.replace("interface AwsRdsDatabaseCommonArgs {", "interface AwsRdsDatabaseCommonArgs {\n    onReady?: (id: string) => void;"));
    expect(() => buildSchema(dir, "0.0.0")).toThrow(/AwsRdsDatabaseArgs\.onReady: type \(id: string\) => void has no schema form/);
    rmSync(dir, { recursive: true, force: true });
  });
});
