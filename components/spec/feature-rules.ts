// Rules of the fields only some clouds honour (additional databases and users, IAM principals, deny
// maintenance period, Private Service Connect, connection policy, pgaudit): each is refused, with the fix,
// where the component cannot honour it, never ignored. Also keeps pgaudit from being undone by `parameters`.
import type { RuleContext } from "./cloud-rules.js";
import { show } from "./cloud-rules.js";
import { reservedDatabaseNames } from "./limits.js";
import { denyDatePattern, iamPrincipal } from "./schema.js";

/** What pgaudit records when observability.pgaudit is on, on every cloud: schema and role changes (statements, not data). */
export const PGAUDIT_LOG = "ddl,role";

/** Cloud SQL refuses deny periods longer than this (https://cloud.google.com/sql/docs/postgres/maintenance#deny-maintenance-period). */
export const gcpMaxDenyDays = 90;

const duplicates = (names: readonly string[]) => names.filter((n, i) => names.findIndex((m) => m.toLowerCase() === n.toLowerCase()) !== i);

/** Days from `start` to `end` inclusive; a yearly (MM-DD) period may wrap over New Year. */
export function denyPeriodDays(start: string, end: string): number | undefined {
  const a = start.match(denyDatePattern);
  const b = end.match(denyDatePattern);
  if (!a || !b) return undefined;
  const year = (m: RegExpMatchArray, fallback: number) => (m[1] ? Number(m[1].slice(0, 4)) : fallback);
  const from = Date.UTC(year(a, 2001), Number(a[2]) - 1, Number(a[3]));
  let to = Date.UTC(year(b, 2001), Number(b[2]) - 1, Number(b[3]));
  if (!a[1] && to < from) to = Date.UTC(2002, Number(b[2]) - 1, Number(b[3]));
  return Math.round((to - from) / 86_400_000) + 1;
}

function databasesAndUsers(c: RuleContext): void {
  const { spec, cloud } = c;
  const dbs = spec.additionalDatabases ?? [];
  if (dbs.length > 0) {
    if (cloud === "aws") {
      c.add("additionalDatabases", dbs, `${show(dbs)}: AWS RDS creates one database per instance; remove it and create the others with SQL (e.g. a dbtk migration: CREATE DATABASE)`, true);
    }
    if (spec.restore) {
      c.add("additionalDatabases", dbs, `${show(dbs)}: a restored server already holds the source's databases; remove additionalDatabases (or restore first, then add them in a later update)`);
    }
    for (const name of [...duplicates(dbs), ...dbs.filter((d) => d.toLowerCase() === spec.databaseName.toLowerCase())]) {
      c.add("additionalDatabases", name, `${show(name)} is listed twice (databaseName included); list each database once`);
    }
    for (const name of dbs.filter((d) => reservedDatabaseNames[spec.engine]?.includes(d.toLowerCase()))) {
      c.add("additionalDatabases", name, `${show(name)} is reserved on ${spec.engine}; use another name`);
    }
  }
  const users = spec.auth.additionalUsers ?? [];
  if (users.length > 0) {
    if (cloud !== "gcp") {
      c.add("auth.additionalUsers", users, cloud === "aws"
        ? `${show(users)}: AWS RDS has no user resource; remove it and create the users with SQL (CREATE ROLE), or use IAM authentication (grantConnect)`
        : `${show(users)}: the Azure provider has no database user resource; remove it and create the users with SQL (CREATE ROLE / CREATE USER), or use Entra ID logins`, true);
    }
    for (const name of [...duplicates(users), ...users.filter((u) => u.toLowerCase() === spec.auth.masterUsername.toLowerCase())]) {
      c.add("auth.additionalUsers", name, `${show(name)} is listed twice (masterUsername included); list each user once`);
    }
  }
  const principals = spec.auth.iamPrincipals ?? [];
  if (principals.length > 0) {
    if (cloud !== "gcp") {
      c.add("auth.iamPrincipals", principals, cloud === "aws"
        ? `${show(principals)}: IAM database users on AWS RDS are granted with grantConnect (rds-db:connect) and created with SQL (GRANT rds_iam); remove it`
        : `${show(principals)}: Entra ID logins on Azure are created with SQL by the Entra administrator (auth.entraAdmin); remove it`, true);
    } else if (!spec.auth.iamAuthentication) {
      c.add("auth.iamPrincipals", principals, `${show(principals)}: IAM logins need auth.iamAuthentication true (the cloudsql IAM flag); set it, or remove iamPrincipals`);
    }
    // The same email twice is one principal, whatever prefix each is written with.
    const emails = principals.map((p) => iamPrincipal(p).email);
    for (const p of duplicates(emails)) c.add("auth.iamPrincipals", p, `${show(p)} is listed twice; list each principal once`);
  }
}

