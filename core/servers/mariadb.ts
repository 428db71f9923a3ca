// A local MariaDB server from Debian's mariadb-server binaries (tools/install-mariadb.sh), on a private
// datadir and port, started detached so it outlives one run and is reused by the next.
import { execFile, spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { withFileLock } from "./file-lock.js";
import { portOpen } from "./net.js";
import { ownedDir, serverUser } from "./os-user.js";
import { choosePort, logTail, newState, readState, serverRoot, writeState, type ServerState } from "./state.js";
import type { ServerHandle } from "./types.js";

const run = promisify(execFile);
const ADMIN = "dbtk_admin";

export interface LocalMariadbOptions {
  /** Directory for data, log and state. Default `<servers dir>/mariadb`. */
  rootDir?: string;
  /** TCP port on 127.0.0.1. Default: the one used last time, or a free one. */
  port?: number;
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

async function waitForSocket(socket: string, pidFile: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(socket) && existsSync(pidFile)) return;
    await sleep(50);
  }
  throw new Error(`local MariaDB did not start within 60 s\n${logTail(logFile)}`);
}

/** Starts (or reuses) the local MariaDB server under `rootDir`; an admin login is created on first start. */
export async function startLocalMariadb(opts: LocalMariadbOptions = {}): Promise<ServerHandle> {
  const rootDir = serverRoot(opts.rootDir, "mariadb", "mysql");
  const dataDir = path.join(rootDir, "data");
  const runDir = path.join(rootDir, "run");
  const socket = path.join(runDir, "mysqld.sock");
  const pidFile = path.join(runDir, "mysqld.pid");
  const logFile = path.join(runDir, "server.log");
  const stateFile = path.join(rootDir, "server.json");
  const user = serverUser("mysql");
  const mariadbd = findBinary(["mariadbd", "mysqld"]);

  const state = await withFileLock(path.join(rootDir, ".lock"), async () => {
    let st = readState<State>(stateFile);
    if (!st?.initialised || !existsSync(path.join(dataDir, "mysql"))) {
      st = await newState(opts.port);
      rmSync(dataDir, { recursive: true, force: true });
      ownedDir(dataDir, user, 0o750);
      const installDb = findBinary(["mariadb-install-db", "mysql_install_db"]);
      await run(installDb, [
        "--no-defaults",
        `--datadir=${dataDir}`,
        "--auth-root-authentication-method=socket",
        "--skip-test-db",
        ...(user ? [`--user=${user.name}`] : []),
      ]);
    }
    ownedDir(runDir, user, 0o755);
    const live = existsSync(pidFile) && existsSync(socket) && (await portOpen(st.port));
    if (!live) {
      rmSync(socket, { force: true });
      rmSync(pidFile, { force: true });
      await choosePort(st, opts.port);
      const out = openSync(logFile, "a");
      const child = spawn(
        mariadbd,
        [
          "--no-defaults",
          `--datadir=${dataDir}`,
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
          ...(user ? [`--user=${user.name}`] : []),
        ],
        { detached: true, stdio: ["ignore", out, out], cwd: rootDir },
      );
      child.unref();
      await waitForSocket(socket, pidFile, logFile);
    }
    if (!st.initialised) {
      // First start: root logs in by unix socket only; create a password login for TCP clients.
      const conn = await mysql.createConnection({ socketPath: socket, user: "root" });
      try {
        await conn.query(`CREATE USER IF NOT EXISTS '${ADMIN}'@'%' IDENTIFIED BY ?`, [st.password]);
        await conn.query(`GRANT ALL PRIVILEGES ON *.* TO '${ADMIN}'@'%' WITH GRANT OPTION`);
      } finally {
        await conn.end();
      }
      st.initialised = true;
    }
    writeState(stateFile, st);
    return st;
  });

  return {
    engine: "mysql",
    host: "127.0.0.1",
    port: state.port,
    user: ADMIN,
    password: state.password,
    rootDir,
    stop: async () => {
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        return;
      }
      for (let i = 0; i < 600 && existsSync(pidFile); i++) await sleep(50);
    },
  };
}
