import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { Tracker, installMocks, isSecretOutput, isSecretValue, ofType, one, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { AzurePostgresFlexibleServer, AzureMysqlFlexibleServer } = await import("../../../components/azure/index.ts");

const PG = "azure:postgresql/flexibleServer:FlexibleServer";
const PG_CONFIG = "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration";
const MY = "azure:mysql/flexibleServer:FlexibleServer";
const MY_CONFIG = "azure:mysql/flexibleServerConfiguration:FlexibleServerConfiguration";
const place = { resourceGroupName: "rg-db", location: "westeurope", keyVaultId: "/vaults/kv", tenantId: "22222222-2222-2222-2222-222222222222" };
// A private server needs its delegated subnet (refused without one in staging and prod).
const delegated = (engine: "postgres" | "mysql") => ({
  network: {
    subnetIds: [`/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/${engine}`],
    privateDnsZoneId: `/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/db.${engine}.database.azure.com`,
  },
});

async function pg(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}, opts: pulumi.ComponentResourceOptions = {}) {
  const tracker = new Tracker();
  const db = new AzurePostgresFlexibleServer("orders", { environment, ...place, input: { name: "orders", engine: "postgres", ...(environment === "dev" ? {} : delegated("postgres")), ...input } as DatabaseSpecInput, ...extra }, { ...opts, transformations: [tracker.transformation] });
  await tracker.settle();
  return { db, tracker };
}
async function my(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}) {
  const tracker = new Tracker();
  const db = new AzureMysqlFlexibleServer("shop", { environment, ...place, input: { name: "shop", engine: "mysql", ...(environment === "dev" ? {} : delegated("mysql")), ...input } as DatabaseSpecInput, ...extra }, { transformations: [tracker.transformation] });
  await tracker.settle();
  return { db, tracker };
}
const params = (type: string) => Object.fromEntries(ofType(type).map((c) => [c.inputs["name"], c.inputs["value"]]));

beforeEach(reset);

