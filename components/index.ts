// Public API of the components (`db-provisioning-toolkit/components`): the DatabaseSpec contract (types,
// presets, validation), every cloud's component with its argument types, and grantConnect. The pure
// per-cloud mapping functions stay in components/<cloud>/index.ts.

export * from "./spec/index.ts";

// AWS RDS
export { AwsRdsDatabase, AWS_RDS_DATABASE_TYPE, prepareAwsSpec } from "./aws/index.ts";
export type { AwsRdsDatabaseArgs, AwsRegionalSettings, LongTermBackupResources, PreparedAwsSpec, ProxyResources } from "./aws/index.ts";
export { grantConnect } from "./aws/index.ts";
export type { GrantConnectOptions, GrantConnectResult } from "./aws/index.ts";

// Google Cloud SQL
export { GcpCloudSqlDatabase } from "./gcp/index.ts";
export type { GcpCloudSqlDatabaseArgs } from "./gcp/index.ts";

// Azure SQL Database and flexible servers
export { AzureMysqlFlexibleServer, AzurePostgresFlexibleServer, AzureSqlDatabase } from "./azure/index.ts";
export type { AzureFlexibleServerArgs, AzureSqlAutomaticTuning, AzureSqlDatabaseArgs, KeyVaultAccessModel } from "./azure/index.ts";
