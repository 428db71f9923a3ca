// PostgreSQL restore points: CREATE DATABASE <rp> TEMPLATE <db> (the copy needs no other session on the
// source), metadata in COMMENT ON DATABASE; a restore swaps the copy in under the same name in one
// transaction (renames are transactional), then drops what it replaced.
import pg from "pg";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import { asideRecord, decodeRecord, encodeRecord, listed, newAsideName, newRestorePointId, record, requirePoint } from "./record.js";
import { DEFAULT_WAIT_MS, type RestorePoint, type RestorePointOptions, type RestoreResult, type TakenRestorePoint } from "./types.js";

const ident = pg.escapeIdentifier;
const lit = pg.escapeLiteral;
const IN_USE = "55006";

/** A session on the server's maintenance database (`postgres`, else `template1`), as the target's login. */
async function admin(target: DbTarget): Promise<pg.Client> {
  let last: unknown;
  for (const database of ["postgres", "template1"]) {
    const c = new pg.Client({ ...driverOptions(target), database, connectionTimeoutMillis: 10_000 });
    c.on("error", () => undefined);
    try {
      await c.connect();
      return c;
    } catch (err) {
      last = err;
      await c.end().catch(() => undefined);
      if ((err as { code?: string }).code !== "3D000") break;
    }
  }
  throw new DbtkError(`cannot connect to the PostgreSQL server at ${target.host}:${target.port} (user ${target.user}): ${(last as Error).message}`);
}

async function withAdmin<T>(target: DbTarget, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await admin(target);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Session {
  pid: number;
  datname: string;
  usename: string | null;
  application_name: string;
}

const describe = (s: Session) => `pid ${s.pid} on ${s.datname}${s.usename ? ` as ${s.usename}` : ""}${s.application_name ? ` (${s.application_name})` : ""}`;

/**
 * Runs `fn` (a statement needing `dbs` free of other sessions) once they are: waits for them, or ends
 * them, and retries while new ones slip in, until the deadline.
 */
async function whenAlone<T>(c: pg.Client, dbs: string[], opts: RestorePointOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_WAIT_MS);
  let told = false;
  for (;;) {
    const others = (
      await c.query<Session>(
        "select pid, datname, usename, application_name from pg_stat_activity where datname = any($1) and pid <> pg_backend_pid() order by pid",
        [dbs],
      )
    ).rows;
    if (others.length > 0) {
      if (opts.sessions === "terminate") {
        opts.onProgress?.(`terminating ${others.length} other session(s): ${others.map(describe).join(", ")}`);
        await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = any($1) and pid <> pg_backend_pid()", [dbs]);
      } else if (Date.now() >= deadline) {
        throw new DbtkError(
          `database "${dbs[0]}" has ${others.length} other session(s): ${others.map(describe).join(", ")}; a copy or a swap needs none: ` +
            `stop them, or have them terminated (sessions: "terminate")`,
        );
      } else if (!told) {
        told = true;
        opts.onProgress?.(`waiting up to ${Math.round((deadline - Date.now()) / 1000)} s for ${others.length} other session(s) to end: ${others.map(describe).join(", ")}`);
      }
      await sleep(200);
      continue;
    }
    try {
      return await fn();
    } catch (err) {
      // A session connected between the check and the statement: check again.
      if ((err as { code?: string }).code !== IN_USE || Date.now() >= deadline) throw err;
    }
  }
}

interface Source {
  oid: number;
  owner: string;
  comment: string | null;
}

async function source(c: pg.Client, db: string): Promise<Source | undefined> {
  const r = await c.query<Source>(
    "select d.oid, r.rolname as owner, shobj_description(d.oid, 'pg_database') as comment from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = $1",
    [db],
  );
  return r.rows[0];
}

// Settings whose value is a list: stored as `a, "b"`, given back element by element.
const LIST_SETTINGS = new Set(["search_path", "temp_tablespaces", "session_preload_libraries", "local_preload_libraries"]);

function settingValue(name: string, value: string): string {
  if (!LIST_SETTINGS.has(name)) return lit(value);
  return value
    .split(/,\s*/)
    .map((e) => lit(e.replace(/^"(.*)"$/, "$1").replace(/""/g, '"')))
    .join(", ");
}

/**
 * What CREATE DATABASE … TEMPLATE does not copy: database-level grants and settings (ALTER DATABASE
 * SET, ALTER ROLE … IN DATABASE SET), given to the copy so it can take the source's place as it is.
 */
