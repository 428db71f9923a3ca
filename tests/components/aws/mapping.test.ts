// Pure mapping rules (no Pulumi runtime): spec → RDS names, classes, families, parameters, windows.
import { describe, expect, it } from "vitest";
import {
  ENGINE_PORT,
  LOG_EXPORTS,
  RDS_ENGINE,
  dbParameters,
  environmentBehaviour,
  finalSnapshotIdentifier,
  initialDatabase,
  instanceClass,
  maintenanceWindow,
  maxAllocatedStorage,
  msToSeconds,
  parameterGroupFamily,
  parameterGroupNamePrefix,
  performanceInsightsSupported,
  proxyClientAuthType,
  rdsEngineVersion,
  replicaPlan,
  restoreArgs,
  PASSWORD_SPECIALS,
} from "../../../components/aws/mapping.ts";
import { AUDIT_EVENTS, auditOptionGroupArgs, logExports, optionGroupMajorVersion, optionGroupNamePrefix } from "../../../components/aws/mapping-audit.ts";
import { resolveSpec, type DatabaseSpecInput, type Environment } from "../../../components/spec/index.ts";

const spec = (input: Partial<DatabaseSpecInput> = {}, env: Environment = "dev") =>
  resolveSpec({ name: "orders", engine: "postgres", ...input } as DatabaseSpecInput, env, "aws");

describe("engines, ports and classes", () => {
  it("maps engines to RDS names and default ports", () => {
    expect(RDS_ENGINE).toEqual({ postgres: "postgres", mysql: "mysql", sqlserver: "sqlserver-se" });
    expect(ENGINE_PORT).toEqual({ postgres: 5432, mysql: 3306, sqlserver: 1433 });
  });

  it("maps tiers to Graviton classes, SQL Server to Intel classes, explicit classes unchanged", () => {
    expect(instanceClass({ tier: "dev" }, "postgres")).toBe("db.t4g.micro");
    expect(instanceClass({ tier: "medium" }, "mysql")).toBe("db.m7g.large");
    expect(instanceClass({ tier: "xlarge" }, "postgres")).toBe("db.r7g.2xlarge");
    expect(instanceClass({ tier: "dev" }, "sqlserver")).toBe("db.t3.xlarge");
    expect(instanceClass({ tier: "large" }, "sqlserver")).toBe("db.r6i.2xlarge");
    expect(instanceClass({ instanceClass: "db.x2g.large" }, "postgres")).toBe("db.x2g.large");
  });

  it("turns SQL Server years into RDS versions and leaves others alone", () => {
    expect(rdsEngineVersion("sqlserver", "2022")).toBe("16.00");
    expect(rdsEngineVersion("sqlserver", "2019")).toBe("15.00");
    expect(rdsEngineVersion("sqlserver", "16.00.4185.3.v1")).toBe("16.00.4185.3.v1");
    expect(rdsEngineVersion("postgres", "17")).toBe("17");
    expect(rdsEngineVersion("mysql", "8.4")).toBe("8.4");
  });

  it("derives the parameter group family from engine and version", () => {
    expect(parameterGroupFamily("postgres", "16")).toBe("postgres16");
    expect(parameterGroupFamily("postgres", "17.2")).toBe("postgres17");
    expect(parameterGroupFamily("mysql", "8.0")).toBe("mysql8.0");
    expect(parameterGroupFamily("mysql", "8.4.3")).toBe("mysql8.4");
    expect(parameterGroupFamily("sqlserver", "2022")).toBe("sqlserver-se-16.0");
    expect(parameterGroupFamily("sqlserver", "15.00.4415.2.v1")).toBe("sqlserver-se-15.0");
  });

  it("puts the family in the group name prefix, with only letters, digits and hyphens", () => {
    expect(parameterGroupNamePrefix("orders", "mysql8.0")).toBe("orders-mysql8-0-");
    expect(parameterGroupNamePrefix("orders", "postgres17")).toBe("orders-postgres17-");
  });

  it("exports the engine's logs", () => {
    expect(LOG_EXPORTS.postgres).toEqual(["postgresql", "upgrade"]);
    expect(LOG_EXPORTS.mysql).toEqual(["error", "slowquery", "general"]);
    expect(LOG_EXPORTS.sqlserver).toEqual(["error", "agent"]);
  });
});

