// Microsoft Defender for SQL (threat detection + vulnerability assessment) and auditing on every logical
// server of an AzureSqlDatabase, secondaries included, so a failover keeps both.
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import type { AzureSqlDatabaseArgs } from "./args.js";
import { diagnostics } from "./common.js";

interface Ctx {
  name: string;
  spec: DatabaseSpec;
  args: AzureSqlDatabaseArgs;
  parent: pulumi.Resource;
}

/** Whether Defender for SQL is on: `defender.enabled`, else on in prod. */
export function defenderEnabled(args: Pick<AzureSqlDatabaseArgs, "defender" | "environment">): boolean {
  return args.defender?.enabled ?? args.environment === "prod";
}

/** Entra-only authentication: `entraOnlyAuthentication`, else on in prod when an Entra administrator is given. */
export function entraOnly(args: Pick<AzureSqlDatabaseArgs, "entraOnlyAuthentication" | "environment">, spec: DatabaseSpec): boolean {
  if (!spec.auth.entraAdmin) return false;
  return args.entraOnlyAuthentication ?? args.environment === "prod";
}

/**
 * Defender for SQL on `server` (a security alert policy, with a vulnerability assessment when a storage
 * container is given) and, on secondaries, the server auditing the primary has (`primary` false).
 */
export function protectSqlServer(c: Ctx, suffix: string, server: azure.mssql.Server, primary: boolean): void {
  const { args, spec, parent } = c;
  if (defenderEnabled(args)) {
    const policy = new azure.mssql.ServerSecurityAlertPolicy(
      `${c.name}-${suffix}-defender`,
      {
        resourceGroupName: args.resourceGroupName,
        serverName: server.name,
        state: "Enabled",
        emailAccountAdmins: true,
        ...(args.defender?.emailAddresses?.length ? { emailAddresses: args.defender.emailAddresses } : {}),
      },
      { parent },
    );
    const container = args.defender?.vulnerabilityAssessmentStorageContainerPath;
    if (container) {
      new azure.mssql.ServerVulnerabilityAssessment(
        `${c.name}-${suffix}-vulnerability-assessment`,
        {
          serverSecurityAlertPolicyId: policy.id,
          storageContainerPath: container,
          recurringScans: { enabled: true, emailSubscriptionAdmins: true, ...(args.defender?.emailAddresses?.length ? { emails: args.defender.emailAddresses } : {}) },
        },
        { parent },
      );
    }
  }
  if (!primary && spec.observability.logAnalyticsWorkspaceId) {
    new azure.mssql.ServerExtendedAuditingPolicy(`${c.name}-${suffix}-server-audit`, { serverId: server.id, enabled: true, logMonitoringEnabled: true }, { parent });
    diagnostics(c, `master-${suffix}`, pulumi.interpolate`${server.id}/databases/master`, [{ category: "SQLSecurityAuditEvents" }, { category: "DevOpsOperationsAudit" }], []);
  }
}
