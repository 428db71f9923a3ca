// `dbtk run --as app|readonly`: the command gets a second login with only the rights an application (or a
// read-only client) gets in production, while migrations keep running as the database's own login (the
// migrator). The rights are DatabaseAccess's (`@dbtk/components/access`) app and readonly roles, given on
// what the migrations made; the login is named after the run (`<id>_app`) and dropped with its database.

/** Roles a run's command can take; the migrations always run as the database's own login. */
export const RUN_ROLES = ["app", "readonly"] as const;
export type RunRole = (typeof RUN_ROLES)[number];

/** The login's name: the run's id and the role, so teardown, the guardian and reap drop it with the run. */
export const runLoginName = (id: string, role: RunRole): string => `${id}_${role}`;

/** Every role login a run may have (dropped with it). */
export const runLoginNames = (id: string): string[] => RUN_ROLES.map((r) => runLoginName(id, r));

type Quote = (name: string) => string;

/** PostgreSQL: the role's rights in `database` on the objects of `schemas` (run by a member of their owner). */
export function postgresRunGrants(role: RunRole, login: string, database: string, schemas: string[], ident: Quote): string[] {
  const l = ident(login);
  const out = [`GRANT CONNECT ON DATABASE ${ident(database)} TO ${l}`];
  for (const s of schemas.map(ident)) {
    out.push(`GRANT USAGE ON SCHEMA ${s} TO ${l}`);
    if (role === "app") {
      out.push(
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${l}`,
        `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${l}`,
        `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} TO ${l}`,
      );
    } else {
      out.push(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${l}`, `GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${l}`);
    }
  }
  return out;
}

/** The schemas a run's migrations may have made objects in (everything but the system's own). */
export const POSTGRES_USER_SCHEMAS =
  "select nspname as n from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1";

/** MySQL/MariaDB: the role's rights on the run's schema (`schemaPattern`: quoted for GRANT, `_` escaped). */
export function mysqlRunGrants(role: RunRole, user: string, schemaPattern: string, quote: Quote): string {
  const rights = role === "app" ? "SELECT, INSERT, UPDATE, DELETE, EXECUTE, CREATE TEMPORARY TABLES" : "SELECT";
  return `GRANT ${rights} ON ${schemaPattern}.* TO ${quote(user)}@'%'`;
}
