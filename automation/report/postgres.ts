// The run's figures on PostgreSQL: pg_stat_statements for its login in its database (reset for exactly that
// pair when the command starts), and the deltas of pg_stat_user_tables / pg_stat_user_indexes /
// pg_stat_database over the command. Statement figures are read before anything else at the end, and the
// report's own queries run as the admin where it can, so they never count as the run's.
import pg from "pg";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import type { DatabaseFigures, SeqScan, StatementStat, UnusedIndex } from "./types.js";

export interface Collected {
  statementsAvailable: boolean;
  note?: string;
  statements: Array<Omit<StatementStat, "share">>;
  seqScans: SeqScan[];
  unusedIndexes: UnusedIndex[];
  database: DatabaseFigures;
}

export interface Collector {
  /** Reads the figures (the command has ended). */
  finish(opts: { seqScanMinRows: number }): Promise<Collected>;
  close(): Promise<void>;
}

export const ENABLE_PG_STAT_STATEMENTS =
  "pg_stat_statements is not enabled on this server: add it to shared_preload_libraries (postgresql.conf; RDS and Aurora: " +
  "the parameter group; Azure: the shared_preload_libraries server parameter; Cloud SQL preloads it), restart the server, " +
  "then run CREATE EXTENSION pg_stat_statements as an admin. Tables, indexes and transactions are reported without it";

interface TableRow {
  table: string;
  seq: number;
  seq_read: number;
  rows: number;
}
interface IndexRow {
  table: string;
  index: string;
  scans: number;
}
interface DbRow {
  commits: number;
  rollbacks: number;
  hit: number;
  read: number;
}

