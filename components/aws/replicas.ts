// Read replicas (same region and cross-region) and automated-backup replication to another region.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import type { AwsRegionalSettings } from "./args.js";
import { replicaInstanceArgs, type InstanceBehaviour } from "./instance-args.js";
import { placement, type KeyRing, type RegionTarget } from "./keys.js";
import type { ReplicaPlan } from "./mapping.js";
import { createAuditOptionGroup } from "./option-group.js";
import { createParameterGroup } from "./parameter-group.js";

export interface CrossRegionContext {
  parent: pulumi.Resource;
  name: string;
  spec: DatabaseSpec;
  primary: aws.rds.Instance;
  keyRing: KeyRing;
  regionProviders: Record<string, aws.Provider>;
  regionalSettings: Record<string, AwsRegionalSettings>;
  tags: Record<string, string>;
}

export interface ReplicaContext extends CrossRegionContext {
  behaviour: InstanceBehaviour;
  /** Creates the log groups of a replica's exported logs (its identifier, Pulumi name suffix, key, region). */
  logGroups: (identifier: string, suffix: string, kmsKeyArn: pulumi.Input<string> | undefined, target?: RegionTarget) => pulumi.Resource[];
  parameterGroup: aws.rds.ParameterGroup;
  /** The primary's audit option group, which same-region replicas share; option groups are regional. */
  optionGroupName?: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  monitoringRoleArn?: pulumi.Input<string>;
}

export function regionTarget(ctx: CrossRegionContext, region: string): RegionTarget {
  const provider = ctx.regionProviders[region];
  return provider ? { region, provider } : { region };
}

interface RegionalBase {
  parameterGroupName: pulumi.Input<string>;
  optionGroupName?: pulumi.Input<string>;
  subnetGroupName?: pulumi.Input<string>;
}

/** Replicas in plan order, keyed by RDS identifier. */
export function createReplicas(ctx: ReplicaContext, plans: readonly ReplicaPlan[]): Map<string, aws.rds.Instance> {
  const replicas = new Map<string, aws.rds.Instance>();
  const regional = new Map<string, RegionalBase>();
  const baseFor = (target: RegionTarget): RegionalBase => {
    const known = regional.get(target.region);
    if (known) return known;
    const pg = createParameterGroup(ctx.parent, ctx.name, ctx.spec, ctx.tags, target);
    // RDS cannot attach the primary's option group in another region: the replica there gets its own.
    const og = createAuditOptionGroup(ctx.parent, ctx.name, ctx.spec, ctx.tags, target);
    const subnetIds = ctx.regionalSettings[target.region]?.subnetIds ?? [];
    const { opts, region } = placement(ctx.parent, target);
    const subnetGroup =
      subnetIds.length > 0
        ? new aws.rds.SubnetGroup(
            `${ctx.name}-subnets-${target.region}`,
            { description: `${ctx.spec.name} replicas in ${target.region}`, subnetIds, tags: ctx.tags, ...region },
            opts,
          )
        : undefined;
    const base = { parameterGroupName: pg.name, ...(og ? { optionGroupName: og.name } : {}), ...(subnetGroup ? { subnetGroupName: subnetGroup.name } : {}) };
    regional.set(target.region, base);
    return base;
  };

  for (const plan of plans) {
    if (!plan.region) {
      const args = replicaInstanceArgs(ctx.spec, plan, ctx.primary.identifier, ctx.behaviour, {
        parameterGroupName: ctx.parameterGroup.name,
        ...(ctx.optionGroupName ? { optionGroupName: ctx.optionGroupName } : {}),
        securityGroupIds: [ctx.securityGroupId],
        ...(ctx.keyRing.primaryArn ? { kmsKeyArn: ctx.keyRing.primaryArn } : {}),
        ...(ctx.monitoringRoleArn ? { monitoringRoleArn: ctx.monitoringRoleArn } : {}),
      });
      const logs = ctx.logGroups(plan.identifier, `-${plan.suffix}`, ctx.keyRing.primaryArn);
      replicas.set(plan.identifier, new aws.rds.Instance(`${ctx.name}-${plan.suffix}`, args, { parent: ctx.parent, dependsOn: logs }));
      continue;
    }
    const target = regionTarget(ctx, plan.region);
    const base = baseFor(target);
    const key = ctx.keyRing.forRegion(target, ctx.primary.arn);
    const args = replicaInstanceArgs(ctx.spec, plan, ctx.primary.arn, ctx.behaviour, {
      ...base,
      securityGroupIds: ctx.regionalSettings[plan.region]?.securityGroupIds ?? [],
      kmsKeyArn: key,
      ...(ctx.monitoringRoleArn ? { monitoringRoleArn: ctx.monitoringRoleArn } : {}),
    });
    // A cross-region replica must name its destination key; Performance Insights keeps AWS's key
    // unless the database uses customer keys.
    if (!ctx.keyRing.primaryArn) delete args.performanceInsightsKmsKeyId;
    const { opts, region } = placement(ctx.parent, target);
    // CloudWatch Logs takes a customer key of its region only; AWS's own RDS key is not usable there.
    const logs = ctx.logGroups(plan.identifier, `-${plan.suffix}`, ctx.keyRing.primaryArn ? key : undefined, target);
    replicas.set(plan.identifier, new aws.rds.Instance(`${ctx.name}-${plan.suffix}`, { ...args, ...region }, { ...opts, dependsOn: logs }));
  }
  return replicas;
}

/** Automated backups (and PITR) replicated to spec.backup.crossRegionCopy.region, encrypted with a key there. */
export function createBackupReplication(
  ctx: CrossRegionContext,
): aws.rds.InstanceAutomatedBackupsReplication | undefined {
  const copy = ctx.spec.backup.crossRegionCopy;
  if (!copy) return undefined;
  const target = regionTarget(ctx, copy.region);
  const { opts, region } = placement(ctx.parent, target);
  return new aws.rds.InstanceAutomatedBackupsReplication(
    `${ctx.name}-backups-${copy.region}`,
    {
      sourceDbInstanceArn: ctx.primary.arn,
      retentionPeriod: copy.retentionDays ?? ctx.spec.backup.retentionDays,
      kmsKeyId: ctx.keyRing.forRegion(target, ctx.primary.arn),
      ...region,
    },
    opts,
  );
}
