// Shared by the ephemeral-database suites: a private sandbox (servers + cache under a temp dir, so
// suites never share a server), the CLI as a child process, and a look at what is left on a server.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, expect } from "vitest";
import { startLocalMariadb, startLocalPostgres } from "../../core/servers/index.ts";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(REPO, "bin", "dbtk.mjs");

export interface Sandbox {
  root: string;
  serversDir: string;
  /** Environment for child processes: this sandbox's servers and cache, no inherited DBTK_* settings. */
  env: NodeJS.ProcessEnv;
  dir(name: string): string;
  /** Stops the sandbox's servers (if started) and removes the directory. */
  cleanup(): Promise<void>;
}

export function sandbox(prefix: string): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), `dbtk-${prefix}-`));
  // Servers run as their own OS user when we are root: the directory must be reachable by it.
  chmodSync(root, 0o755);
  const serversDir = path.join(root, "servers");
  mkdirSync(serversDir, { mode: 0o755 });
  const env: NodeJS.ProcessEnv = { ...process.env, DBTK_SERVERS_DIR: serversDir, DBTK_CACHE_DIR: path.join(root, "cache") };
  for (const k of ["DBTK_TARGET", "DBTK_SERVER_URL", "DBTK_POOL_SIZE", "DBTK_OWNER", "DBTK_PAUSE_AT", "DBTK_GUARDIAN_LOG"]) delete env[k];
  return {
    root,
    serversDir,
    env,
    dir(name) {
      const d = path.join(root, name);
      mkdirSync(d, { recursive: true, mode: 0o755 });
      return d;
    },
    async cleanup() {
      const pgRoot = path.join(serversDir, "postgres");
      if (existsSync(path.join(pgRoot, "server.json"))) await (await startLocalPostgres({ rootDir: pgRoot })).stop();
      const myRoot = path.join(serversDir, "mariadb");
      if (existsSync(path.join(myRoot, "server.json"))) await (await startLocalMariadb({ rootDir: myRoot })).stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
  /** Resolves once stderr (or stdout) contains `text`; rejects if the process ends first. */
  waitFor(text: string | RegExp, stream?: "stderr" | "stdout"): Promise<void>;
}

export function startDbtk(args: string[], env: NodeJS.ProcessEnv, cwd = REPO): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const done = new Promise<CliResult>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    done,
    waitFor(text, stream = "stderr") {
      const seen = () => {
        const s = stream === "stderr" ? err : out;
        return typeof text === "string" ? s.includes(text) : text.test(s);
      };
      return new Promise((resolve, reject) => {
        if (seen()) return resolve();
        const check = () => {
          if (seen()) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        void done.then((r) => {
          if (!seen()) reject(new Error(`dbtk ${args.join(" ")} ended (code ${r.code}) before printing ${text}:\n${r.stderr}`));
        });
      });
    },
  };
}

export function dbtk(args: string[], env: NodeJS.ProcessEnv, cwd = REPO): Promise<CliResult> {
  return startDbtk(args, env, cwd).done;
}

interface ServerState {
  port: number;
  password: string;
}

function state(sb: Sandbox, kind: "postgres" | "mariadb"): ServerState {
  return JSON.parse(readFileSync(path.join(sb.serversDir, kind, "server.json"), "utf8")) as ServerState;
}

/**
 * A sandbox whose local PostgreSQL is started by a first `dbtk run` (with `args` before `--`, e.g. to build
 * a template) before the file's tests, with an admin client on it; both end after them.
 */
export function warmSandbox(prefix: string, args: string[] = []): { sb: Sandbox; admin: () => pg.Client } {
  const sb = sandbox(prefix);
  let client: pg.Client | undefined;
  beforeAll(async () => {
    const r = await dbtk(["run", ...args, "--", process.execPath, "-e", ""], sb.env);
    expect(r.code, r.stderr).toBe(0);
    client = await pgAdmin(sb);
  });
  afterAll(async () => {
    await client?.end();
    await sb.cleanup();
  });
  return {
    sb,
    admin: () => {
      if (!client) throw new Error("warmSandbox: the admin client is made in beforeAll");
      return client;
    },
  };
}

