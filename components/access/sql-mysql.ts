// The MySQL 8 / MariaDB statements of an access set: four roles with grants on `database`.*, one user per
// login with its role granted and made its default role (active at login). There is no ownership and no
// schema inside a database, so owner and migrator both get ALL PRIVILEGES (without GRANT OPTION); app gets
// SELECT/INSERT/UPDATE/DELETE/EXECUTE, readonly SELECT. DDL is not transactional here: a caller undoes a
// failed apply itself (the dynamic provider does).
import { accessRoles, assertValidAccessSpec, roleNames, type AccessRole, type AccessSpec } from "./spec.js";

// Captured by value when the dynamic provider is serialized, even from node_modules (see provider.ts).
export const deploymentOnlyModule = true;

export interface MysqlPlanOptions {
  /** The server's dialect: MariaDB writes `SET DEFAULT ROLE r FOR u`, MySQL 8 `SET DEFAULT ROLE r TO u`. @default "mariadb" */
  flavor?: "mariadb" | "mysql";
}

/** A backquoted identifier. */
export function myIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/** A string literal; the statements start by turning NO_BACKSLASH_ESCAPES off, so `\` escapes hold. */
export function myLiteral(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

const account = (name: string) => `${myLiteral(name)}@'%'`;

// In a grant's database name `_` and `%` are wildcards: escape them so `my_db` does not also match `myXdb`.
const grantDb = (database: string) => `\`${database.replace(/`/g, "``").replace(/([_%])/g, "\\$1")}\`.*`;

const PRIVILEGES: Record<AccessRole, string> = {
  owner: "ALL PRIVILEGES",
  migrator: "ALL PRIVILEGES",
  app: "SELECT, INSERT, UPDATE, DELETE, EXECUTE",
  readonly: "SELECT",
};

/** One role's rights on `database`, given to user `to`@'%': the same list the access set grants its role. */
export function mysqlRoleGrant(role: AccessRole, database: string, to: string): string {
  return `GRANT ${PRIVILEGES[role]} ON ${grantDb(database)} TO ${account(to)}`;
}

const SESSION = "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')";

/**
 * The statements that make the server match `desired`; `previous` (the spec applied last time, same
 * database and prefix) lets them revoke a login's old role and drop removed logins. The first statements
 * (`USE` the database) fail when it does not exist.
 */
export function mysqlApplyStatements(desired: AccessSpec, previous?: AccessSpec, options: MysqlPlanOptions = {}): string[] {
  assertValidAccessSpec(desired, { engine: "mysql" });
  if (previous && (previous.database !== desired.database || previous.prefix !== desired.prefix)) {
    throw new Error(
      `previous: it is for database "${previous.database}" and prefix "${previous.prefix}", not "${desired.database}"/"${desired.prefix}"; remove it with mysqlRemoveStatements first`,
    );
  }
  const names = roleNames(desired.prefix);
  const verb = options.flavor === "mysql" ? "TO" : "FOR";
  const out = [SESSION, `USE ${myIdent(desired.database)}`];
  for (const role of accessRoles) {
    out.push(`CREATE ROLE IF NOT EXISTS ${myIdent(names[role])}`);
    out.push(`GRANT ${PRIVILEGES[role]} ON ${grantDb(desired.database)} TO ${myIdent(names[role])}`);
  }
  const before = new Map((previous?.logins ?? []).map((l) => [l.name, l.role]));
  for (const login of desired.logins) {
    const who = account(login.name);
    out.push(`CREATE USER IF NOT EXISTS ${who} IDENTIFIED BY ${myLiteral(login.password)}`);
    out.push(`ALTER USER ${who} IDENTIFIED BY ${myLiteral(login.password)}`);
    const old = before.get(login.name);
    if (old && old !== login.role) out.push(`REVOKE ${myIdent(names[old])} FROM ${who}`);
    out.push(`GRANT ${myIdent(names[login.role])} TO ${who}`);
    out.push(`SET DEFAULT ROLE ${myIdent(names[login.role])} ${verb} ${who}`);
  }
  const keep = new Set(desired.logins.map((l) => l.name));
  for (const login of previous?.logins ?? []) if (!keep.has(login.name)) out.push(`DROP USER IF EXISTS ${account(login.name)}`);
  return out;
}

/** The statements that drop the logins and the four roles (their grants go with them); data is untouched. */
export function mysqlRemoveStatements(spec: AccessSpec): string[] {
  assertValidAccessSpec(spec, { engine: "mysql" });
  const names = roleNames(spec.prefix);
  return [
    ...spec.logins.map((l) => `DROP USER IF EXISTS ${account(l.name)}`),
    ...accessRoles.map((r) => `DROP ROLE IF EXISTS ${myIdent(names[r])}`),
  ];
}
