// Azure SQL promises of issue #12 on stacks not built with the components: every logical server (the
// geo-secondary too, so a failover keeps it) audits to somewhere, and a server with an Entra administrator
// refuses SQL logins in prod (AzureSqlDatabase: entraOnlyAuthentication, on in prod when auth.entraAdmin is
// given). Defender for SQL is db-sql-defender (day2.ts); PostgreSQL server parameters are db-connections-logged
// and db-pgaudit.
// Field names: node_modules/@pulumi/azure/mssql/serverExtendedAuditingPolicy.d.ts ("If enabled is true,
// storageEndpoint or logMonitoringEnabled are required"), mssql/server.d.ts (azureadAdministrator), and
// https://learn.microsoft.com/azure/azure-sql/database/auditing-setup (Azure Monitor audit logs flow through
// the master database's diagnostic setting, category SQLSecurityAuditEvents).
import { azureIdIs, azureIdSuffix, dependsOn, get, list, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleDefinition } from "../types.js";
import { present } from "./encryption.js";

/** The enabled server auditing policies in the stack on `server`. */
function auditPolicies(server: PolicyResourceView, all: readonly PolicyResourceView[]): PolicyResourceView[] {
  return all.filter(
    (p) =>
      p.type === T.mssqlServerAudit &&
      (dependsOn(p, "serverId", server) || safe(() => azureIdIs(p.props.serverId, server), false)) &&
      safe(() => p.props.enabled !== false, true),
  );
}

/** True when a diagnostic setting on `server`'s master database sends the audit log category somewhere. */
function masterAuditExported(server: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  const master = azureIdSuffix(server);
  if (!master) return true; // not known yet: no finding
  return all.some(
    (d) =>
      d.type === T.diagnosticSetting &&
      safe(() => {
        const target = str(d.props.targetResourceId)?.toLowerCase().replace(/^\/subscriptions\/[^/]+/, "");
        if (target !== `${master}/databases/master`) return false;
        return list(d.props.enabledLogs).some((l) => get(l, "category") === "SQLSecurityAuditEvents" || ["audit", "allLogs"].includes(String(get(l, "categoryGroup"))));
      }, true),
  );
}

function auditingProblem(server: PolicyResourceView, all: readonly PolicyResourceView[]): string | undefined {
  const policies = auditPolicies(server, all);
  if (policies.length === 0) return "no enabled server auditing policy (mssql.ServerExtendedAuditingPolicy) in this stack";
  if (policies.some((p) => present(p, "storageEndpoint"))) return undefined;
  if (!policies.some((p) => safe(() => p.props.logMonitoringEnabled === true, true))) return "the server auditing policy has neither storageEndpoint nor logMonitoringEnabled";
  if (!masterAuditExported(server, all)) {
    return "auditing goes to Azure Monitor (logMonitoringEnabled) but no diagnostic setting on its master database sends SQLSecurityAuditEvents anywhere";
  }
  return undefined;
}

export const sqlAuditing: RuleDefinition = {
  name: "db-sql-auditing",
  description: "Every Azure SQL logical server, geo-secondaries included, has server auditing on and delivered (a storage account, or Azure Monitor through a diagnostic setting on its master database).",
  remediationSteps: "Add azure.mssql.ServerExtendedAuditingPolicy { serverId, enabled: true, logMonitoringEnabled: true } and a monitoring.DiagnosticSetting on <server id>/databases/master with category SQLSecurityAuditEvents (AzureSqlDatabase does on every server when observability.logAnalyticsWorkspaceId is given).",
  severity: "high",
  enforcementLevel: "advisory",
  defaults: { environments: ["staging", "prod"] },
  check(ctx) {
    ctx.each([T.mssqlServer], (r) => {
      const problem = auditingProblem(r, ctx.resources);
      if (problem) ctx.report(r, `${r.name}: ${problem}; audit it with ServerExtendedAuditingPolicy and a diagnostic setting on its master database`);
    });
  },
};

export const sqlEntraOnly: RuleDefinition = {
  name: "db-sql-entra-only",
  description: "An Azure SQL logical server with an Entra administrator accepts Entra logins only (azureadAdministrator.azureadAuthenticationOnly), so the SQL administrator password is no way in.",
  remediationSteps: "Set azureadAdministrator.azureadAuthenticationOnly: true on the server (AzureSqlDatabase: entraOnlyAuthentication, on in prod when auth.entraAdmin is given); grant applications Entra logins first.",
  severity: "high",
  enforcementLevel: "advisory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each([T.mssqlServer], (r) => {
      const admin = get(r.props, "azureadAdministrator");
      if (!present(r, "azureadAdministrator.loginUsername") && !present(r, "azureadAdministrator.objectId")) return;
      const only = get(admin, "azureadAuthenticationOnly");
      if (only !== true) {
        ctx.report(r, `${r.name}: azureadAdministrator is set but azureadAuthenticationOnly is ${only === undefined ? "unset (false)" : JSON.stringify(only)}, so SQL logins (administratorLogin and its password) still work; set azureadAdministrator.azureadAuthenticationOnly: true`);
      }
    });
  },
};