/** An admin client on the sandbox's local PostgreSQL (started by a previous dbtk call). */
export async function pgAdmin(sb: Sandbox): Promise<pg.Client> {
  const st = state(sb, "postgres");
  const c = new pg.Client({ host: "127.0.0.1", port: st.port, user: "postgres", password: st.password, database: "postgres" });
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

export function pgAdminUrl(sb: Sandbox): string {
  const st = state(sb, "postgres");
  return `postgres://postgres:${encodeURIComponent(st.password)}@127.0.0.1:${st.port}/postgres`;
}

export async function mysqlAdmin(sb: Sandbox): Promise<mysql.Connection> {
  const st = state(sb, "mariadb");
  return mysql.createConnection({ host: "127.0.0.1", port: st.port, user: "dbtk_admin", password: st.password });
}

export interface Leftovers {
  /** Ephemeral databases (`dbtk_<time>_<rand>`), by state: pooled clones are part of the cache policy. */
  databases: string[];
  logins: string[];
  /** Templates (`dbtk_tpl_…`) and their logins. */
  templates: string[];
  templateLogins: string[];
  /** Ids of ready pooled clones. */
  pooled: string[];
  /** Ids of clones a live process (a guardian's refill) is making for the pool: not in use, not leaked. */
  filling: string[];
}

/** True for the record of a clone being made for the pool by a process that still runs. */
function fillingAlive(meta: string | null | undefined): boolean {
  try {
    const m = JSON.parse(meta ?? "") as { state?: string; pid?: number };
    if (m.state !== "filling" || !m.pid) return false;
    process.kill(m.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const ID = "^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$";

export async function pgLeftovers(c: pg.Client): Promise<Leftovers> {
  const dbs = await c.query<{ n: string; m: string | null }>(
    "select datname as n, shobj_description(oid, 'pg_database') as m from pg_database where datname like 'dbtk%' order by 1",
  );
  // A clone's login (with its record) is made before its database: a refill in progress may have only the login.
  const roles = await c.query<{ n: string; m: string | null }>(
    "select rolname as n, shobj_description(oid, 'pg_authid') as m from pg_roles where rolname like 'dbtk%' order by 1",
  );
  const isId = (n: string) => new RegExp(ID).test(n);
  return {
    databases: dbs.rows.filter((r) => isId(r.n)).map((r) => r.n),
    logins: roles.rows.filter((r) => isId(r.n)).map((r) => r.n),
    templates: dbs.rows.filter((r) => r.n.startsWith("dbtk_tpl_")).map((r) => r.n),
    templateLogins: roles.rows.filter((r) => r.n.startsWith("dbtk_tpl_")).map((r) => r.n),
    pooled: dbs.rows.filter((r) => isId(r.n) && (r.m ?? "").includes('"state":"pool"')).map((r) => r.n),
    filling: [...new Set([...dbs.rows, ...roles.rows].filter((r) => isId(r.n) && fillingAlive(r.m)).map((r) => r.n))].sort(),
  };
}

export async function mysqlLeftovers(c: mysql.Connection): Promise<Leftovers> {
  const [schemas] = await c.query<mysql.RowDataPacket[]>("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbtk%'");
  const [users] = await c.query<mysql.RowDataPacket[]>("SELECT DISTINCT User AS n FROM mysql.user WHERE User LIKE 'dbtk%'");
  let pooledIds: string[] = [];
  let fillingIds: string[] = [];
  try {
    const [rows] = await c.query<mysql.RowDataPacket[]>("SELECT id, state, meta FROM dbtk_bookkeeping.dbtk_meta WHERE state IN ('pool', 'filling')");
    pooledIds = rows.filter((r) => r.state === "pool").map((r) => String(r.id));
    fillingIds = rows.filter((r) => fillingAlive(typeof r.meta === "string" ? r.meta : JSON.stringify(r.meta))).map((r) => String(r.id));
  } catch {
    // no bookkeeping schema yet
  }
  const s = schemas.map((r) => String(r.n));
  const u = users.map((r) => String(r.n));
  const isId = (n: string) => new RegExp(ID).test(n);
  return {
    databases: s.filter(isId),
    logins: u.filter(isId).filter((n) => n !== "dbtk_admin"),
    templates: s.filter((n) => n.startsWith("dbtk_tpl_")),
    templateLogins: u.filter((n) => n.startsWith("dbtk_tpl_")),
    pooled: pooledIds,
    filling: fillingIds,
  };
}

/** Ephemeral databases that are not pooled clones, ready or being made (those belong to the cache policy). */
export function inUse(l: Leftovers): { databases: string[]; logins: string[] } {
  const pool = new Set([...l.pooled, ...l.filling]);
  return { databases: l.databases.filter((d) => !pool.has(d)), logins: l.logins.filter((d) => !pool.has(d)) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while `pid` runs; a zombie (an orphan some pid 1s never reap) does not count. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Children of `pid` running the guardian (read before `pid` dies: then they are reparented). */
export function guardiansOf(pid: number): number[] {
  const out: number[] = [];
  for (const n of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && readFileSync(`/proc/${n}/cmdline`, "utf8").includes("guardian/main.js")) out.push(Number(n));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Polls `check` (true = clean) until it holds; returns the time it took, or throws with `describe()` after `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms: number, describe: () => Promise<string> | string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await check()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`not clean after ${ms} ms: ${await describe()}`);
    await sleep(50);
  }
}