async function copyGrantsAndSettings(c: pg.Client, from: Source, to: string): Promise<void> {
  const sql: string[] = [];
  const acl = await c.query<{ grantee: string | null; privilege_type: string; is_grantable: boolean }>(
    `select case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end as grantee, a.privilege_type, a.is_grantable
       from pg_database d, aclexplode(d.datacl) a where d.oid = $1`,
    [from.oid],
  );
  if (acl.rows.length > 0) {
    sql.push(`REVOKE ALL ON DATABASE ${ident(to)} FROM PUBLIC`);
    for (const a of acl.rows) {
      sql.push(`GRANT ${a.privilege_type} ON DATABASE ${ident(to)} TO ${a.grantee === null ? "PUBLIC" : ident(a.grantee)}${a.is_grantable ? " WITH GRANT OPTION" : ""}`);
    }
  }
  const settings = await c.query<{ role: string | null; config: string[] }>(
    "select case when setrole = 0 then null else pg_get_userbyid(setrole) end as role, setconfig as config from pg_db_role_setting where setdatabase = $1",
    [from.oid],
  );
  for (const s of settings.rows) {
    for (const kv of s.config) {
      const eq = kv.indexOf("=");
      const name = kv.slice(0, eq);
      const set = `SET ${ident(name)} = ${settingValue(name, kv.slice(eq + 1))}`;
      sql.push(s.role === null ? `ALTER DATABASE ${ident(to)} ${set}` : `ALTER ROLE ${ident(s.role)} IN DATABASE ${ident(to)} ${set}`);
    }
  }
  if (sql.length > 0) await c.query(sql.join(";\n"));
}

async function all(c: pg.Client, sizes = false): Promise<RestorePoint[]> {
  const r = await c.query<{ name: string; comment: string | null; size: string | null }>(
    `select datname as name, shobj_description(oid, 'pg_database') as comment${sizes ? ", pg_database_size(oid)::text as size" : ", null as size"}
       from pg_database where datname ~ '^dbtk_rpx?_' order by datname`,
  );
  return r.rows.flatMap((row) => listed("postgres", row.name, row.comment, row.size === null ? undefined : Number(row.size)) ?? []);
}

export function pgList(target: DbTarget, sizes = false): Promise<RestorePoint[]> {
  return withAdmin(target, (c) => all(c, sizes));
}

async function dropDatabase(c: pg.Client, name: string): Promise<void> {
  await c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
}

export async function pgTake(target: DbTarget, versionBefore: string | null, opts: RestorePointOptions = {}): Promise<TakenRestorePoint> {
  const db = target.database;
  return withAdmin(target, async (c) => {
    const src = await source(c, db);
    if (!src) throw new DbtkError(`database "${db}" does not exist on ${target.host}:${target.port}: nothing to take a restore point of`);
    // What a crash left after a committed swap is garbage: the swap had replaced it.
    for (const p of await all(c)) {
      if (p.state === "aside" && p.source === db) {
        opts.onProgress?.(`dropping ${p.id}, left by an interrupted restore of ${db}`);
        await dropDatabase(c, p.id);
      }
    }
    const id = newRestorePointId();
    const started = performance.now();
    opts.onProgress?.(`taking restore point ${id} of ${db} (CREATE DATABASE … TEMPLATE)`);
    await whenAlone(c, [db], opts, () => c.query(`CREATE DATABASE ${ident(id)} OWNER ${ident(src.owner)} TEMPLATE ${ident(db)}`));
    try {
      await opts.onStep?.("copying");
      await copyGrantsAndSettings(c, src, id);
      const rec = record(db, versionBefore, "ready", new Date(), src.comment);
      await c.query(`COMMENT ON DATABASE ${ident(id)} IS ${lit(encodeRecord(rec))}`);
      const ms = performance.now() - started;
      return { id, engine: "postgres", source: db, createdAt: rec.createdAt, versionBefore, state: "ready", ms };
    } catch (err) {
      await dropDatabase(c, id).catch(() => undefined);
      throw err;
    }
  });
}

export async function pgRestore(target: DbTarget, id: string, opts: RestorePointOptions = {}): Promise<RestoreResult> {
  const db = target.database;
  return withAdmin(target, async (c) => {
    const p = requirePoint(await all(c), id, db, true);
    const rp = await source(c, id);
    const rec = decodeRecord(rp?.comment);
    const original = rec?.kind === "restore-point" ? rec.comment : undefined;
    const present = (await source(c, db)) !== undefined;
    const aside = newAsideName();
    const started = performance.now();
    opts.onProgress?.(`restoring ${db} from ${id} (taken ${p.createdAt}, version ${p.versionBefore ?? "none"})`);
    await whenAlone(c, [db, id], opts, async () => {
      await c.query("BEGIN");
      try {
        if (present) {
          await c.query(`ALTER DATABASE ${ident(db)} RENAME TO ${ident(aside)}`);
          await c.query(`COMMENT ON DATABASE ${ident(aside)} IS ${lit(encodeRecord(asideRecord(db, id, new Date())))}`);
        }
        await c.query(`ALTER DATABASE ${ident(id)} RENAME TO ${ident(db)}`);
        await c.query(`COMMENT ON DATABASE ${ident(db)} IS ${original ? lit(original) : "NULL"}`);
        // A crash from here to COMMIT rolls both renames back: the database and its restore point stay.
        await opts.onStep?.("swapping");
        await c.query("COMMIT");
      } catch (err) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
    if (present) await dropDatabase(c, aside);
    return { id, database: db, createdAt: p.createdAt, versionBefore: p.versionBefore, ms: performance.now() - started };
  });
}

export async function pgDrop(target: DbTarget, id: string): Promise<RestorePoint> {
  return withAdmin(target, async (c) => {
    const p = requirePoint(await all(c), id, target.database, false);
    await dropDatabase(c, id);
    return p;
  });
}
