// Pure alarm definitions (CloudWatch metric alarms on AWS/RDS metrics) derived from the spec.
import { alarmThresholds, defaultAlarmThresholds } from "../spec/alarms.js";
import type { DatabaseSpec, Engine } from "../spec/types.js";
import type { ReplicaPlan } from "./mapping.js";

/** Thresholds used when spec.observability.alarms leaves one unset (the cross-cloud defaults, plus AWS's connections share). */
export const DEFAULT_ALARM_THRESHOLDS = {
  ...defaultAlarmThresholds,
  /** Share of the engine's estimated max_connections (see estimatedMaxConnections). */
  connectionsShare: 0.8,
} as const;

export interface AlarmDefinition {
  /** Resource name suffix, unique within one database. */
  key: string;
  metricName: "CPUUtilization" | "FreeStorageSpace" | "DatabaseConnections" | "ReplicaLag";
  comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  threshold: number;
  statistic: "Average" | "Minimum" | "Maximum";
  /** Seconds per datapoint. */
  period: number;
  evaluationPeriods: number;
  /** DBInstanceIdentifier dimension. */
  dbInstanceIdentifier: string;
  /** Region of the watched instance (cross-region replicas); undefined for the primary's region. */
  region?: string;
  description: string;
}

const GIB = 1024 ** 3;

/** Rough memory of an RDS class in GiB, from its family and size (db.r7g.xlarge → 32). */
export function estimatedMemoryGib(instanceClass: string): number {
  const [, family = "", size = ""] = instanceClass.split(".");
  const burstable: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
  if (family.startsWith("t")) return burstable[size] ?? 4;
  const vcpus = size === "large" ? 2 : size === "xlarge" ? 4 : Number(size.replace("xlarge", "")) * 4 || 2;
  const perVcpu = family.startsWith("r") ? 8 : family.startsWith("x") ? 16 : 4;
  return vcpus * perVcpu;
}

/**
 * The engine's default max_connections on RDS: PostgreSQL LEAST(memory/9531392, 5000), MySQL
 * memory/12582880; SQL Server has no practical cap, so its estimate is its 32767 ceiling.
 */
export function estimatedMaxConnections(engine: Engine, instanceClass: string): number {
  const bytes = estimatedMemoryGib(instanceClass) * GIB;
  switch (engine) {
    case "postgres":
      return Math.min(Math.floor(bytes / 9531392), 5000);
    case "mysql":
      return Math.floor(bytes / 12582880);
    case "sqlserver":
      return 32767;
  }
}

/** Alarms for the primary (CPU, free storage, connections) and one ReplicaLag alarm per replica. */
export function alarmDefinitions(
  spec: DatabaseSpec,
  primaryInstanceClass: string,
  replicas: readonly ReplicaPlan[],
): AlarmDefinition[] {
  const alarms = spec.observability.alarms;
  if (!alarms.enabled) return [];
  const { cpuPercent: cpu, freeStoragePercent: freePct, replicaLagSeconds: lag, ...given } = alarmThresholds(alarms);
  const maxConnections =
    given.maxConnections ??
    Math.floor(estimatedMaxConnections(spec.engine, primaryInstanceClass) * DEFAULT_ALARM_THRESHOLDS.connectionsShare);
  const id = spec.name;
  const defs: AlarmDefinition[] = [
    {
      key: "cpu",
      metricName: "CPUUtilization",
      comparisonOperator: "GreaterThanThreshold",
      threshold: cpu,
      statistic: "Average",
      period: 300,
      evaluationPeriods: 3,
      dbInstanceIdentifier: id,
      description: `${id}: average CPU above ${cpu}% for 15 minutes`,
    },
    {
      key: "free-storage",
      metricName: "FreeStorageSpace",
      comparisonOperator: "LessThanThreshold",
      // FreeStorageSpace is in bytes; the threshold is a share of the allocated size.
      threshold: Math.floor((spec.storage.sizeGb * GIB * freePct) / 100),
      statistic: "Minimum",
      period: 300,
      evaluationPeriods: 1,
      dbInstanceIdentifier: id,
      description: `${id}: free storage below ${freePct}% of ${spec.storage.sizeGb} GB`,
    },
    {
      key: "connections",
      metricName: "DatabaseConnections",
      comparisonOperator: "GreaterThanThreshold",
      threshold: maxConnections,
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 2,
      dbInstanceIdentifier: id,
      description: `${id}: more than ${maxConnections} connections for 10 minutes`,
    },
  ];
  for (const replica of replicas) {
    defs.push({
      key: `replica-lag-${replica.identifier}`,
      metricName: "ReplicaLag",
      comparisonOperator: "GreaterThanThreshold",
      threshold: lag,
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      dbInstanceIdentifier: replica.identifier,
      ...(replica.region ? { region: replica.region } : {}),
      description: `${replica.identifier}: replica lag above ${lag}s for 5 minutes`,
    });
  }
  return defs;
}

/** Region of an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), if it is one. */
export function topicRegion(topicArn: string): string | undefined {
  const parts = topicArn.split(":");
  return parts[0] === "arn" && parts[2] === "sns" ? parts[3] : undefined;
}
