// Pure mapping from the cloud-neutral DatabaseSpec to AWS RDS arguments. No Pulumi runtime here, so every
// rule can be unit-tested on plain values; the component files only wire these results into resources.
import type {
  DatabaseSpec,
  Engine,
  Environment,
  MaintenanceWindow,
  ResourceRef,
  RestoreSpec,
  Size,
  SizeTier,
} from "../spec/types.js";
import { enginePorts } from "../spec/limits.js";
import { replicaInstances } from "../spec/replicas.js";

/** RDS engine names. SQL Server maps to Standard Edition (license included). */
export const RDS_ENGINE: Record<Engine, string> = {
  postgres: "postgres",
  mysql: "mysql",
  sqlserver: "sqlserver-se",
};

/** Default listener port per engine. */
export const ENGINE_PORT: Record<Engine, number> = enginePorts;

/** RDS Proxy engine family (the .d.ts lists MYSQL, POSTGRESQL and SQLSERVER). */
export const PROXY_ENGINE_FAMILY: Record<Engine, "POSTGRESQL" | "MYSQL" | "SQLSERVER"> = {
  postgres: "POSTGRESQL",
  mysql: "MYSQL",
  sqlserver: "SQLSERVER",
};

/** CloudWatch Logs exports per engine. */
export const LOG_EXPORTS: Record<Engine, readonly string[]> = {
  postgres: ["postgresql", "upgrade"],
  mysql: ["error", "slowquery", "general"],
  sqlserver: ["error", "agent"],
};

// Graviton classes for the open-source engines; SQL Server SE runs on Intel classes only and its
// smallest supported burstable class is db.t3.xlarge.
const INSTANCE_CLASS: Record<"open" | "sqlserver", Record<SizeTier, string>> = {
  open: {
    dev: "db.t4g.micro",
    small: "db.t4g.medium",
    medium: "db.m7g.large",
    large: "db.r7g.xlarge",
    xlarge: "db.r7g.2xlarge",
  },
  sqlserver: {
    dev: "db.t3.xlarge",
    small: "db.m6i.large",
    medium: "db.m6i.xlarge",
    large: "db.r6i.2xlarge",
    xlarge: "db.r6i.4xlarge",
  },
};

/** Instance class for a size: the explicit class, or the tier's class for the engine. */
export function instanceClass(size: Size, engine: Engine): string {
  if ("instanceClass" in size) return size.instanceClass;
  return INSTANCE_CLASS[engine === "sqlserver" ? "sqlserver" : "open"][size.tier];
}

// RDS names SQL Server versions by their internal major number.
const SQLSERVER_MAJOR: Record<string, string> = { "2016": "13", "2017": "14", "2019": "15", "2022": "16" };

function sqlServerMajor(version: string): string {
  const major = SQLSERVER_MAJOR[version] ?? version.split(".")[0] ?? version;
  return major;
}

/**
 * Engine version passed to RDS. Postgres/MySQL majors ("16", "8.0") are accepted as prefixes; SQL Server
 * years become the RDS major ("2022" → "16.00"); a full version string passes through unchanged.
 */
export function rdsEngineVersion(engine: Engine, version: string): string {
  if (engine === "sqlserver" && SQLSERVER_MAJOR[version] !== undefined) return `${SQLSERVER_MAJOR[version]}.00`;
  return version;
}

/** Parameter group family from engine + version: postgres16, mysql8.0, sqlserver-se-16.0. */
export function parameterGroupFamily(engine: Engine, version: string): string {
  const parts = version.split(".");
  switch (engine) {
    case "postgres":
      return `postgres${parts[0]}`;
    case "mysql":
      return `mysql${parts[0]}.${parts[1] ?? "0"}`;
    case "sqlserver":
      return `sqlserver-se-${sqlServerMajor(version)}.0`;
  }
}

/**
 * Parameter group name prefix. It carries the family so a major upgrade creates a new group (a new
 * Pulumi resource, created before the old one is deleted) instead of mutating the one in use.
 * Group names allow letters, digits and hyphens only, hence the dot replacement.
 */
export function parameterGroupNamePrefix(name: string, family: string): string {
  return `${name}-${family.replace(/\./g, "-")}-`;
}

export type ApplyMethod = "immediate" | "pending-reboot";

export interface RdsParameter {
  name: string;
  value: string;
  applyMethod: ApplyMethod;
}

// Static parameters: RDS refuses `immediate` for them.
const STATIC_PARAMETERS = new Set([
  "shared_preload_libraries",
  "max_connections",
  "max_worker_processes",
  "max_wal_senders",
  "max_replication_slots",
  "rds.logical_replication",
  "track_activity_query_size",
  "pg_stat_statements.max",
  "performance_schema",
  "innodb_log_file_size",
]);

