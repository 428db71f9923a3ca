// Several databases per server (flexible PostgreSQL/MySQL, Azure SQL Database with geo-secondaries), the
// Azure SQL elastic pool option, the server connection policy and pgaudit on PostgreSQL flexible, asserted on
// the provider inputs (node_modules/@pulumi/azure/{mssql,postgresql,mysql}/*.d.ts).
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError, resolveSpec, validateSpec } from "../../../components/spec/index.ts";
import { Tracker, installMocks, ofType, one, plain, registered, reset } from "../support/harness.ts";

installMocks();
const { AzureSqlDatabase, AzurePostgresFlexibleServer, AzureMysqlFlexibleServer } = await import("../../../components/azure/index.ts");

const SERVER = "azure:mssql/server:Server";
const DATABASE = "azure:mssql/database:Database";
const POOL = "azure:mssql/elasticPool:ElasticPool";
const PG_CONFIG = "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration";
const place = { resourceGroupName: "rg-db", location: "westeurope", keyVaultId: "/subscriptions/s/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv", tenantId: "22222222-2222-2222-2222-222222222222" };
const subnet = (name: string) => `/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/${name}`;
const flexNetwork = (engine: string) => ({ subnetIds: [subnet(engine)], privateDnsZoneId: `/zones/o.${engine}.database.azure.com` });

type Make = "sql" | "postgres" | "mysql";
async function render(kind: Make, input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}) {
  const tracker = new Tracker();
  const engine = kind === "sql" ? "sqlserver" : kind;
  const network = kind === "sql" ? { subnetIds: [subnet("sql")] } : flexNetwork(kind);
  const args = { environment, ...place, input: { name: "orders", engine, network, ...input } as DatabaseSpecInput, ...extra };
  const opts = { transformations: [tracker.transformation] };
  const db = kind === "sql" ? new AzureSqlDatabase("orders", args, opts) : kind === "postgres" ? new AzurePostgresFlexibleServer("orders", args, opts) : new AzureMysqlFlexibleServer("orders", args, opts);
  await tracker.settle();
  return { db, tracker };
}

const inputs = (type: string) => ofType(type).map((r) => plain<Record<string, any>>(r.inputs));
const pgParams = () => Object.fromEntries(inputs(PG_CONFIG).map((c) => [c.name, c.value]));
const issues = (engine: DatabaseSpecInput["engine"], input: Partial<DatabaseSpecInput>, environment: Environment = "dev") =>
  validateSpec(resolveSpec({ name: "orders", engine, ...input } as DatabaseSpecInput, environment, "azure"), { cloud: "azure", environment });

beforeEach(() => {
  reset();
  vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
});

describe("flexible servers: several databases per server", () => {
  it("PostgreSQL: one FlexibleServerDatabase per name, created one after another", async () => {
    const { tracker } = await render("postgres", { additionalDatabases: ["reports", "audit_log"] });
    expect(inputs("azure:postgresql/flexibleServerDatabase:FlexibleServerDatabase").map((d) => [d.name, d.charset, d.serverId])).toEqual([
      ["app", "UTF8", expect.stringContaining("/flexibleServers/orders")],
      ["reports", "UTF8", expect.stringContaining("/flexibleServers/orders")],
      ["audit_log", "UTF8", expect.stringContaining("/flexibleServers/orders")],
    ]);
    expect(tracker.find("orders-db-reports").opts.dependsOn).toEqual([tracker.find("orders-db").resource]);
    expect(tracker.find("orders-db-audit-log").opts.dependsOn).toEqual([tracker.find("orders-db-reports").resource]);
  });

  it("MySQL: one FlexibleDatabase per name (utf8mb4)", async () => {
    await render("mysql", { additionalDatabases: ["reports"] });
    expect(inputs("azure:mysql/flexibleDatabase:FlexibleDatabase").map((d) => [d.name, d.charset])).toEqual([["app", "utf8mb4"], ["reports", "utf8mb4"]]);
  });
});

