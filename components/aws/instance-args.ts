// rds.Instance arguments for the primary and its replicas. Pure: references to other resources come in
// as inputs, so tests can pass plain strings and check the result without a Pulumi runtime.
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { defaultRdsCertificateAuthority } from "../spec/aws-rules.js";
import type { DatabaseSpec } from "../spec/types.js";
import {
  ENGINE_PORT,
  RDS_ENGINE,
  finalSnapshotIdentifier,
  initialDatabase,
  instanceClass,
  maintenanceWindow,
  maxAllocatedStorage,
  performanceInsightsEnabled,
  rdsEngineVersion,
  restoreArgs,
  type EnvironmentBehaviour,
  type ReplicaPlan,
} from "./mapping.js";
import { logExports, rdsDefaultOptionGroup } from "./mapping-audit.js";

/**
 * Inputs that only shape creation. They are ignored after create so that adding, changing or removing
 * a restore source later never replaces a live database.
 */
export const RESTORE_IGNORE_CHANGES = ["snapshotIdentifier", "restoreToPointInTime"];

/**
 * Inputs RDS takes at creation only, ignored afterwards: the restore source, and the Extended Support
 * enrollment, which RDS cannot change on an existing instance (the provider would plan an update that does
 * nothing: hashicorp/terraform-provider-aws#44552; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html).
 */
export const CREATE_ONLY_IGNORE_CHANGES = [...RESTORE_IGNORE_CHANGES, "engineLifecycleSupport"];

/** RDS engineLifecycleSupport for spec.extendedSupport; undefined leaves RDS's default (enrolled). */
export function engineLifecycleSupport(spec: DatabaseSpec): string | undefined {
  if (spec.engine === "sqlserver" || spec.extendedSupport === undefined) return undefined;
  return spec.extendedSupport ? "open-source-rds-extended-support" : "open-source-rds-extended-support-disabled";
}

export interface InstanceRefs {
  parameterGroupName: pulumi.Input<string>;
  /** The audit option group (MariaDB Audit Plugin, RDS for MySQL with observability.pgaudit); unset otherwise. */
  optionGroupName?: pulumi.Input<string>;
  securityGroupIds: pulumi.Input<string>[];
  subnetGroupName?: pulumi.Input<string>;
  /** Customer key for storage and Performance Insights (cross-region replicas: the key there). */
  kmsKeyArn?: pulumi.Input<string>;
  monitoringRoleArn?: pulumi.Input<string>;
  /** Primary only: final snapshot identifier (unique per instance). Default `<name>-final`. */
  finalSnapshotIdentifier?: pulumi.Input<string>;
}

export interface InstanceBehaviour extends EnvironmentBehaviour {
  performanceInsightsRetentionDays: number;
}

/** Settings the primary and its replicas share. */
function sharedArgs(
  spec: DatabaseSpec,
  cls: string,
  behaviour: InstanceBehaviour,
  refs: InstanceRefs,
): Partial<aws.rds.InstanceArgs> {
  const insights = performanceInsightsEnabled(spec, cls);
  const monitoring = spec.observability.enhancedMonitoringSeconds;
  const window = maintenanceWindow(spec.maintenanceWindow);
  const optionGroupName = refs.optionGroupName ?? rdsDefaultOptionGroup(spec);
  return {
    instanceClass: cls,
    storageType: spec.storage.type ?? "gp3",
    ...(spec.storage.iops !== undefined ? { iops: spec.storage.iops } : {}),
    ...(spec.storage.throughputMbps !== undefined ? { storageThroughput: spec.storage.throughputMbps } : {}),
    maxAllocatedStorage: maxAllocatedStorage(spec),
    storageEncrypted: true,
    ...(refs.kmsKeyArn ? { kmsKeyId: refs.kmsKeyArn } : {}),
    port: ENGINE_PORT[spec.engine],
    parameterGroupName: refs.parameterGroupName,
    // Without auditing, MySQL names RDS's default group (an instance leaving the audit group must move off it
    // before the group can go); PostgreSQL leaves it unset: RDS attaches and reads back its default, no diff.
    ...(optionGroupName ? { optionGroupName } : {}),
    // None given (cross-region replicas without regionalSettings): RDS picks the VPC's default group.
    ...(refs.securityGroupIds.length > 0 ? { vpcSecurityGroupIds: refs.securityGroupIds } : {}),
    ...(refs.subnetGroupName ? { dbSubnetGroupName: refs.subnetGroupName } : {}),
    publiclyAccessible: !spec.network.private,
    networkType: spec.network.dualStack === true ? "DUAL" : "IPV4",
    caCertIdentifier: spec.encryption.certificateAuthority ?? defaultRdsCertificateAuthority,
    iamDatabaseAuthenticationEnabled: spec.auth.iamAuthentication,
    enabledCloudwatchLogsExports: logExports(spec),
    performanceInsightsEnabled: insights,
    ...(insights
      ? {
          performanceInsightsRetentionPeriod: behaviour.performanceInsightsRetentionDays,
          ...(refs.kmsKeyArn ? { performanceInsightsKmsKeyId: refs.kmsKeyArn } : {}),
        }
      : {}),
    monitoringInterval: monitoring,
    ...(monitoring > 0 && refs.monitoringRoleArn ? { monitoringRoleArn: refs.monitoringRoleArn } : {}),
    autoMinorVersionUpgrade: true,
    applyImmediately: behaviour.applyImmediately,
    deletionProtection: spec.deletionProtection,
    copyTagsToSnapshot: true,
    ...(window ? { maintenanceWindow: window } : {}),
    tags: spec.tags,
  };
}

