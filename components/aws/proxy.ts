// RDS Proxy in front of the primary: TLS required, authenticating with the credentials secret.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec, ResourceRef } from "../spec/types.js";
import { PROXY_ENGINE_FAMILY, proxyClientAuthType } from "./mapping.js";
import { PROXY_SERVICE, assumeRolePolicy, proxySecretPolicy } from "./mapping-iam.js";

export interface ProxyContext {
  parent: pulumi.Resource;
  name: string;
  spec: DatabaseSpec;
  secretArn: pulumi.Output<string>;
  kmsKeyArn?: pulumi.Output<string>;
  securityGroupId: pulumi.Input<string>;
  subnetIds: ResourceRef[];
  instanceIdentifier: pulumi.Input<string>;
  tags: Record<string, string>;
}

export interface ProxyResources {
  proxy: aws.rds.Proxy;
  role: aws.iam.Role;
  targetGroup: aws.rds.ProxyDefaultTargetGroup;
  target: aws.rds.ProxyTarget;
}

/** Pool settings from spec.pooling: max 90% of max_connections, idle clients dropped after 30 minutes. */
export function poolConfig(spec: DatabaseSpec): { maxConnectionsPercent: number; maxIdleConnectionsPercent: number; connectionBorrowTimeout: number } {
  const max = spec.pooling.maxConnectionsPercent ?? 90;
  return { maxConnectionsPercent: max, maxIdleConnectionsPercent: Math.min(50, max), connectionBorrowTimeout: 120 };
}

export function createProxy(ctx: ProxyContext): ProxyResources {
  const { parent, name, spec, tags } = ctx;
  const opts = { parent };
  const role = new aws.iam.Role(
    `${name}-proxy`,
    { assumeRolePolicy: assumeRolePolicy(PROXY_SERVICE), description: `RDS Proxy for ${spec.name}`, tags },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-proxy-secret`,
    {
      role: role.id,
      policy: pulumi
        .all([ctx.secretArn, ctx.kmsKeyArn])
        .apply(([secretArn, keyArn]) => JSON.stringify(proxySecretPolicy(secretArn, keyArn))),
    },
    opts,
  );
  const proxy = new aws.rds.Proxy(
    `${name}-proxy`,
    {
      engineFamily: PROXY_ENGINE_FAMILY[spec.engine],
      requireTls: true,
      roleArn: role.arn,
      vpcSubnetIds: ctx.subnetIds,
      vpcSecurityGroupIds: [ctx.securityGroupId],
      idleClientTimeout: spec.pooling.idleClientTimeoutSeconds ?? 1800,
      debugLogging: false,
      auths: [
        {
          authScheme: "SECRETS",
          secretArn: ctx.secretArn,
          // With IAM database authentication the proxy requires IAM tokens too, so the proxy is not a
          // password-only side door; without it clients use the password.
          iamAuth: spec.auth.iamAuthentication ? "REQUIRED" : "DISABLED",
          clientPasswordAuthType: proxyClientAuthType(spec.engine, spec.engineVersion),
          description: `${spec.name} master user`,
        },
      ],
      tags,
    },
    { parent, dependsOn: [policy] },
  );
  const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
    `${name}-proxy`,
    { dbProxyName: proxy.name, connectionPoolConfig: poolConfig(spec) },
    opts,
  );
  const target = new aws.rds.ProxyTarget(
    `${name}-proxy`,
    { dbProxyName: proxy.name, targetGroupName: targetGroup.name, dbInstanceIdentifier: ctx.instanceIdentifier },
    opts,
  );
  return { proxy, role, targetGroup, target };
}
