// KMS keys for storage, Performance Insights, the credentials secret and copies in other regions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import type { AwsRegionalSettings } from "./args.js";
import { AWS_MANAGED_RDS_KEY_ALIAS, keyPolicy } from "./mapping-iam.js";

/** A region other than the primary's, and the provider to reach it (if the caller gave one). */
export interface RegionTarget {
  region: string;
  provider?: aws.Provider;
}

/**
 * Resource options and the `region` argument for a child in `target`'s region: the region's provider
 * when given, else the parent's provider with the resource-level `region` argument (AWS provider v7).
 */
export function placement(
  parent: pulumi.Resource,
  target: RegionTarget | undefined,
): { opts: pulumi.CustomResourceOptions; region: { region?: string } } {
  if (!target) return { opts: { parent }, region: {} };
  if (target.provider) return { opts: { parent, provider: target.provider }, region: {} };
  return { opts: { parent }, region: { region: target.region } };
}

export interface KeyRingContext {
  parent: pulumi.Resource;
  /** Pulumi name prefix of the children. */
  name: string;
  spec: DatabaseSpec;
  keyDeletionDays: number;
  /** Region of the primary (for the key policy's CloudWatch Logs principal); default: the provider's. */
  primaryRegion?: string;
  regionalSettings: Record<string, AwsRegionalSettings>;
  tags: Record<string, string>;
}

/** The primary key (created, given, or none for the provider-managed key) and one key per other region. */
export class KeyRing {
  /** ARN of the customer key in the primary's region; undefined with the provider-managed key. */
  readonly primaryArn: pulumi.Output<string> | undefined;
  private readonly regional = new Map<string, pulumi.Output<string>>();

  constructor(private readonly ctx: KeyRingContext) {
    const atRest = ctx.spec.encryption.atRest;
    if (atRest.type === "customer-key") {
      this.primaryArn = "keyId" in atRest ? pulumi.output(atRest.keyId) : this.createKey(undefined);
    }
  }

  /** True when the spec asks the component to create (and rotate) its keys. */
  private get creates(): boolean {
    const atRest = this.ctx.spec.encryption.atRest;
    return atRest.type === "customer-key" && "create" in atRest;
  }

  private createKey(target: RegionTarget | undefined): pulumi.Output<string> {
    const { parent, name, spec, keyDeletionDays, tags } = this.ctx;
    const atRest = spec.encryption.atRest;
    const rotationDays = atRest.type === "customer-key" && "create" in atRest ? (atRest.rotationDays ?? 365) : 365;
    const suffix = target ? `-${target.region}` : "";
    const { opts, region } = placement(parent, target);
    const key = new aws.kms.Key(
      `${name}-key${suffix}`,
      {
        description: `${spec.name} database storage, Performance Insights and credentials`,
        enableKeyRotation: true,
        rotationPeriodInDays: rotationDays,
        deletionWindowInDays: keyDeletionDays,
        // The default policy plus CloudWatch Logs, which encrypts the exported logs' groups with this key.
        policy: this.policyFor(target, opts),
        tags,
        ...region,
      },
      opts,
    );
    new aws.kms.Alias(`${name}-key-alias${suffix}`, { name: `alias/${spec.name}-rds`, targetKeyId: key.keyId, ...region }, opts);
    return key.arn;
  }

  private policyFor(target: RegionTarget | undefined, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const invoke = { parent: this.ctx.parent, ...(opts.provider ? { provider: opts.provider } : {}) };
    const identity = aws.getCallerIdentityOutput({}, invoke);
    const partition = aws.getPartitionOutput({}, invoke);
    const known = target?.region ?? this.ctx.primaryRegion;
    const region = known !== undefined ? pulumi.output(known) : aws.getRegionOutput({}, invoke).region;
    return pulumi
      .all([partition.partition, identity.accountId, region])
      .apply(([p, account, r]) => keyPolicy(p, account, r, this.ctx.spec.name));
  }

  /** Key ARN for encrypted copies in `target`'s region (created once per region). */
  forRegion(target: RegionTarget, instanceArn: pulumi.Output<string>): pulumi.Output<string> {
    const existing = this.regional.get(target.region);
    if (existing) return existing;
    const given = this.ctx.regionalSettings[target.region]?.kmsKeyArn;
    const arn = given
      ? pulumi.output(given)
      : this.creates
        ? this.createKey(target)
        : this.awsManagedKeyArn(target, instanceArn);
    this.regional.set(target.region, arn);
    return arn;
  }

  /**
   * The key ARN behind `alias/aws/rds` in `target`'s region. RDS reads a key back as its key ARN and
   * kms_key_id forces replacement, so an alias ARN would plan a replacement on every later `up`.
   * DescribeKey on an AWS alias creates the AWS managed key when the region has none yet
   * (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html).
   */
  private awsManagedKeyArn(target: RegionTarget, instanceArn: pulumi.Output<string>): pulumi.Output<string> {
    const { parent } = this.ctx;
    // After the primary exists, so a failed look-up never blocks the primary's own creation.
    const keyId = instanceArn.apply(() => AWS_MANAGED_RDS_KEY_ALIAS);
    const invoke = target.provider ? { parent, provider: target.provider } : { parent };
    return aws.kms.getKeyOutput({ keyId, ...(target.provider ? {} : { region: target.region }) }, invoke).arn;
  }
}
