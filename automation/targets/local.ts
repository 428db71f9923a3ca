// The default target: the local embedded PostgreSQL server (or a local MariaDB when asked), started on
// demand, reused across runs, tuned for disposable data; databases made by the direct SQL primitives.
import path from "node:path";
import { serversDir, startLocalMariadb, startLocalPostgres } from "../servers/index.js";
import { directTarget } from "./server.js";
import { MysqlServer } from "./sql-mysql.js";
import { PostgresServer, type CloneStrategy } from "./sql-postgres.js";
import type { Target } from "./types.js";

export interface LocalTargetOptions {
  /** Server directory; default `<servers dir>/postgres` or `<servers dir>/mariadb` (DBTK_SERVERS_DIR). */
  rootDir?: string;
  strategy?: CloneStrategy;
}

export async function localPostgresTarget(opts: LocalTargetOptions = {}): Promise<Target> {
  const s = await startLocalPostgres({ rootDir: opts.rootDir ?? path.join(serversDir(), "postgres") });
  const admin = { engine: "postgres" as const, host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" };
  return directTarget("local", new PostgresServer({ admin, ...(opts.strategy ? { strategy: opts.strategy } : {}) }));
}

export async function localMariadbTarget(opts: LocalTargetOptions = {}): Promise<Target> {
  const s = await startLocalMariadb({ rootDir: opts.rootDir ?? path.join(serversDir(), "mariadb") });
  const admin = { engine: "mysql" as const, host: s.host, port: s.port, user: s.user, password: s.password, database: "" };
  return directTarget("local-mariadb", new MysqlServer({ admin }));
}
