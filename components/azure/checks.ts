// Azure checks that need the component (which engine it serves) or its arguments; spec-only rules live in
// components/spec/validate.ts. Pure: returns issues, never throws.
import type { SpecWarning } from "../shared/warnings.js";
import type { DatabaseSpec, SpecIssue } from "../spec/types.js";
import type { AzureFlexibleServerArgs, AzureSqlDatabaseArgs } from "./args.js";
import { autoGrow, flexibleSku } from "./flexible-mapping.js";
import { elasticPoolIssues } from "./sql-pool.js";

const components = {
  sql: { engine: "sqlserver", name: "AzureSqlDatabase (provisioning:azure:SqlDatabase)" },
  postgres: { engine: "postgres", name: "AzurePostgresFlexibleServer (provisioning:azure:PostgresFlexibleServer)" },
  mysql: { engine: "mysql", name: "AzureMysqlFlexibleServer (provisioning:azure:MysqlFlexibleServer)" },
} as const;

type Component = keyof typeof components;

function isIpv4Cidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && (m[5] === undefined || Number(m[5]) <= 32);
}

/** Why a private server without a subnet is unreachable, with the fix; undefined when it is reachable. */
function unreachable(spec: DatabaseSpec, component: Component): string | undefined {
  if (!spec.network.private || spec.network.subnetIds?.length) return undefined;
  const where = component === "sql" ? "a subnet for the server's private endpoint" : `a subnet delegated to Microsoft.DBfor${component === "postgres" ? "PostgreSQL" : "MySQL"}/flexibleServers, with network.privateDnsZoneId`;
  return `network.private without a subnet gives a server nothing can reach (public access off, no private endpoint): set network.subnetIds to ${where}, or set network.private false with network.allowedCidrs.`;
}

/**
 * What dev and ci stacks are told instead of refused: a private server without a subnet there is often
 * reached through a private endpoint made outside the component.
 */
export function azureComponentWarnings(spec: DatabaseSpec, args: AzureSqlDatabaseArgs | AzureFlexibleServerArgs, component: Component): SpecWarning[] {
  const message = unreachable(spec, component);
  const strict = args.environment === "staging" || args.environment === "prod";
  const warnings: SpecWarning[] = message && !strict ? [{ path: "network.subnetIds", message: `${message} (refused in staging and prod)` }] : [];
  const sql = args as AzureSqlDatabaseArgs;
  if (component === "sql" && (sql.defender?.enabled ?? args.environment === "prod") && !sql.defender?.vulnerabilityAssessmentStorageContainerPath) {
    warnings.push({
      path: "defender.vulnerabilityAssessmentStorageContainerPath",
      message: "Defender for SQL is on without a storage container, so no vulnerability assessment scans run: set it to a blob container URL.",
    });
  }
  return warnings;
}