export interface PrimaryCredentials {
  /** Generated password; absent when RDS manages it. */
  password?: pulumi.Input<string>;
  /** Key for the RDS-managed secret. */
  managedSecretKmsKeyArn?: pulumi.Input<string>;
}

export function primaryInstanceArgs(
  spec: DatabaseSpec,
  behaviour: InstanceBehaviour,
  refs: InstanceRefs,
  credentials: PrimaryCredentials,
): aws.rds.InstanceArgs {
  const cls = instanceClass(spec.size, spec.engine);
  const restore = restoreArgs(spec.restore);
  const restoring = spec.restore !== undefined;
  const managed = spec.auth.managedMasterPassword === true;
  const { dbName } = initialDatabase(spec);
  const finalSnapshot = spec.backup.finalSnapshot;
  const lifecycle = engineLifecycleSupport(spec);
  return {
    ...sharedArgs(spec, cls, behaviour, refs),
    instanceClass: cls,
    identifier: spec.name,
    engine: RDS_ENGINE[spec.engine],
    engineVersion: rdsEngineVersion(spec.engine, spec.engineVersion),
    ...(lifecycle ? { engineLifecycleSupport: lifecycle } : {}),
    ...(spec.engine === "sqlserver" ? { licenseModel: "license-included" } : {}),
    allocatedStorage: spec.storage.sizeGb,
    multiAz: spec.highAvailability,
    // A restored database takes its user and database names from the source.
    ...(restoring ? {} : { username: spec.auth.masterUsername, ...(dbName ? { dbName } : {}) }),
    ...(managed
      ? {
          manageMasterUserPassword: true,
          ...(credentials.managedSecretKmsKeyArn ? { masterUserSecretKmsKeyId: credentials.managedSecretKmsKeyArn } : {}),
        }
      : { password: credentials.password }),
    backupRetentionPeriod: spec.backup.retentionDays,
    ...(spec.backup.window ? { backupWindow: spec.backup.window } : {}),
    deleteAutomatedBackups: behaviour.deleteAutomatedBackups,
    skipFinalSnapshot: !finalSnapshot,
    ...(finalSnapshot ? { finalSnapshotIdentifier: refs.finalSnapshotIdentifier ?? finalSnapshotIdentifier(spec.name) } : {}),
    allowMajorVersionUpgrade: spec.allowMajorVersionUpgrade ?? false,
    ...(spec.blueGreenUpdates ? { blueGreenUpdate: { enabled: true } } : {}),
    ...restore,
  };
}

/**
 * A read replica. Same-region replicas name their source by identifier and inherit its subnet group;
 * cross-region replicas need the source ARN and a key in their own region.
 */
export function replicaInstanceArgs(
  spec: DatabaseSpec,
  plan: ReplicaPlan,
  source: pulumi.Input<string>,
  behaviour: InstanceBehaviour,
  refs: InstanceRefs,
): aws.rds.InstanceArgs {
  return {
    ...sharedArgs(spec, plan.instanceClass, behaviour, refs),
    instanceClass: plan.instanceClass,
    identifier: plan.identifier,
    replicateSourceDb: source,
    multiAz: false,
    // A cross-region replica is the DR copy: it keeps automated backups, so it is protected once promoted.
    ...(plan.region ? { backupRetentionPeriod: spec.backup.retentionDays, ...(spec.backup.window ? { backupWindow: spec.backup.window } : {}) } : {}),
    // RDS refuses a final snapshot of a replica.
    skipFinalSnapshot: true,
  };
}
