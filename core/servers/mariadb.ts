// A local MariaDB server from Debian's mariadb-server binaries (tools/install-mariadb.sh), on a private
// datadir and port, started detached so it outlives one run and is reused by the next.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { withFileLock } from "./file-lock.js";
import { ownedDir, serverUser } from "./os-user.js";
import { commandLine, pidAlive, processesOnDataDir, stopProcesses } from "./procs.js";
import { clearStartLeftovers, initialiseInStaging } from "./staging.js";
import { choosePort, logTail, newState, readState, serverRoot, writeState, type ServerState } from "./state.js";
import type { ServerHandle, ServerPhase } from "./types.js";

const run = promisify(execFile);
const ADMIN = "dbtk_admin";

export interface LocalMariadbOptions {
  /** Directory for data, log and state. Default `<servers dir>/mariadb`. */
  rootDir?: string;
  /** TCP port on 127.0.0.1. Default: the one used last time, or a free one. */
  port?: number;
  /** Told when the data directory had to be made and when the server had to be started, with the time each took. */
  onPhase?: (phase: ServerPhase) => void;
}

interface State extends ServerState {
  initialised?: boolean;
}

function findBinary(names: string[]): string {
  for (const name of names) {
    for (const dir of ["/usr/sbin", "/usr/bin", "/usr/local/bin"]) {
      const p = path.join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  throw new Error(`MariaDB is not installed (looked for ${names.join(", ")}); run tools/install-mariadb.sh`);
}

/** mariadbd processes running on `dataDir` (install-db's bootstrap server included). */
export function mariadbdsOn(dataDir: string): number[] {
  return processesOnDataDir(dataDir, { program: /^(mariadbd|mysqld)$/ });
}

/**
 * Waits until the new server answers a login. Not just until its socket exists: mariadbd listens before its
 * signal thread runs, and a SIGTERM it gets in between is lost (a stop right after would hang).
 */
async function waitReady(socket: string, port: number, st: State, logFile: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`local MariaDB exited during start (${child.exitCode ?? child.signalCode})\n${logTail(logFile)}`);
    }
    if (existsSync(socket) && (await probeMariadb(port, socket, st)) === "ok") return;
    await sleep(50);
  }
  throw new Error(`local MariaDB did not start within 60 s\n${logTail(logFile)}`);
}

type Probe = "ok" | "wrong-login" | "not-ready";

/** Whether the server answers: with the admin login over TCP, or (before it exists) as root on the socket. */
async function probeMariadb(port: number, socket: string, st: State): Promise<Probe> {
  try {
    const conn = st.initialised
      ? await mysql.createConnection({ host: "127.0.0.1", port, user: ADMIN, password: st.password, connectTimeout: 5_000 })
      : await mysql.createConnection({ socketPath: socket, user: "root", connectTimeout: 5_000 });
    await conn.end().catch(() => undefined);
    return "ok";
  } catch (err) {
    return (err as { errno?: number }).errno === 1045 ? "wrong-login" : "not-ready";
  }
}

/** A mariadbd found on our data directory: its port once it answers us, "wrong-login", or undefined. */
async function adoptable(pid: number, socket: string, st: State, timeoutMs = 60_000): Promise<number | "wrong-login" | undefined> {
  const argv = commandLine(pid);
  const port = Number(argv.find((a) => a.startsWith("--port="))?.slice("--port=".length));
  if (!Number.isInteger(port) || port <= 0 || !argv.includes(`--socket=${socket}`)) return undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pidAlive(pid)) {
    const r = await probeMariadb(port, socket, st);
    if (r === "ok") return port;
    if (r === "wrong-login") return r;
    await sleep(100);
  }
  return undefined;
}

/** First start: root logs in by unix socket only; create (or re-key) a password login for TCP clients. */
async function createAdmin(socket: string, password: string): Promise<void> {
  const conn = await mysql.createConnection({ socketPath: socket, user: "root" });
  try {
    await conn.query(`CREATE USER IF NOT EXISTS '${ADMIN}'@'%' IDENTIFIED BY ?`, [password]);
    await conn.query(`ALTER USER '${ADMIN}'@'%' IDENTIFIED BY ?`, [password]);
    await conn.query(`GRANT ALL PRIVILEGES ON *.* TO '${ADMIN}'@'%' WITH GRANT OPTION`);
  } finally {
    await conn.end();
  }
}

/**
 * Starts (or reuses) the local MariaDB server under `rootDir`; an admin login is created on first start.
 * Crash-safe like the PostgreSQL one: state first, a running mariadbd on the data directory adopted or
 * stopped, the data directory made in a staging folder.
 */
