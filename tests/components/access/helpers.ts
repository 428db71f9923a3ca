// Catalog probes for the access tests: what the server says each role may do, and logins acting for real.
import pg from "pg";
import type { ServerHandle } from "../../../core/servers/index.ts";

export type Pg = pg.Client;

export async function pgConnect(s: ServerHandle, database: string, user = s.user, password = s.password): Promise<pg.Client> {
  const c = new pg.Client({ host: s.host, port: s.port, user, password, database });
  await c.connect();
  return c;
}

export async function withPg<T>(s: ServerHandle, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await pgConnect(s, database);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs statements in one transaction (what the provider does), rolling back on the first failure. */
export async function applyInTransaction(c: pg.Client, statements: string[]): Promise<void> {
  await c.query("BEGIN");
  try {
    for (const s of statements) await c.query(s);
    await c.query("COMMIT");
  } catch (err) {
    await c.query("ROLLBACK");
    throw err;
  }
}

/** Role → its attributes and the roles it is a direct member of; absent roles are left out. */
export async function rolesOf(c: pg.Client, names: string[]): Promise<Record<string, { login: boolean; memberOf: string[] }>> {
  const { rows } = await c.query<{ rolname: string; rolcanlogin: boolean; member_of: string[] }>(
    `select r.rolname, r.rolcanlogin,
            coalesce(array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid order by 1)::text[], '{}') as member_of
       from pg_roles r where r.rolname = any($1) order by 1`,
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.rolname, { login: r.rolcanlogin, memberOf: r.member_of }]));
}

/** Per role: privileges on a table, its schema and the database, as has_*_privilege reports them. */
export async function privileges(c: pg.Client, role: string, table: string, schema = "public") {
  const { rows } = await c.query(
    `select has_table_privilege($1, $2, 'SELECT') as "select", has_table_privilege($1, $2, 'INSERT') as "insert",
            has_table_privilege($1, $2, 'DELETE') as "delete", has_schema_privilege($1, $3, 'USAGE') as usage,
            has_schema_privilege($1, $3, 'CREATE') as "create", has_database_privilege($1, current_database(), 'CONNECT') as connect`,
    [role, `${schema}.${table}`, schema],
  );
  return rows[0] as { select: boolean; insert: boolean; delete: boolean; usage: boolean; create: boolean; connect: boolean };
}

/** `defaclrole/schema/objtype → grantees`, from pg_default_acl. */
export async function defaultAcls(c: pg.Client, owner: string): Promise<string[]> {
  const { rows } = await c.query<{ line: string }>(
    `select n.nspname || ':' || d.defaclobjtype::text || ':' || array_to_string(array(select a::text from unnest(d.defaclacl) a order by 1), ',') as line
       from pg_default_acl d join pg_roles r on r.oid = d.defaclrole left join pg_namespace n on n.oid = d.defaclnamespace
      where r.rolname = $1 order by 1`,
    [owner],
  );
  return rows.map((r) => r.line);
}

/** The SQLSTATE of a failing call (or "ok"). */
export async function sqlState(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** What rolesOf reports for a freshly applied set: the four roles, and each login in its one role. */
export function expectedRoles(prefix: string, logins: Record<string, string>): Record<string, { login: boolean; memberOf: string[] }> {
  const group = (memberOf: string[]) => ({ login: false, memberOf });
  return {
    [`${prefix}_owner`]: group([]),
    [`${prefix}_migrator`]: group([`${prefix}_owner`]),
    [`${prefix}_app`]: group([]),
    [`${prefix}_readonly`]: group([]),
    ...Object.fromEntries(Object.entries(logins).map(([name, role]) => [name, { login: true, memberOf: [`${prefix}_${role}`] }])),
  };
}