describe("AzureSqlDatabase: several databases, geo-replicated together", () => {
  it("creates each database on the primary, a geo-secondary of each, and fails them over as one group", async () => {
    await render("sql", { additionalDatabases: ["reports"], replicas: [{ count: 1, region: "northeurope" }] }, "dev", { replicaSubnetIds: { northeurope: subnet("sql-neu") } });
    const dbs = ofType(DATABASE).map((r) => ({ ...plain<Record<string, any>>(r.inputs), name: r.name }) as Record<string, any>);
    expect(ofType(DATABASE).filter((r) => !plain<Record<string, any>>(r.inputs).createMode).map((r) => [r.name, plain<Record<string, any>>(r.inputs).name])).toEqual([
      ["orders-db", "app"],
      ["orders-db-reports", "reports"],
    ]);
    const geos = dbs.filter((d) => d.createMode === "Secondary");
    expect(geos.map((g) => [g.name, g.creationSourceDatabaseId])).toEqual([
      ["orders-secondary-northeurope-0-db", expect.stringMatching(/\/databases\/app$/)],
      ["orders-secondary-northeurope-0-db-reports", expect.stringMatching(/\/databases\/reports$/)],
    ]);
    expect(plain<Record<string, any>>(one("azure:mssql/failoverGroup:FailoverGroup").inputs).databases).toEqual([
      expect.stringMatching(/\/databases\/app$/),
      expect.stringMatching(/\/databases\/reports$/),
    ]);
  });
});