function applyMethodFor(engine: Engine, name: string): ApplyMethod {
  if (engine === "sqlserver") return "pending-reboot"; // most SQL Server parameters are static
  return STATIC_PARAMETERS.has(name) ? "pending-reboot" : "immediate";
}

/** What pgaudit records when observability.pgaudit is on (the same on every cloud). */
export const PGAUDIT_LOG = "ddl,role";

/** Milliseconds as MySQL's long_query_time seconds ("0.5", "2"). */
export function msToSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(6)));
}

/**
 * Engine parameters: TLS enforcement, slow-query logging, pg_stat_statements, then spec.parameters
 * (which override by name). Sorted by name so the group's inputs are stable between runs.
 */
export function dbParameters(spec: DatabaseSpec): RdsParameter[] {
  const values = new Map<string, string>();
  const tls = spec.encryption.inTransitRequired;
  const slowMs = spec.observability.slowQueryMs;
  switch (spec.engine) {
    case "postgres":
      values.set("rds.force_ssl", tls ? "1" : "0");
      // Who connected and when, for audit (CIS PostgreSQL 3.1.20/3.1.21).
      values.set("log_connections", "1");
      values.set("log_disconnections", "1");
      if (slowMs !== undefined) values.set("log_min_duration_statement", String(slowMs));
      {
        // One list: the libraries loaded at start-up (a static parameter, applied at the next reboot).
        const preload = [
          ...(spec.observability.pgStatStatements !== false ? ["pg_stat_statements"] : []),
          ...(spec.observability.pgaudit === true ? ["pgaudit"] : []),
        ];
        if (preload.length > 0) values.set("shared_preload_libraries", preload.join(","));
      }
      // Session audit of DDL and role changes (CIS PostgreSQL 3.2); `write` is left to parameters (volume).
      if (spec.observability.pgaudit === true) values.set("pgaudit.log", PGAUDIT_LOG);
      break;
    case "mysql":
      // DB instance parameter groups store require_secure_transport as 0/1 (clusters use OFF/ON);
      // writing ON here would show a diff on every refresh.
      values.set("require_secure_transport", tls ? "1" : "0");
      if (slowMs !== undefined) {
        values.set("slow_query_log", "1");
        values.set("long_query_time", msToSeconds(slowMs));
        values.set("log_output", "FILE"); // CloudWatch exports read the log files
      }
      break;
    case "sqlserver":
      values.set("rds.force_ssl", tls ? "1" : "0");
      break;
  }
  for (const [name, value] of Object.entries(spec.parameters ?? {})) values.set(name, value);
  return [...values.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, applyMethod: applyMethodFor(spec.engine, name) }));
}

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

function capitalize(day: string): string {
  return day.charAt(0).toUpperCase() + day.slice(1);
}

function hhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** RDS maintenance window `Ddd:hh:mm-Ddd:hh:mm`, wrapping across midnight and the week end. */
export function maintenanceWindow(window: MaintenanceWindow | undefined): string | undefined {
  if (!window) return undefined;
  const duration = Math.max(window.durationMinutes ?? 60, 30);
  const startDay = DAY_NAMES.indexOf(window.day);
  const start = startDay * 1440 + window.hour * 60;
  const end = (start + duration) % (7 * 1440);
  const endDay = DAY_NAMES[Math.floor(end / 1440)] ?? "mon";
  return `${capitalize(window.day)}:${hhmm(window.hour * 60)}-${capitalize(endDay)}:${hhmm(end % 1440)}`;
}

/**
 * Final snapshot identifier `<name>-final-<suffix>`: the snapshot outlives the instance, so a name without a
 * per-instance suffix makes the next destroy of a re-created instance fail (DBSnapshotAlreadyExists). The
 * component's suffix is random and kept in state; without one the name is `<name>-final`.
 */
export function finalSnapshotIdentifier(name: string, suffix?: string): string {
  return suffix ? `${name}-final-${suffix}` : `${name}-final`;
}

export interface RestoreArgs {
  snapshotIdentifier?: ResourceRef;
  restoreToPointInTime?: {
    sourceDbInstanceIdentifier: ResourceRef;
    restoreTime?: string;
    useLatestRestorableTime?: boolean;
  };
}

