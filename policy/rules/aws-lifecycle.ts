// RDS promises of issue #12 on stacks not built with the components: exported logs land in log groups that
// expire (RDS creates a never-expiring group of its own otherwise), and prod does not silently run, and pay
// for, a major past its end of standard support (RDS Extended Support).
import { list, num, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleDefinition } from "../types.js";
import { isReplica } from "./encryption.js";
import { awsEngine, parameterGroupOf } from "./network.js";

/** Log groups RDS publishes `db`'s exported logs to that the stack declares with no retention (or not at all). */
function unkeptLogs(db: PolicyResourceView, all: readonly PolicyResourceView[]): string[] {
  const identifier = safe(() => str(db.props.identifier), undefined);
  if (!identifier) return [];
  const groups = all.filter((g) => g.type === T.logGroup);
  return safe(() => list(db.props.enabledCloudwatchLogsExports), [])
    .map((log) => `/aws/rds/instance/${identifier}/${String(log)}`)
    .filter((name) => !groups.some((g) => safe(() => g.props.name === name && (num(g.props.retentionInDays) ?? 0) > 0, true)));
}

export const logRetention: RuleDefinition = {
  name: "db-log-retention",
  description: "Every log an RDS instance exports to CloudWatch goes to a log group declared in the stack with a retention: RDS otherwise creates /aws/rds/instance/<id>/<log> itself, kept forever and unencrypted.",
  remediationSteps: "Declare aws.cloudwatch.LogGroup { name: \"/aws/rds/instance/<identifier>/<log>\", retentionInDays, kmsKeyId } for each exported log and make the instance depend on it (AwsRdsDatabase does; observability.logRetentionDays). For an existing group, import it first (pulumi import aws:cloudwatch/logGroup:LogGroup <name> <name>).",
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["staging", "prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance], (r) => {
      const missing = unkeptLogs(r, ctx.resources);
      if (missing.length > 0) ctx.report(r, `${r.name}: no log group with a retention for ${missing.join(", ")}; declare them with retentionInDays`);
    });
  },
};

export const noExtendedSupport: RuleDefinition = {
  name: "db-no-extended-support",
  description: "RDS for PostgreSQL and MySQL in prod opt out of RDS Extended Support (engineLifecycleSupport open-source-rds-extended-support-disabled), so a major past its end of standard support is refused or upgraded, never run and billed silently.",
  remediationSteps: "Set engineLifecycleSupport: \"open-source-rds-extended-support-disabled\" when creating the instance (RDS cannot change it later: restore or Blue/Green into a new one), and run a major in standard support (AwsRdsDatabase: extendedSupport false, the prod default).",
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance], (r) => {
      if (isReplica(r)) return; // a read replica follows its source
      if (!/^(postgres|mysql)/.test(awsEngine(r, parameterGroupOf(r, ctx.resources)))) return;
      const value = safe(() => str(r.props.engineLifecycleSupport), "open-source-rds-extended-support-disabled");
      if (value !== "open-source-rds-extended-support-disabled") {
        ctx.report(r, `${r.name}: engineLifecycleSupport is ${value ?? "unset (RDS enrols in paid Extended Support)"}; set open-source-rds-extended-support-disabled at creation`);
      }
    });
  },
};