describe("AzureSqlDatabase: elastic pool", () => {
  it("sizes a General Purpose pool from spec.size and places every database in it", async () => {
    await render("sql", { size: { instanceClass: "GP_Gen5_4" }, additionalDatabases: ["reports"], storage: { sizeGb: 50, maxSizeGb: 100 } }, "dev", { elasticPool: { perDatabaseMaxCapacity: 2 } });
    const pool = plain<Record<string, any>>(one(POOL).inputs);
    expect(pool).toMatchObject({
      name: "orders-pool",
      sku: { name: "GP_Gen5", tier: "GeneralPurpose", family: "Gen5", capacity: 4 },
      perDatabaseSettings: { minCapacity: 0, maxCapacity: 2 },
      maxSizeGb: 100,
      zoneRedundant: false,
      resourceGroupName: "rg-db",
      location: "westeurope",
      serverName: expect.stringContaining("orders-primary"),
    });
    const dbs = inputs(DATABASE);
    expect(dbs).toHaveLength(2);
    for (const d of dbs) {
      expect(d).toMatchObject({ skuName: "ElasticPool", elasticPoolId: "orders-pool-id", maxSizeGb: 100 });
      // The pool decides zone redundancy; a pooled database has no compute of its own.
      for (const k of ["zoneRedundant", "minCapacity", "autoPauseDelayInMinutes"]) expect(d).not.toHaveProperty(k);
    }
  });

  it("a zone-redundant (prod) pool is Business Critical", async () => {
    await render("sql", { size: { instanceClass: "BC_Gen5_4" }, replicas: [{ count: 1, region: "northeurope" }] }, "prod", { elasticPool: {} });
    expect(plain<Record<string, any>>(one(POOL).inputs)).toMatchObject({ sku: { name: "BC_Gen5", tier: "BusinessCritical", capacity: 4 }, zoneRedundant: true });
  });

  it.each([
    ["a serverless size", { size: { tier: "dev" } }, "dev", {}, "size", /cannot size an elastic pool/],
    ["vCores a pool does not have", { size: { instanceClass: "GP_Gen5_22" } }, "dev", {}, "size.instanceClass", /use GP_Gen5_24/],
    ["zone redundancy on General Purpose", { size: { instanceClass: "GP_Gen5_4" }, replicas: [{ count: 1, region: "northeurope" }] }, "prod", {}, "highAvailability", /BC_Gen5_4/],
    ["more per-database vCores than the pool", { size: { instanceClass: "GP_Gen5_4" } }, "dev", { perDatabaseMaxCapacity: 8 }, "elasticPool.perDatabaseMaxCapacity", /1–4/],
    ["a pool smaller than a database", { size: { instanceClass: "GP_Gen5_4" } }, "dev", { maxSizeGb: 10 }, "elasticPool.maxSizeGb", /raise/],
  ] as const)("refuses %s", (_label, input, environment, pool, path, message) => {
    let error: unknown;
    try {
      new AzureSqlDatabase("bad", { environment, ...place, elasticPool: pool, input: { name: "orders", engine: "sqlserver", network: { subnetIds: [subnet("sql")] }, ...input } as DatabaseSpecInput });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    const issue = (error as SpecValidationError).issues.find((i) => i.path === path);
    expect(issue?.message).toMatch(message);
    expect(registered.filter((r) => r.name.startsWith("bad"))).toEqual([]);
  });

  it("enabled: false creates no pool", async () => {
    await render("sql", {}, "dev", { elasticPool: { enabled: false } });
    expect(ofType(POOL)).toHaveLength(0);
    expect(inputs(DATABASE)[0]).toMatchObject({ skuName: "GP_S_Gen5_1" });
  });
});

describe("AzureSqlDatabase: connection policy", () => {
  it("renders the provider's default, Default, on every server unless the spec names one", async () => {
    await render("sql", { replicas: [{ count: 1, region: "northeurope" }] });
    expect(inputs(SERVER).map((s) => s.connectionPolicy)).toEqual(["Default", "Default"]);
    reset();
    await render("sql", { network: { subnetIds: [subnet("sql")], connectionPolicy: "Redirect" } });
    expect(plain<Record<string, any>>(one(SERVER).inputs).connectionPolicy).toBe("Redirect");
  });

  it("is refused on the flexible servers, which have none", () => {
    expect(issues("postgres", { network: { connectionPolicy: "Proxy" } } as Partial<DatabaseSpecInput>).map((i) => i.path)).toEqual(["network.connectionPolicy"]);
  });
});

describe("PostgreSQL flexible: pgaudit", () => {
  it("prod preloads and allow-lists pgaudit beside pg_stat_statements and logs DDL and role changes", async () => {
    await render("postgres", { size: { tier: "small" } }, "prod");
    expect(pgParams()).toMatchObject({ shared_preload_libraries: "pg_stat_statements,pgaudit", "azure.extensions": "PG_STAT_STATEMENTS,PGAUDIT", "pgaudit.log": "ddl,role" });
  });

  it("dev keeps pg_stat_statements only", async () => {
    await render("postgres", {});
    expect(pgParams()).toMatchObject({ shared_preload_libraries: "pg_stat_statements", "azure.extensions": "PG_STAT_STATEMENTS" });
    expect(pgParams()).not.toHaveProperty("pgaudit.log");
  });

  it("cannot be undone through parameters: both fields are named", () => {
    const found = issues("postgres", { parameters: { shared_preload_libraries: "pg_stat_statements" } }, "prod").filter((i) => i.path.startsWith("parameters."));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: "parameters.shared_preload_libraries" });
    expect(found[0]!.message).toContain("observability.pgaudit");
    expect(issues("postgres", { parameters: { "azure.extensions": "PG_STAT_STATEMENTS,PGAUDIT,PG_TRGM" } }, "prod").filter((i) => i.path.startsWith("parameters."))).toEqual([]);
  });
});

describe("Azure refuses what only GCP honours, with the fix", () => {
  it.each([
    ["auth.additionalUsers", { auth: { additionalUsers: ["reporting"] } }, /CREATE ROLE/],
    ["auth.iamPrincipals", { auth: { iamPrincipals: ["ana@example.com"] } }, /Entra/],
    ["network.privateServiceConnect", { network: { privateServiceConnect: { allowedConsumerProjects: ["p"] } } }, /network.subnetIds/],
    ["maintenanceDenyPeriod", { maintenanceDenyPeriod: { start: "12-20", end: "12-31" } }, /only on GCP Cloud SQL/],
  ] as const)("%s", (path, input, message) => {
    const found = issues("postgres", input as Partial<DatabaseSpecInput>).find((i) => i.path === path);
    expect(found?.message).toMatch(message);
  });
});