export async function startLocalMariadb(opts: LocalMariadbOptions = {}): Promise<ServerHandle> {
  const rootDir = serverRoot(opts.rootDir, "mariadb", "mysql");
  const dataDir = path.join(rootDir, "data");
  const runDir = path.join(rootDir, "run");
  const tmpDir = path.join(rootDir, "tmp");
  const socket = path.join(runDir, "mysqld.sock");
  const pidFile = path.join(runDir, "mysqld.pid");
  const logFile = path.join(runDir, "server.log");
  const stateFile = path.join(rootDir, "server.json");
  const user = serverUser("mysql");
  const mariadbd = findBinary(["mariadbd", "mysqld"]);
  let started = false;

  const state = await withFileLock(path.join(rootDir, ".lock"), async () => {
    await clearStartLeftovers(rootDir);
    let st = readState<State>(stateFile);
    const valid = existsSync(path.join(dataDir, "mysql"));
    const running = mariadbdsOn(dataDir);
    let port: number | "wrong-login" | undefined;
    if (st && valid && running.length === 1) {
      port = await adoptable(running[0]!, socket, st);
      if (port === "wrong-login") st = undefined;
    }
    if (typeof port !== "number") {
      if (running.length > 0) await stopProcesses(running, "SIGTERM", 60_000);
      ownedDir(tmpDir, user, 0o700);
      if (!st || !valid) {
        const t0 = performance.now();
        rmSync(dataDir, { recursive: true, force: true });
        st = { ...(await newState(opts.port)), initialised: false };
        writeState(stateFile, st);
        const installDb = findBinary(["mariadb-install-db", "mysql_install_db"]);
        await initialiseInStaging(rootDir, dataDir, user, async (staged) => {
          await run(installDb, [
            "--no-defaults",
            `--datadir=${staged}`,
            // Its own temporary directory: concurrent bootstraps sharing /tmp collided on temporary tables.
            `--tmpdir=${tmpDir}`,
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            ...(user ? [`--user=${user.name}`] : []),
          ]);
        });
        opts.onPhase?.({ phase: "server init", ms: performance.now() - t0, detail: `MariaDB data directory ${dataDir}` });
      }
      ownedDir(runDir, user, 0o755);
      rmSync(socket, { force: true });
      rmSync(pidFile, { force: true });
      await choosePort(st, opts.port);
      writeState(stateFile, st);
      const t0 = performance.now();
      const out = openSync(logFile, "a");
      const child = spawn(
        mariadbd,
        [
          "--no-defaults",
          `--datadir=${dataDir}`,
          `--tmpdir=${tmpDir}`,
          `--port=${st.port}`,
          "--bind-address=127.0.0.1",
          `--socket=${socket}`,
          `--pid-file=${pidFile}`,
          "--skip-name-resolve",
          "--max-connections=300",
          // Disposable data: no durability needed.
          "--innodb-flush-log-at-trx-commit=0",
          "--innodb-doublewrite=0",
          "--sync-binlog=0",
          // Statement digests and table I/O for `dbtk run --report` (off by default in MariaDB).
          "--performance-schema=ON",
          // Transaction counts per login for the report's figures (off by default).
          "--performance-schema-instrument=transaction=ON",
          ...(user ? [`--user=${user.name}`] : []),
        ],
        { detached: true, stdio: ["ignore", out, out], cwd: rootDir },
      );
      closeSync(out);
      child.unref();
      await waitReady(socket, st.port, st, logFile, child);
      started = true;
      opts.onPhase?.({ phase: "server start", ms: performance.now() - t0, detail: `MariaDB on 127.0.0.1:${st.port}` });
    } else {
      st!.port = port;
    }
    if (!st!.initialised) {
      await createAdmin(socket, st!.password);
      st!.initialised = true;
    }
    writeState(stateFile, st!);
    return st!;
  });

  return {
    engine: "mysql",
    host: "127.0.0.1",
    port: state.port,
    user: ADMIN,
    password: state.password,
    rootDir,
    started,
    stop: async () => {
      await stopLocalMariadb(rootDir);
    },
  };
}

/** Stops the local MariaDB under `rootDir`, if one runs; true when one was stopped. */
export async function stopLocalMariadb(rootDir: string): Promise<boolean> {
  const root = path.resolve(rootDir);
  return withFileLock(path.join(root, ".lock"), async () => {
    const running = mariadbdsOn(path.join(root, "data"));
    if (running.length === 0) return false;
    await stopProcesses(running, "SIGTERM", 60_000);
    return true;
  });
}
