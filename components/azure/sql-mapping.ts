// Pure mapping from a DatabaseSpec to Azure SQL Database arguments (azure.mssql.Server / Database).
// Argument names follow node_modules/@pulumi/azure/mssql/{server,database}.d.ts.
import { replicaInstances } from "../spec/replicas.js";
import type { DatabaseSpec, LongTermRetention, Size, SizeTier } from "../spec/types.js";
import type { AzureSqlAutomaticTuning } from "./args.js";

// vCore SKUs; dev runs serverless (auto-pauses when idle), the others provisioned General Purpose.
const sqlSkus: Record<SizeTier, string> = {
  dev: "GP_S_Gen5_1",
  small: "GP_Gen5_2",
  medium: "GP_Gen5_4",
  large: "GP_Gen5_8",
  xlarge: "GP_Gen5_16",
};

export function sqlSku(size: Size): string {
  return "instanceClass" in size ? size.instanceClass : sqlSkus[size.tier];
}

/** Serverless SKUs take a minimum capacity and an auto-pause delay. */
export function serverlessSettings(sku: string): { minCapacity: number; autoPauseDelayInMinutes: number } | undefined {
  return sku.includes("_S_") ? { minCapacity: 0.5, autoPauseDelayInMinutes: 60 } : undefined;
}

/** ISO 8601 durations of the long-term retention policy; undefined when none is asked. */
export function longTermRetentionPolicy(ltr: LongTermRetention | undefined) {
  if (!ltr || (ltr.weeklyWeeks === undefined && ltr.monthlyMonths === undefined && ltr.yearlyYears === undefined)) return undefined;
  return {
    ...(ltr.weeklyWeeks ? { weeklyRetention: `P${ltr.weeklyWeeks}W` } : {}),
    ...(ltr.monthlyMonths ? { monthlyRetention: `P${ltr.monthlyMonths}M` } : {}),
    ...(ltr.yearlyYears ? { yearlyRetention: `P${ltr.yearlyYears}Y`, weekOfYear: ltr.weekOfYear ?? 1 } : {}),
  };
}

/**
 * Backup storage redundancy: geo-replicated when a cross-region copy is asked (Azure copies to the paired
 * region), zone-redundant with HA, locally redundant otherwise.
 */
export function backupStorageType(spec: DatabaseSpec): "Geo" | "Zone" | "Local" {
  if (spec.backup.crossRegionCopy) return "Geo";
  return spec.highAvailability ? "Zone" : "Local";
}

/** Server arguments that are plain data (identity, key and password are wired by the component). */
export function sqlServerArgs(spec: DatabaseSpec, entraOnly = false) {
  const admin = spec.auth.entraAdmin;
  return {
    version: "12.0",
    administratorLogin: spec.auth.masterUsername,
    minimumTlsVersion: "1.2",
    publicNetworkAccessEnabled: !spec.network.private,
    connectionPolicy: spec.network.connectionPolicy ?? "Default",
    ...(admin
      ? {
          azureadAdministrator: {
            loginUsername: admin.login,
            objectId: admin.objectId,
            ...(admin.tenantId ? { tenantId: admin.tenantId } : {}),
            // Entra-only refuses SQL logins; otherwise the admin password in Key Vault stays usable.
            azureadAuthenticationOnly: entraOnly,
          },
        }
      : {}),
    tags: { ...spec.tags },
  };
}

/** Hyperscale serves same-region readable replicas from the database itself (readReplicaCount). */
export function isHyperscale(spec: DatabaseSpec): boolean {
  return sqlSku(spec.size).startsWith("HS_");
}

/** Replicas without a region (or in the primary's location) on Hyperscale: its named read replicas. */
function hyperscaleReadReplicas(spec: DatabaseSpec, primaryLocation?: string): number {
  if (!isHyperscale(spec)) return 0;
  return spec.replicas.filter((r) => r.region === undefined || r.region === primaryLocation).reduce((n, r) => n + r.count, 0);
}

/** Database arguments that are plain data. */
export function sqlDatabaseArgs(spec: DatabaseSpec, primaryLocation?: string) {
  const skuName = sqlSku(spec.size);
  const ltr = longTermRetentionPolicy(spec.backup.longTermRetention);
  const readReplicas = hyperscaleReadReplicas(spec, primaryLocation);
  return {
    name: spec.databaseName,
    skuName,
    ...serverlessSettings(skuName),
    ...(readReplicas > 0 ? { readReplicaCount: readReplicas } : {}),
    maxSizeGb: spec.storage.maxSizeGb ?? spec.storage.sizeGb,
    zoneRedundant: spec.highAvailability,
    storageAccountType: backupStorageType(spec),
    transparentDataEncryptionEnabled: true,
    shortTermRetentionPolicy: { retentionDays: spec.backup.retentionDays, backupIntervalInHours: 12 },
    ...(ltr ? { longTermRetentionPolicy: ltr } : {}),
    ...sqlRestoreArgs(spec),
    tags: { ...spec.tags },
  };
}

