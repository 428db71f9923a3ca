// Recoverability: automated backups kept long enough, point-in-time recovery on, and in prod deletion
// protection plus a final snapshot.
import { azureScopeCovers, dependsOn, get, mssqlServerOf, num, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleContext, RuleDefinition } from "../types.js";
import { isReplica, present } from "./encryption.js";

/** Retention in days as the cloud applies it (provider defaults when unset), or undefined when backups are off. */
function retentionDays(r: PolicyResourceView): number | undefined {
  switch (r.type) {
    case T.rdsInstance:
    case T.rdsCluster: {
      const days = num(r.props.backupRetentionPeriod) ?? 1; // RDS default
      return days > 0 ? days : undefined;
    }
    case T.sqlInstance: {
      if (get(r.props, "settings.backupConfiguration.enabled") !== true) return undefined;
      const unit = str(get(r.props, "settings.backupConfiguration.backupRetentionSettings.retentionUnit")) ?? "COUNT";
      // Backups are daily, so a count of backups is a number of days.
      return unit === "COUNT" ? (num(get(r.props, "settings.backupConfiguration.backupRetentionSettings.retainedBackups")) ?? 7) : undefined;
    }
    case T.mssqlDatabase:
      return num(get(r.props, "shortTermRetentionPolicy.retentionDays")) ?? 7;
    case T.pgFlexible:
    case T.mysqlFlexible:
      return num(r.props.backupRetentionDays) ?? 7;
    default:
      return undefined;
  }
}

const PRIMARIES = [T.rdsInstance, T.rdsCluster, T.sqlInstance, T.mssqlDatabase, T.pgFlexible, T.mysqlFlexible] as const;

export const backupRetention: RuleDefinition = {
  name: "db-backup-retention",
  description: "Automated backups are on and kept at least minRetentionDays (default 7) in the environments listed (staging and prod by default).",
  remediationSteps: "Raise spec.backup.retentionDays (AWS up to 35, GCP up to 365, Azure up to 35).",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: { minRetentionDays: 7, environments: ["staging", "prod"] },
  check(ctx) {
    const min = ctx.config.minRetentionDays ?? 7;
    ctx.each(PRIMARIES, (r) => {
      if (isReplica(r)) return;
      const days = retentionDays(r);
      if (days === undefined) ctx.report(r, `${r.name}: automated backups are off; turn them on with at least ${min} days of retention`);
      else if (days < min) ctx.report(r, `${r.name}: backups are kept ${days} day(s); ${ctx.environmentOf(r)} needs at least ${min}`);
    });
  },
};

export const pitrEnabled: RuleDefinition = {
  name: "db-pitr-enabled",
  description: "Point-in-time recovery is on (transaction-log backups), so a restore can reach any second inside the retention window.",
  remediationSteps: "Set spec.backup.pointInTimeRecovery: true (AWS: retention > 0; GCP: pointInTimeRecoveryEnabled / binaryLogEnabled).",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: { environments: ["staging", "prod"] },
  check(ctx) {
    ctx.each([T.rdsInstance], (r) => {
      if (isReplica(r)) return;
      if ((num(r.props.backupRetentionPeriod) ?? 1) === 0) ctx.report(r, `${r.name}: backupRetentionPeriod is 0, which turns point-in-time recovery off; set it to at least 1`);
    });
    ctx.each([T.sqlInstance], (r) => {
      if (isReplica(r)) return;
      const version = String(r.props.databaseVersion ?? "");
      const backups = get(r.props, "settings.backupConfiguration.enabled") === true;
      const flag = version.startsWith("MYSQL") ? "binaryLogEnabled" : "pointInTimeRecoveryEnabled";
      if (!backups || get(r.props, `settings.backupConfiguration.${flag}`) !== true) {
        ctx.report(r, `${r.name}: point-in-time recovery is off; set settings.backupConfiguration.enabled and ${flag} to true`);
      }
    });
    // Azure SQL Database and the flexible servers always keep transaction-log backups; Aurora always can restore to a time.
  },
};

/** A CanNotDelete (or ReadOnly) lock in the stack whose scope covers `r`. */
function lockedAgainstDelete(r: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  return all.some(
    (l) =>
      l.type === T.lock &&
      safe(() => ["CanNotDelete", "ReadOnly"].includes(String(l.props.lockLevel)), false) &&
      (dependsOn(l, "scope", r) || safe(() => azureScopeCovers(l.props.scope, r), false)),
  );
}

function deletionProblems(r: PolicyResourceView, ctx: RuleContext): string[] {
  const out: string[] = [];
  switch (r.type) {
    case T.rdsInstance:
    case T.rdsCluster:
      if (r.props.deletionProtection !== true) out.push("deletionProtection is not true");
      if (r.props.skipFinalSnapshot !== false) out.push("no final snapshot (skipFinalSnapshot is not false)");
      else if (!present(r, "finalSnapshotIdentifier")) out.push("skipFinalSnapshot is false but finalSnapshotIdentifier is unset");
      break;
    case T.sqlInstance:
      if (r.props.deletionProtection === false) out.push("deletionProtection (Pulumi) is false");
      if (get(r.props, "settings.deletionProtectionEnabled") !== true) out.push("settings.deletionProtectionEnabled (Cloud SQL) is not true");
      if (get(r.props, "settings.finalBackupConfig.enabled") !== true) out.push("no final backup (settings.finalBackupConfig.enabled is not true)");
      break;
    case T.mssqlDatabase: {
      const server = mssqlServerOf(r, ctx.resources);
      if (!lockedAgainstDelete(r, ctx.resources) && !(server && lockedAgainstDelete(server, ctx.resources))) {
        out.push("no CanNotDelete management lock on the database or its server");
      }
      break;
    }
    case T.pgFlexible:
    case T.mysqlFlexible:
      if (!lockedAgainstDelete(r, ctx.resources)) out.push("no CanNotDelete management lock on the server");
      break;
  }
  return out;
}

export const deletionProtection: RuleDefinition = {
  name: "db-deletion-protection",
  description: "In prod, databases cannot be deleted by accident (deletion protection / a CanNotDelete lock) and leave a final snapshot when deleted on purpose.",
  remediationSteps: "Keep spec.deletionProtection and spec.backup.finalSnapshot true in prod (the prod preset does).",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each(PRIMARIES, (r) => {
      if (isReplica(r)) return;
      const problems = deletionProblems(r, ctx);
      if (problems.length > 0) ctx.report(r, `${r.name}: ${problems.join("; ")}`);
    });
  },
};
