// Long-term retention on AWS: an AWS Backup vault (encrypted with the database's customer key when it has
// one), a plan with the weekly/monthly/yearly rules of mapping-backup.ts, and a selection of the primary
// instance made through a role carrying AWSBackupServiceRolePolicyForBackup.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import { BACKUP_SERVICE, longTermBackupRules } from "./mapping-backup.js";
import { assumeRolePolicy } from "./mapping-iam.js";

export interface LongTermBackupContext {
  parent: pulumi.Resource;
  name: string;
  spec: DatabaseSpec;
  instanceArn: pulumi.Input<string>;
  /** Customer key of the database; the vault uses AWS Backup's own key without one. */
  kmsKeyArn?: pulumi.Input<string>;
  /** Let a destroy delete the vault with its recovery points (outside prod). */
  forceDestroy: boolean;
  tags: Record<string, string>;
}

export interface LongTermBackupResources {
  vault: aws.backup.Vault;
  plan: aws.backup.Plan;
  selection: aws.backup.Selection;
  role: aws.iam.Role;
}

/** The vault, plan, role and selection; undefined when spec.backup.longTermRetention asks for nothing. */
export function createLongTermBackup(ctx: LongTermBackupContext): LongTermBackupResources | undefined {
  const rules = longTermBackupRules(ctx.spec);
  if (rules.length === 0) return undefined;
  const { parent, name, spec, tags } = ctx;
  const opts = { parent };
  const vaultName = `${spec.name}-ltr`;
  const vault = new aws.backup.Vault(
    `${name}-ltr`,
    { name: vaultName, ...(ctx.kmsKeyArn ? { kmsKeyArn: ctx.kmsKeyArn } : {}), forceDestroy: ctx.forceDestroy, tags },
    opts,
  );
  const plan = new aws.backup.Plan(
    `${name}-ltr`,
    {
      name: vaultName,
      rules: rules.map((r) => ({
        ruleName: r.ruleName,
        targetVaultName: vault.name,
        schedule: r.schedule,
        startWindow: 60,
        lifecycle: { deleteAfter: r.deleteAfterDays },
        recoveryPointTags: tags,
      })),
      tags,
    },
    opts,
  );
  const role = new aws.iam.Role(
    `${name}-backup`,
    { assumeRolePolicy: assumeRolePolicy(BACKUP_SERVICE), description: `AWS Backup for ${spec.name}`, tags },
    opts,
  );
  const attachment = new aws.iam.RolePolicyAttachment(
    `${name}-backup`,
    { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSBackupServiceRolePolicyForBackup },
    opts,
  );
  const selection = new aws.backup.Selection(
    `${name}-ltr`,
    { name: vaultName, planId: plan.id, iamRoleArn: role.arn, resources: [ctx.instanceArn] },
    { parent, dependsOn: [attachment] },
  );
  return { vault, plan, selection, role };
}
