// Pure mapping from a DatabaseSpec to Cloud SQL (gcp.sql.DatabaseInstance) arguments. No Pulumi resources
// here, so every choice is unit-testable; the component in cloud-sql-database.ts only wires outputs together.
// Argument names follow node_modules/@pulumi/gcp/types/input.d.ts (sql.DatabaseInstanceSettings*).
import * as pulumi from "@pulumi/pulumi";
import { isKnownString } from "../spec/inputs.js";
import { replicaInstances } from "../spec/replicas.js";
import type { SpecWarning } from "../shared/warnings.js";
import type { DatabaseSpec, Engine, Environment, ReplicaSpec, Size, SizeTier } from "../spec/types.js";
import { gcpDenyMaintenancePeriod, gcpPasswordValidationPolicy, gcpPgauditFlags, gcpPrivateAccess, type GcpPasswordValidation } from "./mapping-access.js";

export { enginePorts } from "../spec/limits.js";

// Custom machine types (db-custom-<vCPU>-<MiB>) run on the ENTERPRISE edition; PostgreSQL 16+ would
// otherwise default to ENTERPRISE_PLUS, which refuses custom tiers.
const tiers: Record<SizeTier, string> = {
  dev: "db-custom-1-3840",
  small: "db-custom-2-7680",
  medium: "db-custom-4-15360",
  large: "db-custom-8-30720",
  xlarge: "db-custom-16-61440",
};
// SQL Server instances start at 2 vCPUs (Google's own SQL Server "development" template uses 2 vCPU / 8 GiB).
const sqlserverDevTier = "db-custom-2-7680";

/** Cloud SQL machine type for a size: the tier table, or an explicit `instanceClass` as given. */
export function gcpTier(size: Size, engine: Engine): string {
  if ("instanceClass" in size) return size.instanceClass;
  if (engine === "sqlserver" && size.tier === "dev") return sqlserverDevTier;
  return tiers[size.tier];
}

/** ENTERPRISE_PLUS only for its predefined `db-perf-optimized-*` machine types. */
export function gcpEdition(tier: string): "ENTERPRISE" | "ENTERPRISE_PLUS" {
  return tier.startsWith("db-perf-optimized-") ? "ENTERPRISE_PLUS" : "ENTERPRISE";
}

/**
 * `databaseVersion`: POSTGRES_17, MYSQL_8_0, SQLSERVER_2022_STANDARD. SQL Server read replicas need the
 * Enterprise edition of SQL Server, so a spec with replicas gets SQLSERVER_<v>_ENTERPRISE.
 */
export function gcpDatabaseVersion(spec: Pick<DatabaseSpec, "engine" | "engineVersion" | "replicas">): string {
  const version = spec.engineVersion.replace(/\./g, "_");
  switch (spec.engine) {
    case "postgres":
      return `POSTGRES_${version}`;
    case "mysql":
      return `MYSQL_${version}`;
    case "sqlserver":
      return `SQLSERVER_${version}_${spec.replicas.some((r) => r.count > 0) ? "ENTERPRISE" : "STANDARD"}`;
  }
}

export interface DatabaseFlag {
  name: string;
  value: string;
}

/**
 * Engine flags: slow-query logging, IAM login, then `spec.parameters` (which win). pg_stat_statements needs
 * no flag on Cloud SQL (the extension is preloaded; `CREATE EXTENSION` is enough).
 */
export function gcpDatabaseFlags(spec: DatabaseSpec): DatabaseFlag[] {
  const flags = new Map<string, string>();
  const slowMs = spec.observability.slowQueryMs;
  if (spec.engine === "postgres") {
    // Who connected and when, for audit (CIS GCP 6.2.2/6.2.3).
    flags.set("log_connections", "on");
    flags.set("log_disconnections", "on");
    if (slowMs !== undefined) flags.set("log_min_duration_statement", String(slowMs));
    if (spec.auth.iamAuthentication) flags.set("cloudsql.iam_authentication", "on");
    for (const [name, value] of gcpPgauditFlags(spec)) flags.set(name, value);
  }
  if (spec.engine === "mysql") {
    if (slowMs !== undefined) {
      flags.set("slow_query_log", "on");
      flags.set("long_query_time", String(slowMs / 1000));
      // Cloud SQL sends the slow log to Cloud Logging only when it is written to a file.
      flags.set("log_output", "FILE");
    }
    if (spec.auth.iamAuthentication) flags.set("cloudsql_iam_authentication", "on");
  }
  for (const [name, value] of Object.entries(spec.parameters ?? {})) flags.set(name, value);
  return [...flags].map(([name, value]) => ({ name, value }));
}

