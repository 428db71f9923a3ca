// A long-lived connection to one database and a scrape on demand. A scrape that cannot reach the server
// still answers, with pg_up / mysql_up 0 and the reason, as Prometheus exporters do.
import { driverOptions, type DbTarget } from "../connection.js";
import { Families, type MetricFamily } from "./families.js";
import { collectMysql, declareMysql } from "./mysql.js";
import { collectPostgres, declarePostgres } from "./postgres.js";

export interface ScraperOptions {
  /** Statements of pg_stat_statements served, by total execution time (PostgreSQL). @default 10 */
  topStatements?: number;
}

export interface Scrape {
  families: MetricFamily[];
  /** Why the server could not be read (then only the `up` metric is served, at 0). */
  error?: Error;
}

export interface Scraper {
  scrape(): Promise<Scrape>;
  close(): Promise<void>;
}

const DURATION = "dbtk_metrics_scrape_duration_seconds";

/** Opens nothing yet: the first scrape connects. Only the engine's own driver is loaded. */
export async function createScraper(target: DbTarget, opts: ScraperOptions = {}): Promise<Scraper> {
  const up = target.engine === "postgres" ? "pg_up" : "mysql_up";
  const declare = target.engine === "postgres" ? declarePostgres : declareMysql;
  let collect: (f: Families) => Promise<void>;
  let close: () => Promise<void>;
  if (target.engine === "postgres") {
    // One connection, opened again after a failure; statement_timeout keeps a stuck scrape bounded.
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ ...driverOptions(target), max: 1, statement_timeout: 10_000, connectionTimeoutMillis: 10_000, application_name: "dbtk metrics" });
    pool.on("error", () => undefined); // an idle connection dropped by the server: the next scrape reconnects
    collect = (f) => collectPostgres(pool, f, opts);
    close = () => pool.end();
  } else {
    const { default: mysql } = await import("mysql2/promise");
    const pool = mysql.createPool({ ...driverOptions(target), connectionLimit: 1, connectTimeout: 10_000 });
    collect = (f) => collectMysql({ query: async (sql) => (await pool.query(sql))[0] as Array<Record<string, unknown>> }, f);
    close = () => pool.end();
  }
  return {
    async scrape() {
      const started = performance.now();
      const fresh = () => declare(new Families()).declare(DURATION, "gauge", "How long the scrape of the database took");
      const f = fresh();
      let error: Error | undefined;
      try {
        await collect(f);
      } catch (err) {
        error = err as Error;
      }
      // A failed scrape serves no half-read numbers: only up 0.
      const out = error ? fresh() : f;
      out.add(up, error ? 0 : 1);
      out.add(DURATION, (performance.now() - started) / 1000);
      return { families: out.list(), ...(error ? { error } : {}) };
    },
    close,
  };
}
