// pgaudit on every PostgreSQL primary in prod, as the components render it (observability.pgaudit, on in the
// prod preset): the library loaded and pgaudit.log recording something. Each cloud turns it on differently:
//   RDS: shared_preload_libraries includes pgaudit, pgaudit.log set (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html)
//   Cloud SQL: flag cloudsql.enable_pgaudit on, pgaudit.log set (https://cloud.google.com/sql/docs/postgres/pg-audit)
//   Azure flexible: server parameters shared_preload_libraries includes pgaudit, pgaudit.log set
//     (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-audit)
// pgaudit.log defaults to none everywhere, which loads the library and records nothing.
import { get, list, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleDefinition } from "../types.js";
import { isReplica, present } from "./encryption.js";
import { awsEngine, flexibleConfig, optionGroupOf, parameterGroupOf, parameterValue } from "./network.js";

/** What the components set pgaudit.log to (components/spec/feature-rules.ts PGAUDIT_LOG). */
const LOG = "ddl,role";
const loaded = (libraries: string | undefined) => (libraries ?? "").split(",").map((l) => l.trim()).includes("pgaudit");
const logging = (value: string | undefined) => value !== undefined && value.trim() !== "" && value.trim() !== "none";
const on = (v: string | undefined) => v === "on" || v === "1" || v === "true";

/** The settings missing on one server, as `<name> is …` phrases; empty when pgaudit records. */
function missing(settings: (name: string) => string | undefined, loadSetting: string, isLoaded: (v: string | undefined) => boolean): string[] {
  const out: string[] = [];
  const load = settings(loadSetting);
  if (!isLoaded(load)) out.push(`${loadSetting} is ${load === undefined ? "unset" : JSON.stringify(load)}`);
  const log = settings("pgaudit.log");
  if (!logging(log)) out.push(`pgaudit.log is ${log === undefined ? "unset (none)" : JSON.stringify(log)}`);
  return out;
}

/** The message for `r`, or undefined when pgaudit records (or the check cannot see the settings). */
function pgauditProblem(r: PolicyResourceView, all: readonly PolicyResourceView[]): string | undefined {
  if (isReplica(r)) return undefined; // replicas follow their primary's parameters
  if (r.type === T.rdsInstance) {
    const group = parameterGroupOf(r, all);
    if (!/postgres/.test(awsEngine(r, group))) return undefined;
    if (!group) {
      if (present(r, "parameterGroupName")) return undefined; // a group managed elsewhere: not visible here
      return `the default parameter group does not load pgaudit; use a parameter group with shared_preload_libraries including pgaudit and pgaudit.log = ${LOG}`;
    }
    const off = missing((n) => parameterValue(group, n), "shared_preload_libraries", loaded);
    return off.length ? `parameter group ${group.name}: ${off.join(", ")}; add pgaudit to shared_preload_libraries (apply-method pending-reboot) and set pgaudit.log = ${LOG}` : undefined;
  }
  if (r.type === T.sqlInstance) {
    if (!String(r.props.databaseVersion ?? "").startsWith("POSTGRES")) return undefined;
    const flags = new Map(list(get(r.props, "settings.databaseFlags")).map((f) => [String(get(f, "name")), String(get(f, "value")).toLowerCase()]));
    const off = missing((n) => flags.get(n), "cloudsql.enable_pgaudit", on);
    return off.length ? `database flags: ${off.join(", ")}; set settings.databaseFlags cloudsql.enable_pgaudit = on and pgaudit.log = ${LOG}` : undefined;
  }
  const config = flexibleConfig(r, all);
  const off = missing((n) => config.get(n), "shared_preload_libraries", loaded);
  return off.length
    ? `server parameters: ${off.join(", ")}; add FlexibleServerConfiguration resources shared_preload_libraries (keeping its other libraries) with pgaudit, azure.extensions with PGAUDIT, and pgaudit.log = ${LOG}`
    : undefined;
}

export const pgauditEnabled: RuleDefinition = {
  name: "db-pgaudit",
  description: "PostgreSQL primaries load pgaudit and record schema and role changes (pgaudit.log), on RDS, Cloud SQL and Azure flexible server.",
  remediationSteps: `RDS: a parameter group with pgaudit in shared_preload_libraries and pgaudit.log = ${LOG}; Cloud SQL: flags cloudsql.enable_pgaudit = on and pgaudit.log = ${LOG}; Azure flexible: server parameters shared_preload_libraries with pgaudit and pgaudit.log = ${LOG}. The components do this in prod (observability.pgaudit).`,
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance, T.sqlInstance, T.pgFlexible], (r) => {
      const problem = pgauditProblem(r, ctx.resources);
      if (problem) ctx.report(r, `${r.name}: pgaudit records nothing — ${problem}`);
    });
  },
};

/** What the components have the MariaDB Audit Plugin record (components/aws/mapping-audit.ts AUDIT_EVENTS). */
const MYSQL_EVENTS = "CONNECT,QUERY_DDL,QUERY_DCL";

/** The message for an RDS for MySQL/MariaDB primary that does not audit, or undefined. */
function mysqlAuditProblem(r: PolicyResourceView, all: readonly PolicyResourceView[]): string | undefined {
  if (isReplica(r) || !/mysql|mariadb/.test(awsEngine(r, parameterGroupOf(r, all)))) return undefined;
  const problems: string[] = [];
  const group = optionGroupOf(r, all);
  if (!group) {
    // A group managed elsewhere is not visible here; RDS's own default groups have no options.
    const named = str(r.props.optionGroupName);
    if (!named || named.startsWith("default:")) problems.push(`${named ? `option group ${named}` : "the default option group"} has no MARIADB_AUDIT_PLUGIN`);
  } else {
    const plugin = list(group.props.options).find((o) => get(o, "optionName") === "MARIADB_AUDIT_PLUGIN");
    if (!plugin) problems.push(`option group ${group.name} has no MARIADB_AUDIT_PLUGIN`);
    else {
      const events = get(list(get(plugin, "optionSettings")).find((x) => get(x, "name") === "SERVER_AUDIT_EVENTS"), "value");
      // Unset is RDS's default CONNECT,QUERY, which records DDL and DCL too.
      if (events !== undefined && !/QUERY_DDL|QUERY\b/.test(String(events).toUpperCase())) problems.push(`SERVER_AUDIT_EVENTS ${JSON.stringify(events)} records no schema changes`);
    }
  }
  if (!list(r.props.enabledCloudwatchLogsExports).map(String).includes("audit")) problems.push(`enabledCloudwatchLogsExports has no "audit"`);
  return problems.length ? problems.join(", ") : undefined;
}

export const mysqlAudit: RuleDefinition = {
  name: "db-mysql-audit",
  description: "RDS for MySQL / MariaDB primaries audit connections, schema and grant changes through the MariaDB Audit Plugin (an option group) and export its log to CloudWatch.",
  remediationSteps: `Attach an aws.rds.OptionGroup with option MARIADB_AUDIT_PLUGIN (SERVER_AUDIT_EVENTS = ${MYSQL_EVENTS}) and add "audit" to enabledCloudwatchLogsExports (RDS for MySQL 8.0.28+ and 8.4). AwsRdsDatabase does this in prod (observability.pgaudit).`,
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance], (r) => {
      const problem = mysqlAuditProblem(r, ctx.resources);
      if (problem) ctx.report(r, `${r.name}: nothing audits it — ${problem}; attach an option group with MARIADB_AUDIT_PLUGIN (SERVER_AUDIT_EVENTS = ${MYSQL_EVENTS}) and export "audit"`);
    });
  },
};
