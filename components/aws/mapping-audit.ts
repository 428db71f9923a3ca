// Database auditing on RDS for MySQL (observability.pgaudit): the MariaDB Audit Plugin, an option of a DB
// option group, and its `audit` log exported to CloudWatch. Pure: the component wires the result into an
// aws.rds.OptionGroup (option-group.ts). PostgreSQL audits through pgaudit in the parameter group (mapping.ts).
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html
import type { DatabaseSpec } from "../spec/types.js";
import { LOG_EXPORTS, RDS_ENGINE } from "./mapping.js";

/** The option's id in an RDS for MySQL option group. */
export const AUDIT_PLUGIN_OPTION = "MARIADB_AUDIT_PLUGIN";

/**
 * What the plugin records (SERVER_AUDIT_EVENTS, RDS default `CONNECT,QUERY`): connections, failed ones
 * included, and disconnections (CONNECT); schema changes (QUERY_DDL); grants and users (QUERY_DCL) — the
 * counterpart of pgaudit's `ddl,role` plus PostgreSQL's log_connections. Data statements are left out
 * (volume), as pgaudit's `write` is.
 */
export const AUDIT_EVENTS = "CONNECT,QUERY_DDL,QUERY_DCL";

/** The CloudWatch export of the plugin's log (node_modules/@pulumi/aws/rds/instance.d.ts enabledCloudwatchLogsExports: `audit` for MySQL). */
export const AUDIT_LOG_EXPORT = "audit";

/** Whether the spec audits through the MariaDB Audit Plugin: MySQL with observability.pgaudit on. */
export function mysqlAuditEnabled(spec: DatabaseSpec): boolean {
  return spec.engine === "mysql" && spec.observability.pgaudit === true;
}

/** Logs the instance exports to CloudWatch: the engine's, plus `audit` when the plugin is on. */
export function logExports(spec: DatabaseSpec): string[] {
  return [...LOG_EXPORTS[spec.engine], ...(mysqlAuditEnabled(spec) ? [AUDIT_LOG_EXPORT] : [])];
}

/** Option group major version: "8.0.36" → "8.0", "8.4" → "8.4" (RDS names groups by major). */
export function optionGroupMajorVersion(version: string): string {
  const [major = version, minor = "0"] = version.split(".");
  return `${major}.${minor}`;
}

/**
 * RDS's own option group of a MySQL major (`default:mysql-8-0`), named when the instance is not on the audit
 * group. Left unset, an instance that was on the audit group would stay there (the provider reads the field
 * back, Optional + Computed, so unset plans no change) and deleting that group would fail while in use
 * (InvalidOptionGroupStateFault): turning auditing off must move the instance back first.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithOptionGroups.html (default option groups)
 */
export function rdsDefaultOptionGroup(spec: DatabaseSpec): string | undefined {
  if (spec.engine !== "mysql") return undefined;
  return `default:${RDS_ENGINE[spec.engine]}-${optionGroupMajorVersion(spec.engineVersion).replace(".", "-")}`;
}

/**
 * Option group name prefix, lowercase (the provider compares it as AWS stores it), carrying the major so a
 * major upgrade creates a new group beside the one in use, as the parameter group's prefix does.
 */
export function optionGroupNamePrefix(name: string, major: string): string {
  return `${name}-audit-mysql${major.replace(/\./g, "-")}-`.toLowerCase();
}

/** Plain aws.rds.OptionGroupArgs (minus tags and region, which the component adds). */
export interface AuditOptionGroupArgs {
  namePrefix: string;
  engineName: string;
  majorEngineVersion: string;
  optionGroupDescription: string;
  options: { optionName: string; optionSettings: { name: string; value: string }[] }[];
}

/** The option group turning the MariaDB Audit Plugin on; undefined when the spec does not audit through it. */
export function auditOptionGroupArgs(spec: DatabaseSpec): AuditOptionGroupArgs | undefined {
  if (!mysqlAuditEnabled(spec)) return undefined;
  const major = optionGroupMajorVersion(spec.engineVersion);
  return {
    namePrefix: optionGroupNamePrefix(spec.name, major),
    engineName: RDS_ENGINE[spec.engine],
    majorEngineVersion: major,
    optionGroupDescription: `${spec.name} MariaDB Audit Plugin (managed by dbtk)`,
    options: [{ optionName: AUDIT_PLUGIN_OPTION, optionSettings: [{ name: "SERVER_AUDIT_EVENTS", value: AUDIT_EVENTS }] }],
  };
}