describe("parameters", () => {
  it("postgres: forces TLS, logs slow statements, preloads pg_stat_statements after a reboot", () => {
    expect(dbParameters(spec({ observability: { slowQueryMs: 250 } }))).toEqual([
      { name: "log_connections", value: "1", applyMethod: "immediate" },
      { name: "log_disconnections", value: "1", applyMethod: "immediate" },
      { name: "log_min_duration_statement", value: "250", applyMethod: "immediate" },
      { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
      { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
    ]);
  });

  it("postgres: TLS off when not required, no pg_stat_statements when turned off", () => {
    const params = dbParameters(
      spec({ encryption: { inTransitRequired: false }, observability: { pgStatStatements: false } }),
    );
    expect(params.find((p) => p.name === "rds.force_ssl")?.value).toBe("0");
    expect(params.map((p) => p.name)).not.toContain("shared_preload_libraries");
  });

  it("mysql: require_secure_transport as the instance group stores it, slow log in seconds", () => {
    expect(dbParameters(spec({ engine: "mysql", observability: { slowQueryMs: 500 } }))).toEqual([
      { name: "log_output", value: "FILE", applyMethod: "immediate" },
      { name: "long_query_time", value: "0.5", applyMethod: "immediate" },
      { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
      { name: "slow_query_log", value: "1", applyMethod: "immediate" },
    ]);
    expect(msToSeconds(2000)).toBe("2");
    expect(msToSeconds(1)).toBe("0.001");
  });

  it("sqlserver: rds.force_ssl, applied at reboot (static there)", () => {
    expect(dbParameters(spec({ engine: "sqlserver" }))).toEqual([
      { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
    ]);
  });

  it("spec.parameters override by name and get the right apply method", () => {
    const params = dbParameters(spec({ parameters: { "rds.force_ssl": "0", max_connections: "400", work_mem: "65536" } }));
    expect(params).toContainEqual({ name: "rds.force_ssl", value: "0", applyMethod: "immediate" });
    expect(params).toContainEqual({ name: "max_connections", value: "400", applyMethod: "pending-reboot" });
    expect(params).toContainEqual({ name: "work_mem", value: "65536", applyMethod: "immediate" });
    expect(params.filter((p) => p.name === "rds.force_ssl")).toHaveLength(1);
  });
});

describe("windows, snapshots and restore", () => {
  it("formats maintenance windows and wraps across midnight and the week end", () => {
    expect(maintenanceWindow(undefined)).toBeUndefined();
    expect(maintenanceWindow({ day: "sun", hour: 3 })).toBe("Sun:03:00-Sun:04:00");
    expect(maintenanceWindow({ day: "tue", hour: 23, durationMinutes: 90 })).toBe("Tue:23:00-Wed:00:30");
    expect(maintenanceWindow({ day: "sun", hour: 23, durationMinutes: 120 })).toBe("Sun:23:00-Mon:01:00");
    expect(maintenanceWindow({ day: "mon", hour: 1, durationMinutes: 10 })).toBe("Mon:01:00-Mon:01:30");
  });

  it("names the final snapshot deterministically", () => {
    expect(finalSnapshotIdentifier("orders")).toBe("orders-final");
  });

  it("maps restore modes", () => {
    expect(restoreArgs(undefined)).toEqual({});
    expect(restoreArgs({ mode: "snapshot", snapshotId: "rds:orders-2026-01-01" })).toEqual({
      snapshotIdentifier: "rds:orders-2026-01-01",
    });
    expect(restoreArgs({ mode: "point-in-time", sourceId: "orders", time: "2026-01-01T10:00:00Z" })).toEqual({
      restoreToPointInTime: { sourceDbInstanceIdentifier: "orders", restoreTime: "2026-01-01T10:00:00Z" },
    });
    expect(restoreArgs({ mode: "point-in-time", sourceId: "orders" })).toEqual({
      restoreToPointInTime: { sourceDbInstanceIdentifier: "orders", useLatestRestorableTime: true },
    });
    expect(restoreArgs({ mode: "point-in-time", sourceId: "orders", useLatestRestorableTime: true })).toEqual({
      restoreToPointInTime: { sourceDbInstanceIdentifier: "orders", useLatestRestorableTime: true },
    });
  });
});

describe("replicas, storage, proxy, environment", () => {
  it("plans same-region and cross-region replicas with distinct identifiers", () => {
    const s = spec({ replicas: [{ count: 2 }, { region: "eu-west-1", count: 1, size: { tier: "small" } }, { region: "us-east-1", count: 1 }] });
    expect(replicaPlan(s, "us-east-1")).toEqual([
      { identifier: "orders-replica-1", suffix: "replica-1", instanceClass: "db.t4g.micro" },
      { identifier: "orders-replica-2", suffix: "replica-2", instanceClass: "db.t4g.micro" },
      { identifier: "orders-eu-west-1-1", suffix: "eu-west-1-1", region: "eu-west-1", instanceClass: "db.t4g.medium" },
      // Its region is the primary's: a same-region replica.
      { identifier: "orders-replica-3", suffix: "replica-3", instanceClass: "db.t4g.micro" },
    ]);
  });

  it("turns storage autoscaling off explicitly when no larger ceiling is given", () => {
    expect(maxAllocatedStorage(spec({ storage: { sizeGb: 20, maxSizeGb: 100 } }))).toBe(100);
    expect(maxAllocatedStorage(spec({ storage: { sizeGb: 50, maxSizeGb: 50 } }))).toBe(0);
  });

  it("creates the database except on SQL Server, whose clients start in master", () => {
    expect(initialDatabase(spec())).toEqual({ dbName: "app", connectDatabase: "app" });
    expect(initialDatabase(spec({ engine: "sqlserver" }))).toEqual({ connectDatabase: "master" });
  });

  it("picks the proxy client auth type per engine", () => {
    expect(proxyClientAuthType("postgres", "17")).toBe("POSTGRES_SCRAM_SHA_256");
    expect(proxyClientAuthType("mysql", "8.0")).toBe("MYSQL_NATIVE_PASSWORD");
    expect(proxyClientAuthType("mysql", "8.4")).toBe("MYSQL_CACHING_SHA2_PASSWORD");
    expect(proxyClientAuthType("sqlserver", "2022")).toBe("SQL_SERVER_AUTHENTICATION");
  });

  it("knows Performance Insights is missing on small MySQL classes only", () => {
    expect(performanceInsightsSupported("mysql", "db.t4g.micro")).toBe(false);
    expect(performanceInsightsSupported("mysql", "db.t4g.medium")).toBe(true);
    expect(performanceInsightsSupported("postgres", "db.t4g.micro")).toBe(true);
  });

  it("differs per environment: prod waits for the window and keeps backups, secrets and keys longer", () => {
    expect(environmentBehaviour("prod")).toEqual({
      applyImmediately: false,
      deleteAutomatedBackups: false,
      secretRecoveryDays: 30,
      keyDeletionDays: 30,
    });
    expect(environmentBehaviour("dev")).toMatchObject({ applyImmediately: true, deleteAutomatedBackups: true, secretRecoveryDays: 0 });
    expect(environmentBehaviour("staging").secretRecoveryDays).toBe(7);
  });

  it("never lets the password generator use characters RDS rejects", () => {
    for (const c of ["/", "@", '"', " "]) expect(PASSWORD_SPECIALS).not.toContain(c);
  });
});

describe("database auditing on RDS for MySQL (MariaDB Audit Plugin)", () => {
  it("spec → option group args: the plugin with connections, DDL and DCL, the engine's major in the group", () => {
    expect(auditOptionGroupArgs(spec({ engine: "mysql" }, "prod"))).toEqual({
      namePrefix: "orders-audit-mysql8-4-",
      engineName: "mysql",
      majorEngineVersion: "8.4",
      optionGroupDescription: "orders MariaDB Audit Plugin (managed by dbtk)",
      options: [{ optionName: "MARIADB_AUDIT_PLUGIN", optionSettings: [{ name: "SERVER_AUDIT_EVENTS", value: AUDIT_EVENTS }] }],
    });
    expect(AUDIT_EVENTS).toBe("CONNECT,QUERY_DDL,QUERY_DCL");
    expect(optionGroupMajorVersion("8.0.36")).toBe("8.0");
    expect(optionGroupMajorVersion("8.4")).toBe("8.4");
    expect(optionGroupNamePrefix("Orders", "8.0")).toBe("orders-audit-mysql8-0-");
  });

  it("none outside prod, when turned off, or for PostgreSQL; audit exported only with the plugin", () => {
    expect(auditOptionGroupArgs(spec({ engine: "mysql" }))).toBeUndefined();
    expect(auditOptionGroupArgs(spec({ engine: "mysql", observability: { pgaudit: false } } as Partial<DatabaseSpecInput>, "prod"))).toBeUndefined();
    expect(auditOptionGroupArgs(spec({}, "prod"))).toBeUndefined();
    expect(logExports(spec({ engine: "mysql" }, "prod"))).toEqual(["error", "slowquery", "general", "audit"]);
    expect(logExports(spec({ engine: "mysql" }))).toEqual(["error", "slowquery", "general"]);
    expect(logExports(spec({}, "prod"))).toEqual(["postgresql", "upgrade"]);
  });
});
