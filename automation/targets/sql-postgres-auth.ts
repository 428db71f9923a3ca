// Small PostgreSQL helpers kept apart from the primitives: the SCRAM verifier, advisory-lock keys and
// connection errors that name the server and the fix.
import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import type { DbTarget } from "../../core/connection.js";

const pbkdf2Async = promisify(pbkdf2);

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677), computed here so the
 * plain password never reaches the server, its logs or pg_stat_statements.
 */
export async function scramVerifier(password: string, iterations = 4096): Promise<string> {
  const salt = randomBytes(16);
  const salted = await pbkdf2Async(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** A bigint advisory-lock key from a string (first 8 bytes of its SHA-256, signed). */
export function lockKey(text: string): string {
  return createHash("sha256").update(text).digest().readBigInt64BE(0).toString();
}

/** Turns a connection failure into a message naming the server and the fix (never the password). */
export function pgConnectError(err: unknown, admin: DbTarget): Error {
  const e = err as NodeJS.ErrnoException;
  const where = `PostgreSQL server at ${admin.host}:${admin.port} (user ${admin.user})`;
  const reason = e.code ? `${e.code}: ${e.message}` : e.message;
  return new Error(
    `cannot connect to the ${where}: ${reason}. Check that it is running and reachable, and the URL given by options.serverUrl.`,
  );
}

/** `ALTER ROLE` giving a run's login the rights asked for (`role` already quoted); undefined when none. */
export function grantSql(role: string, p: { createdb?: boolean; superuser?: boolean }): string | undefined {
  const rights = [p.createdb ? "CREATEDB" : "", p.superuser ? "SUPERUSER" : ""].filter(Boolean);
  return rights.length ? `ALTER ROLE ${role} WITH ${rights.join(" ")}` : undefined;
}

/** Databases a login made itself (a CREATEDB grant): dropped before it, as they would keep DROP ROLE from succeeding. */
export const OWN_DATABASES = "select d.datname as n from pg_database d join pg_roles r on r.oid = d.datdba where r.rolname = $1";

export const AVAILABLE_EXTENSIONS = "select name as n from pg_available_extensions order by 1";

/**
 * Every run's database and login (`$1`: the id pattern), paired by id. A database renamed to a fixed name
 * (`dbName`) still pairs with its login: it is owned by it and its record names it (`"id":"<login>"`).
 */
export const LIST_RUNS = `
  with dbs as (
    select d.oid, d.datname,
           case when d.datname ~ $1 then d.datname
                when o.rolname ~ $1 and shobj_description(d.oid, 'pg_database') like '%"id":"' || o.rolname || '"%' then o.rolname end as id
      from pg_database d join pg_roles o on o.oid = d.datdba
  )
  select coalesce(r.rolname, dbs.id) as id, dbs.datname, shobj_description(r.oid, 'pg_authid') as role_meta,
         shobj_description(dbs.oid, 'pg_database') as db_meta, dbs.oid is not null as has_db, r.oid is not null as has_login
    from pg_roles r full join (select * from dbs where id is not null) dbs on dbs.id = r.rolname
   where coalesce(r.rolname, dbs.id) ~ $1
   order by 1`;

/** The shared catalogs a database and its login touch. */
const SHARED_CATALOGS = ["pg_shdepend", "pg_database", "pg_authid", "pg_auth_members", "pg_shdescription"];

/**
 * Each clone copies the template's rows of pg_shdepend (≈50 for 25 tables: their objects belong to the
 * template's role) and its drop deletes them; fast churn outruns autovacuum (bench/churn.ts: 11,679 dead
 * rows, 152 → 840 kB after 1,000 cycles), and every CREATE/DROP DATABASE scans them. Past `deadRows` dead
 * rows the shared catalogs are vacuumed (needs a superuser; SKIP_LOCKED: a concurrent run's vacuum is enough).
 */
export async function tidySharedCatalogs(q: (sql: string) => Promise<Array<Record<string, unknown>>>, deadRows: number): Promise<void> {
  const list = SHARED_CATALOGS.map((c) => `'${c}'::regclass`).join(", ");
  const [r] = await q(`select coalesce(sum(n_dead_tup), 0) as dead from pg_stat_all_tables where relid = any(array[${list}])`);
  if (Number(r?.dead ?? 0) < deadRows) return;
  await q(`VACUUM (SKIP_LOCKED) ${SHARED_CATALOGS.join(", ")}`);
}
