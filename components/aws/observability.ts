// Enhanced Monitoring role and CloudWatch alarms.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isKnownString } from "../spec/inputs.js";
import type { ResourceRef } from "../spec/types.js";
import type { AwsRegionalSettings } from "./args.js";
import { placement, type RegionTarget } from "./keys.js";
import { topicRegion, type AlarmDefinition } from "./mapping-alarms.js";
import { MONITORING_SERVICE, assumeRolePolicy } from "./mapping-iam.js";

/** IAM role RDS uses to publish Enhanced Monitoring metrics (IAM is global: one role for all regions). */
export function createMonitoringRole(
  parent: pulumi.Resource,
  name: string,
  tags: Record<string, string>,
): aws.iam.Role {
  const role = new aws.iam.Role(
    `${name}-monitoring`,
    {
      assumeRolePolicy: assumeRolePolicy(MONITORING_SERVICE),
      description: "RDS Enhanced Monitoring",
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-monitoring`,
    { role: role.name, policyArn: aws.iam.ManagedPolicy.AmazonRDSEnhancedMonitoringRole },
    { parent },
  );
  return role;
}

export interface AlarmContext {
  parent: pulumi.Resource;
  name: string;
  /** RDS identifier → the instance's identifier output (keeps the alarm after its instance). */
  instanceIds: Map<string, pulumi.Output<string>>;
  notificationTarget?: ResourceRef;
  regionalSettings: Record<string, AwsRegionalSettings>;
  targetFor: (region: string) => RegionTarget;
  tags: Record<string, string>;
}

/**
 * Topics for an alarm: the spec's target in the primary's region; elsewhere the region's own target, or
 * the spec's when that topic lives in that region (CloudWatch only notifies topics in its own region). A
 * target still unresolved (an Output) is placed once its ARN, and so its region, is known.
 */
export function alarmTopics(def: AlarmDefinition, ctx: Pick<AlarmContext, "notificationTarget" | "regionalSettings">): pulumi.Input<pulumi.Input<string>[]> {
  const target = ctx.notificationTarget;
  if (!def.region) return target !== undefined ? [target] : [];
  const regional = ctx.regionalSettings[def.region]?.notificationTarget;
  if (regional !== undefined) return [regional];
  if (target === undefined) return [];
  if (isKnownString(target)) return topicRegion(target) === def.region ? [target] : [];
  const region = def.region;
  return pulumi.output(target).apply((t) => (topicRegion(t) === region ? [t] : []));
}

/** Whether an alarm in another region is left without a topic although the spec has one (known ARNs only). */
function missesRegionalTopic(def: AlarmDefinition, ctx: AlarmContext): boolean {
  if (!def.region || ctx.notificationTarget === undefined) return false;
  if (ctx.regionalSettings[def.region]?.notificationTarget !== undefined) return false;
  return isKnownString(ctx.notificationTarget) && topicRegion(ctx.notificationTarget) !== def.region;
}

export function createAlarms(ctx: AlarmContext, defs: readonly AlarmDefinition[]): aws.cloudwatch.MetricAlarm[] {
  return defs.map((def) => {
    const topics = alarmTopics(def, ctx);
    if (missesRegionalTopic(def, ctx)) {
      pulumi.log.warn(
        `alarm ${def.key} is in ${def.region} and has no topic there; set regionalSettings["${def.region}"].notificationTarget`,
        ctx.parent,
      );
    }
    const { opts, region } = placement(ctx.parent, def.region ? ctx.targetFor(def.region) : undefined);
    return new aws.cloudwatch.MetricAlarm(
      `${ctx.name}-alarm-${def.key}`,
      {
        alarmDescription: def.description,
        namespace: "AWS/RDS",
        metricName: def.metricName,
        dimensions: { DBInstanceIdentifier: ctx.instanceIds.get(def.dbInstanceIdentifier) ?? def.dbInstanceIdentifier },
        statistic: def.statistic,
        period: def.period,
        evaluationPeriods: def.evaluationPeriods,
        threshold: def.threshold,
        comparisonOperator: def.comparisonOperator,
        treatMissingData: "missing",
        alarmActions: topics,
        okActions: topics,
        tags: ctx.tags,
        ...region,
      },
      opts,
    );
  });
}
