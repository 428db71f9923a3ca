// AWS RDS component: the resource, grantConnect and the pure mapping functions.
export { AwsRdsDatabase, AWS_RDS_DATABASE_TYPE, prepareAwsSpec } from "./rds-database.ts";
export type { PreparedAwsSpec } from "./rds-database.ts";
export type { AwsRdsDatabaseArgs, AwsRegionalSettings, ConnectionInfo } from "./args.ts";
export { grantConnect } from "./grant-connect.ts";
export type { GrantConnectOptions, GrantConnectResult } from "./grant-connect.ts";
export { awsComponentIssues, foreignRegions } from "./checks.ts";
export * from "./mapping.ts";
export * from "./mapping-alarms.ts";
export * from "./mapping-iam.ts";
export * from "./mapping-backup.ts";
export type { LongTermBackupResources } from "./long-term-backup.ts";
export { primaryInstanceArgs, replicaInstanceArgs, RESTORE_IGNORE_CHANGES } from "./instance-args.ts";
export { parameterGroupResourceName } from "./parameter-group.ts";
export { poolConfig } from "./proxy.ts";
export type { ProxyResources } from "./proxy.ts";
