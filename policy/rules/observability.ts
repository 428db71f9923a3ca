// Operability: slow statements are logged, and every database has an alarm or a diagnostic setting.
import { azureIdIs, azureScopeCovers, dependsOn, get, list, mssqlServerOf, num, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleContext, RuleDefinition } from "../types.js";
import { isReplica, present } from "./encryption.js";
import { awsEngine, flexibleConfig, parameterGroupOf, parameterValue } from "./network.js";

const isMysqlLike = (engineOrVersion: string) => /mysql|mariadb/i.test(engineOrVersion);
const durationOn = (v: string | undefined) => v !== undefined && (num(v) ?? -1) >= 0;
const flagOn = (v: string | undefined) => v === "1" || v === "on";

function awsSlowQueryProblems(r: PolicyResourceView, all: readonly PolicyResourceView[]): string[] {
  const group = r.type === T.rdsCluster ? undefined : parameterGroupOf(r, all);
  const engine = awsEngine(r, group);
  if (/sqlserver/.test(engine)) return [];
  const mysql = isMysqlLike(engine);
  const out: string[] = [];
  const exportName = mysql ? "slowquery" : "postgresql";
  if (!list(r.props.enabledCloudwatchLogsExports).includes(exportName)) {
    out.push(`enabledCloudwatchLogsExports lacks "${exportName}", so slow statements never reach CloudWatch Logs`);
  }
  if (r.type === T.rdsCluster) return out;
  if (!group && present(r, "parameterGroupName")) return out; // managed elsewhere
  const param = mysql ? "slow_query_log" : "log_min_duration_statement";
  const value = group ? parameterValue(group, param) : undefined;
  if (!(mysql ? flagOn(value) : durationOn(value))) {
    out.push(`${group ? `parameter group ${group.name}` : "the default parameter group"} has ${param} = ${value ?? "(unset)"}; set ${mysql ? "slow_query_log = 1" : "log_min_duration_statement to a threshold in ms"}`);
  }
  return out;
}

function gcpSlowQueryProblem(r: PolicyResourceView): string | undefined {
  const version = String(r.props.databaseVersion ?? "");
  if (version.startsWith("SQLSERVER")) return undefined;
  const flags = new Map(list(get(r.props, "settings.databaseFlags")).map((f) => [String(get(f, "name")), String(get(f, "value")).toLowerCase()]));
  if (version.startsWith("MYSQL")) {
    return flagOn(flags.get("slow_query_log")) ? undefined : "database flag slow_query_log is not on";
  }
  return durationOn(flags.get("log_min_duration_statement")) ? undefined : "database flag log_min_duration_statement is not set to a threshold";
}

const QUERY_LOG_CATEGORIES = ["QueryStoreRuntimeStatistics", "QueryStoreWaitStatistics", "SQLInsights"];

/** Diagnostic settings and metric alerts in the stack that watch `r`. */
function watchers(r: PolicyResourceView, all: readonly PolicyResourceView[]): PolicyResourceView[] {
  return all.filter((w) => {
    if (w.type === T.diagnosticSetting) {
      return dependsOn(w, "targetResourceId", r) || safe(() => azureIdIs(w.props.targetResourceId, r), false);
    }
    if (w.type === T.metricAlert) {
      return dependsOn(w, "scopes", r) || safe(() => list(w.props.scopes).some((s) => azureScopeCovers(s, r) || azureIdIs(s, r)), false);
    }
    return false;
  });
}

function mssqlQueryLogged(db: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  return watchers(db, all).some(
    (w) =>
      w.type === T.diagnosticSetting &&
      safe(() => list(w.props.enabledLogs).some((l) => QUERY_LOG_CATEGORIES.includes(String(get(l, "category"))) || get(l, "categoryGroup") === "allLogs"), false),
  );
}

export const slowQueryLogging: RuleDefinition = {
  name: "db-slow-query-logging",
  description: "Slow statements are logged where operators can read them (log_min_duration_statement / slow_query_log / Query Store diagnostics).",
  remediationSteps: "Set spec.observability.slowQueryMs (the staging and prod presets do).",
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["staging", "prod"] },
  check(ctx) {
    const all = ctx.resources;
    ctx.each([T.rdsInstance, T.rdsCluster], (r) => {
      if (isReplica(r)) return;
      for (const p of awsSlowQueryProblems(r, all)) ctx.report(r, `${r.name}: ${p}`);
    });
    ctx.each([T.sqlInstance], (r) => {
      if (isReplica(r)) return;
      const p = gcpSlowQueryProblem(r);
      if (p) ctx.report(r, `${r.name}: ${p}`);
    });
    ctx.each([T.pgFlexible, T.mysqlFlexible], (r) => {
      if (isReplica(r)) return;
      const cfg = flexibleConfig(r, all);
      const ok = r.type === T.mysqlFlexible ? flagOn(cfg.get("slow_query_log")) : durationOn(cfg.get("log_min_duration_statement"));
      if (!ok) ctx.report(r, `${r.name}: server parameter ${r.type === T.mysqlFlexible ? "slow_query_log is not on" : "log_min_duration_statement is not set to a threshold"}`);
    });
    ctx.each([T.mssqlDatabase], (r) => {
      if (isReplica(r)) return;
      if (!mssqlQueryLogged(r, all)) ctx.report(r, `${r.name}: no diagnostic setting sends Query Store / SQLInsights logs anywhere`);
    });
  },
};

function awsWatched(r: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  const [dim, idProp] = r.type === T.rdsCluster ? ["DBClusterIdentifier", "clusterIdentifier"] : ["DBInstanceIdentifier", "identifier"];
  const id = safe(() => str(r.props[idProp]), undefined);
  return all.some(
    (a) => a.type === T.metricAlarm && (dependsOn(a, "dimensions", r) || safe(() => !!id && str(get(a.props, `dimensions.${dim}`)) === id, false)),
  );
}

function gcpWatched(r: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  const name = safe(() => str(r.props.name), undefined);
  // Cloud SQL metrics carry database_id = "<project>:<instance>".
  const id = name ? new RegExp(`:${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9-])`) : undefined;
  return all.some(
    (a) => a.type === T.alertPolicy && (dependsOn(a, "conditions", r) || safe(() => !!id && id.test(JSON.stringify(a.props.conditions ?? [])), false)),
  );
}

function watched(r: PolicyResourceView, ctx: RuleContext): boolean {
  const all = ctx.resources;
  switch (r.type) {
    case T.rdsInstance:
    case T.rdsCluster:
      return awsWatched(r, all);
    case T.sqlInstance:
      return gcpWatched(r, all);
    case T.mssqlDatabase: {
      const server = mssqlServerOf(r, all);
      return watchers(r, all).length > 0 || (!!server && watchers(server, all).some((w) => w.type === T.metricAlert));
    }
    default:
      return watchers(r, all).length > 0;
  }
}

export const monitoringWired: RuleDefinition = {
  name: "db-monitoring-wired",
  description: "Every database has an alarm or a diagnostic setting in the stack (CloudWatch alarm, Cloud Monitoring alert policy, Azure metric alert / diagnostic setting).",
  remediationSteps: "Turn on spec.observability.alarms with a notificationTarget (and logAnalyticsWorkspaceId on Azure).",
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["staging", "prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance, T.rdsCluster, T.sqlInstance, T.mssqlDatabase, T.pgFlexible, T.mysqlFlexible], (r) => {
      if (isReplica(r)) return;
      if (!watched(r, ctx)) ctx.report(r, `${r.name}: no alarm or diagnostic setting in this stack watches it; enable spec.observability.alarms`);
    });
  },
};
