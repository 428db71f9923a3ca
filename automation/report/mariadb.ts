// The run's figures on MariaDB/MySQL from performance_schema: statement digests of the run's schema and
// the table/index I/O summaries, as deltas over the command (the summaries are server-wide, so they are
// subtracted rather than truncated: other runs share the server). The admin reads them with no default
// schema, so its own statements never count as the run's. Transactions are the run's login's (its own user);
// the cache-hit ratio is the InnoDB buffer pool's, server-wide: MariaDB keeps no per-schema figure.
import mysql from "mysql2/promise";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import { sinceStart, type Collected, type Collector } from "./postgres.js";
import type { DatabaseFigures, SeqScan, UnusedIndex } from "./types.js";

export const ENABLE_PERFORMANCE_SCHEMA =
  "performance_schema is off on this server: set performance_schema=ON (my.cnf; RDS: the parameter group) and restart it. " +
  "The local MariaDB turns it on when it next starts: stop the running one (dbtk server stop) and the next run restarts it";

interface DigestRow {
  digest: string;
  query: string;
  calls: number;
  total: number;
  rows: number;
}
interface IoRow {
  tbl: string;
  idx: string | null;
  reads: number;
  calls: number;
}

const DIGESTS = `SELECT DIGEST AS digest, DIGEST_TEXT AS query, COUNT_STAR AS calls, SUM_TIMER_WAIT / 1e9 AS total,
  SUM_ROWS_SENT + SUM_ROWS_AFFECTED AS \`rows\`
  FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = ? AND DIGEST_TEXT IS NOT NULL`;
const IO = `SELECT OBJECT_NAME AS tbl, INDEX_NAME AS idx, COUNT_FETCH AS fetched, COUNT_STAR AS calls
  FROM performance_schema.table_io_waits_summary_by_index_usage WHERE OBJECT_SCHEMA = ?`;

// Transactions need the `transaction` instrument (the local MariaDB starts with it); rollbacks are the
// explicit ROLLBACK statements.
const TRANSACTIONS = `SELECT
  (SELECT COUNT_STAR FROM performance_schema.events_transactions_summary_by_user_by_event_name
    WHERE USER = ? AND EVENT_NAME = 'transaction') AS txns,
  (SELECT COUNT_STAR FROM performance_schema.events_statements_summary_by_user_by_event_name
    WHERE USER = ? AND EVENT_NAME = 'statement/sql/rollback') AS rollbacks,
  (SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = 'transaction') AS enabled`;
const BUFFER_POOL = `SELECT VARIABLE_NAME AS n, VARIABLE_VALUE AS v FROM information_schema.GLOBAL_STATUS
  WHERE VARIABLE_NAME IN ('INNODB_BUFFER_POOL_READ_REQUESTS', 'INNODB_BUFFER_POOL_READS')`;

interface Counters {
  txns?: number;
  rollbacks: number;
  requests: number;
  reads: number;
}

const num = (v: unknown): number => Number(v ?? 0);
const ioKey = (r: IoRow): string => `${r.tbl}\u0000${r.idx ?? ""}`;

export async function watchMariadb(run: DbTarget, admin: DbTarget | undefined): Promise<Collector> {
  const c = await mysql.createConnection({ ...driverOptions({ ...(admin ?? run), database: "" }), connectTimeout: 10_000 });
  c.on("error", () => undefined);
  const [[on]] = await c.query<mysql.RowDataPacket[]>("SELECT @@performance_schema AS v").catch(async (err: unknown) => {
    await c.end().catch(() => undefined);
    throw err;
  });
  const enabled = num(on?.v) === 1;
  const digests = async (): Promise<Map<string, DigestRow>> => {
    const [rows] = await c.query<mysql.RowDataPacket[]>(DIGESTS, [run.database]);
    return new Map(rows.map((r) => [String(r.digest), { digest: String(r.digest), query: String(r.query), calls: num(r.calls), total: num(r.total), rows: num(r.rows) }]));
  };
  const io = async (): Promise<Map<string, IoRow>> => {
    const [rows] = await c.query<mysql.RowDataPacket[]>(IO, [run.database]);
    return new Map(rows.map((r) => {
      const row: IoRow = { tbl: String(r.tbl), idx: r.idx === null ? null : String(r.idx), reads: num(r.fetched), calls: num(r.calls) };
      return [ioKey(row), row];
    }));
  };
  const counters = async (): Promise<Counters> => {
    const [[t]] = await c.query<mysql.RowDataPacket[]>(TRANSACTIONS, [run.user, run.user]);
    const [pool] = await c.query<mysql.RowDataPacket[]>(BUFFER_POOL);
    const status = new Map(pool.map((r) => [String(r.n).toUpperCase(), num(r.v)]));
    return {
      ...(t?.enabled === "YES" ? { txns: num(t.txns) } : {}),
      rollbacks: num(t?.rollbacks),
      requests: status.get("INNODB_BUFFER_POOL_READ_REQUESTS") ?? 0,
      reads: status.get("INNODB_BUFFER_POOL_READS") ?? 0,
    };
  };
  let digestsStart = new Map<string, DigestRow>();
  let ioStart = new Map<string, IoRow>();
  let countersStart: Counters | undefined;
  try {
    if (enabled) [digestsStart, ioStart, countersStart] = [await digests(), await io(), await counters()];
  } catch (err) {
    await c.end().catch(() => undefined);
    throw err;
  }
  return {
    async finish({ seqScanMinRows }): Promise<Collected> {
      if (!enabled) return { statementsAvailable: false, note: ENABLE_PERFORMANCE_SCHEMA, statements: [], seqScans: [], unusedIndexes: [], database: {} };
      const statements = sinceStart((await digests()).values(), (r) => digestsStart.get(r.digest));
      const [sizes] = await c.query<mysql.RowDataPacket[]>(
        "SELECT TABLE_NAME AS tbl, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
        [run.database],
      );
      const rowsOf = new Map(sizes.map((r) => [String(r.tbl), num(r.n)]));
      const seqScans: SeqScan[] = [];
      const unusedIndexes: UnusedIndex[] = [];
      for (const r of (await io()).values()) {
        const b = ioStart.get(ioKey(r));
        const reads = r.reads - (b?.reads ?? 0);
        const calls = r.calls - (b?.calls ?? 0);
        // No index: rows fetched by whole-table reads (performance_schema counts rows, not scans).
        if (r.idx === null && reads > 0 && (rowsOf.get(r.tbl) ?? 0) + reads >= seqScanMinRows) {
          seqScans.push({ table: r.tbl, scans: 0, rowsRead: reads, rows: rowsOf.get(r.tbl) ?? 0 });
        } else if (r.idx !== null && r.idx !== "PRIMARY" && calls === 0) unusedIndexes.push({ table: r.tbl, index: r.idx });
      }
      return { statementsAvailable: true, statements, seqScans, unusedIndexes, database: figures(countersStart, await counters()) };
    },
    close: () => c.end().catch(() => undefined),
  };
}

/** The run's transactions (when instrumented) and the buffer pool's hit ratio over the command. */
function figures(start: Counters | undefined, end: Counters): DatabaseFigures {
  if (!start) return {};
  const out: DatabaseFigures = {};
  if (start.txns !== undefined && end.txns !== undefined) {
    const rollbacks = end.rollbacks - start.rollbacks;
    Object.assign(out, { commits: Math.max(0, end.txns - start.txns - rollbacks), rollbacks });
  }
  const requests = end.requests - start.requests;
  if (requests > 0) out.cacheHitRatio = Math.max(0, requests - (end.reads - start.reads)) / requests;
  return out;
}