/** Creation source: point-in-time restore of a database id, or a long-term-retention backup id. */
export function sqlRestoreArgs(spec: DatabaseSpec) {
  const restore = spec.restore;
  if (!restore) return {};
  if (restore.mode === "point-in-time") {
    return {
      createMode: "PointInTimeRestore",
      creationSourceDatabaseId: restore.sourceId,
      ...(restore.time ? { restorePointInTime: restore.time } : {}),
    };
  }
  return { createMode: "RestoreLongTermRetentionBackup", restoreLongTermRetentionBackupId: restore.snapshotId };
}

export const sqlRestoreIgnoreChanges = ["createMode", "creationSourceDatabaseId", "restorePointInTime", "restoreLongTermRetentionBackupId"];

/** Diagnostic log categories of a database: Query Store runtime stats are Azure SQL's slow-query record. */
export const sqlDatabaseLogCategories = [
  "SQLInsights",
  "AutomaticTuning",
  "QueryStoreRuntimeStatistics",
  "QueryStoreWaitStatistics",
  "Errors",
  "DatabaseWaitStatistics",
  "Timeouts",
  "Blocks",
  "Deadlocks",
];
export const sqlDatabaseMetricCategories = ["Basic", "InstanceAndAppAdvanced", "WorkloadManagement"];

export interface PlannedSecondary {
  suffix: string;
  location: string;
  /** The first secondary outside the primary's region joins a failover group. */
  failoverGroup: boolean;
  size: Size;
}

/**
 * One secondary server per replica: geo-secondaries live on a server of their own (in the primary's region
 * too — active geo-replication allows that on every tier). Hyperscale keeps same-region replicas on the
 * database instead (readReplicaCount).
 */
export function planSecondaries(spec: DatabaseSpec, primaryLocation: string): PlannedSecondary[] {
  let failoverGroupTaken = false;
  return replicaInstances(spec, primaryLocation)
    .filter(({ region }) => region !== undefined || !isHyperscale(spec))
    .map(({ replica, region, index }) => {
      const failoverGroup = region !== undefined && !failoverGroupTaken;
      if (failoverGroup) failoverGroupTaken = true;
      return {
        suffix: region ? `secondary-${region}-${index}` : `secondary-${index}`,
        location: region ?? primaryLocation,
        failoverGroup,
        size: replica.size ?? spec.size,
      };
    });
}

/** Automatic tuning as asked, defaults filled in (see AzureSqlAutomaticTuning). */
export interface AutomaticTuningSettings {
  enabled: boolean;
  createIndex: boolean;
  dropIndex: boolean;
  forceLastGoodPlan: boolean;
}

export function automaticTuningSettings(asked: AzureSqlAutomaticTuning | undefined): AutomaticTuningSettings {
  return {
    enabled: asked?.enabled ?? true,
    createIndex: asked?.createIndex ?? true,
    // Dropping indexes can remove one a rare but critical query needs: opt-in only.
    dropIndex: asked?.dropIndex ?? false,
    forceLastGoodPlan: asked?.forceLastGoodPlan ?? true,
  };
}

/** Advisor names of the tuning options, in the order the template sets them. */
export const automaticTuningAdvisors = [
  ["CreateIndex", "createIndex"],
  ["DropIndex", "dropIndex"],
  ["ForceLastGoodPlan", "forceLastGoodPlan"],
] as const;

/**
 * ARM template (for a resource-group deployment, parameter `serverName`) setting a logical server's automatic
 * tuning. `Microsoft.Sql/servers/automaticTuning` offers no PUT (GET/PATCH only), so a template cannot deploy
 * it; the server advisors of API 2014-04-01 can, one per option. Each option is set explicitly (Enabled or
 * Disabled, never Default) so a change of Azure's defaults does not change the server. The advisors are
 * chained: the service refuses a change while the previous one still propagates to the databases.
 */
export function automaticTuningTemplate(settings: AutomaticTuningSettings) {
  const advisorId = (advisor: string) => `[resourceId('Microsoft.Sql/servers/advisors', parameters('serverName'), '${advisor}')]`;
  return {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    parameters: { serverName: { type: "string" } },
    resources: automaticTuningAdvisors.map(([advisor, option], i) => ({
      type: "Microsoft.Sql/servers/advisors",
      apiVersion: "2014-04-01",
      name: `[concat(parameters('serverName'), '/${advisor}')]`,
      properties: { autoExecuteValue: settings[option] ? "Enabled" : "Disabled" },
      ...(i > 0 ? { dependsOn: [advisorId(automaticTuningAdvisors[i - 1]![0])] } : {}),
    })),
  };
}

/** Parameters file content for automaticTuningTemplate. */
export function automaticTuningParameters(serverName: string): string {
  return JSON.stringify({ serverName: { value: serverName } });
}
