// Promises the components keep that a hand-written stack can break: key ids in the form RDS reads back
// (an alias ARN plans a replacement on every `up`), PostgreSQL connections logged, Defender for SQL on.
import { dependsOn, get, list, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleDefinition } from "../types.js";
import { isReplica, present } from "./encryption.js";
import { awsEngine, flexibleConfig, parameterGroupOf, parameterValue } from "./network.js";

const ALIAS_ARN = /^arn:aws[a-z-]*:kms:[^:]*:\d*:alias\//;
const KEY_PROPS: Record<string, string[]> = {
  [T.rdsInstance]: ["kmsKeyId", "performanceInsightsKmsKeyId"],
  [T.rdsBackupReplication]: ["kmsKeyId"],
};

export const keyArnReadBack: RuleDefinition = {
  name: "db-key-arn",
  description: "RDS key inputs are key ARNs: RDS reads back the key ARN, so an alias ARN in kmsKeyId (which forces replacement) plans a replacement on every later update.",
  remediationSteps: "Resolve the alias to its key ARN (aws.kms.getKeyOutput({ keyId: alias }).arn, or `aws kms describe-key --key-id <alias> --query KeyMetadata.Arn`).",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: {},
  check(ctx) {
    ctx.each(Object.keys(KEY_PROPS), (r) => {
      for (const prop of KEY_PROPS[r.type] ?? []) {
        const v = str(r.props[prop]);
        if (v && ALIAS_ARN.test(v)) ctx.report(r, `${r.name}: ${prop} is the alias ARN ${v}; use the key ARN it points to (RDS reads back the key ARN and ${prop === "kmsKeyId" ? "replaces the resource" : "shows a diff"} otherwise)`);
      }
    }, { allEnvironments: true });
  },
};

const on = (v: string | undefined) => v === "1" || v === "on" || v === "true";

function connectionLoggingProblem(r: PolicyResourceView, all: readonly PolicyResourceView[]): string | undefined {
  const names = ["log_connections", "log_disconnections"];
  // Replicas follow their primary's logging (Azure flexible replicas take the source's parameters).
  if (isReplica(r) || safe(() => r.props.createMode === "Replica", false)) return undefined;
  if (r.type === T.rdsInstance) {
    const group = parameterGroupOf(r, all);
    if (!/postgres/.test(awsEngine(r, group))) return undefined;
    if (!group) return present(r, "parameterGroupName") ? undefined : "the default parameter group does not log connections";
    const off = names.filter((n) => !on(parameterValue(group, n)));
    return off.length ? `parameter group ${group.name} has ${off.join(", ")} off; set them to 1` : undefined;
  }
  if (r.type === T.sqlInstance) {
    if (!String(r.props.databaseVersion ?? "").startsWith("POSTGRES")) return undefined;
    const flags = new Map(list(get(r.props, "settings.databaseFlags")).map((f) => [String(get(f, "name")), String(get(f, "value")).toLowerCase()]));
    const off = names.filter((n) => !on(flags.get(n)));
    return off.length ? `database flags ${off.join(", ")} are not on` : undefined;
  }
  const config = flexibleConfig(r, all);
  const off = [...names, "log_checkpoints", "connection_throttle.enable"].filter((n) => !on(config.get(n)));
  return off.length ? `server parameters ${off.join(", ")} are not on` : undefined;
}

export const connectionsLogged: RuleDefinition = {
  name: "db-connections-logged",
  description: "PostgreSQL logs connections and disconnections (Azure flexible server: checkpoints too, with connection throttling).",
  remediationSteps: "Set log_connections and log_disconnections on (RDS parameter group 1, Cloud SQL flags on, Azure server parameters on); the components do this by default.",
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["staging", "prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance, T.sqlInstance, T.pgFlexible], (r) => {
      const problem = connectionLoggingProblem(r, ctx.resources);
      if (problem) ctx.report(r, `${r.name}: ${problem}`);
    });
  },
};

/** True when a Defender for SQL (security alert) policy in the stack is enabled on `server`. */
function defended(server: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  return all.some(
    (p) =>
      p.type === T.mssqlSecurityAlertPolicy &&
      safe(() => String(p.props.state) === "Enabled", false) &&
      (dependsOn(p, "serverName", server) || safe(() => !!str(p.props.serverName) && p.props.serverName === server.props.name && p.props.resourceGroupName === server.props.resourceGroupName, false)),
  );
}

export const sqlDefender: RuleDefinition = {
  name: "db-sql-defender",
  description: "Every Azure SQL logical server has Microsoft Defender for SQL (an enabled security alert policy).",
  remediationSteps: "Add azure.mssql.ServerSecurityAlertPolicy { state: \"Enabled\" } per server (AzureSqlDatabase does in prod; `defender.enabled`).",
  severity: "high",
  enforcementLevel: "advisory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each([T.mssqlServer], (r) => {
      if (!defended(r, ctx.resources)) ctx.report(r, `${r.name}: no enabled Defender for SQL (security alert) policy on this server`);
    });
  },
};
