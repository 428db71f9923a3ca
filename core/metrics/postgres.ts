// PostgreSQL's statistics views as metric families: pg_stat_database, pg_stat_activity, replication (both
// ends: pg_stat_replication on a primary, replay delay on a standby) and the top statements of
// pg_stat_statements where the extension is installed in the connected database.
import { Families } from "./families.js";

type Row = Record<string, unknown>;

/** What the collector needs of a connection (a pg Pool or Client). */
export interface PgQueryable {
  query(sql: string): Promise<{ rows: Row[] }>;
}

export interface PgCollectOptions {
  /** How many statements of pg_stat_statements to serve, by total execution time. @default 10 */
  topStatements?: number;
}

/** pg_stat_database's cumulative columns: [column, metric suffix, help, scale to the metric's unit]. */
const DATABASE_COUNTERS: ReadonlyArray<readonly [string, string, string, number]> = [
  ["xact_commit", "xact_commit_total", "Transactions committed", 1],
  ["xact_rollback", "xact_rollback_total", "Transactions rolled back", 1],
  ["blks_read", "blks_read_total", "Disk blocks read (not found in shared buffers)", 1],
  ["blks_hit", "blks_hit_total", "Disk blocks found in shared buffers", 1],
  ["tup_returned", "tup_returned_total", "Rows returned by scans", 1],
  ["tup_fetched", "tup_fetched_total", "Rows fetched by index scans", 1],
  ["tup_inserted", "tup_inserted_total", "Rows inserted", 1],
  ["tup_updated", "tup_updated_total", "Rows updated", 1],
  ["tup_deleted", "tup_deleted_total", "Rows deleted", 1],
  ["conflicts", "conflicts_total", "Queries cancelled by recovery conflicts (standbys)", 1],
  ["temp_files", "temp_files_total", "Temporary files written by queries", 1],
  ["temp_bytes", "temp_bytes_total", "Bytes written to temporary files by queries", 1],
  ["deadlocks", "deadlocks_total", "Deadlocks detected", 1],
  ["blk_read_time", "blk_read_time_seconds_total", "Time spent reading data file blocks (track_io_timing)", 1e-3],
  ["blk_write_time", "blk_write_time_seconds_total", "Time spent writing data file blocks (track_io_timing)", 1e-3],
];

const REPLICA_LABELS = ["application_name", "client_addr", "state"] as const;
const STATEMENT_LABELS = ["queryid", "datname", "user", "query"] as const;

/** Declares every PostgreSQL family, so each is served even before it has a sample. */
export function declarePostgres(f: Families): Families {
  f.declare("pg_up", "gauge", "1 when the last scrape reached the server, else 0");
  f.declare("pg_settings_max_connections", "gauge", "The server's max_connections setting");
  f.declare("pg_stat_database_numbackends", "gauge", "Backends connected to the database", ["datname"]);
  for (const [, suffix, help] of DATABASE_COUNTERS) f.declare(`pg_stat_database_${suffix}`, "counter", help, ["datname"]);
  f.declare("pg_database_size_bytes", "gauge", "Disk space used by the database", ["datname"]);
  f.declare("pg_stat_activity_count", "gauge", "Client connections by database and state", ["datname", "state"]);
  f.declare("pg_stat_activity_max_tx_duration_seconds", "gauge", "Age of the oldest open transaction, by database and state", ["datname", "state"]);
  f.declare("pg_replication_is_replica", "gauge", "1 when the server is a standby (in recovery)");
  f.declare("pg_replication_replica_lag_seconds", "gauge", "On a standby, time since the last replayed transaction when WAL is pending replay; 0 on a primary");
  f.declare("pg_stat_replication_replicas", "gauge", "Standbys streaming from this server");
  f.declare("pg_stat_replication_replay_lag_seconds", "gauge", "Replay lag each standby reports (pg_stat_replication.replay_lag)", REPLICA_LABELS);
  f.declare("pg_stat_replication_lag_bytes", "gauge", "WAL bytes each standby has yet to replay", REPLICA_LABELS);
  f.declare("pg_stat_statements_available", "gauge", "1 when pg_stat_statements is installed in the connected database");
  f.declare("pg_stat_statements_calls_total", "counter", "Calls of the top statements by total execution time", STATEMENT_LABELS);
  f.declare("pg_stat_statements_exec_seconds_total", "counter", "Execution time of the top statements", STATEMENT_LABELS);
  f.declare("pg_stat_statements_rows_total", "counter", "Rows returned or affected by the top statements", STATEMENT_LABELS);
  return f;
}