function networkAndMaintenance(c: RuleContext): void {
  const { spec, cloud } = c;
  const psc = spec.network.privateServiceConnect;
  if (psc) {
    if (cloud !== "gcp") {
      c.add("network.privateServiceConnect", psc, `${show(psc)} is Cloud SQL's Private Service Connect, used only on GCP; remove it${cloud === "azure" ? " (Azure reaches servers through network.subnetIds)" : ""}`, true);
    } else {
      if (!spec.network.private) {
        c.add("network.privateServiceConnect", psc, `${show(psc)}: Private Service Connect is a private path, but network.private is false (a public IP); set network.private true, or remove privateServiceConnect`, true);
      }
      if (psc.allowedConsumerProjects.length === 0) {
        c.add("network.privateServiceConnect.allowedConsumerProjects", [], "is empty, so no project could connect; list the consumer projects (ids or numbers)", true);
      }
    }
  }
  const policy = spec.network.connectionPolicy;
  if (policy !== undefined && !(cloud === "azure" && spec.engine === "sqlserver")) {
    c.add("network.connectionPolicy", policy, `${show(policy)} is the Azure SQL Database server's connection policy; ${c.limits?.product ?? cloud} has none, remove it`, true);
  }
  const deny = spec.maintenanceDenyPeriod;
  if (deny) {
    if (cloud !== "gcp") {
      c.add("maintenanceDenyPeriod", deny, `${show(deny)}: deny-maintenance periods exist only on GCP Cloud SQL; remove it (move maintenanceWindow instead)`, true);
    }
    const yearly = (d: string) => /^\d{1,2}-\d{2}$/.test(d);
    if (yearly(deny.start) !== yearly(deny.end)) {
      c.add("maintenanceDenyPeriod.end", deny.end, `${show(deny.end)}: start and end must both carry a year, or both be "MM-DD" (recurring); write them alike`);
    } else {
      const days = denyPeriodDays(deny.start, deny.end);
      if (days !== undefined && days < 1) {
        c.add("maintenanceDenyPeriod.end", deny.end, `${show(deny.end)} is before start (${deny.start}); give an end on or after it`);
      } else if (days !== undefined && days > gcpMaxDenyDays) {
        c.add("maintenanceDenyPeriod.end", deny.end, `${show(deny.end)}: the period lasts ${days} days; GCP Cloud SQL allows at most ${gcpMaxDenyDays}, end it earlier`, true);
      }
    }
  }
}

/** Parameters that would turn pgaudit off while observability.pgaudit is on, per cloud. */
function pgauditUndone(name: string, value: string, cloud: string): boolean {
  const v = value.toLowerCase().replace(/\s/g, "");
  if (name === "cloudsql.enable_pgaudit") return ["off", "0", "false"].includes(v);
  if (name === "pgaudit.log") return v === "none" || v === "";
  if (cloud === "azure" && (name === "shared_preload_libraries" || name === "azure.extensions")) return !v.split(",").includes("pgaudit");
  // AWS RDS: the parameter group's list replaces the toolkit's (pg_stat_statements,pgaudit) as a whole.
  if (cloud === "aws" && name === "shared_preload_libraries") return !v.split(",").includes("pgaudit");
  return false;
}

/**
 * Why RDS for MySQL `version` has no MariaDB Audit Plugin, or undefined when it has: RDS offers it on every 8.4
 * and on 8.0.28 and later 8.0 versions ("8.0" alone resolves to the latest 8.0 minor)
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.html). Other majors are
 * reported by the engineVersion rule.
 */
export function rdsMysqlAuditUnsupported(version: string): string | undefined {
  const m = version.match(/^8\.0\.(\d+)/);
  if (m && Number(m[1]) < 28) return `RDS for MySQL ${version} has no MariaDB Audit Plugin (it starts at 8.0.28)`;
  return undefined;
}

function pgaudit(c: RuleContext): void {
  const { spec, cloud } = c;
  if (spec.observability.pgaudit !== true) return;
  // RDS for MySQL audits through the MariaDB Audit Plugin (an option group) instead.
  if (spec.engine === "mysql" && cloud === "aws") {
    const why = rdsMysqlAuditUnsupported(spec.engineVersion);
    if (why) {
      c.add("observability.pgaudit", true, `true turns database auditing on, but ${why}; use engineVersion "8.4", or 8.0.28 or later ("8.0" alone is the latest 8.0), or set observability.pgaudit false${c.environment === "prod" ? " (prod turns it on by default)" : ""}`, true);
    }
    return;
  }
  if (spec.engine !== "postgres") {
    c.add("observability.pgaudit", true, `true applies only to PostgreSQL, not ${spec.engine}; remove it`);
    return;
  }
  for (const [name, value] of Object.entries(spec.parameters ?? {})) {
    if (pgauditUndone(name, String(value), cloud)) {
      c.add(`parameters.${name}`, value,
        `${show(value)} undoes observability.pgaudit (true): audit logging would stop; remove parameters.${name}${name.includes("preload") || name.includes("extensions") ? " or keep pgaudit in the list" : ""}, or set observability.pgaudit false${c.environment === "prod" ? " (prod turns it on by default)" : ""}`);
    }
  }
}

export function featureRules(c: RuleContext): void {
  databasesAndUsers(c);
  networkAndMaintenance(c);
  pgaudit(c);
}