async function client(t: DbTarget): Promise<pg.Client> {
  const c = new pg.Client({ ...driverOptions(t), connectionTimeoutMillis: 10_000 });
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

const TABLES = `
  select s.schemaname || '.' || s.relname as "table", coalesce(s.seq_scan, 0)::float8 as seq,
         coalesce(s.seq_tup_read, 0)::float8 as seq_read,
         greatest(s.n_live_tup, c.reltuples)::float8 as rows
  from pg_stat_user_tables s join pg_class c on c.oid = s.relid`;
// Unique indexes enforce a constraint even when no query reads them: never "unused".
const INDEXES = `
  select s.schemaname || '.' || s.relname as "table", s.indexrelname as "index", coalesce(s.idx_scan, 0)::float8 as scans
  from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
  where not i.indisunique`;
const DATABASE = `
  select xact_commit::float8 as commits, xact_rollback::float8 as rollbacks, blks_hit::float8 as hit, blks_read::float8 as read
  from pg_stat_database where datname = $1`;

/**
 * Starts watching the run's database. `admin` (when the target has one) reads pg_stat_statements and may
 * create the extension; without it the run's own login does what it may.
 */
export async function watchPostgres(run: DbTarget, admin: DbTarget | undefined): Promise<Collector> {
  const adminC = await client(admin ?? run);
  let dbC: pg.Client;
  try {
    // A non-superuser admin may not connect to the run's database: its own login can.
    dbC = admin ? await client({ ...admin, database: run.database }).catch(() => client(run)) : adminC;
  } catch (err) {
    await adminC.end().catch(() => undefined);
    throw err;
  }
  const close = async (): Promise<void> => {
    await adminC.end().catch(() => undefined);
    if (dbC !== adminC) await dbC.end().catch(() => undefined);
  };
  let dbStart: DbRow | undefined;
  let tablesStart: Map<string, TableRow>;
  let indexesStart: Map<string, number>;
  let statements: Awaited<ReturnType<typeof startStatements>>;
  try {
    dbStart = (await adminC.query<DbRow>(DATABASE, [run.database])).rows[0];
    tablesStart = new Map((await dbC.query<TableRow>(TABLES)).rows.map((r) => [r.table, r]));
    indexesStart = new Map((await dbC.query<IndexRow>(INDEXES)).rows.map((r) => [`${r.table}.${r.index}`, r.scans]));
    const ids = (
      await adminC.query<{ db: string; role: string }>(
        "select (select oid from pg_database where datname = $1)::text as db, (select oid from pg_roles where rolname = $2)::text as role",
        [run.database, run.user],
      )
    ).rows[0];
    statements = await startStatements(adminC, ids?.db ?? "0", ids?.role ?? "0");
  } catch (err) {
    await close();
    throw err;
  }

  return {
    close,
    async finish({ seqScanMinRows }) {
      const stmts = await statements.read();
      await settle(adminC, run, dbC === adminC ? undefined : dbC);
      const seqScans: SeqScan[] = [];
      for (const r of (await dbC.query<TableRow>(TABLES)).rows) {
        const before = tablesStart.get(r.table);
        const scans = r.seq - (before?.seq ?? 0);
        const rowsRead = r.seq_read - (before?.seq_read ?? 0);
        if (scans > 0 && (r.rows >= seqScanMinRows || rowsRead / scans >= seqScanMinRows)) seqScans.push({ table: r.table, scans, rowsRead, rows: Math.round(r.rows) });
      }
      const unusedIndexes: UnusedIndex[] = (await dbC.query<IndexRow>(INDEXES)).rows
        .filter((r) => r.scans - (indexesStart.get(`${r.table}.${r.index}`) ?? 0) === 0)
        .map((r) => ({ table: r.table, index: r.index }));
      const dbEnd = (await adminC.query<DbRow>(DATABASE, [run.database])).rows[0];
      const database: DatabaseFigures = {};
      if (dbStart && dbEnd) {
        const hit = dbEnd.hit - dbStart.hit;
        const read = dbEnd.read - dbStart.read;
        Object.assign(database, { commits: dbEnd.commits - dbStart.commits, rollbacks: dbEnd.rollbacks - dbStart.rollbacks });
        if (hit + read > 0) database.cacheHitRatio = hit / (hit + read);
      }
      return { ...stmts, seqScans: seqScans.sort((a, b) => b.rowsRead - a.rowsRead), unusedIndexes, database };
    },
  };
}

/** Statement figures at the end, less those at the start: the command's own (statements it never ran dropped). */
export function sinceStart<R extends { query: string; calls: number; total: number; rows: number }>(
  end: Iterable<R>,
  start: (r: R) => R | undefined,
): Collected["statements"] {
  return [...end]
    .map((r) => {
      const b = start(r);
      const calls = r.calls - (b?.calls ?? 0);
      const totalMs = r.total - (b?.total ?? 0);
      return { query: r.query, calls, totalMs, meanMs: calls ? totalMs / calls : 0, rows: r.rows - (b?.rows ?? 0) };
    })
    .filter((s) => s.calls > 0);
}

interface StatementRow {
  id: string;
  query: string;
  calls: number;
  total: number;
  rows: number;
}

type StatementsPart = Pick<Collected, "statementsAvailable" | "note" | "statements">;

/**
 * Makes sure pg_stat_statements is there (created in the admin's database: its view is server-wide), then
 * resets the pair (database, login) so only the command's statements count; where the reset is not
 * allowed, the figures at the start are subtracted instead.
 */
async function startStatements(c: pg.Client, db: string, role: string): Promise<{ read(): Promise<StatementsPart> }> {
  const select = () =>
    c.query<StatementRow>(
      `select queryid::text as id, query, calls::float8 as calls, total_exec_time as total, rows::float8 as rows
       from pg_stat_statements where dbid = $1::oid and userid = $2::oid`,
      [db, role],
    );
  try {
    await c.query("create extension if not exists pg_stat_statements").catch(async (err: { code?: string }) => {
      // Two runs creating it at once: one loses the race on the catalog's unique index.
      if (err.code !== "23505" && err.code !== "42710") throw err;
    });
    // Not `limit 0` on the view: the planner skips the function, which is what fails when it is not preloaded.
    await c.query("select count(*) from pg_stat_statements(false)");
  } catch {
    return { read: async () => ({ statementsAvailable: false, note: ENABLE_PG_STAT_STATEMENTS, statements: [] }) };
  }
  let before = new Map<string, StatementRow>();
  try {
    await c.query("select pg_stat_statements_reset($1::oid, $2::oid, 0)", [db, role]);
  } catch {
    before = new Map((await select()).rows.map((r) => [r.id, r]));
  }
  return {
    async read() {
      return { statementsAvailable: true, statements: sinceStart((await select()).rows, (r) => before.get(r.id)) };
    },
  };
}

/**
 * Waits (briefly) for the command's sessions to end: a backend publishes its table counters when it exits
 * (or idles), so reading before that would miss the last of them.
 */
async function settle(adminC: pg.Client, run: DbTarget, dbC: pg.Client | undefined): Promise<void> {
  const own = dbC ? Number((await dbC.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]?.pid) : 0;
  for (let i = 0; i < 60; i++) {
    const { rows } = await adminC.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = $1 and usename = $2 and pid <> pg_backend_pid() and pid <> $3",
      [run.database, run.user, own],
    );
    if (!rows[0]?.n) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await adminC.query("select pg_stat_clear_snapshot()");
}