/** One query's text as a label: whitespace folded, cut to 120 characters. */
export function statementLabel(query: unknown): string {
  const text = String(query ?? "").replace(/\s+/g, " ").trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

async function databases(db: PgQueryable, f: Families): Promise<void> {
  const cols = DATABASE_COUNTERS.map(([c]) => `s.${c}`).join(", ");
  // The shared-objects row (datname NULL, PostgreSQL 12+) is left out; sizes only where we may connect.
  const { rows } = await db.query(
    `select s.datname, s.numbackends, ${cols},
            case when has_database_privilege(d.oid, 'CONNECT') then pg_database_size(d.oid) end as size
       from pg_stat_database s join pg_database d on d.oid = s.datid
      where s.datname is not null`,
  );
  for (const r of rows) {
    const labels = { datname: str(r.datname) };
    f.add("pg_stat_database_numbackends", r.numbackends as string, labels);
    for (const [col, suffix, , scale] of DATABASE_COUNTERS) f.add(`pg_stat_database_${suffix}`, Number(r[col]) * scale, labels);
    f.add("pg_database_size_bytes", r.size as string | null, labels);
  }
}

async function activity(db: PgQueryable, f: Families): Promise<void> {
  const { rows } = await db.query(
    `select coalesce(datname, '') as datname, coalesce(state, 'unknown') as state, count(*) as n,
            coalesce(max(extract(epoch from clock_timestamp() - xact_start)), 0) as oldest
       from pg_stat_activity where backend_type = 'client backend' group by 1, 2`,
  );
  for (const r of rows) {
    const labels = { datname: str(r.datname), state: str(r.state) };
    f.add("pg_stat_activity_count", r.n as string, labels);
    f.add("pg_stat_activity_max_tx_duration_seconds", r.oldest as string, labels);
  }
}

async function replication(db: PgQueryable, f: Families, inRecovery: boolean): Promise<void> {
  f.add("pg_replication_is_replica", inRecovery ? 1 : 0);
  if (inRecovery) {
    // Nothing pending replay means no lag, however old the last transaction is (an idle primary).
    const { rows } = await db.query(
      `select case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                   else coalesce(extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()), 0) end as lag`,
    );
    f.add("pg_replication_replica_lag_seconds", rows[0]?.lag as string);
  } else {
    f.add("pg_replication_replica_lag_seconds", 0);
  }
  const { rows } = await db.query(
    `select coalesce(application_name, '') as application_name, coalesce(host(client_addr), 'local') as client_addr,
            coalesce(state, '') as state, coalesce(extract(epoch from replay_lag), 0) as replay_lag,
            ${inRecovery ? "null" : "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"} as lag_bytes
       from pg_stat_replication`,
  );
  f.add("pg_stat_replication_replicas", rows.length);
  for (const r of rows) {
    const labels = { application_name: str(r.application_name), client_addr: str(r.client_addr), state: str(r.state) };
    f.add("pg_stat_replication_replay_lag_seconds", r.replay_lag as string, labels);
    f.add("pg_stat_replication_lag_bytes", r.lag_bytes as string | null, labels);
  }
}

async function statements(db: PgQueryable, f: Families, versionNum: number, top: number): Promise<void> {
  const { rows: ext } = await db.query(`select 1 from pg_extension where extname = 'pg_stat_statements'`);
  f.add("pg_stat_statements_available", ext.length > 0 ? 1 : 0);
  if (ext.length === 0 || top <= 0) return;
  // Column names changed in 13 (total_time → total_exec_time); 14 added nested statements (toplevel).
  const time = versionNum >= 130000 ? "total_exec_time" : "total_time";
  const { rows } = await db.query(
    `select s.queryid::text as queryid, coalesce(d.datname, '') as datname, coalesce(r.rolname, '') as rolname,
            s.query, s.calls, s.${time} / 1000.0 as seconds, s.rows
       from pg_stat_statements s left join pg_database d on d.oid = s.dbid left join pg_roles r on r.oid = s.userid
      where s.queryid is not null ${versionNum >= 140000 ? "and s.toplevel" : ""}
      order by s.${time} desc limit ${Math.floor(top)}`,
  );
  for (const r of rows) {
    const labels = { queryid: str(r.queryid), datname: str(r.datname), user: str(r.rolname), query: statementLabel(r.query) };
    f.add("pg_stat_statements_calls_total", r.calls as string, labels);
    f.add("pg_stat_statements_exec_seconds_total", r.seconds as string, labels);
    f.add("pg_stat_statements_rows_total", r.rows as string, labels);
  }
}

/** One scrape of a PostgreSQL server into `f` (declared with {@link declarePostgres}). */
export async function collectPostgres(db: PgQueryable, f: Families, opts: PgCollectOptions = {}): Promise<void> {
  const { rows } = await db.query(
    `select current_setting('server_version_num')::int as v, pg_is_in_recovery() as recovery,
            current_setting('max_connections')::int as max_connections`,
  );
  const info = rows[0] as { v: number; recovery: boolean; max_connections: number };
  f.add("pg_settings_max_connections", info.max_connections);
  await databases(db, f);
  await activity(db, f);
  await replication(db, f, info.recovery);
  await statements(db, f, info.v, opts.topStatements ?? 10);
}
