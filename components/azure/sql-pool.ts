// The elastic pool option of AzureSqlDatabase: a vCore pool (azure.mssql.ElasticPool) sized by spec.size on
// the primary logical server, the spec's databases placed in it. Argument names follow
// node_modules/@pulumi/azure/mssql/{elasticPool,database}.d.ts.
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec, SpecIssue } from "../spec/types.js";
import type { AzureSqlDatabaseArgs, AzureSqlElasticPool } from "./args.js";
import { sqlDatabaseArgs, sqlSku } from "./sql-mapping.js";

/**
 * vCores a Gen5 elastic pool can have, per tier
 * (https://learn.microsoft.com/azure/azure-sql/database/resource-limits-vcore-elastic-pools): General Purpose
 * from 2, Business Critical from 4.
 */
export const elasticPoolVcores = {
  GP: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80, 128],
  BC: [4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80, 128],
} as const;

const tiers = { GP: "GeneralPurpose", BC: "BusinessCritical" } as const;

/** Whether the pool option is on: an `elasticPool` object without `enabled: false`. */
export function poolEnabled(asked: AzureSqlElasticPool | undefined): asked is AzureSqlElasticPool {
  return asked !== undefined && asked.enabled !== false;
}

/** The pool's `sku` from the spec's size (`GP_Gen5_4` -> GP_Gen5, GeneralPurpose, Gen5, 4 vCores); undefined when it is no pool SKU. */
export function elasticPoolSku(spec: DatabaseSpec) {
  const m = /^(GP|BC)_Gen5_(\d+)$/.exec(sqlSku(spec.size));
  if (!m) return undefined;
  const edition = m[1] as keyof typeof tiers;
  return { name: `${edition}_Gen5`, tier: tiers[edition], family: "Gen5", capacity: Number(m[2]) };
}

/** Data size of each database (as without a pool) and of the pool. */
function sizes(spec: DatabaseSpec, asked: AzureSqlElasticPool) {
  const database = spec.storage.maxSizeGb ?? spec.storage.sizeGb;
  return { database, pool: asked.maxSizeGb ?? database };
}

/** The pool's arguments (server and resource group wired by the component). */
export function elasticPoolArgs(spec: DatabaseSpec, asked: AzureSqlElasticPool) {
  const sku = elasticPoolSku(spec)!;
  return {
    name: `${spec.name}-pool`,
    sku,
    perDatabaseSettings: { minCapacity: asked.perDatabaseMinCapacity ?? 0, maxCapacity: asked.perDatabaseMaxCapacity ?? sku.capacity },
    maxSizeGb: sizes(spec, asked).pool,
    // The provider takes zone redundancy on Business Critical (vCore) pools only (elasticPool.d.ts zoneRedundant).
    zoneRedundant: spec.highAvailability,
    tags: { ...spec.tags },
  };
}

/**
 * A database's arguments inside the pool: SKU `ElasticPool` and the pool's id; no compute of its own (serverless
 * settings, Hyperscale replicas) and no zoneRedundant, which the database takes from its pool.
 */
export function pooledDatabaseArgs(spec: DatabaseSpec, elasticPoolId: pulumi.Input<string>, primaryLocation?: string) {
  const {
    zoneRedundant: _zoneRedundant,
    minCapacity: _minCapacity,
    autoPauseDelayInMinutes: _autoPause,
    readReplicaCount: _readReplicas,
    ...rest
  } = sqlDatabaseArgs(spec, primaryLocation) as ReturnType<typeof sqlDatabaseArgs> & { minCapacity?: number; autoPauseDelayInMinutes?: number; readReplicaCount?: number };
  return { ...rest, skuName: "ElasticPool", elasticPoolId };
}

/** What an elastic pool cannot take, each with the fix. */
export function elasticPoolIssues(spec: DatabaseSpec, args: Pick<AzureSqlDatabaseArgs, "elasticPool">): SpecIssue[] {
  const asked = args.elasticPool;
  if (!poolEnabled(asked)) return [];
  const cloud = "azure" as const;
  const issues: SpecIssue[] = [];
  const sku = elasticPoolSku(spec);
  const given = sqlSku(spec.size);
  if (!sku) {
    issues.push({
      path: "size",
      value: given,
      cloud,
      message: `${given} cannot size an elastic pool: the pool option takes a provisioned Gen5 vCore SKU, General Purpose or Business Critical (serverless, Hyperscale and DTU databases are not pooled here). Set size.instanceClass to e.g. "GP_Gen5_4" or "BC_Gen5_4", or drop elasticPool.`,
    });
    return issues;
  }
  const edition = sku.name.slice(0, 2) as keyof typeof elasticPoolVcores;
  const allowed: readonly number[] = elasticPoolVcores[edition];
  if (!allowed.includes(sku.capacity)) {
    const next = allowed.find((v) => v > sku.capacity) ?? allowed.at(-1);
    issues.push({ path: "size.instanceClass", value: given, cloud, message: `${given}: a ${sku.tier} elastic pool has ${allowed.join(", ")} vCores; use ${sku.name}_${next}.` });
  }
  if (spec.highAvailability && edition !== "BC") {
    issues.push({
      path: "highAvailability",
      value: true,
      cloud,
      message: `a zone-redundant elastic pool must be Business Critical (the provider's zoneRedundant takes tier BusinessCritical for vCore pools): set size.instanceClass "BC_Gen5_${Math.max(4, sku.capacity)}", or highAvailability false.`,
    });
  }
  const max = asked.perDatabaseMaxCapacity ?? sku.capacity;
  const min = asked.perDatabaseMinCapacity ?? 0;
  if (max > sku.capacity || max <= 0) {
    issues.push({ path: "elasticPool.perDatabaseMaxCapacity", value: max, cloud, message: `${max}: a database can use at most the pool's ${sku.capacity} vCores; use 1–${sku.capacity}.` });
  }
  if (min < 0 || min > max) {
    issues.push({ path: "elasticPool.perDatabaseMinCapacity", value: min, cloud, message: `${min}: the guaranteed vCores must be between 0 and the per-database maximum (${max}).` });
  }
  const { database, pool } = sizes(spec, asked);
  if (pool < database) {
    issues.push({ path: "elasticPool.maxSizeGb", value: pool, cloud, message: `${pool} GB is below the ${database} GB each database may grow to (storage.maxSizeGb): raise elasticPool.maxSizeGb to ${database} or more.` });
  }
  return issues;
}

/** The pool on the primary logical server. */
export function createElasticPool(
  c: { name: string; spec: DatabaseSpec; args: AzureSqlDatabaseArgs; parent: pulumi.Resource },
  server: azure.mssql.Server,
  asked: AzureSqlElasticPool,
  dependsOn: pulumi.Resource[],
): azure.mssql.ElasticPool {
  return new azure.mssql.ElasticPool(
    `${c.name}-pool`,
    { ...elasticPoolArgs(c.spec, asked), resourceGroupName: c.args.resourceGroupName, location: c.args.location, serverName: server.name },
    { parent: c.parent, dependsOn },
  );
}
