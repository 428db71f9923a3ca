// `@dbtk/components/access`: roles, grants and extensions as code — DatabaseAccess (PostgreSQL) and
// MysqlDatabaseAccess (MySQL 8 / MariaDB) over a dynamic provider, and the SQL planner they apply
// (also alone, without Pulumi, at `@dbtk/components/access/sql`). Needs the `pg` or `mysql2` package.
export { DatabaseAccess } from "./database-access.js";
export { MysqlDatabaseAccess } from "./mysql-database-access.js";
export { AccessValidationError } from "./args.js";
export type { DatabaseAccessArgs, DatabaseAccessLogin } from "./args.js";
export type { AccessSsl } from "./provider.js";
export * from "./sql.js";
