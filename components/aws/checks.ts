// Checks that depend on the component's arguments (regions, providers, keys), not on the spec alone;
// validateSpec covers the spec's own rules. Pure, run before any resource is registered.
import { awsKeyArnMessage } from "../spec/cloud-rules.js";
import { isKnownString } from "../spec/inputs.js";
import type { DatabaseSpec, SpecIssue } from "../spec/types.js";
import type { AwsRegionalSettings } from "./args.js";
import { replicaPlan } from "./mapping.js";

export interface AwsCheckContext {
  primaryRegion?: string;
  regionalSettings?: Record<string, AwsRegionalSettings>;
}

/** Regions other than the primary's that the spec needs (cross-region replicas, backup copies). */
export function foreignRegions(spec: DatabaseSpec, primaryRegion: string | undefined): string[] {
  const regions = new Set<string>();
  for (const plan of replicaPlan(spec, primaryRegion)) if (plan.region) regions.add(plan.region);
  const copy = spec.backup.crossRegionCopy?.region;
  if (copy !== undefined && copy !== primaryRegion) regions.add(copy);
  return [...regions].sort();
}

export function awsComponentIssues(spec: DatabaseSpec, ctx: AwsCheckContext): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const issue = (path: string, value: unknown, message: string) => issues.push({ path, value, message, cloud: "aws" });
  const subnets = spec.network.subnetIds ?? [];

  if (spec.pooling.enabled && subnets.length < 2) {
    issue(
      "network.subnetIds",
      spec.network.subnetIds,
      "RDS Proxy (pooling.enabled) needs subnets in at least two availability zones; set network.subnetIds or turn pooling off",
    );
  }

  // The security group would land in vpcId while the instance lands in the default VPC's subnets.
  if (spec.network.vpcId !== undefined && subnets.length === 0) {
    issue(
      "network.subnetIds",
      spec.network.subnetIds,
      "network.vpcId is set without network.subnetIds: the security group would be created in that VPC and the instance in the default VPC, which RDS refuses; list two or more subnets of that VPC in network.subnetIds, or drop vpcId",
    );
  }
  for (const [region, settings] of Object.entries(ctx.regionalSettings ?? {})) {
    const arn = settings.kmsKeyArn;
    if (isKnownString(arn) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(arn)) {
      issue(`regionalSettings["${region}"].kmsKeyArn`, arn, awsKeyArnMessage(arn));
    }
  }

  const copyRegion = spec.backup.crossRegionCopy?.region;
  if (copyRegion !== undefined && copyRegion === ctx.primaryRegion) {
    issue(
      "backup.crossRegionCopy.region",
      copyRegion,
      `backups are already kept in ${copyRegion}, the primary's region; choose another region for the copy`,
    );
  }
  if (copyRegion !== undefined && spec.backup.retentionDays === 0) {
    issue("backup.retentionDays", 0, "backup replication needs automated backups; set retentionDays to 1 or more");
  }

  const atRest = spec.encryption.atRest;
  if (atRest.type === "customer-key" && "keyId" in atRest) {
    for (const region of foreignRegions(spec, ctx.primaryRegion)) {
      if (!ctx.regionalSettings?.[region]?.kmsKeyArn) {
        issue(
          "encryption.atRest.keyId",
          atRest.keyId,
          `a key in ${region} is needed for the encrypted copies there; pass regionalSettings["${region}"].kmsKeyArn (a multi-Region replica key, for instance) or let the component create keys (encryption.atRest.create)`,
        );
      }
    }
  }

  if (spec.blueGreenUpdates && replicaPlan(spec, ctx.primaryRegion).some((r) => r.region !== undefined)) {
    issue(
      "blueGreenUpdates",
      true,
      "RDS Blue/Green deployments do not support cross-region read replicas; drop the cross-region replicas or blueGreenUpdates",
    );
  }
  return issues;
}