describe("AzurePostgresFlexibleServer", () => {
  it("dev: Burstable, private, 7-day backups, TLS and slow-statement parameters, database, password in Key Vault", async () => {
    const { db } = await pg({});
    expect(one(PG).inputs).toMatchObject({
      skuName: "B_Standard_B1ms",
      version: "17",
      storageMb: 32768,
      backupRetentionDays: 7,
      geoRedundantBackupEnabled: false,
      publicNetworkAccessEnabled: false,
      administratorLogin: "dbadmin",
      location: "westeurope",
    });
    expect(one(PG).inputs).not.toHaveProperty("highAvailability");
    expect(isSecretValue(one(PG).inputs["administratorPassword"])).toBe(true);
    expect(params(PG_CONFIG)).toMatchObject({
      require_secure_transport: "on",
      ssl_min_protocol_version: "TLSv1.2",
      log_min_duration_statement: "500",
      shared_preload_libraries: "pg_stat_statements",
    });
    expect(one("azure:postgresql/flexibleServerDatabase:FlexibleServerDatabase").inputs).toMatchObject({ name: "app", charset: "UTF8" });
    expect(isSecretValue(one("azure:keyvault/secret:Secret").inputs["value"])).toBe(true);
    expect(await isSecretOutput(db.connection)).toBe(true);
    expect(await value(db.connection)).toMatchObject({ host: "orders-a1b2c3.postgres.database.azure.com", port: 5432, database: "app" });
  });

  it("applies parameters one after another (Azure refuses concurrent updates)", async () => {
    const { tracker } = await pg({});
    const configs = tracker.resources.filter((r) => r.type === PG_CONFIG);
    expect(configs.length).toBeGreaterThan(2);
    configs.forEach((c, i) => {
      const deps = c.opts.dependsOn as pulumi.Resource[] | undefined;
      if (i === 0) expect(deps ?? []).toHaveLength(0);
      else expect(deps).toEqual([configs[i - 1]!.resource]);
    });
  });

  it("prod: zone-redundant HA, CMK with a user-assigned identity (versionless key), replica, lock, alerts", async () => {
    await pg({}, "prod");
    const [primary, replica] = ofType(PG);
    expect(primary!.inputs).toMatchObject({
      skuName: "GP_Standard_D4ds_v5",
      highAvailability: { mode: "ZoneRedundant" },
      backupRetentionDays: 35,
      storageMb: 131072,
      identity: { type: "UserAssigned", identityIds: [expect.stringMatching(/userAssignedIdentities/)] },
      customerManagedKey: { keyVaultKeyId: "https://vault.vault.azure.net/keys/orders-primary-cmk", primaryUserAssignedIdentityId: expect.stringMatching(/userAssignedIdentities/) },
      maintenanceWindow: { dayOfWeek: 0, startHour: 3, startMinute: 0 },
    });
    expect(replica!.inputs).toMatchObject({ createMode: "Replica", sourceServerId: expect.stringMatching(/flexibleServers\/orders-a1b2c3$/), location: "westeurope" });
    expect(replica!.inputs).not.toHaveProperty("administratorPassword");
    expect(one("azure:keyvault/key:Key").inputs).toMatchObject({ rotationPolicy: { automatic: { timeAfterCreation: "P365D" } } });
    expect(one("azure:management/lock:Lock").inputs).toMatchObject({ lockLevel: "CanNotDelete" });
    const alerts = ofType("azure:monitoring/metricAlert:MetricAlert");
    expect(alerts.map((a) => plain<{ metricName: string }[]>(a.inputs["criterias"])[0]!.metricName)).toEqual(["cpu_percent", "storage_percent", "physical_replication_delay_in_seconds"]);
    expect(plain<string[]>(alerts[2]!.inputs["scopes"])).toEqual([expect.stringMatching(/orders-replica-0-a1b2c3$/)]);
    expect(params(PG_CONFIG)).toMatchObject({ "pg_qs.query_capture_mode": "top", log_min_duration_statement: "200" });
  });

  it("geo-redundant backup with a customer key adds a key and identity in the backup region", async () => {
    await pg({ size: { tier: "small" }, encryption: { atRest: { type: "customer-key", create: true } }, backup: { crossRegionCopy: { region: "northeurope" } } }, "dev", { geoBackupKey: { keyVaultId: "/vaults/kv-ne" } });
    const server = one(PG).inputs;
    expect(server["geoRedundantBackupEnabled"]).toBe(true);
    expect(plain<{ identityIds: string[] }>(server["identity"]).identityIds).toHaveLength(2);
    expect(server["customerManagedKey"]).toMatchObject({ geoBackupKeyVaultKeyId: "https://vault.vault.azure.net/keys/orders-geo-cmk", geoBackupUserAssignedIdentityId: expect.any(String) });
    expect(ofType("azure:keyvault/key:Key").map((k) => k.inputs["keyVaultId"])).toEqual(["/vaults/kv", "/vaults/kv-ne"]);
    expect(ofType("azure:authorization/userAssignedIdentity:UserAssignedIdentity").map((i) => i.inputs["location"])).toEqual(["westeurope", "northeurope"]);
  });

  it("private access through a delegated subnet; public access with firewall rules", async () => {
    await pg({ network: { subnetIds: ["/subnets/pg"], privateDnsZoneId: "/zones/orders.postgres.database.azure.com" } });
    expect(one(PG).inputs).toMatchObject({ delegatedSubnetId: "/subnets/pg", privateDnsZoneId: "/zones/orders.postgres.database.azure.com", publicNetworkAccessEnabled: false });
    reset();
    await pg({ network: { private: false, allowedCidrs: ["198.51.100.7/32"] } });
    expect(one(PG).inputs["publicNetworkAccessEnabled"]).toBe(true);
    expect(one("azure:postgresql/flexibleServerFirewallRule:FlexibleServerFirewallRule").inputs).toMatchObject({ startIpAddress: "198.51.100.7", endIpAddress: "198.51.100.7" });
  });

  it("point-in-time restore: source server and time, no new database, restore inputs ignored later", async () => {
    const { tracker } = await pg({ restore: { mode: "point-in-time", sourceId: "/servers/old", time: "2026-11-01T10:00:00Z" } });
    expect(one(PG).inputs).toMatchObject({ createMode: "PointInTimeRestore", sourceServerId: "/servers/old", pointInTimeRestoreTimeInUtc: "2026-11-01T10:00:00Z" });
    expect(one(PG).inputs).not.toHaveProperty("administratorLogin");
    expect(ofType("azure:postgresql/flexibleServerDatabase:FlexibleServerDatabase")).toHaveLength(0);
    expect(tracker.optionsOf(PG).ignoreChanges).toEqual(expect.arrayContaining(["createMode", "sourceServerId", "pointInTimeRestoreTimeInUtc"]));
  });

  it("pooling turns on the built-in PgBouncer; refused on Burstable", async () => {
    await pg({ size: { tier: "small" }, pooling: { enabled: true } });
    expect(params(PG_CONFIG)).toMatchObject({ "pgbouncer.enabled": "true" });
    reset();
    expect(() => new AzurePostgresFlexibleServer("bad", { environment: "dev", ...place, input: { name: "orders", engine: "postgres", pooling: { enabled: true } } })).toThrow(/pooling.enabled/);
    expect(registered).toHaveLength(0);
  });

  it("Entra administrator and diagnostics", async () => {
    await pg({ auth: { iamAuthentication: true, entraAdmin: { login: "dba", objectId: "55555555-5555-4555-8555-555555555555" } }, observability: { logAnalyticsWorkspaceId: "/ws" } });
    expect(one(PG).inputs["authentication"]).toMatchObject({ activeDirectoryAuthEnabled: true, passwordAuthEnabled: true });
    expect(one("azure:postgresql/flexibleServerActiveDirectoryAdministrator:FlexibleServerActiveDirectoryAdministrator").inputs).toMatchObject({ principalName: "dba", objectId: "55555555-5555-4555-8555-555555555555", tenantId: place.tenantId, principalType: "Group" });
    expect(one("azure:monitoring/diagnosticSetting:DiagnosticSetting").inputs).toMatchObject({ logAnalyticsWorkspaceId: "/ws", enabledLogs: [{ categoryGroup: "allLogs" }] });
  });

  it("parents children and passes the provider", async () => {
    const provider = new azure.Provider("azure-we", { features: {}, subscriptionId: "00000000-0000-0000-0000-000000000000" });
    const { db, tracker } = await pg({}, "prod", {}, { provider });
    for (const child of tracker.resources.filter((r) => r.resource !== db)) expect(child.parent, child.name).toBe(db);
    for (const r of registered.filter((x) => x.type.startsWith("azure:"))) expect(r.provider, r.type).toMatch(/pulumi:providers:azure::azure-we::/);
  });

  it("invalid specs register nothing", () => {
    expect(() => new AzurePostgresFlexibleServer("bad", { environment: "dev", ...place, input: { name: "orders", engine: "postgres", highAvailability: true } })).toThrow(/highAvailability/);
    expect(() => new AzurePostgresFlexibleServer("bad", { environment: "dev", ...place, input: { name: "orders", engine: "mysql" } })).toThrow(SpecValidationError);
    expect(registered).toHaveLength(0);
  });
});