/** Restore inputs; a point-in-time restore without a time uses the latest restorable time. */
export function restoreArgs(restore: RestoreSpec | undefined): RestoreArgs {
  if (!restore) return {};
  if (restore.mode === "snapshot") return { snapshotIdentifier: restore.snapshotId };
  const latest = restore.time === undefined ? true : (restore.useLatestRestorableTime ?? false);
  return {
    restoreToPointInTime: {
      sourceDbInstanceIdentifier: restore.sourceId,
      ...(restore.time !== undefined && !latest ? { restoreTime: restore.time } : {}),
      ...(latest ? { useLatestRestorableTime: true } : {}),
    },
  };
}

/** Client auth type RDS Proxy uses towards clients. MySQL 8.0 clients default to native passwords. */
export function proxyClientAuthType(engine: Engine, version: string): string {
  switch (engine) {
    case "postgres":
      return "POSTGRES_SCRAM_SHA_256";
    case "mysql":
      return version.startsWith("8.0") ? "MYSQL_NATIVE_PASSWORD" : "MYSQL_CACHING_SHA2_PASSWORD";
    case "sqlserver":
      return "SQL_SERVER_AUTHENTICATION";
  }
}

/** Performance Insights is not offered for MySQL on micro/small classes. */
export function performanceInsightsSupported(engine: Engine, cls: string): boolean {
  if (engine !== "mysql") return true;
  return !/\.(micro|small)$/.test(cls);
}

/**
 * Performance Insights on an instance of class `cls`: when queryInsights asks for it, and for SQL Server
 * when slowQueryMs is set. RDS for SQL Server has no slow-query parameter; Performance Insights records every
 * statement's latency (the error and agent logs, always exported, carry no statements), as Query Insights
 * does on Cloud SQL and Query Store on Azure SQL for the same spec.
 */
export function performanceInsightsEnabled(spec: DatabaseSpec, cls: string): boolean {
  const { queryInsights, slowQueryMs } = spec.observability;
  const wanted = queryInsights || (spec.engine === "sqlserver" && slowQueryMs !== undefined);
  return wanted && performanceInsightsSupported(spec.engine, cls);
}

/** Behaviour that differs per environment and is not part of the spec itself. */
export interface EnvironmentBehaviour {
  /** Apply modifications now (dev/staging) or in the maintenance window (prod). */
  applyImmediately: boolean;
  /** Delete automated backups with the instance; kept in prod. */
  deleteAutomatedBackups: boolean;
  /** Secrets Manager recovery window; 0 deletes at once so short-lived stacks can reuse names. */
  secretRecoveryDays: number;
  /** KMS key deletion window (7–30). */
  keyDeletionDays: number;
}

export function environmentBehaviour(environment: Environment): EnvironmentBehaviour {
  const prod = environment === "prod";
  return {
    applyImmediately: !prod,
    deleteAutomatedBackups: !prod,
    secretRecoveryDays: prod ? 30 : environment === "staging" ? 7 : 0,
    keyDeletionDays: prod ? 30 : 7,
  };
}

export interface ReplicaPlan {
  /** RDS identifier: `<spec.name>-<suffix>`. */
  identifier: string;
  /** `replica-<n>` or `<region>-<n>`; also the Pulumi resource name suffix. */
  suffix: string;
  /** Region of a cross-region replica; undefined for the primary's region. */
  region?: string;
  instanceClass: string;
}

/**
 * One entry per replica. A replica whose region equals the primary's is same-region. Identifiers are
 * `<name>-replica-<n>` in the primary region and `<name>-<region>-<n>` elsewhere (RDS identifiers are
 * unique per region, the region suffix keeps them readable side by side).
 */
export function replicaPlan(spec: DatabaseSpec, primaryRegion: string | undefined): ReplicaPlan[] {
  return replicaInstances(spec, primaryRegion).map(({ replica, region, index }) => {
    const suffix = region ? `${region}-${index + 1}` : `replica-${index + 1}`;
    return {
      identifier: `${spec.name}-${suffix}`,
      suffix,
      ...(region ? { region } : {}),
      instanceClass: instanceClass(replica.size ?? spec.size, spec.engine),
    };
  });
}

/** Storage autoscaling ceiling; 0 turns autoscaling off explicitly so turning it off later is a diff. */
export function maxAllocatedStorage(spec: DatabaseSpec): number {
  const max = spec.storage.maxSizeGb;
  return max !== undefined && max > spec.storage.sizeGb ? max : 0;
}

/** Database created at launch; RDS creates none for SQL Server, whose clients start in `master`. */
export function initialDatabase(spec: DatabaseSpec): { dbName?: string; connectDatabase: string } {
  if (spec.engine === "sqlserver") return { connectDatabase: "master" };
  return { dbName: spec.databaseName, connectDatabase: spec.databaseName };
}

/** Characters RandomPassword may use: RDS rejects '/', '@', '"' and spaces in master passwords. */
export const PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?";
