// Alarm thresholds with the toolkit's defaults filled in, the same on every cloud; each component maps them
// to its monitoring service (CloudWatch alarms, a Cloud Monitoring policy, Azure metric alerts).
import type { AlarmSpec } from "./types.js";

/** Thresholds used when spec.observability.alarms leaves one unset. */
export const defaultAlarmThresholds = { cpuPercent: 80, freeStoragePercent: 10, replicaLagSeconds: 60 } as const;

export interface AlarmThresholds {
  cpuPercent: number;
  freeStoragePercent: number;
  replicaLagSeconds: number;
  /** Only when the spec gives one (AWS estimates a default from the instance class). */
  maxConnections?: number;
}

export function alarmThresholds(alarms: AlarmSpec): AlarmThresholds {
  return {
    cpuPercent: alarms.cpuPercent ?? defaultAlarmThresholds.cpuPercent,
    freeStoragePercent: alarms.freeStoragePercent ?? defaultAlarmThresholds.freeStoragePercent,
    replicaLagSeconds: alarms.replicaLagSeconds ?? defaultAlarmThresholds.replicaLagSeconds,
    ...(alarms.maxConnections !== undefined ? { maxConnections: alarms.maxConnections } : {}),
  };
}
