// MariaDB / MySQL server status as metric families: SHOW GLOBAL STATUS (every numeric variable, counters
// and gauges told apart), the connection limit, and replica state from SHOW ALL REPLICAS STATUS.
import { Families, type MetricType } from "./families.js";

type Row = Record<string, unknown>;

/** What the collector needs of a connection: a query returning rows (mysql2's pool, wrapped). */
export interface MysqlQueryable {
  query(sql: string): Promise<Row[]>;
}

/**
 * Status variables that go up and down (the rest only grow until a restart or FLUSH STATUS): current
 * connections and threads, open objects, buffer pool occupancy, high-water marks and current sizes.
 */
const GAUGE_STATUS = new RegExp(
  "^(" +
    [
      "threads_(connected|running|cached)",
      "max_used_connections",
      "open_[a-z_]+",
      "innodb_buffer_pool_(pages_(data|dirty|free|misc|total|old)|bytes_(data|dirty)|resize_status_progress)",
      "innodb_page_size",
      "innodb_row_lock_(current_waits|time_avg|time_max)",
      "innodb_num_open_files",
      "innodb_history_list_length",
      "innodb_(mem_|checkpoint_age|checkpoint_max_age|onlineddl_pct_progress)[a-z_]*",
      "memory_used(_initial)?",
      "prepared_stmt_count",
      "qcache_(free_blocks|free_memory|queries_in_cache|total_blocks)",
      "uptime(_since_flush_status)?",
      "slaves?_(connected|running|open_temp_tables)",
      "replicas?_(connected|running|open_temp_tables)",
      "rpl_semi_sync_[a-z_]*(clients|status|avg_[a-z_]*|wait_sessions)",
      "wsrep_[a-z_]+",
      "key_blocks_(not_flushed|unused|used)",
      "tc_log_page_size",
      "ssl_(session_cache_size|verify_depth|verify_mode|ctx_verify_depth|ctx_verify_mode)",
      "resultset_metadata_skipped",
    ].join("|") +
    ")$",
);

/** The metric name and type of one status variable: `Com_select` → mysql_global_status_com_select_total. */
export function statusMetric(variable: string): { name: string; type: MetricType } {
  const base = variable.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return GAUGE_STATUS.test(base) ? { name: `mysql_global_status_${base}`, type: "gauge" } : { name: `mysql_global_status_${base}_total`, type: "counter" };
}

const REPLICA_LABELS = ["channel"] as const;

/** The families served whatever the server's status variables are. */
export function declareMysql(f: Families): Families {
  f.declare("mysql_up", "gauge", "1 when the last scrape reached the server, else 0");
  f.declare("mysql_global_variables_max_connections", "gauge", "The server's max_connections setting");
  f.declare("mysql_replication_is_replica", "gauge", "1 when the server replicates from a primary");
  f.declare("mysql_replica_lag_seconds", "gauge", "Seconds_Behind_Master of each replication channel", REPLICA_LABELS);
  f.declare("mysql_replica_running", "gauge", "1 when a channel's IO and SQL threads both run", REPLICA_LABELS);
  return f;
}

const numeric = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

async function replicaRows(db: MysqlQueryable): Promise<Row[] | undefined> {
  // MariaDB names every channel with ALL; MySQL 8.0.22+ has REPLICA, older servers only SLAVE.
  for (const sql of ["SHOW ALL REPLICAS STATUS", "SHOW REPLICA STATUS", "SHOW SLAVE STATUS"]) {
    try {
      return await db.query(sql);
    } catch {
      // Not this server's spelling, or no REPLICATION CLIENT / SLAVE MONITOR privilege: try the next.
    }
  }
  return undefined;
}

/** One scrape of a MariaDB / MySQL server into `f` (declared with {@link declareMysql}). */
export async function collectMysql(db: MysqlQueryable, f: Families): Promise<void> {
  const status = await db.query("SHOW GLOBAL STATUS");
  for (const r of status) {
    const name = String(r.Variable_name ?? r.variable_name);
    const value = numeric(r.Value ?? r.value);
    if (value === undefined) continue; // text-valued (versions, states)
    const m = statusMetric(name);
    f.declare(m.name, m.type, `SHOW GLOBAL STATUS ${name}`).add(m.name, value);
  }
  const vars = await db.query("SHOW GLOBAL VARIABLES LIKE 'max_connections'");
  f.add("mysql_global_variables_max_connections", numeric(vars[0]?.Value ?? vars[0]?.value));
  const replicas = await replicaRows(db);
  if (!replicas) return;
  f.add("mysql_replication_is_replica", replicas.length > 0 ? 1 : 0);
  for (const r of replicas) {
    const labels = { channel: String(r.Connection_name ?? r.Channel_Name ?? "") };
    const io = String(r.Slave_IO_Running ?? r.Replica_IO_Running ?? "");
    const sql = String(r.Slave_SQL_Running ?? r.Replica_SQL_Running ?? "");
    f.add("mysql_replica_running", io === "Yes" && sql === "Yes" ? 1 : 0, labels);
    f.add("mysql_replica_lag_seconds", numeric(r.Seconds_Behind_Master ?? r.Seconds_Behind_Source), labels);
  }
}
