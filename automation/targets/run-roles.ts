// `dbtk run --as app|readonly`: the command gets a second login with only the rights an application (or a
// read-only client) gets in production, while migrations keep running as the database's own login (the
// migrator). The rights are DatabaseAccess's (`@dbtk/components/access`) app and readonly roles, given on
// what the migrations made — the very lists the access set's planner grants — the login is named after the
// run (`<id>_app`) and dropped with its database.

/** Roles a run's command can take; the migrations always run as the database's own login. */
export const RUN_ROLES = ["app", "readonly"] as const;
export type RunRole = (typeof RUN_ROLES)[number];

/** The login's name: the run's id and the role, so teardown, the guardian and reap drop it with the run. */
export const runLoginName = (id: string, role: RunRole): string => `${id}_${role}`;

/** Every role login a run may have (dropped with it). */
export const runLoginNames = (id: string): string[] => RUN_ROLES.map((r) => runLoginName(id, r));

/** The access set's planner, loaded only when a run asks for a role (the warm path loads no components). */
const planner = () => import("@dbtk/components/access/sql");

/** PostgreSQL: the role's rights in `database` on the objects of `schemas` (run by a member of their owner). */
export async function postgresRunGrants(role: RunRole, login: string, database: string, schemas: string[]): Promise<string[]> {
  const { pgIdent, postgresRoleGrants } = await planner();
  return [`GRANT CONNECT ON DATABASE ${pgIdent(database)} TO ${pgIdent(login)}`, ...schemas.flatMap((s) => postgresRoleGrants(role, s, login))];
}

/** The schemas a run's migrations may have made objects in (everything but the system's own). */
export const POSTGRES_USER_SCHEMAS =
  "select nspname as n from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1";

/** MySQL/MariaDB: the role's rights on the run's schema. */
export async function mysqlRunGrants(role: RunRole, user: string, database: string): Promise<string> {
  return (await planner()).mysqlRoleGrant(role, database, user);
}
