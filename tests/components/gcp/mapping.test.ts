import { describe, expect, it } from "vitest";
import {
  gcpBackupConfiguration,
  gcpComponentIssues,
  gcpDatabaseFlags,
  gcpDatabaseVersion,
  gcpEdition,
  gcpInsights,
  gcpIpConfiguration,
  gcpPrimarySettings,
  gcpReplicaSettings,
  gcpRestoreArgs,
  gcpRotationPeriod,
  gcpTier,
  planReplicas,
  gcpAlertConditions,
} from "../../../components/gcp/index.ts";
import { resolveSpec } from "../../../components/spec/index.ts";
import type { DatabaseSpec, DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";

const vpc = "projects/acme/global/networks/main";
function spec(input: Partial<DatabaseSpecInput> = {}, env: Environment = "dev"): DatabaseSpec {
  return resolveSpec({ name: "orders", engine: "postgres", network: { vpcId: vpc }, ...input } as DatabaseSpecInput, env, "gcp");
}

describe("gcp mapping: versions, tiers, editions", () => {
  it("maps engine versions to databaseVersion", () => {
    expect(gcpDatabaseVersion(spec())).toBe("POSTGRES_17");
    expect(gcpDatabaseVersion(spec({ engine: "mysql", engineVersion: "8.0" }))).toBe("MYSQL_8_0");
    expect(gcpDatabaseVersion(spec({ engine: "mysql", engineVersion: "8.4" }))).toBe("MYSQL_8_4");
    expect(gcpDatabaseVersion(spec({ engine: "sqlserver" }))).toBe("SQLSERVER_2022_STANDARD");
  });
  it("uses the SQL Server Enterprise edition when replicas are asked for", () => {
    expect(gcpDatabaseVersion(spec({ engine: "sqlserver", replicas: [{ count: 1 }] }))).toBe("SQLSERVER_2022_ENTERPRISE");
  });
  it("maps size tiers to custom machine types on the ENTERPRISE edition", () => {
    expect(gcpTier({ tier: "dev" }, "postgres")).toBe("db-custom-1-3840");
    expect(gcpTier({ tier: "medium" }, "mysql")).toBe("db-custom-4-15360");
    expect(gcpTier({ tier: "dev" }, "sqlserver")).toBe("db-custom-2-7680");
    expect(gcpTier({ instanceClass: "db-perf-optimized-N-4" }, "postgres")).toBe("db-perf-optimized-N-4");
    expect(gcpEdition("db-custom-4-15360")).toBe("ENTERPRISE");
    expect(gcpEdition("db-perf-optimized-N-4")).toBe("ENTERPRISE_PLUS");
  });
});

describe("gcp mapping: settings per preset", () => {
  it("dev: zonal, private, TLS only, 1-day backups with PITR, no deletion protection", () => {
    const s = gcpPrimarySettings(spec());
    expect(s).toMatchObject({
      tier: "db-custom-1-3840",
      edition: "ENTERPRISE",
      availabilityType: "ZONAL",
      diskSize: 20,
      diskAutoresize: true,
      diskAutoresizeLimit: 50,
      ipConfiguration: { ipv4Enabled: false, privateNetwork: vpc, sslMode: "ENCRYPTED_ONLY" },
      backupConfiguration: {
        enabled: true,
        backupRetentionSettings: { retainedBackups: 1, retentionUnit: "COUNT" },
        pointInTimeRecoveryEnabled: true,
        transactionLogRetentionDays: 1,
      },
      deletionProtectionEnabled: false,
      retainBackupsOnDelete: false,
      finalBackupConfig: { enabled: false },
    });
    expect(s.ipConfiguration).not.toHaveProperty("authorizedNetworks");
    expect(s).not.toHaveProperty("maintenanceWindow");
  });
  it("prod: regional, 35 backups, 7 days of logs, window, final backup, deletion protection", () => {
    const s = gcpPrimarySettings(spec({}, "prod"));
    expect(s).toMatchObject({
      tier: "db-custom-4-15360",
      availabilityType: "REGIONAL",
      backupConfiguration: {
        enabled: true,
        startTime: "01:00",
        backupRetentionSettings: { retainedBackups: 35 },
        pointInTimeRecoveryEnabled: true,
        transactionLogRetentionDays: 7,
      },
      deletionProtectionEnabled: true,
      retainBackupsOnDelete: true,
      finalBackupConfig: { enabled: true, retentionDays: 35 },
      maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
      insightsConfig: { queryInsightsEnabled: true },
    });
  });
  it("MySQL uses binary logs for PITR", () => {
    const b = gcpBackupConfiguration(spec({ engine: "mysql" }), "db-custom-1-3840");
    expect(b).toMatchObject({ binaryLogEnabled: true });
    expect(b).not.toHaveProperty("pointInTimeRecoveryEnabled");
  });
  it("keeps transaction logs on for HA even when PITR is off", () => {
    const b = gcpBackupConfiguration(spec({ highAvailability: true, backup: { pointInTimeRecovery: false } }), "db-custom-1-3840");
    expect(b).toMatchObject({ pointInTimeRecoveryEnabled: true });
    const off = gcpBackupConfiguration(spec({ backup: { pointInTimeRecovery: false } }), "db-custom-1-3840");
    expect(off).toMatchObject({ pointInTimeRecoveryEnabled: false });
    expect(off).not.toHaveProperty("transactionLogRetentionDays");
  });
  it("stores backups in the copy region", () => {
    const b = gcpBackupConfiguration(spec({ backup: { crossRegionCopy: { region: "europe-west4" } } }), "db-custom-1-3840");
    expect(b.location).toBe("europe-west4");
  });
  it("turns autoresize off when maxSizeGb is not above sizeGb", () => {
    const s = gcpPrimarySettings(spec({ storage: { sizeGb: 40, maxSizeGb: 40 } }));
    expect(s).toMatchObject({ diskSize: 40, diskAutoresize: false, diskAutoresizeLimit: 0 });
  });
});

describe("gcp mapping: network and TLS", () => {
  it("public only when asked, with authorized networks", () => {
    const ip = gcpIpConfiguration(spec({ network: { private: false, allowedCidrs: ["203.0.113.0/24"], vpcId: vpc } }));
    expect(ip).toEqual({
      ipv4Enabled: true,
      privateNetwork: vpc,
      sslMode: "ENCRYPTED_ONLY",
      authorizedNetworks: [{ name: "allowed-0", value: "203.0.113.0/24" }],
    });
  });
  it("client certificates and plaintext modes", () => {
    expect(gcpIpConfiguration(spec(), true).sslMode).toBe("TRUSTED_CLIENT_CERTIFICATE_REQUIRED");
    expect(gcpIpConfiguration(spec({ encryption: { inTransitRequired: false } })).sslMode).toBe("ALLOW_UNENCRYPTED_AND_ENCRYPTED");
  });
});

describe("gcp mapping: flags and insights", () => {
  it("PostgreSQL logs slow statements in ms and enables IAM login", () => {
    const flags = gcpDatabaseFlags(spec({ auth: { iamAuthentication: true }, parameters: { work_mem: "65536" } }));
    expect(flags).toEqual([
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
      { name: "log_min_duration_statement", value: "500" },
      { name: "cloudsql.iam_authentication", value: "on" },
      { name: "work_mem", value: "65536" },
    ]);
  });
  it("MySQL uses slow_query_log + long_query_time in seconds, written to a file", () => {
    const flags = gcpDatabaseFlags(spec({ engine: "mysql", observability: { slowQueryMs: 250 } }));
    expect(flags).toEqual([
      { name: "slow_query_log", value: "on" },
      { name: "long_query_time", value: "0.25" },
      { name: "log_output", value: "FILE" },
    ]);
  });
  it("parameters override the toolkit's flags", () => {
    const flags = gcpDatabaseFlags(spec({ parameters: { log_min_duration_statement: "1000" } }));
    expect(flags).toContainEqual({ name: "log_min_duration_statement", value: "1000" });
    expect(flags.filter((f) => f.name === "log_min_duration_statement")).toHaveLength(1);
  });
  it("SQL Server records slow queries through Query Insights", () => {
    expect(gcpDatabaseFlags(spec({ engine: "sqlserver" }))).toEqual([]);
    expect(gcpInsights(spec({ engine: "sqlserver" })).queryInsightsEnabled).toBe(true);
    expect(gcpInsights(spec()).queryInsightsEnabled).toBe(false);
  });
});

describe("gcp mapping: replicas, restore, keys, alerts", () => {
  it("plans same-region read replicas and cross-region DR replicas", () => {
    const s = spec({ replicas: [{ count: 2 }, { region: "europe-west4", count: 1, size: { tier: "small" } }] });
    const plan = planReplicas(s, "europe-west1");
    expect(plan.map((p) => [p.suffix, p.region, p.role])).toEqual([
      ["replica-0", undefined, "read"],
      ["replica-1", undefined, "read"],
      ["replica-europe-west4-0", "europe-west4", "dr"],
    ]);
    const dr = gcpReplicaSettings(s, plan[2]!.replica, "dr");
    expect(dr).toMatchObject({ tier: "db-custom-2-7680", availabilityType: "ZONAL", backupConfiguration: { enabled: false } });
    expect(dr.userLabels["dbtk-replica-role"]).toBe("dr");
  });
  it("a replica in the primary's region counts as same-region", () => {
    expect(planReplicas(spec({ replicas: [{ region: "europe-west1", count: 1 }] }), "europe-west1")[0]).toMatchObject({ suffix: "replica-0", role: "read" });
  });
  it("restores by clone or backup run", () => {
    expect(gcpRestoreArgs(spec({ restore: { mode: "point-in-time", sourceId: "orders-old", time: "2026-11-01T10:00:00Z" } }))).toEqual({
      clone: { sourceInstanceName: "orders-old", pointInTime: "2026-11-01T10:00:00Z" },
    });
    expect(gcpRestoreArgs(spec({ restore: { mode: "point-in-time", sourceId: "orders-old", useLatestRestorableTime: true } }))).toEqual({
      clone: { sourceInstanceName: "orders-old" },
    });
    expect(gcpRestoreArgs(spec({ restore: { mode: "snapshot", snapshotId: "orders-old/1712345678901" } }))).toEqual({
      restoreBackupContext: { instanceId: "orders-old", backupRunId: 1712345678901 },
    });
    expect(gcpRestoreArgs(spec())).toEqual({});
  });
  it("rotation period in seconds", () => {
    expect(gcpRotationPeriod(365)).toBe("31536000s");
    expect(gcpRotationPeriod(90)).toBe("7776000s");
  });
  it("alert conditions follow the alarm spec", () => {
    expect(gcpAlertConditions(spec(), false)).toEqual([]);
    const c = gcpAlertConditions(spec({ observability: { alarms: { enabled: true, cpuPercent: 70, maxConnections: 400 } } }), true);
    expect(c.map((x) => [x.metric.split("/").slice(-2).join("/"), x.threshold])).toEqual([
      ["cpu/utilization", 0.7],
      ["disk/utilization", 0.9],
      ["postgresql/num_backends", 400],
      ["replication/replica_lag", 60],
    ]);
  });
});

describe("gcp component checks", () => {
  const placement = { region: "europe-west1" };
  it("accepts the presets with a VPC", () => {
    expect(gcpComponentIssues(spec({}, "prod"), placement)).toEqual([]);
  });
  it("needs a VPC for a private instance", () => {
    const s = resolveSpec({ name: "orders", engine: "postgres" }, "dev", "gcp");
    const issues = gcpComponentIssues(s, placement);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "network.vpcId", cloud: "gcp" });
    expect(gcpComponentIssues({ ...s, network: { private: false, allowedCidrs: [] } }, placement)).toEqual([]);
  });
  it("refuses client certificates on SQL Server and malformed backup ids", () => {
    expect(gcpComponentIssues(spec({ engine: "sqlserver" }), { ...placement, requireClientCertificates: true })[0]?.path).toBe("requireClientCertificates");
    expect(gcpComponentIssues(spec({ restore: { mode: "snapshot", snapshotId: "rds:snap-1" } }), placement)[0]?.path).toBe("restore.snapshotId");
  });
  it("refuses pooling it cannot honour (long-term retention is refused by validateSpec's limits)", () => {
    expect(gcpComponentIssues(spec({ pooling: { enabled: true, idleClientTimeoutSeconds: 60 } }), placement).map((i) => i.path)).toEqual(["pooling.enabled", "pooling.idleClientTimeoutSeconds"]);
    expect(gcpComponentIssues(spec({ size: { instanceClass: "db-perf-optimized-N-4" }, pooling: { enabled: true } }), placement)).toEqual([]);
  });
  it("needs a key per replica region when an existing key is named", () => {
    const s = spec({ encryption: { atRest: { type: "customer-key", keyId: "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k" } }, replicas: [{ region: "us-east1", count: 1 }] });
    expect(gcpComponentIssues(s, placement).map((i) => i.path)).toEqual(["replicaKeyIds.us-east1"]);
    expect(gcpComponentIssues(s, { ...placement, replicaKeyIds: { "us-east1": "projects/p/locations/us-east1/keyRings/r/cryptoKeys/k" } })).toEqual([]);
  });
});
