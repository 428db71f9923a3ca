// Cloud Monitoring alert policy for a Cloud SQL primary and its replicas (spec.observability.alarms).
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { alarmThresholds } from "../spec/alarms.js";
import type { DatabaseSpec, Engine } from "../spec/types.js";

const connectionMetrics: Record<Engine, string> = {
  postgres: "cloudsql.googleapis.com/database/postgresql/num_backends",
  mysql: "cloudsql.googleapis.com/database/network/connections",
  sqlserver: "cloudsql.googleapis.com/database/sqlserver/connections/user_connections",
};

export interface AlertCondition {
  displayName: string;
  metric: string;
  /** Which instances the condition watches. */
  target: "primary" | "replicas";
  threshold: number;
}

/** The conditions the spec asks for, with the toolkit's defaults (alarmThresholds). */
export function gcpAlertConditions(spec: DatabaseSpec, hasReplicas: boolean): AlertCondition[] {
  if (!spec.observability.alarms.enabled) return [];
  const a = alarmThresholds(spec.observability.alarms);
  const out: AlertCondition[] = [
    { displayName: "CPU utilization", metric: "cloudsql.googleapis.com/database/cpu/utilization", target: "primary", threshold: a.cpuPercent / 100 },
    { displayName: "Disk utilization", metric: "cloudsql.googleapis.com/database/disk/utilization", target: "primary", threshold: 1 - a.freeStoragePercent / 100 },
  ];
  if (a.maxConnections !== undefined) {
    out.push({ displayName: "Connections", metric: connectionMetrics[spec.engine], target: "primary", threshold: a.maxConnections });
  }
  if (hasReplicas) {
    out.push({ displayName: "Replica lag", metric: "cloudsql.googleapis.com/database/replication/replica_lag", target: "replicas", threshold: a.replicaLagSeconds });
  }
  return out;
}

interface AlertOptions {
  name: string;
  spec: DatabaseSpec;
  project?: pulumi.Input<string>;
  primary: gcp.sql.DatabaseInstance;
  replicas: gcp.sql.DatabaseInstance[];
  parent: pulumi.Resource;
}

/** One policy, conditions OR-ed, notifying `alarms.notificationTarget` when given. */
export function createAlertPolicy(o: AlertOptions): gcp.monitoring.AlertPolicy | undefined {
  const conditions = gcpAlertConditions(o.spec, o.replicas.length > 0);
  if (conditions.length === 0) return undefined;
  const databaseId = (i: gcp.sql.DatabaseInstance) => pulumi.interpolate`"${i.project}:${i.name}"`;
  const primaryIds = pulumi.all([databaseId(o.primary)]);
  const replicaIds = pulumi.all(o.replicas.map(databaseId));
  const target = o.spec.observability.alarms.notificationTarget;
  return new gcp.monitoring.AlertPolicy(
    `${o.name}-alerts`,
    {
      displayName: `${o.spec.name} database`,
      combiner: "OR",
      ...(o.project ? { project: o.project } : {}),
      conditions: conditions.map((c) => ({
        displayName: c.displayName,
        conditionThreshold: {
          filter: (c.target === "primary" ? primaryIds : replicaIds).apply(
            (ids) => `resource.type = "cloudsql_database" AND metric.type = "${c.metric}" AND resource.labels.database_id = one_of(${ids.join(", ")})`,
          ),
          comparison: "COMPARISON_GT",
          thresholdValue: c.threshold,
          duration: "300s",
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" }],
        },
      })),
      ...(target ? { notificationChannels: [target] } : {}),
      userLabels: { ...o.spec.tags },
    },
    { parent: o.parent },
  );
}
