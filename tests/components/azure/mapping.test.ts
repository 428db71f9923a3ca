import { describe, expect, it } from "vitest";
import {
  azureComponentIssues,
  backupStorageType,
  cidrToRange,
  flexibleMaintenanceWindow,
  flexibleSku,
  keyRotationPolicy,
  longTermRetentionPolicy,
  mysqlFlexibleVersion,
  mysqlParameters,
  mysqlServerArgs,
  planFlexibleReplicas,
  planSecondaries,
  postgresParameters,
  postgresServerArgs,
  sqlDatabaseArgs,
  sqlServerArgs,
  sqlSku,
} from "../../../components/azure/index.ts";
import type { AzureFlexibleServerArgs } from "../../../components/azure/index.ts";
import { resolveSpec, validateSpec } from "../../../components/spec/index.ts";
import type { DatabaseSpec, DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";

function spec(input: Partial<DatabaseSpecInput> = {}, env: Environment = "dev", engine: DatabaseSpec["engine"] = "postgres"): DatabaseSpec {
  return resolveSpec({ name: "orders", engine, ...input } as DatabaseSpecInput, env, "azure");
}
const placement = { environment: "dev", resourceGroupName: "rg", location: "westeurope", keyVaultId: "/vault" } as const;
const issues = (s: DatabaseSpec, component: "sql" | "postgres" | "mysql", extra: Partial<AzureFlexibleServerArgs> = {}) =>
  azureComponentIssues(s, { ...placement, spec: s, ...extra } as AzureFlexibleServerArgs, component);

describe("azure helpers", () => {
  it("turns CIDRs into firewall ranges", () => {
    expect(cidrToRange("203.0.113.0/24")).toEqual({ start: "203.0.113.0", end: "203.0.113.255" });
    expect(cidrToRange("10.1.2.3/32")).toEqual({ start: "10.1.2.3", end: "10.1.2.3" });
    expect(cidrToRange("10.1.2.3")).toEqual({ start: "10.1.2.3", end: "10.1.2.3" });
    expect(cidrToRange("10.1.2.77/26")).toEqual({ start: "10.1.2.64", end: "10.1.2.127" });
    expect(() => cidrToRange("2001:db8::/32")).toThrow(/network.allowedCidrs/);
  });
  it("rotation policy and maintenance window", () => {
    expect(keyRotationPolicy(90)).toEqual({ automatic: { timeAfterCreation: "P90D" } });
    expect(flexibleMaintenanceWindow({ day: "sun", hour: 3 })).toEqual({ dayOfWeek: 0, startHour: 3, startMinute: 0 });
    expect(flexibleMaintenanceWindow({ day: "wed", hour: 22 })).toEqual({ dayOfWeek: 3, startHour: 22, startMinute: 0 });
  });
});

describe("azure SQL mapping", () => {
  const dev = spec({}, "dev", "sqlserver");
  const prod = spec({}, "prod", "sqlserver");
  it("server: TLS 1.2, no public access, Entra admin kept alongside SQL auth", () => {
    expect(sqlServerArgs(dev)).toMatchObject({ version: "12.0", minimumTlsVersion: "1.2", publicNetworkAccessEnabled: false, administratorLogin: "dbadmin" });
    const withAdmin = sqlServerArgs(spec({ auth: { entraAdmin: { login: "dba-group", objectId: "55555555-5555-4555-8555-555555555555" } } }, "dev", "sqlserver"));
    expect(withAdmin.azureadAdministrator).toEqual({ loginUsername: "dba-group", objectId: "55555555-5555-4555-8555-555555555555", azureadAuthenticationOnly: false });
  });
  it("database per preset", () => {
    expect(sqlDatabaseArgs(dev)).toMatchObject({
      name: "app",
      skuName: "GP_S_Gen5_1",
      minCapacity: 0.5,
      autoPauseDelayInMinutes: 60,
      maxSizeGb: 50,
      zoneRedundant: false,
      storageAccountType: "Local",
      shortTermRetentionPolicy: { retentionDays: 1, backupIntervalInHours: 12 },
    });
    const p = sqlDatabaseArgs(prod);
    expect(p).toMatchObject({ skuName: "GP_Gen5_4", zoneRedundant: true, storageAccountType: "Zone", shortTermRetentionPolicy: { retentionDays: 35 } });
    expect(p).not.toHaveProperty("minCapacity");
    expect(p).not.toHaveProperty("longTermRetentionPolicy");
  });
  it("long-term retention and geo backups", () => {
    expect(longTermRetentionPolicy({ weeklyWeeks: 12, monthlyMonths: 24, yearlyYears: 5, weekOfYear: 10 })).toEqual({
      weeklyRetention: "P12W",
      monthlyRetention: "P24M",
      yearlyRetention: "P5Y",
      weekOfYear: 10,
    });
    expect(longTermRetentionPolicy({})).toBeUndefined();
    expect(backupStorageType(spec({ backup: { crossRegionCopy: { region: "northeurope" } } }, "dev", "sqlserver"))).toBe("Geo");
  });
  it("point-in-time restore and LTR restore", () => {
    const pitr = sqlDatabaseArgs(spec({ restore: { mode: "point-in-time", sourceId: "/subs/x/databases/app", time: "2026-11-01T10:00:00Z" } }, "dev", "sqlserver"));
    expect(pitr).toMatchObject({ createMode: "PointInTimeRestore", creationSourceDatabaseId: "/subs/x/databases/app", restorePointInTime: "2026-11-01T10:00:00Z" });
    const ltr = sqlDatabaseArgs(spec({ restore: { mode: "snapshot", snapshotId: "/ltr/backup-1" } }, "dev", "sqlserver"));
    expect(ltr).toMatchObject({ createMode: "RestoreLongTermRetentionBackup", restoreLongTermRetentionBackupId: "/ltr/backup-1" });
  });
  it("plans one secondary server per replica, the first cross-region one in a failover group", () => {
    const plan = planSecondaries(spec({ replicas: [{ count: 1 }, { region: "northeurope", count: 2 }] }, "dev", "sqlserver"), "westeurope");
    expect(plan.map((p) => [p.suffix, p.location, p.failoverGroup])).toEqual([
      ["secondary-0", "westeurope", false],
      ["secondary-northeurope-0", "northeurope", true],
      ["secondary-northeurope-1", "northeurope", false],
    ]);
    expect(sqlSku({ tier: "xlarge" })).toBe("GP_Gen5_16");
  });
  it("Hyperscale keeps same-region replicas on the database (readReplicaCount)", () => {
    const hs = spec({ size: { instanceClass: "HS_Gen5_4" }, replicas: [{ count: 2 }, { region: "northeurope", count: 1 }] }, "dev", "sqlserver");
    expect(sqlDatabaseArgs(hs, "westeurope")).toMatchObject({ skuName: "HS_Gen5_4", readReplicaCount: 2 });
    expect(planSecondaries(hs, "westeurope").map((p) => p.suffix)).toEqual(["secondary-northeurope-0"]);
    expect(sqlDatabaseArgs(spec({ replicas: [{ count: 1 }] }, "dev", "sqlserver"), "westeurope")).not.toHaveProperty("readReplicaCount");
  });
});

describe("azure flexible mapping", () => {
  it("PostgreSQL server per preset", () => {
    expect(postgresServerArgs(spec())).toMatchObject({
      skuName: "B_Standard_B1ms",
      version: "17",
      storageMb: 32 * 1024,
      autoGrowEnabled: true,
      backupRetentionDays: 7,
      geoRedundantBackupEnabled: false,
      publicNetworkAccessEnabled: false,
    });
    const prod = postgresServerArgs(spec({}, "prod"));
    expect(prod).toMatchObject({ skuName: "GP_Standard_D4ds_v5", highAvailability: { mode: "ZoneRedundant" }, backupRetentionDays: 35, maintenanceWindow: { dayOfWeek: 0, startHour: 3 } });
  });
  it("private access through a delegated subnet and DNS zone", () => {
    const s = spec({ network: { subnetIds: ["/subnets/db"], privateDnsZoneId: "/zones/orders.postgres.database.azure.com" } });
    expect(postgresServerArgs(s)).toMatchObject({ delegatedSubnetId: "/subnets/db", privateDnsZoneId: "/zones/orders.postgres.database.azure.com", publicNetworkAccessEnabled: false });
  });
  it("MySQL server: 8.0 is 8.0.21, storage block, public access string", () => {
    expect(mysqlFlexibleVersion("8.0")).toBe("8.0.21");
    expect(mysqlFlexibleVersion("8.4")).toBe("8.4");
    expect(mysqlServerArgs(spec({}, "dev", "mysql"))).toMatchObject({
      version: "8.0.21",
      storage: { sizeGb: 20, autoGrowEnabled: true, ioScalingEnabled: true },
      publicNetworkAccess: "Disabled",
      backupRetentionDays: 1,
      geoRedundantBackupEnabled: false,
    });
  });
  it("PostgreSQL parameters: TLS, slow statements, pg_stat_statements and pgaudit (prod), query store", () => {
    expect(postgresParameters(spec({}, "prod"))).toEqual([
      { name: "require_secure_transport", value: "on" },
      { name: "ssl_min_protocol_version", value: "TLSv1.2" },
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
      { name: "log_checkpoints", value: "on" },
      { name: "connection_throttle.enable", value: "on" },
      { name: "log_min_duration_statement", value: "200" },
      { name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit" },
      { name: "azure.extensions", value: "PG_STAT_STATEMENTS,PGAUDIT" },
      { name: "pgaudit.log", value: "ddl,role" },
      { name: "pg_qs.query_capture_mode", value: "top" },
    ]);
    const off = postgresParameters(spec({ encryption: { inTransitRequired: false }, observability: { pgStatStatements: false } }));
    expect(off).toContainEqual({ name: "require_secure_transport", value: "off" });
    expect(off.map((p) => p.name)).not.toContain("shared_preload_libraries");
  });
  it("MySQL parameters: TLS, slow query log in seconds, overrides", () => {
    expect(mysqlParameters(spec({ parameters: { long_query_time: "2" } }, "dev", "mysql"))).toEqual([
      { name: "require_secure_transport", value: "ON" },
      { name: "tls_version", value: "TLSv1.2,TLSv1.3" },
      { name: "slow_query_log", value: "ON" },
      { name: "long_query_time", value: "2" },
    ]);
  });
  it("replicas per region", () => {
    expect(planFlexibleReplicas(spec({ replicas: [{ count: 1 }, { region: "northeurope", count: 1, size: { tier: "large" } }] }), "westeurope")).toEqual([
      { suffix: "replica-0", location: "westeurope", size: { tier: "dev" } },
      { suffix: "replica-northeurope-0", location: "northeurope", size: { tier: "large" } },
    ]);
    expect(flexibleSku({ tier: "xlarge" })).toBe("MO_Standard_E16ds_v5");
  });
});

describe("azure component checks", () => {
  it("each component serves one engine and names the right one", () => {
    const pg = issues(spec(), "sql");
    expect(pg).toHaveLength(1);
    expect(pg[0]).toMatchObject({ path: "engine", value: "postgres", cloud: "azure" });
    expect(pg[0]!.message).toMatch(/PostgresFlexibleServer/);
    expect(issues(spec({}, "dev", "sqlserver"), "postgres")[0]!.message).toMatch(/SqlDatabase/);
    expect(issues(spec({}, "dev", "sqlserver"), "sql")).toEqual([]);
  });
  it("a restore needs an explicit time; flexible servers have no snapshots", () => {
    const latest = spec({ restore: { mode: "point-in-time", sourceId: "/servers/old", useLatestRestorableTime: true } });
    expect(issues(latest, "postgres").map((i) => i.path)).toEqual(["restore.time"]);
    expect(issues(spec({ restore: { mode: "snapshot", snapshotId: "x" } }), "postgres").map((i) => i.path)).toEqual(["restore.mode"]);
  });
  it("Burstable SKUs take neither HA nor replicas", () => {
    expect(issues(spec({ highAvailability: true, replicas: [{ count: 1 }] }), "postgres").map((i) => i.path)).toEqual(["highAvailability", "replicas"]);
    expect(issues(spec({ size: { tier: "small" }, highAvailability: true, replicas: [{ count: 1 }] }), "postgres")).toEqual([]);
  });
  it("a delegated subnet needs a DNS zone; IPv6 firewall rules are refused", () => {
    expect(issues(spec({ network: { subnetIds: ["/subnets/db"] } }, "dev", "mysql"), "mysql").map((i) => i.path)).toEqual(["network.privateDnsZoneId"]);
    expect(issues(spec({ network: { private: false, allowedCidrs: ["2001:db8::/32"] } }), "postgres").map((i) => i.path)).toEqual(["network.allowedCidrs"]);
  });
  it("a customer key with geo backup needs a key in the backup region", () => {
    const s = spec({ size: { tier: "small" }, encryption: { atRest: { type: "customer-key", create: true } }, backup: { crossRegionCopy: { region: "northeurope" } } });
    expect(issues(s, "postgres").map((i) => i.path)).toEqual(["geoBackupKey"]);
    expect(issues(s, "postgres", { geoBackupKey: { keyVaultId: "/vault-ne" } })).toEqual([]);
  });
  it("flexible servers refuse long-term retention (a limit validateSpec checks); Azure SQL maps it", () => {
    const ltr = { backup: { longTermRetention: { weeklyWeeks: 4 } } };
    expect(validateSpec(spec(ltr), { cloud: "azure" }).map((i) => i.path)).toEqual(["backup.longTermRetention"]);
    expect(validateSpec(spec(ltr, "dev", "sqlserver"), { cloud: "azure" })).toEqual([]);
    expect(issues(spec(ltr, "dev", "sqlserver"), "sql")).toEqual([]);
  });
  it("Azure SQL: at most 4 geo-secondaries in total", () => {
    expect(issues(spec({ replicas: [{ count: 3 }, { region: "northeurope", count: 2 }] }, "dev", "sqlserver"), "sql").map((i) => i.path)).toEqual(["replicas"]);
    expect(issues(spec({ replicas: [{ count: 2 }, { region: "northeurope", count: 2 }] }, "dev", "sqlserver"), "sql")).toEqual([]);
  });
});
