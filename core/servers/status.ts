// What runs on this machine: each local server's process, port, version and uptime (`dbtk server status`),
// found from the processes themselves, and a clean stop (`dbtk server stop`) that needs no start first.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import { mariadbdsOn, stopLocalMariadb } from "./mariadb.js";
import { postmasterPort, postmastersOn, stopLocalPostgres } from "./postgres.js";
import { commandLine, processStartedAt } from "./procs.js";
import { readState, type ServerState } from "./state.js";

export interface LocalServerStatus {
  engine: "postgres" | "mysql";
  rootDir: string;
  dataDir: string;
  /** A data directory exists. */
  initialised: boolean;
  running: boolean;
  /** The server answered the admin login just now (only when running). */
  answering?: boolean;
  pid?: number;
  /** More than one server process on the data directory: something is wrong; stop them. */
  extraPids?: number[];
  port?: number;
  /** The running server's version, else the data directory's. */
  version?: string;
  startedAt?: string;
  uptimeSeconds?: number;
}

const mariadbLabel = (v: string) => `MariaDB ${v.replace(/-MariaDB.*$/, "")}`;

async function queryVersion(engine: "postgres" | "mysql", port: number, st: ServerState | undefined): Promise<string | undefined> {
  if (!st) return undefined;
  try {
    if (engine === "postgres") {
      const { default: pg } = await import("pg");
      const c = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password: st.password, database: "postgres", connectionTimeoutMillis: 3_000 });
      c.on("error", () => undefined);
      try {
        await c.connect();
        const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
        return rows[0] ? `PostgreSQL ${rows[0].v}` : undefined;
      } finally {
        await c.end().catch(() => undefined);
      }
    }
    const c = await mysql.createConnection({ host: "127.0.0.1", port, user: "dbtk_admin", password: st.password, connectTimeout: 3_000 });
    try {
      const [rows] = (await c.query("SELECT VERSION() AS v")) as unknown as [{ v: string }[]];
      return rows[0] ? mariadbLabel(rows[0].v) : undefined;
    } finally {
      await c.end().catch(() => undefined);
    }
  } catch {
    return undefined;
  }
}

function dataDirVersion(engine: "postgres" | "mysql", dataDir: string): string | undefined {
  const file = engine === "postgres" ? path.join(dataDir, "PG_VERSION") : path.join(dataDir, "mysql_upgrade_info");
  try {
    const v = readFileSync(file, "utf8").trim();
    return engine === "postgres" ? `PostgreSQL ${v}` : mariadbLabel(v);
  } catch {
    return undefined;
  }
}

/** The status of the local server under `rootDir` (a PostgreSQL or MariaDB root as the start functions make). */
export async function localServerStatus(engine: "postgres" | "mysql", rootDir: string): Promise<LocalServerStatus> {
  const root = path.resolve(rootDir);
  const dataDir = path.join(root, "data");
  const marker = engine === "postgres" ? "PG_VERSION" : "mysql";
  const pids = engine === "postgres" ? postmastersOn(dataDir) : mariadbdsOn(dataDir);
  const out: LocalServerStatus = { engine, rootDir: root, dataDir, initialised: existsSync(path.join(dataDir, marker)), running: pids.length > 0 };
  const pid = pids[0];
  if (pid === undefined) {
    const v = dataDirVersion(engine, dataDir);
    if (v) out.version = v;
    return out;
  }
  out.pid = pid;
  if (pids.length > 1) out.extraPids = pids.slice(1);
  const port =
    engine === "postgres"
      ? postmasterPort(pid, dataDir)
      : Number(commandLine(pid).find((a) => a.startsWith("--port="))?.slice("--port=".length)) || undefined;
  if (port) out.port = port;
  const started = processStartedAt(pid);
  if (started !== undefined) {
    out.startedAt = new Date(started).toISOString();
    out.uptimeSeconds = Math.max(0, Math.round((Date.now() - started) / 1000));
  }
  const live = port ? await queryVersion(engine, port, readState(path.join(root, "server.json"))) : undefined;
  out.answering = live !== undefined;
  const v = live ?? dataDirVersion(engine, dataDir);
  if (v) out.version = v;
  return out;
}

/** Stops the local server under `rootDir` if it runs (waiting for a start in progress); true when one was stopped. */
export function stopLocalServer(engine: "postgres" | "mysql", rootDir: string): Promise<boolean> {
  return engine === "postgres" ? stopLocalPostgres(rootDir) : stopLocalMariadb(rootDir);
}
