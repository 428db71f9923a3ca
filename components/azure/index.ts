// Azure SQL Database and Azure Database for PostgreSQL / MySQL flexible servers on the cloud-neutral DatabaseSpec.
import "./peer.js";
export { AzureSqlDatabase } from "./sql-database.js";
export { AzurePostgresFlexibleServer } from "./postgres-flexible-server.js";
export { AzureMysqlFlexibleServer } from "./mysql-flexible-server.js";
export type { AzureSqlDatabaseArgs, AzureSqlAutomaticTuning, AzureSqlElasticPool, AzureFlexibleServerArgs, ConnectionInfo, KeyVaultAccessModel } from "./args.js";
export * from "./sql-mapping.js";
export * from "./flexible-mapping.js";
export { elasticPoolArgs, elasticPoolIssues, elasticPoolSku, elasticPoolVcores, pooledDatabaseArgs } from "./sql-pool.js";
export { cidrToRange, keyRotationPolicy } from "./common.js";
export { azureComponentIssues } from "./checks.js";