/**
 * Query Insights. SQL Server has no slow-query flag on Cloud SQL; its slow queries are recorded by Query
 * Insights (and Query Store inside the engine), so asking for slow-query logging turns Insights on there.
 */
export function gcpInsights(spec: DatabaseSpec): {
  queryInsightsEnabled: boolean;
  queryStringLength: number;
  recordApplicationTags: boolean;
  recordClientAddress: boolean;
} {
  const enabled =
    spec.observability.queryInsights ||
    (spec.engine === "sqlserver" && spec.observability.slowQueryMs !== undefined);
  return { queryInsightsEnabled: enabled, queryStringLength: 1024, recordApplicationTags: enabled, recordClientAddress: false };
}

export type GcpSslMode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED" | "ENCRYPTED_ONLY" | "TRUSTED_CLIENT_CERTIFICATE_REQUIRED";

export function gcpSslMode(spec: DatabaseSpec, requireClientCertificates = false): GcpSslMode {
  if (!spec.encryption.inTransitRequired) return "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
  return requireClientCertificates ? "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" : "ENCRYPTED_ONLY";
}

/**
 * Private IP on `network.vpcId` (in `allocatedIpRange` when given), Private Service Connect when asked; a
 * public IPv4 address (with authorized networks) only when not private.
 */
export function gcpIpConfiguration(spec: DatabaseSpec, requireClientCertificates = false, allocatedIpRange?: string) {
  const isPublic = !spec.network.private;
  return {
    ipv4Enabled: isPublic,
    ...(spec.network.vpcId ? { privateNetwork: spec.network.vpcId } : {}),
    ...gcpPrivateAccess(spec, allocatedIpRange),
    sslMode: gcpSslMode(spec, requireClientCertificates),
    ...(isPublic
      ? { authorizedNetworks: spec.network.allowedCidrs.map((cidr, i) => ({ name: `allowed-${i}`, value: cidr })) }
      : {}),
  };
}

const weekdays = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

export function gcpMaintenanceWindow(spec: DatabaseSpec) {
  const w = spec.maintenanceWindow;
  return w ? { day: weekdays[w.day], hour: w.hour, updateTrack: "stable" } : undefined;
}

/** Largest transaction-log retention Cloud SQL takes: 7 days on ENTERPRISE, 35 on ENTERPRISE_PLUS. */
export function transactionLogRetentionDays(spec: DatabaseSpec, tier: string): number {
  const cap = gcpEdition(tier) === "ENTERPRISE_PLUS" ? 35 : 7;
  return Math.min(spec.backup.retentionDays, cap);
}

/**
 * Automated backups kept `retentionDays` (one per day, so a COUNT of days), PITR via transaction logs
 * (binary logs on MySQL), backup location in the copy region when `crossRegionCopy` is set.
 */
export function gcpBackupConfiguration(spec: DatabaseSpec, tier: string) {
  const { backup } = spec;
  const enabled = backup.retentionDays > 0;
  // REGIONAL availability needs transaction logs, and MySQL replicas need binary logs: turn them on then.
  const needsLogs = spec.highAvailability || (spec.engine === "mysql" && spec.replicas.some((r) => r.count > 0));
  const pitr = enabled && (backup.pointInTimeRecovery || needsLogs);
  return {
    enabled,
    ...(backup.window ? { startTime: backup.window.split("-")[0] } : {}),
    ...(enabled ? { backupRetentionSettings: { retainedBackups: backup.retentionDays, retentionUnit: "COUNT" } } : {}),
    ...(spec.engine === "mysql" ? { binaryLogEnabled: pitr } : { pointInTimeRecoveryEnabled: pitr }),
    ...(pitr ? { transactionLogRetentionDays: transactionLogRetentionDays(spec, tier) } : {}),
    ...(backup.crossRegionCopy ? { location: backup.crossRegionCopy.region } : {}),
  };
}

