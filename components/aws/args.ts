// Public argument and output types of the AWS RDS component.
import type * as aws from "@pulumi/aws";
import type { Environment, ResourceRef, SpecSource } from "../spec/types.js";

/**
 * Settings for one region other than the primary's (cross-region replicas, backup replication). Every id
 * may be an Output (of a resource in this program or a StackReference); ARN shapes are checked only on
 * plain strings.
 */
export interface AwsRegionalSettings {
  /** Subnets for a DB subnet group in that region. Default: the region's default subnet group. */
  subnetIds?: ResourceRef[];
  /** Security groups for replicas in that region. Default: the VPC's default security group. */
  securityGroupIds?: ResourceRef[];
  /**
   * KMS key ARN in that region. Required when the primary uses an existing customer key (`keyId`);
   * when the spec asks to create a key, one is created there; with the provider-managed key the
   * region's `alias/aws/rds` is used.
   */
  kmsKeyArn?: ResourceRef;
  /**
   * SNS topic ARN in that region for its ReplicaLag alarms (CloudWatch notifies same-region topics only).
   * Default: spec.observability.alarms.notificationTarget when that topic is in this region.
   */
  notificationTarget?: ResourceRef;
}

/**
 * A provider per region, or a function returning one. The function is called once per region the spec
 * needs, after the spec is validated, so an invalid spec registers no provider.
 */
export type AwsRegionProviders = Record<string, aws.Provider> | ((region: string) => aws.Provider | undefined);

interface AwsRdsDatabaseCommonArgs {
  /**
   * Environment the database runs in. Selects the preset when `input` is given, the validation
   * rules (prod refuses a public endpoint, for instance) and environment behaviour: prod applies
   * changes in the maintenance window, keeps automated backups after deletion and keeps deleted
   * secrets and keys for 30 days.
   */
  environment: Environment;
  /**
   * Region of the primary, the region of the `aws` provider in use. Replicas whose `region` equals it are
   * same-region replicas. Default: the `aws:region` stack configuration.
   */
  region?: string;
  /**
   * A provider per other region, for cross-region replicas, their KMS keys, parameter groups and alarms,
   * and for automated-backup replication. A region without a provider gets the parent's provider with the
   * resource-level `region` argument instead.
   */
  regionProviders?: AwsRegionProviders;
  /** Per-region networking, key and alarm target for regions other than the primary's. */
  regionalSettings?: Record<string, AwsRegionalSettings>;
  /** Override of the environment's applyImmediately (true outside prod). */
  applyImmediately?: boolean;
  /** Performance Insights retention in days (7, 731 or a multiple of 31). Default 7 (free tier). */
  performanceInsightsRetentionDays?: number;
  /**
   * Create the CloudWatch log groups of the exported logs (`/aws/rds/instance/<id>/<log>`, with
   * observability.logRetentionDays and the customer key) before the instances. Set false for a database created
   * before the component made them, whose groups RDS already created (creating them again fails with
   * ResourceAlreadyExistsException): import those groups as the component's children, then drop this. While
   * false, the retention is not applied and a warning says so. @default true
   */
  manageLogGroups?: boolean;
}

/**
 * Arguments of AwsRdsDatabase: a resolved `spec`, or an `input` that is laid over the environment's
 * preset (`resolveSpec(input, environment, "aws")`). Either way the spec is validated for AWS before any
 * resource is registered.
 */
export type AwsRdsDatabaseArgs = AwsRdsDatabaseCommonArgs & SpecSource;

/** How to connect as the master user (one definition for every cloud, in the spec). */
export type { ConnectionInfo } from "../spec/types.js";
