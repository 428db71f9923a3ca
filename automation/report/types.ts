// What a query report holds: the run's own statements (normalised text, never literal values), the
// tables it scanned whole, the indexes it never used, and its database's transaction and cache figures.
// The JSON form is this shape: a later run compares with it (`baseline`).

export interface StatementStat {
  /** Normalised statement text: constants are `$1`/`?`, and any literal left is blanked. */
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  /** Share of the run's total statement time, 0–1. */
  share: number;
}

export interface SeqScan {
  table: string;
  /** Sequential scans during the run (0 on MySQL/MariaDB: performance_schema counts rows read, not scans). */
  scans: number;
  /** Rows those scans read. */
  rowsRead: number;
  /** Rows in the table (live-tuple estimate). */
  rows: number;
}

export interface UnusedIndex {
  table: string;
  index: string;
}

export interface DatabaseFigures {
  commits?: number;
  rollbacks?: number;
  /**
   * Buffer hits / (hits + reads), 0–1; undefined when nothing was read. MariaDB/MySQL: the InnoDB buffer
   * pool's over the command, server-wide (no per-schema figure exists).
   */
  cacheHitRatio?: number;
}

/** What the pooler saw (PgBouncer's SHOW STATS / SHOW POOLS for the run's database). */
export interface PoolerFigures {
  kind: "pgbouncer";
  mode: "session" | "transaction";
  /** Transactions and queries the pooler passed on. */
  transactions: number;
  queries: number;
  /** Client connections made through the pooler, and server connections it held at the end. */
  clients: number;
  servers: number;
  /** Time clients spent waiting for a server connection. */
  waitMs: number;
  /** Client connections that had to wait, at the last sample. */
  waiting: number;
}

/** A statement the findings or the gate point at, with why. */
export interface Finding {
  kind: "n+1" | "slow" | "seq-scan" | "calls-grew" | "mean-grew";
  /** The statement (or `table` for a scan). */
  subject: string;
  detail: string;
}

export interface QueryReport {
  version: 1;
  engine: "postgres" | "mysql";
  /** False when the server keeps no statement statistics; `note` says how to turn them on. */
  statementsAvailable: boolean;
  note?: string;
  /** Every statement of the run, most total time first. */
  statements: StatementStat[];
  seqScans: SeqScan[];
  unusedIndexes: UnusedIndex[];
  database: DatabaseFigures;
  pooler?: PoolerFigures;
  /** Likely problems: N+1 loops, slow statements, whole-table scans. */
  findings: Finding[];
  /** The gate's verdict, when a baseline or a time limit was given. */
  gate?: { failed: boolean; violations: Finding[] };
}

export interface ReportOptions {
  /** Write the JSON report here. */
  jsonFile?: string;
  /** Append the Markdown report to this file (GitHub's $GITHUB_STEP_SUMMARY). */
  markdownFile?: string;
  /** A previous JSON report to compare with: calls or mean time grown beyond the limits fails the run. */
  baselineFile?: string;
  /** Any statement whose mean time exceeds this fails the run. */
  maxQueryMs?: number;
  /** A statement is "slow" in the findings above this mean time. @default 100 */
  slowMs?: number;
  /** Sequential scans count on tables with at least this many rows. @default 1000 */
  seqScanMinRows?: number;
  /** A statement run this often, each call returning at most one row, looks like an N+1 loop. @default 50 */
  repeatCalls?: number;
  /** The gate: calls of a statement may grow by this factor over the baseline. @default 2 */
  callsFactor?: number;
  /** The gate: mean time of a statement may grow by this factor (and by `meanSlackMs`) over the baseline. @default 3 */
  meanFactor?: number;
  /** The gate: mean-time growth below this many milliseconds is noise. @default 5 */
  meanSlackMs?: number;
}
