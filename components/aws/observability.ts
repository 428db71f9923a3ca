// Enhanced Monitoring role and CloudWatch alarms.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
  notificationTarget?: string;
  regionalSettings: Record<string, AwsRegionalSettings>;
  targetFor: (region: string) => RegionTarget;
  tags: Record<string, string>;
}

/**
 * Topic for an alarm: the spec's target in the primary's region; elsewhere the region's own target, or
 * the spec's when that topic lives in that region (CloudWatch only notifies topics in its own region).
 */
export function alarmTopic(def: AlarmDefinition, ctx: Pick<AlarmContext, "notificationTarget" | "regionalSettings">): string | undefined {
  if (!def.region) return ctx.notificationTarget;
  const regional = ctx.regionalSettings[def.region]?.notificationTarget;
  if (regional) return regional;
  const target = ctx.notificationTarget;
  return target && topicRegion(target) === def.region ? target : undefined;
}

export function createAlarms(ctx: AlarmContext, defs: readonly AlarmDefinition[]): aws.cloudwatch.MetricAlarm[] {
  return defs.map((def) => {
    const topic = alarmTopic(def, ctx);
    if (def.region && ctx.notificationTarget && !topic) {
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
        alarmActions: topic ? [topic] : [],
        okActions: topic ? [topic] : [],
        tags: ctx.tags,
        ...region,
      },
      opts,
    );
  });
}
