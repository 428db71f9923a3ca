// The run's figures on MariaDB/MySQL from performance_schema: statement digests of the run's schema and
// the table/index I/O summaries, as deltas over the command (the summaries are server-wide, so they are
// subtracted rather than truncated: other runs share the server). The admin reads them with no default
// schema, so its own statements never count as the run's.
import mysql from "mysql2/promise";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import { sinceStart, type Collected, type Collector } from "./postgres.js";
import type { SeqScan, UnusedIndex } from "./types.js";

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
  let digestsStart = new Map<string, DigestRow>();
  let ioStart = new Map<string, IoRow>();
  try {
    if (enabled) [digestsStart, ioStart] = [await digests(), await io()];
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
      return { statementsAvailable: true, statements, seqScans, unusedIndexes, database: {} };
    },
    close: () => c.end().catch(() => undefined),
  };
}