describe("AzureMysqlFlexibleServer", () => {
  it("dev: 8.0.21, storage with autogrow, 1-day backups, TLS + slow query log parameters", async () => {
    await my({});
    expect(one(MY).inputs).toMatchObject({
      version: "8.0.21",
      skuName: "B_Standard_B1ms",
      storage: { sizeGb: 20, autoGrowEnabled: true },
      backupRetentionDays: 1,
      publicNetworkAccess: "Disabled",
    });
    expect(params(MY_CONFIG)).toEqual({ require_secure_transport: "ON", tls_version: "TLSv1.2,TLSv1.3", slow_query_log: "ON", long_query_time: "0.5" });
    for (const c of ofType(MY_CONFIG)) expect(c.inputs).toMatchObject({ resourceGroupName: "rg-db", serverName: "shop-a1b2c3" });
    expect(one("azure:mysql/flexibleDatabase:FlexibleDatabase").inputs).toMatchObject({ name: "app", charset: "utf8mb4" });
  });

  it("prod: HA, CMK identity, replica", async () => {
    await my({}, "prod");
    const [primary, replica] = ofType(MY);
    expect(primary!.inputs).toMatchObject({ highAvailability: { mode: "ZoneRedundant" }, backupRetentionDays: 35, identity: { type: "UserAssigned" }, customerManagedKey: { keyVaultKeyId: expect.stringMatching(/keys\/shop-primary-cmk$/) } });
    expect(replica!.inputs).toMatchObject({ createMode: "Replica", sourceServerId: expect.stringMatching(/flexibleServers\/shop-a1b2c3$/) });
  });

  it("Entra administrator uses a user-assigned identity on the server", async () => {
    await my({ auth: { entraAdmin: { login: "dba", objectId: "55555555-5555-4555-8555-555555555555" } } });
    const identity = one("azure:authorization/userAssignedIdentity:UserAssignedIdentity");
    expect(identity.name).toBe("shop-entra-identity");
    expect(one(MY).inputs["identity"]).toMatchObject({ type: "UserAssigned", identityIds: [expect.stringMatching(/shop-entra-identity/)] });
    expect(one("azure:mysql/flexibleServerActiveDirectoryAdministratory:FlexibleServerActiveDirectoryAdministratory").inputs).toMatchObject({ login: "dba", identityId: expect.stringMatching(/shop-entra-identity/) });
  });

  it("rejects SQL Server, naming the component to use", () => {
    expect(() => new AzureMysqlFlexibleServer("bad", { environment: "dev", ...place, input: { name: "shop", engine: "sqlserver" } })).toThrow(/SqlDatabase/);
    expect(registered).toHaveLength(0);
  });
});
