// AWS RDS component: the resource, grantConnect and the pure mapping functions.
import "./peer.js";
export { AwsRdsDatabase, AWS_RDS_DATABASE_TYPE, prepareAwsSpec } from "./rds-database.js";
export type { PreparedAwsSpec } from "./rds-database.js";
export type { AwsRdsDatabaseArgs, AwsRegionalSettings, AwsRegionProviders, ConnectionInfo } from "./args.js";
export { grantConnect } from "./grant-connect.js";
export type { GrantConnectOptions, GrantConnectResult } from "./grant-connect.js";
export { awsComponentIssues, foreignRegions } from "./checks.js";
export * from "./mapping.js";
export * from "./mapping-alarms.js";
export * from "./mapping-iam.js";
export * from "./mapping-backup.js";
export type { LongTermBackupResources } from "./long-term-backup.js";
export { primaryInstanceArgs, replicaInstanceArgs, RESTORE_IGNORE_CHANGES, CREATE_ONLY_IGNORE_CHANGES, engineLifecycleSupport } from "./instance-args.js";
export { MANAGED_PASSWORD_ROTATION_DAYS } from "./logs.js";
export { parameterGroupResourceName } from "./parameter-group.js";
export { poolConfig } from "./proxy.js";
export type { ProxyResources } from "./proxy.js";