/**
 * What Cloud SQL honours differently from the spec, for pulumi.log.warn: backups stored (not copied) in the
 * crossRegionCopy region, and point-in-time recovery shorter than backup.retentionDays on ENTERPRISE.
 */
export function gcpSpecWarnings(spec: DatabaseSpec): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  const tier = gcpTier(spec.size, spec.engine);
  const copy = spec.backup.crossRegionCopy;
  if (copy && spec.backup.retentionDays > 0) {
    warnings.push({
      path: "backup.crossRegionCopy",
      message: `Cloud SQL stores the automated backups in ${copy.region} instead of copying them there (settings.backupConfiguration.location): none stay in the primary's region. Add a cross-region replica for a second copy.`,
    });
  }
  if (spec.auth.iamAuthentication && !spec.auth.iamPrincipals?.length && spec.engine !== "sqlserver") {
    warnings.push({
      path: "auth.iamPrincipals",
      message: "IAM authentication is on, but no IAM principal is listed, so no IAM login is created: list the users', service accounts' or groups' emails in auth.iamPrincipals (e.g. \"group:dbas@example.com\").",
    });
  }
  const backups = gcpBackupConfiguration(spec, tier);
  const kept = "transactionLogRetentionDays" in backups ? backups.transactionLogRetentionDays : undefined;
  if (kept !== undefined && kept < spec.backup.retentionDays) {
    warnings.push({
      path: "backup.retentionDays",
      message: `${spec.backup.retentionDays} days of backups are kept, but point-in-time recovery reaches back ${kept} days only: Cloud SQL ${gcpEdition(tier)} keeps transaction logs ${kept} days at most. Use an ENTERPRISE_PLUS tier (size.instanceClass db-perf-optimized-N-*) for up to 35.`,
    });
  }
  return warnings;
}

/** Days a final backup outlives the instance: at least 30, at most Cloud SQL's 365. */
export function finalBackupRetentionDays(spec: DatabaseSpec): number {
  return Math.min(365, Math.max(30, spec.backup.retentionDays));
}

/** Component arguments that shape the instances' settings beside the spec. */
export interface GcpInstanceOptions {
  /** Selects the defaults that depend on the environment (the password policy is on in prod). */
  environment?: Environment;
  /** Name of the private services access range the private IP comes from. */
  allocatedIpRange?: string;
  passwordValidation?: GcpPasswordValidation;
}

/** `settings` of the primary instance (everything that is plain data). */
export function gcpPrimarySettings(spec: DatabaseSpec, requireClientCertificates = false, options: GcpInstanceOptions = {}) {
  const tier = gcpTier(spec.size, spec.engine);
  const autoresize = spec.storage.maxSizeGb !== undefined && spec.storage.maxSizeGb > spec.storage.sizeGb;
  const maintenanceWindow = gcpMaintenanceWindow(spec);
  const passwordValidationPolicy = gcpPasswordValidationPolicy(spec, options.environment, options.passwordValidation);
  const denyMaintenancePeriod = gcpDenyMaintenancePeriod(spec);
  return {
    tier,
    edition: gcpEdition(tier),
    availabilityType: spec.highAvailability ? "REGIONAL" : "ZONAL",
    diskType: "PD_SSD",
    diskSize: spec.storage.sizeGb,
    diskAutoresize: autoresize,
    diskAutoresizeLimit: autoresize ? (spec.storage.maxSizeGb ?? 0) : 0,
    ipConfiguration: gcpIpConfiguration(spec, requireClientCertificates, options.allocatedIpRange),
    backupConfiguration: gcpBackupConfiguration(spec, tier),
    deletionProtectionEnabled: spec.deletionProtection,
    retainBackupsOnDelete: spec.backup.finalSnapshot,
    finalBackupConfig: spec.backup.finalSnapshot
      ? { enabled: true, retentionDays: finalBackupRetentionDays(spec) }
      : { enabled: false },
    ...(maintenanceWindow ? { maintenanceWindow } : {}),
    ...(denyMaintenancePeriod ? { denyMaintenancePeriod } : {}),
    ...(passwordValidationPolicy ? { passwordValidationPolicy } : {}),
    databaseFlags: gcpDatabaseFlags(spec),
    insightsConfig: gcpInsights(spec),
    // Managed Connection Pooling (Enterprise Plus only; checks.ts refuses it elsewhere).
    ...(spec.pooling.enabled ? { connectionPoolConfigs: [{ connectionPoolingEnabled: true }] } : {}),
    userLabels: { ...spec.tags },
  };
}

