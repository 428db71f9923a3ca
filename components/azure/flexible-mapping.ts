// Pure mapping from a DatabaseSpec to Azure Database for PostgreSQL / MySQL flexible server arguments.
// Argument names follow node_modules/@pulumi/azure/{postgresql,mysql}/flexibleServer.d.ts.
import { PGAUDIT_LOG } from "../spec/feature-rules.js";
import { replicaInstances } from "../spec/replicas.js";
import type { DatabaseSpec, MaintenanceWindow, ResourceRef, Size, SizeTier } from "../spec/types.js";

const skus: Record<SizeTier, string> = {
  dev: "B_Standard_B1ms",
  small: "GP_Standard_D2ds_v5",
  medium: "GP_Standard_D4ds_v5",
  large: "GP_Standard_D8ds_v5",
  xlarge: "MO_Standard_E16ds_v5",
};

export function flexibleSku(size: Size): string {
  return "instanceClass" in size ? size.instanceClass : skus[size.tier];
}

/** Azure weekday numbering for flexible servers: 0 = Sunday. */
export function flexibleMaintenanceWindow(w: MaintenanceWindow | undefined) {
  if (!w) return undefined;
  const days = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;
  return { dayOfWeek: days[w.day], startHour: w.hour, startMinute: 0 };
}

/** MySQL flexible versions: "8.0" is offered as 8.0.21. */
export function mysqlFlexibleVersion(version: string): string {
  return version === "8.0" ? "8.0.21" : version;
}

/** Server arguments shared by both engines (identity, keys, password and network ids are wired by the component). */
function common(spec: DatabaseSpec) {
  const maintenanceWindow = flexibleMaintenanceWindow(spec.maintenanceWindow);
  return {
    skuName: flexibleSku(spec.size),
    backupRetentionDays: spec.backup.retentionDays,
    geoRedundantBackupEnabled: spec.backup.crossRegionCopy !== undefined,
    ...(spec.highAvailability ? { highAvailability: { mode: "ZoneRedundant" } } : {}),
    ...(maintenanceWindow ? { maintenanceWindow } : {}),
    ...(spec.network.subnetIds?.[0] ? { delegatedSubnetId: spec.network.subnetIds[0] } : {}),
    ...(spec.network.privateDnsZoneId ? { privateDnsZoneId: spec.network.privateDnsZoneId } : {}),
    ...flexibleRestoreArgs(spec),
    tags: { ...spec.tags },
  };
}

export function autoGrow(spec: DatabaseSpec): boolean {
  return spec.storage.maxSizeGb !== undefined && spec.storage.maxSizeGb > spec.storage.sizeGb;
}

/**
 * `tenantId` is the component's tenant (db:tenantId) when the Entra administrator names none: the provider
 * requires it whenever activeDirectoryAuthEnabled is true (and refuses it otherwise).
 */
export function postgresServerArgs(spec: DatabaseSpec, tenantId?: ResourceRef) {
  const admin = spec.auth.entraAdmin;
  const entra = spec.auth.iamAuthentication || admin !== undefined;
  const tenant = admin?.tenantId ?? tenantId;
  return {
    ...common(spec),
    version: spec.engineVersion,
    // Validation keeps sizeGb to the sizes the service offers (32 … 32767 GB); storageMb is that in MiB.
    storageMb: spec.storage.sizeGb * 1024,
    autoGrowEnabled: autoGrow(spec),
    publicNetworkAccessEnabled: !spec.network.private,
    authentication: {
      passwordAuthEnabled: true,
      activeDirectoryAuthEnabled: entra,
      ...(entra && tenant ? { tenantId: tenant } : {}),
    },
  };
}

export function mysqlServerArgs(spec: DatabaseSpec, _tenantId?: ResourceRef) {
  return {
    ...common(spec),
    version: mysqlFlexibleVersion(spec.engineVersion),
    storage: { sizeGb: spec.storage.sizeGb, autoGrowEnabled: autoGrow(spec), ioScalingEnabled: true },
    publicNetworkAccess: spec.network.private ? "Disabled" : "Enabled",
  };
}

