// The default target: the local embedded PostgreSQL server (or a local MariaDB when asked), started on
// demand, reused across runs, tuned for disposable data; databases made by the direct SQL primitives.
import path from "node:path";
import { serversDir, type ToolkitDirs } from "../../core/servers/paths.js";
import { startLocalPostgres } from "../../core/servers/postgres.js";
import type { ServerPhase } from "../../core/servers/types.js";
import { directTarget, sqlServerFor, type SqlServerOptions } from "./server.js";
import type { Target } from "./types.js";

export interface LocalTargetOptions extends ToolkitDirs, SqlServerOptions {
  /** Server directory; default `<serversDir>/postgres` or `<serversDir>/mariadb`. */
  rootDir?: string;
  /** Told when the local server had to be initialised or started, with the time it took (a progress line). */
  onServerPhase?: (phase: ServerPhase) => void;
  /** Told when the local PostgreSQL server starts making its data directory (~1 s): a caller can load what it needs next meanwhile. */
  onServerInitStart?: () => void;
}

export async function localPostgresTarget(opts: LocalTargetOptions = {}): Promise<Target> {
  const s = await startLocalPostgres({
    rootDir: opts.rootDir ?? path.join(serversDir(opts), "postgres"),
    ...(opts.onServerPhase ? { onPhase: opts.onServerPhase } : {}),
    ...(opts.onServerInitStart ? { onInitStart: opts.onServerInitStart } : {}),
  });
  const admin = { engine: "postgres" as const, host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" };
  return directTarget("local", sqlServerFor(admin, opts), admin);
}

export async function localMariadbTarget(opts: LocalTargetOptions = {}): Promise<Target> {
  // MariaDB's driver loads only when it is asked for: the PostgreSQL path stays light.
  const { startLocalMariadb } = await import("../../core/servers/mariadb.js");
  const s = await startLocalMariadb({
    rootDir: opts.rootDir ?? path.join(serversDir(opts), "mariadb"),
    ...(opts.onServerPhase ? { onPhase: opts.onServerPhase } : {}),
  });
  const admin = { engine: "mysql" as const, host: s.host, port: s.port, user: s.user, password: s.password, database: "" };
  return directTarget("local-mariadb", sqlServerFor(admin, opts), admin);
}
