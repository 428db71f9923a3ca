// A PgBouncer in front of one run's database, so the command meets a pooler the way it will in production
// (PgBouncer, RDS Proxy): in transaction mode a session's state (SET, named prepared statements, advisory
// locks) does not survive its transaction. Its files (config, and the login's password in a 0600 auth file)
// live in a private folder removed at stop; its process is recorded by identity so a guardian can kill it.
import { spawn } from "node:child_process";
import { accessSync, chownSync, constants, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import { identify, type ProcessIdentity } from "../../core/process.js";
import { freePort, portOpen } from "../../core/servers/net.js";
import { serverUser } from "../../core/servers/os-user.js";
import { pidAlive, stopProcesses } from "../../core/servers/procs.js";
import type { PoolerFigures } from "../report/types.js";

export const POOLER_MODES = ["session", "transaction"] as const;
export type PoolerMode = (typeof POOLER_MODES)[number];
export const POOLERS = ["pgbouncer"] as const;

export interface PoolerOptions {
  /** Which pooler; only `pgbouncer`. */
  kind: string;
  /** How long a client keeps a server connection. @default "transaction" */
  mode?: string;
  /** The pgbouncer executable. @default `<cacheDir>/bin/pgbouncer`, else pgbouncer on PATH, else /usr/sbin/pgbouncer */
  bin?: string;
  /** The toolkit's cache (where tools/install-pgbouncer.sh puts its wrapper). */
  cacheDir?: string;
  /** PATH to look for pgbouncer on. */
  path?: string;
}

/** Checks the options before anything is made: usage errors (exit 2) naming the option. */
export function checkPooler(opts: PoolerOptions, engine: DbTarget["engine"]): { kind: "pgbouncer"; mode: PoolerMode } {
  if (!(POOLERS as readonly string[]).includes(opts.kind)) {
    throw new DbtkError(`options.pooler: unknown pooler "${opts.kind}"; use ${POOLERS.join(" or ")}`, 2);
  }
  const mode = opts.mode ?? "transaction";
  if (!(POOLER_MODES as readonly string[]).includes(mode)) {
    throw new DbtkError(`options.poolerMode: unknown pooler mode "${mode}"; use ${POOLER_MODES.join(" or ")}`, 2);
  }
  if (engine !== "postgres") throw new DbtkError(`options.pooler: pgbouncer pools PostgreSQL connections; this run's engine is ${engine}`, 2);
  return { kind: "pgbouncer", mode: mode as PoolerMode };
}

/** The pgbouncer executable, or an error naming where it looked and how to install it. */
export function findPgbouncer(opts: PoolerOptions): string {
  const candidates = opts.bin
    ? [opts.bin]
    : [
        ...(opts.cacheDir ? [path.join(opts.cacheDir, "bin", "pgbouncer")] : []),
        ...(opts.path ?? "").split(":").filter(Boolean).map((d) => path.join(d, "pgbouncer")),
        "/usr/sbin/pgbouncer",
      ];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new DbtkError(`pgbouncer is not installed (looked for ${[...new Set(candidates)].join(", ")}): run tools/install-pgbouncer.sh, or pass options.bin`);
}

export interface RunningPooler {
  /** Where the command connects: the pooler, with the run's login and database. */
  connection: DbTarget;
  /** The pooler process (for a guardian) and its private folder. */
  process: ProcessIdentity;
  dir: string;
  mode: PoolerMode;
  /** Its figures for the run's database (admin console: SHOW STATS, SHOW POOLS). */
  stats(): Promise<PoolerFigures>;
  /** Stops it and removes its folder; idempotent. */
  stop(): Promise<void>;
}

const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function config(db: DbTarget, port: number, dir: string, mode: PoolerMode, osUser: string | undefined): string {
  return [
    "[databases]",
    `${db.database} = host=${db.host} port=${db.port} dbname=${db.database}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "auth_type = scram-sha-256",
    `auth_file = ${path.join(dir, "users.txt")}`,
    `pool_mode = ${mode}`,
    `admin_users = ${db.user}`,
    `stats_users = ${db.user}`,
    "default_pool_size = 10",
    "max_client_conn = 200",
    // Drivers send these at startup; PgBouncer refuses unknown ones unless told to ignore them.
    "ignore_startup_parameters = extra_float_digits,options,search_path",
    `logfile = ${path.join(dir, "pgbouncer.log")}`,
    // It refuses to run as root: as root it drops to the database server's OS user.
    ...(osUser ? [`user = ${osUser}`] : []),
    "",
  ].join("\n");
}

const logTail = (dir: string): string => {
  try {
    return readFileSync(path.join(dir, "pgbouncer.log"), "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
};

/** Starts a PgBouncer for `db` on a free local port; resolves once it accepts connections. */
export async function startPgbouncer(db: DbTarget, opts: PoolerOptions): Promise<RunningPooler> {
  const { mode } = checkPooler(opts, db.engine);
  const bin = findPgbouncer(opts);
  const dir = mkdtempSync(path.join(tmpdir(), "dbtk-pgbouncer-"));
  const user = serverUser("postgres");
  const port = await freePort();
  const own = (f: string): void => void (user && chownSync(f, user.uid, user.gid));
  writeFileSync(path.join(dir, "users.txt"), `${q(db.user)} ${q(db.password)}\n`, { mode: 0o600 });
  writeFileSync(path.join(dir, "pgbouncer.ini"), config(db, port, dir, mode, user?.name), { mode: 0o600 });
  for (const f of [dir, path.join(dir, "users.txt"), path.join(dir, "pgbouncer.ini")]) own(f);
  const out = openSync(path.join(dir, "stdout.log"), "a");
  const child = spawn(bin, [path.join(dir, "pgbouncer.ini")], { detached: true, stdio: ["ignore", out, out], cwd: dir });
  closeSync(out);
  child.on("error", () => undefined);
  child.unref();
  const pid = child.pid ?? 0;
  const stop = async (): Promise<void> => {
    if (pid && pidAlive(pid)) await stopProcesses([pid], "SIGTERM", 3000);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; !(await portOpen(port)); i++) {
    if (!pidAlive(pid) || i > 200) {
      const log = logTail(dir);
      await stop();
      throw new DbtkError(`pgbouncer (${bin}) did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const connection: DbTarget = { ...db, host: "127.0.0.1", port };
  const adminConsole = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ host: "127.0.0.1", port, user: db.user, password: db.password, database: "pgbouncer" });
    c.on("error", () => undefined);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  let stopped = false;
  return {
    connection,
    process: identify(pid),
    dir,
    mode,
    stats: () =>
      adminConsole(async (c) => {
        const st = (await c.query<Record<string, string>>("SHOW STATS")).rows.find((r) => r.database === db.database);
        const ps = (await c.query<Record<string, string>>("SHOW POOLS")).rows.filter((p) => p.database === db.database);
        const sum = (k: string): number => ps.reduce((a, p) => a + Number(p[k] ?? 0), 0);
        return {
          kind: "pgbouncer" as const,
          mode,
          transactions: Number(st?.total_xact_count ?? 0),
          queries: Number(st?.total_query_count ?? 0),
          clients: clientLogins(dir, db.database),
          servers: sum("sv_active") + sum("sv_idle") + sum("sv_used"),
          waitMs: Number(st?.total_wait_time ?? 0) / 1000,
          waiting: sum("cl_waiting"),
        };
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stop();
    },
  };
}

/** Client connections the pooler let in for `database` (its log has a line for each; SHOW keeps no total). */
function clientLogins(dir: string, database: string): number {
  try {
    const log = readFileSync(path.join(dir, "pgbouncer.log"), "utf8");
    return log.split("\n").filter((l) => l.includes(`login attempt: db=${database} `)).length;
  } catch {
    return 0;
  }
}