/** Point-in-time restore of a source server. */
export function flexibleRestoreArgs(spec: DatabaseSpec) {
  const restore = spec.restore;
  if (restore?.mode !== "point-in-time") return {};
  return {
    createMode: "PointInTimeRestore",
    sourceServerId: restore.sourceId,
    ...(restore.time ? { pointInTimeRestoreTimeInUtc: restore.time } : {}),
  };
}

export const flexibleRestoreIgnoreChanges = ["createMode", "sourceServerId", "pointInTimeRestoreTimeInUtc"];

/**
 * With autogrow on, Azure grows the disk; the stale size would then plan a decrease, which replaces the
 * server ("Scaling down storageMb forces a new PostgreSQL Flexible Server"; MySQL: "Decreasing sizeGb
 * forces a new resource"). Ignored on the primary and its replicas (which grow with it).
 */
export function flexibleStorageIgnoreChanges(spec: DatabaseSpec, storageField: string): string[] {
  return autoGrow(spec) ? [storageField] : [];
}

export interface ServerParameter {
  name: string;
  value: string;
}

/**
 * PostgreSQL server parameters: TLS enforced with TLS 1.2 minimum, connections, disconnections and checkpoints
 * logged, connection throttling on, slow statements logged, pg_stat_statements (and pgaudit) preloaded and
 * allow-listed, Query Store on with query insights; `spec.parameters` win.
 */
export function postgresParameters(spec: DatabaseSpec): ServerParameter[] {
  const p = new Map<string, string>();
  p.set("require_secure_transport", spec.encryption.inTransitRequired ? "on" : "off");
  p.set("ssl_min_protocol_version", "TLSv1.2");
  // Connections, disconnections and checkpoints logged, failed logins throttled (CIS Azure 4.3.2–4.3.5).
  p.set("log_connections", "on");
  p.set("log_disconnections", "on");
  p.set("log_checkpoints", "on");
  p.set("connection_throttle.enable", "on");
  if (spec.observability.slowQueryMs !== undefined) p.set("log_min_duration_statement", String(spec.observability.slowQueryMs));
  // Libraries loaded at start and allow-listed for CREATE EXTENSION: pg_stat_statements, and pgaudit (with
  // pgaudit.log) when asked (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-audit).
  const libraries = [
    ...(spec.observability.pgStatStatements !== false ? ["pg_stat_statements"] : []),
    ...(spec.observability.pgaudit === true ? ["pgaudit"] : []),
  ];
  if (libraries.length > 0) {
    p.set("shared_preload_libraries", libraries.join(","));
    p.set("azure.extensions", libraries.map((l) => l.toUpperCase()).join(","));
  }
  if (spec.observability.pgaudit === true) p.set("pgaudit.log", PGAUDIT_LOG);
  if (spec.observability.queryInsights) p.set("pg_qs.query_capture_mode", "top");
  // The built-in PgBouncer (port 6432); checks.ts refuses it on Burstable SKUs.
  if (spec.pooling.enabled) p.set("pgbouncer.enabled", "true");
  for (const [k, v] of Object.entries(spec.parameters ?? {})) p.set(k, v);
  return [...p].map(([name, value]) => ({ name, value }));
}

/** MySQL server parameters: TLS enforced (1.2+), slow query log with long_query_time in seconds; `spec.parameters` win. */
export function mysqlParameters(spec: DatabaseSpec): ServerParameter[] {
  const p = new Map<string, string>();
  p.set("require_secure_transport", spec.encryption.inTransitRequired ? "ON" : "OFF");
  p.set("tls_version", "TLSv1.2,TLSv1.3");
  if (spec.observability.slowQueryMs !== undefined) {
    p.set("slow_query_log", "ON");
    p.set("long_query_time", String(spec.observability.slowQueryMs / 1000));
  }
  for (const [k, v] of Object.entries(spec.parameters ?? {})) p.set(k, v);
  return [...p].map(([name, value]) => ({ name, value }));
}

export interface PlannedReplica {
  suffix: string;
  location: string;
  size: Size;
}

export function planFlexibleReplicas(spec: DatabaseSpec, primaryLocation: string): PlannedReplica[] {
  return replicaInstances(spec, primaryLocation).map(({ replica, region, index }) => ({
    suffix: region ? `replica-${region}-${index}` : `replica-${index}`,
    location: region ?? primaryLocation,
    size: replica.size ?? spec.size,
  }));
}
