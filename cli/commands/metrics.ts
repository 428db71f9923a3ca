// dbtk metrics: Prometheus metrics for one database (DATABASE_URL or --url) — served on a local port for
// Prometheus to scrape, or printed once. The password is never printed.
import type { Command } from "commander";
import { parseDatabaseUrl, redactedUrl, type DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import { environment } from "../environment.js";
import { interruptible } from "../interruptible.js";
import { usage, warnUrlFlag } from "./usage.js";

interface Flags {
  url?: string;
  once?: boolean;
  port?: string;
  listen: string;
  top: string;
}

/** The ports the usual exporters use (postgres_exporter, mysqld_exporter), so dashboards' habits carry over. */
const DEFAULT_PORT = { postgres: 9187, mysql: 9104 } as const;

function target(flags: Flags): DbTarget {
  const url = flags.url ?? environment().DATABASE_URL;
  if (!url) throw usage("no database: set DATABASE_URL to postgres://user:password@host/db (or pass --url)");
  let t: DbTarget;
  try {
    // The metrics are the server's: a URL may leave out the database (PostgreSQL then reads `postgres`).
    t = parseDatabaseUrl(url, { what: flags.url ? "--url" : "DATABASE_URL", admin: true });
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (flags.url) warnUrlFlag(t);
  return t;
}

function whole(value: string, flag: string, max: number, example: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) throw usage(`${flag} "${value}" is not a whole number from 0 to ${max}: use e.g. ${flag} ${example}`);
  return n;
}

async function run(flags: Flags): Promise<void> {
  const db = target(flags);
  const topStatements = whole(flags.top, "--top", 1000, "10");
  const port = flags.port === undefined ? DEFAULT_PORT[db.engine] : whole(flags.port, "--port", 65535, "9187");
  // The exporter (drivers, prom-client) loads only when the command runs (cli/main.ts).
  const { createScraper, exposition, serveMetrics } = await import("../../core/metrics/index.js");
  const scraper = await createScraper(db, { topStatements });
  try {
    if (flags.once) {
      const s = await scraper.scrape();
      if (s.error) throw new DbtkError(`cannot read metrics from ${redactedUrl(db)}: ${s.error.message}`);
      process.stdout.write(await exposition(s.families));
      return;
    }
    await interruptible(async (signal) => {
      const server = await serveMetrics({
        host: flags.listen,
        port,
        scrape: () => scraper.scrape(),
        onScrapeError: (err) => process.stderr.write(`dbtk: scrape of ${redactedUrl(db)} failed: ${err.message}\n`),
      }).catch((err: NodeJS.ErrnoException) => {
        const why = err.code === "EADDRINUSE" ? "is in use" : `cannot be listened on (${err.message})`;
        throw new DbtkError(`${flags.listen}:${port} ${why}: pick another with --port (0 for any free port) or --listen`);
      });
      process.stderr.write(`dbtk: serving metrics of ${redactedUrl(db)} on ${server.url} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      await server.close();
    });
  } finally {
    await scraper.close();
  }
}

export function registerMetrics(program: Command): void {
  program
    .command("metrics")
    .description(
      "Prometheus metrics for a database (DATABASE_URL or --url): pg_stat_database, pg_stat_activity, replication, " +
        "top pg_stat_statements; MariaDB/MySQL global status and replica lag. Serves /metrics, or prints once",
    )
    .option("--url <url>", "database URL (default: $DATABASE_URL)")
    .option("--once", "print the metrics once on stdout and exit, instead of serving them")
    .option("--port <n>", "port to serve /metrics on; 0 picks a free one (default: 9187 for PostgreSQL, 9104 for MySQL)")
    .option("--listen <address>", "address to listen on (query texts are in the metrics: widen deliberately)", "127.0.0.1")
    .option("--top <n>", "statements of pg_stat_statements to serve, by total execution time", "10")
    .action(run);
}
