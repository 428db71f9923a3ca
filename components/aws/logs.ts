// CloudWatch log groups of the exported engine logs, created before the instance with retention and the
// customer key (RDS would otherwise create them itself, never expiring and unencrypted), and
// the managed password's rotation. The key policy CloudWatch Logs needs is in mapping-iam.ts.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import { placement, type RegionTarget } from "./keys.js";
import { logExports } from "./mapping-audit.js";
import { rdsLogGroupName } from "./mapping-iam.js";

export interface LogGroupContext {
  parent: pulumi.Resource;
  /** Pulumi name prefix of the children. */
  name: string;
  spec: DatabaseSpec;
  tags: Record<string, string>;
  /** false: RDS's own groups are kept (AwsRdsDatabaseArgs.manageLogGroups), none is created. */
  manage: boolean;
}

/**
 * One log group per exported log of the instance `identifier`, kept `observability.logRetentionDays` (default
 * 365) and encrypted with `kmsKeyArn` when given. `suffix` tells the instances' groups apart in Pulumi names.
 */
export function createLogGroups(
  ctx: LogGroupContext,
  identifier: string,
  suffix: string,
  kmsKeyArn: pulumi.Input<string> | undefined,
  target?: RegionTarget,
): aws.cloudwatch.LogGroup[] {
  if (!ctx.manage) return [];
  const { opts, region } = placement(ctx.parent, target);
  return logExports(ctx.spec).map(
    (log) =>
      new aws.cloudwatch.LogGroup(
        `${ctx.name}${suffix}-log-${log}`,
        {
          name: rdsLogGroupName(identifier, log),
          retentionInDays: ctx.spec.observability.logRetentionDays ?? 365,
          ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
          tags: ctx.tags,
          ...region,
        },
        opts,
      ),
  );
}

/** Default rotation period of the RDS-managed master password: RDS's own schedule. */
export const MANAGED_PASSWORD_ROTATION_DAYS = 7;

/**
 * The rotation schedule of the secret RDS manages (manageMasterUserPassword): rotation rules only, AWS runs
 * the rotation itself (no Lambda). Not rotated at once: the schedule starts from the last rotation.
 */
export function createManagedPasswordRotation(
  parent: pulumi.Resource,
  name: string,
  spec: DatabaseSpec,
  secretArn: pulumi.Input<string>,
): aws.secretsmanager.SecretRotation {
  return new aws.secretsmanager.SecretRotation(
    `${name}-password-rotation`,
    {
      secretId: secretArn,
      rotateImmediately: false,
      rotationRules: { automaticallyAfterDays: spec.auth.passwordRotationDays ?? MANAGED_PASSWORD_ROTATION_DAYS },
    },
    { parent },
  );
}
