// Azure SQL Database and Azure Database for PostgreSQL / MySQL flexible servers on the cloud-neutral DatabaseSpec.
export { AzureSqlDatabase } from "./sqlDatabase.ts";
export { AzurePostgresFlexibleServer } from "./postgresFlexibleServer.ts";
export { AzureMysqlFlexibleServer } from "./mysqlFlexibleServer.ts";
export type { AzureSqlDatabaseArgs, AzureSqlAutomaticTuning, AzureFlexibleServerArgs, ConnectionInfo, KeyVaultAccessModel } from "./args.ts";
export * from "./sqlMapping.ts";
export * from "./flexibleMapping.ts";
export { cidrToRange, keyRotationPolicy } from "./common.ts";
export { azureComponentIssues } from "./checks.ts";
