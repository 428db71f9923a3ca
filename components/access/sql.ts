// `@dbtk/components/access/sql`: the access set's SQL planner alone — no Pulumi, no driver — for tools that
// apply it themselves (the dbtk CLI's `dbtk run --as app`). Named exports only: the modules' serialization
// marker stays out of the public API.
export { accessRoles, roleNames, validateAccessSpec, assertValidAccessSpec, redactStatement } from "./spec.js";
export type { AccessRole, AccessLogin, AccessSpec, AccessEngine, ValidateAccessOptions } from "./spec.js";
export { postgresApplyStatements, postgresRemoveStatements, postgresRoleGrants, pgIdent, pgLiteral } from "./sql-postgres.js";
export { mysqlApplyStatements, mysqlRemoveStatements, mysqlRoleGrant, myIdent, myLiteral } from "./sql-mysql.js";
export type { MysqlPlanOptions } from "./sql-mysql.js";
