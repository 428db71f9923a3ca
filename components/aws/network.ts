// Security group admitting only the allowed CIDRs / security groups on the engine port, and the DB
// subnet group. Rules are separate resources keyed by their source, so reordering the lists is no diff.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isKnownString } from "../spec/inputs.js";
import type { DatabaseSpec } from "../spec/types.js";

export interface NetworkResources {
  securityGroup: aws.ec2.SecurityGroup;
  subnetGroup?: aws.rds.SubnetGroup;
  ingressRules: aws.vpc.SecurityGroupIngressRule[];
}

/** Resource-name-safe form of a CIDR or id: 10.0.0.0/16 → 10-0-0-0-16. */
export function nameSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export function createNetwork(
  parent: pulumi.Resource,
  name: string,
  spec: DatabaseSpec,
  port: number,
  tags: Record<string, string>,
): NetworkResources {
  const opts = { parent };
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    {
      description: `${spec.name} ${spec.engine} database, port ${port}`,
      ...(spec.network.vpcId ? { vpcId: spec.network.vpcId } : {}),
      tags,
    },
    opts,
  );
  const rule = (key: string, source: Partial<aws.vpc.SecurityGroupIngressRuleArgs>, description: pulumi.Input<string>) =>
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-in-${key}`,
      { securityGroupId: securityGroup.id, ipProtocol: "tcp", fromPort: port, toPort: port, description, tags, ...source },
      opts,
    );
  const ingressRules: aws.vpc.SecurityGroupIngressRule[] = [];
  for (const cidr of [...new Set(spec.network.allowedCidrs)]) {
    const source = cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
    ingressRules.push(rule(nameSafe(cidr), source, `${spec.engine} from ${cidr}`));
  }
  // A known id names its rule (reordering is no diff); an Output is known only at deploy, so its position does.
  [...new Set(spec.network.allowedSecurityGroupIds ?? [])].forEach((sg, i) => {
    const key = isKnownString(sg) ? nameSafe(sg) : `sg-ref-${i}`;
    ingressRules.push(rule(key, { referencedSecurityGroupId: sg }, pulumi.interpolate`${spec.engine} from ${sg}`));
  });
  if (spec.pooling.enabled) {
    // The proxy shares the database's group: it must reach the instance, and the group has no egress.
    ingressRules.push(rule("self", { referencedSecurityGroupId: securityGroup.id }, "RDS Proxy to the database"));
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out-self`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: "RDS Proxy to the database",
        tags,
      },
      opts,
    );
  }
  const subnetIds = spec.network.subnetIds ?? [];
  const subnetGroup =
    subnetIds.length > 0
      ? new aws.rds.SubnetGroup(
          `${name}-subnets`,
          { description: `${spec.name} database subnets`, subnetIds, tags },
          opts,
        )
      : undefined;
  return { securityGroup, ...(subnetGroup ? { subnetGroup } : {}), ingressRules };
}