export function azureComponentIssues(spec: DatabaseSpec, args: AzureSqlDatabaseArgs | AzureFlexibleServerArgs, component: Component): SpecIssue[] {
  const cloud = "azure" as const;
  const issues: SpecIssue[] = [];
  const own = components[component];
  if (spec.engine !== own.engine) {
    const right = Object.values(components).find((c) => c.engine === spec.engine);
    issues.push({
      path: "engine",
      value: spec.engine,
      cloud,
      message: `${own.name} runs engine ${own.engine} only; on azure engine ${spec.engine} is served by ${right?.name ?? "no component"} — use that component, or set engine to ${own.engine}.`,
    });
    return issues;
  }
  if (!args.location) issues.push({ path: "location", value: args.location, cloud, message: "location is required on azure: pass the primary's region (e.g. westeurope)." });
  const restore = spec.restore;
  if (restore?.mode === "point-in-time" && !restore.time) {
    issues.push({
      path: "restore.time",
      value: restore.time,
      cloud,
      message: "restore.time is required on azure: Azure restores to an explicit UTC time (ISO 8601, e.g. 2026-11-01T10:00:00Z); useLatestRestorableTime is not offered there.",
    });
  }
  if (restore?.mode === "snapshot" && component !== "sql") {
    issues.push({
      path: "restore.mode",
      value: "snapshot",
      cloud,
      message: "Azure flexible servers have no snapshots to restore from: use restore.mode point-in-time with the source server id and a time.",
    });
  }
  if (!spec.network.private) {
    for (const cidr of spec.network.allowedCidrs) {
      if (!isIpv4Cidr(cidr)) issues.push({ path: "network.allowedCidrs", value: cidr, cloud, message: `${cidr} is not an IPv4 CIDR; Azure firewall rules take IPv4 ranges (e.g. 203.0.113.0/24).` });
    }
  }
  // "West Europe" is westeurope: a replica there would be a failover partner (geo-secondary) in the primary's own region.
  const squash = (region: string) => region.toLowerCase().replace(/[\s_-]/g, "");
  spec.replicas.forEach((r, i) => {
    if (args.location && r.region !== undefined && r.region !== args.location && squash(r.region) === squash(args.location)) {
      issues.push({
        path: `replicas[${i}].region`,
        value: r.region,
        cloud,
        message: `${r.region} is the primary's region (${args.location}) spelt differently, so its replica would be a geo-secondary (failover partner) in the same region, which Azure refuses: write "${args.location}" for a same-region replica, or name another region.`,
      });
    }
  });
  const unreachableMessage = unreachable(spec, component);
  if (unreachableMessage && (args.environment === "staging" || args.environment === "prod")) {
    issues.push({ path: "network.subnetIds", value: undefined, cloud, message: unreachableMessage });
  }
  const tenant = spec.auth.entraAdmin?.tenantId ?? args.tenantId;
  if (spec.auth.entraAdmin && component !== "sql" && !tenant) {
    issues.push({ path: "auth.entraAdmin.tenantId", value: undefined, cloud, message: "flexible servers need the Entra tenant of the administrator: set auth.entraAdmin.tenantId or the component's tenantId." });
  }
  if (component === "sql" && (args as AzureSqlDatabaseArgs).entraOnlyAuthentication && !spec.auth.entraAdmin) {
    issues.push({ path: "entraOnlyAuthentication", value: true, cloud, message: "Entra-only authentication needs an Entra administrator: set auth.entraAdmin { login, objectId }, or entraOnlyAuthentication false." });
  }
  if (component === "sql") {
    const total = spec.replicas.reduce((n, r) => n + r.count, 0);
    if (total > 4) {
      issues.push({ path: "replicas", value: total, cloud, message: `Azure SQL Database allows 4 geo-secondaries per database, ${total} asked: reduce replicas[].count to 4 in total.` });
    }
    issues.push(...elasticPoolIssues(spec, args as AzureSqlDatabaseArgs));
    return issues;
  }
  // Azure keeps storage auto-grow on for HA servers and refuses to turn it off there.
  if (component === "mysql" && spec.highAvailability && !autoGrow(spec)) {
    issues.push({
      path: "storage.maxSizeGb",
      value: spec.storage.maxSizeGb,
      cloud,
      message: `high availability on Azure MySQL flexible server needs storage auto-grow: set storage.maxSizeGb above storage.sizeGb (${spec.storage.sizeGb}), or set highAvailability false.`,
    });
  }
  const sku = flexibleSku(spec.size);
  const burstable = sku.startsWith("B_");
  if (burstable && spec.highAvailability) {
    issues.push({ path: "highAvailability", value: true, cloud, message: `zone-redundant HA is not offered on Burstable SKUs (${sku}): choose size tier small or larger, or set highAvailability false.` });
  }
  if (burstable && spec.replicas.some((r) => r.count > 0)) {
    issues.push({ path: "replicas", value: spec.replicas, cloud, message: `read replicas are not offered on Burstable SKUs (${sku}): choose size tier small or larger, or remove replicas.` });
  }
  if (spec.pooling.enabled && burstable) {
    issues.push({ path: "pooling.enabled", value: true, cloud, message: `the built-in PgBouncer is not offered on Burstable SKUs (${sku}): choose size tier small or larger, or set pooling.enabled false.` });
  }
  for (const field of ["maxConnectionsPercent", "idleClientTimeoutSeconds"] as const) {
    if (spec.pooling.enabled && spec.pooling[field] !== undefined) {
      issues.push({ path: `pooling.${field}`, value: spec.pooling[field], cloud, message: `pooling.${field} is not mapped on azure (PgBouncer keeps the server's pgbouncer.* defaults; set them through parameters); remove it.` });
    }
  }
  if (spec.network.subnetIds?.length && !spec.network.privateDnsZoneId) {
    issues.push({
      path: "network.privateDnsZoneId",
      value: undefined,
      cloud,
      message: `a delegated subnet needs a private DNS zone on azure: set network.privateDnsZoneId (a zone ending in .${component === "postgres" ? "postgres" : "mysql"}.database.azure.com).`,
    });
  }
  const atRest = spec.encryption.atRest;
  const flex = args as AzureFlexibleServerArgs;
  if (atRest.type === "customer-key" && spec.backup.crossRegionCopy) {
    const existing = "keyId" in atRest;
    const ok = existing ? Boolean(flex.geoBackupKey?.keyId) : Boolean(flex.geoBackupKey?.keyId || flex.geoBackupKey?.keyVaultId);
    if (!ok) {
      issues.push({
        path: "geoBackupKey",
        value: undefined,
        cloud,
        message: `a customer key with geo-redundant backup needs a key in ${spec.backup.crossRegionCopy.region} as well: pass geoBackupKey: { keyId } (an existing key there)${existing ? "" : " or geoBackupKey: { keyVaultId } (a vault there to create it in)"}.`,
      });
    }
  }
  return issues;
}
