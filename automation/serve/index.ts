// `dbtk serve` as a library: a local pool server speaking IntegreSQL's HTTP API, backed by the local
// embedded PostgreSQL (or MariaDB), the shared template cache and its clone machinery.
//
//   const srv = await startPoolServer({ port: 0, signal });   // or await srv.close()
//   srv.url  // http://127.0.0.1:<port>: give it to IntegreSQL's clients
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serversDir, startLocalMariadb, startLocalPostgres, type ServerPhase, type ToolkitDirs } from "../../core/servers/index.js";
import { ownerLiveness } from "../targets/meta.js";
import { directTarget, sqlServerFor } from "../targets/server.js";
import { apiHandler } from "./http.js";
import { SERVE_OWNER } from "./wire.js";
import { removeStateFile, writeStateFile } from "./discovery.js";
import { Templates, type TemplateStatus } from "./templates.js";
import { Timings, type ServerTimings } from "./timing.js";

export { findPoolServer, type PoolServerState } from "./discovery.js";
export { templateKeyOf } from "./templates.js";
export { SERVE_OWNER, type ConnectionConfig } from "./wire.js";
export { PoolServerClient } from "./client.js";


export interface PoolServerOptions extends ToolkitDirs {
  /** `postgres` (default) or `mysql` (the local MariaDB). */
  engine?: "postgres" | "mysql";
  /** Local server directory; default `<serversDir>/postgres` or `…/mariadb`. */
  rootDir?: string;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** Port; 0 picks a free one. @default 5000 (IntegreSQL's) */
  port?: number;
  /** Test databases kept ready per template. @default 4 */
  poolSize?: number;
  /** Test databases of one template alive at once; at the limit the oldest handed-out one is recycled. @default 64 */
  max?: number;
  /** Clones made at the same time per template. @default 2 */
  parallel?: number;
  /** A handed-out database not returned within this is recycled. @default 600000 (10 min) */
  leaseMs?: number;
  /** A handed-out database is never recycled to make room before this age. @default 250 */
  minLifetimeMs?: number;
  /** How long a request for a test database waits for one. @default 60000 */
  getTimeoutMs?: number;
  /** How long a request waits for a template being migrated to be finalized. @default 60000 */
  finalizeTimeoutMs?: number;
  /** Stops the server when aborted (same as `close()`). */
  signal?: AbortSignal;
  /** Told when the local database server had to be initialised or started. */
  onServerPhase?: (phase: ServerPhase) => void;
}

export interface PoolServerStatus {
  url: string;
  engine: "postgres" | "mysql";
  pid: number;
  templates: TemplateStatus[];
  /** The server's own latency: hand-outs (request event → answer written) and its event loop's delay. */
  timings: ServerTimings;
}

export interface PoolServer {
  /** `http://host:port` — the npm client's `url`; the Python client wants `${url}/api` as its base URL. */
  readonly url: string;
  readonly port: number;
  readonly engine: "postgres" | "mysql";
  status(): PoolServerStatus;
  /** Stops listening, drops every test database and unfinished template; finalized templates stay cached. */
  close(): Promise<void>;
}

async function openLocal(opts: PoolServerOptions) {
  const engine = opts.engine ?? "postgres";
  const rootDir = opts.rootDir ?? path.join(serversDir(opts), engine === "mysql" ? "mariadb" : "postgres");
  const phase = opts.onServerPhase ? { onPhase: opts.onServerPhase } : {};
  const s = engine === "mysql" ? await startLocalMariadb({ rootDir, ...phase }) : await startLocalPostgres({ rootDir, ...phase });
  const admin = { engine, host: s.host, port: s.port, user: s.user, password: s.password, database: engine === "mysql" ? "" : "postgres" };
  const server = sqlServerFor(admin);
  return { engine, rootDir, server, target: directTarget(engine === "mysql" ? "local-mariadb" : "local", server, admin) };
}

function listen(http: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`options.port ${port} on ${host} is in use (another dbtk serve or IntegreSQL?): pick another port, or 0 for a free one`)
          : err,
      );
    http.once("error", onError);
    http.listen(port, host, () => {
      http.off("error", onError);
      resolve((http.address() as AddressInfo).port);
    });
  });
}

export async function startPoolServer(opts: PoolServerOptions = {}): Promise<PoolServer> {
  const { engine, rootDir, server, target } = await openLocal(opts);
  // Clones a killed pool server left behind (its pid is gone) are nobody's: drop them first.
  for (const d of await target.list()) {
    if (d.owner === SERVE_OWNER && ownerLiveness(d) === "gone") await target.destroy(d.id).catch(() => undefined);
  }
  const templates = new Templates(server, target, {
    size: opts.poolSize ?? 4,
    max: opts.max ?? 64,
    parallel: opts.parallel ?? 2,
    leaseMs: opts.leaseMs ?? 600_000,
    minLifetimeMs: opts.minLifetimeMs ?? 250,
    getTimeoutMs: opts.getTimeoutMs ?? 60_000,
    finalizeTimeoutMs: opts.finalizeTimeoutMs ?? 60_000,
    // Reap never takes a live owner's database; once this server is gone, its clones expire soon after.
    ttlMs: 600_000,
    owner: SERVE_OWNER,
  });
  const host = opts.host ?? "127.0.0.1";
  let url = "";
  const timings = new Timings();
  const status = (): PoolServerStatus => ({ url, engine, pid: process.pid, templates: templates.status(), timings: timings.summary() });
  // No Nagle: an answer is one small write, and waiting to coalesce it would be the whole latency.
  const http = createServer({ keepAlive: true, noDelay: true }, apiHandler(templates, { status, handedOut: (ms) => timings.handout.add(ms) }));
  http.keepAliveTimeout = 30_000;
  let port: number;
  try {
    port = await listen(http, opts.port ?? 5000, host);
  } catch (err) {
    timings.stop();
    await target.close();
    throw err;
  }
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  writeStateFile(rootDir, { url, pid: process.pid, engine, startedAt: new Date().toISOString() });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      opts.signal?.removeEventListener("abort", onAbort);
      removeStateFile(rootDir, url);
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await templates.close();
      http.closeAllConnections();
      await stopped;
      timings.stop();
      await target.close();
    })());
  const onAbort = (): void => void close();
  if (opts.signal?.aborted) await close();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });
  return { url, port, engine, status, close };
}