/** `settings` of a read replica: no own backups, single zone, same flags and network rules. */
export function gcpReplicaSettings(spec: DatabaseSpec, replica: ReplicaSpec, role: "read" | "dr", requireClientCertificates = false, allocatedIpRange?: string) {
  const tier = gcpTier(replica.size ?? spec.size, spec.engine);
  const autoresize = spec.storage.maxSizeGb !== undefined && spec.storage.maxSizeGb > spec.storage.sizeGb;
  return {
    tier,
    edition: gcpEdition(tier),
    availabilityType: "ZONAL",
    diskType: "PD_SSD",
    diskSize: spec.storage.sizeGb,
    diskAutoresize: autoresize,
    diskAutoresizeLimit: autoresize ? (spec.storage.maxSizeGb ?? 0) : 0,
    ipConfiguration: gcpIpConfiguration(spec, requireClientCertificates, allocatedIpRange),
    backupConfiguration: { enabled: false },
    deletionProtectionEnabled: spec.deletionProtection,
    databaseFlags: gcpDatabaseFlags(spec),
    insightsConfig: gcpInsights(spec),
    userLabels: { ...spec.tags, "dbtk-replica-role": role },
  };
}

export interface PlannedReplica {
  /** Logical (Pulumi) name suffix, e.g. `replica-0` or `replica-europe-west1-0`. */
  suffix: string;
  /** Region, undefined for the primary's. */
  region?: string;
  /** `dr` for replicas in another region (promotion targets), `read` otherwise. */
  role: "read" | "dr";
  replica: ReplicaSpec;
}

/** One entry per replica instance, numbered per region. */
export function planReplicas(spec: DatabaseSpec, primaryRegion: string): PlannedReplica[] {
  return replicaInstances(spec, primaryRegion).map(({ replica, region, index }) => ({
    suffix: region ? `replica-${region}-${index}` : `replica-${index}`,
    ...(region ? { region } : {}),
    role: region ? "dr" : "read",
    replica,
  }));
}

/** Cloud KMS rotation period for a created key, e.g. 365 days -> "31536000s". */
export function gcpRotationPeriod(days: number): string {
  return `${days * 86_400}s`;
}

/** Creation source: `clone` for point-in-time, `restoreBackupContext` for a backup run ("instance/runId"). */
export function gcpRestoreArgs(spec: DatabaseSpec) {
  const restore = spec.restore;
  if (!restore) return {};
  if (restore.mode === "point-in-time") {
    // Without a time Cloud SQL clones the source's current state, i.e. the latest restorable point.
    return { clone: { sourceInstanceName: restore.sourceId, ...(restore.time ? { pointInTime: restore.time } : {}) } };
  }
  const { snapshotId } = restore;
  if (isKnownString(snapshotId)) return { restoreBackupContext: backupContext(snapshotId) };
  // An Output (a StackReference's backup run, for instance): split once it is known.
  return { restoreBackupContext: pulumi.output(snapshotId).apply(backupContext) };
}

/** "instance/runId" as Cloud SQL's restoreBackupContext. */
function backupContext(snapshotId: string): { instanceId: string; backupRunId: number } {
  const [instanceId, runId] = snapshotId.split("/");
  return { instanceId: instanceId ?? "", backupRunId: Number(runId) };
}

/** Restore inputs shape creation only; ignoring them keeps later updates from replacing the instance. */
export const gcpRestoreIgnoreChanges = ["clone", "restoreBackupContext"];
