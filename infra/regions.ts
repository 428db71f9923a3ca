// db:regions (checked by config.ts) as each cloud's component arguments.
import type { AwsRegionalSettings } from "@dbtk/components/aws";
import type { DatabaseSpec } from "@dbtk/components/spec";
import type { RegionConfig } from "./config.js";

type Regions = Record<string, RegionConfig>;

/** Entries whose field is set, as region → value. */
function byRegion<T>(regions: Regions, pick: (r: RegionConfig) => T | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(regions).flatMap(([region, r]) => {
    const v = pick(r);
    return v === undefined ? [] : [[region, v]];
  }));
}

/** AwsRdsDatabase `regionalSettings`: keyId is the region's KMS key ARN. */
export function awsRegionalSettings(regions: Regions): Record<string, AwsRegionalSettings> {
  return byRegion(regions, (r) => ({
    ...(r.subnetIds ? { subnetIds: r.subnetIds } : {}),
    ...(r.securityGroupIds ? { securityGroupIds: r.securityGroupIds } : {}),
    ...(r.keyId ? { kmsKeyArn: r.keyId } : {}),
    ...(r.notificationTarget ? { notificationTarget: r.notificationTarget } : {}),
  }));
}

/** GcpCloudSqlDatabase `replicaKeyIds`: the Cloud KMS key of each replica region. */
export function gcpReplicaKeyIds(regions: Regions): Record<string, string> {
  return byRegion(regions, (r) => r.keyId);
}

/** AzureSqlDatabase `replicaSubnetIds`: the private-endpoint subnet of each secondary's region. */
export function azureReplicaSubnetIds(regions: Regions): Record<string, string> {
  return byRegion(regions, (r) => r.subnetIds?.[0]);
}

/** Azure flexible server `geoBackupKey`: the settings of the backup copy's region, when it has any. */
export function azureGeoBackupKey(regions: Regions, spec: DatabaseSpec): { keyId?: string; keyVaultId?: string } | undefined {
  const region = spec.backup.crossRegionCopy?.region;
  const r = region === undefined ? undefined : regions[region];
  if (!r?.keyId && !r?.keyVaultId) return undefined;
  return { ...(r.keyId ? { keyId: r.keyId } : {}), ...(r.keyVaultId ? { keyVaultId: r.keyVaultId } : {}) };
}
