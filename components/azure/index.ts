// Azure SQL Database and Azure Database for PostgreSQL / MySQL flexible servers on the cloud-neutral DatabaseSpec.
import "./peer.js";
export { AzureSqlDatabase } from "./sqlDatabase.js";
export { AzurePostgresFlexibleServer } from "./postgresFlexibleServer.js";
export { AzureMysqlFlexibleServer } from "./mysqlFlexibleServer.js";
export type { AzureSqlDatabaseArgs, AzureSqlAutomaticTuning, AzureFlexibleServerArgs, ConnectionInfo, KeyVaultAccessModel } from "./args.js";
export * from "./sqlMapping.js";
export * from "./flexibleMapping.js";
export { cidrToRange, keyRotationPolicy } from "./common.js";
export { azureComponentIssues } from "./checks.js";
