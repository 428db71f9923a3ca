// Test fixtures for the runner: a private server per test file, fresh databases, migration folders,
// and the real Flyway (tools/install-flyway.sh) run with the connection in environment variables.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import pg from "pg";
import { startLocalMariadb, startLocalPostgres, cacheDir, dirsFromEnv, type ServerHandle } from "../../../core/servers/index.ts";
import { databaseUrl, jdbcUrl, type DbTarget } from "../../../core/connection.ts";

const run = promisify(execFile);
export const repoRoot = path.resolve(import.meta.dirname, "../../..");

/** A temp dir the database servers (running as their own OS users when we are root) can traverse. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export const mariadbInstalled = ["/usr/sbin/mariadbd", "/usr/bin/mariadbd", "/usr/sbin/mysqld"].some((p) => existsSync(p));

/** In CI a missing mariadbd fails the suite instead of skipping it. */
export function requireMariadbInCi(): void {
  if (!mariadbInstalled && process.env.CI) throw new Error("mariadbd is not installed: run tools/install-mariadb.sh");
}

export interface TestServer {
  server: ServerHandle;
  root: string;
  /** Creates a fresh database and returns its target. */
  database(name?: string): Promise<DbTarget>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startServer(engine: DbTarget["engine"], prefix: string): Promise<TestServer> {
  const root = tempDir(`dbtk-runner-${prefix}-`);
  const server = engine === "postgres" ? await startLocalPostgres({ rootDir: path.join(root, "server") }) : await startLocalMariadb({ rootDir: path.join(root, "server") });
  const admin = { host: server.host, port: server.port, user: server.user, password: server.password };
  return {
    server,
    root,
    async database(name) {
      const db = name ?? `t_${process.pid}_${++counter}`;
      if (engine === "postgres") {
        const c = new pg.Client({ ...admin, database: "postgres" });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${db}"`);
        await c.end();
      } else {
        const c = await mysql.createConnection(admin);
        await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
        await c.query(`CREATE DATABASE \`${db}\``);
        await c.end();
      }
      return { engine, ...admin, database: db };
    },
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs SQL on a target and returns the rows of the last statement. */
export async function query<T = Record<string, unknown>>(t: DbTarget, sql: string, params: unknown[] = []): Promise<T[]> {
  if (t.engine === "postgres") {
    const c = new pg.Client({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  }
  const c = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database });
  try {
    const [rows] = await c.query(sql, params);
    return rows as T[];
  } finally {
    await c.end();
  }
}

/** Writes a migrations folder: { "V1__init.sql": "…" }. Existing files not listed are removed. */
export function writeMigrations(dir: string, files: Record<string, string>): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), sql);
  }
  return dir;
}

export interface HistoryRowView {
  installed_rank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  success: boolean | number;
}

export async function history(t: DbTarget, table = "flyway_schema_history"): Promise<HistoryRowView[]> {
  return query<HistoryRowView>(
    t,
    `SELECT installed_rank, version, description, type, script, checksum, success FROM ${table} ORDER BY installed_rank`,
  );
}

// --- the real Flyway -------------------------------------------------------------------------------

export const flywayBin = path.join(cacheDir(dirsFromEnv(process.env)), "bin", "flyway");

/** Installs Flyway when missing (idempotent; the test command runs the installer anyway). */
export async function ensureFlyway(): Promise<void> {
  if (existsSync(flywayBin)) return;
  await run("bash", [path.join(repoRoot, "tools/install-flyway.sh")], { maxBuffer: 1 << 24 });
}

export interface FlywayRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs Flyway; the connection goes in FLYWAY_URL / FLYWAY_USER / FLYWAY_PASSWORD, never in argv. */
export async function flyway(t: DbTarget, dir: string, args: string[], placeholders: Record<string, string> = {}): Promise<FlywayRun> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    FLYWAY_URL: jdbcUrl(t),
    FLYWAY_USER: t.user,
    FLYWAY_PASSWORD: t.password,
    FLYWAY_LOCATIONS: `filesystem:${dir}`,
  };
  for (const [k, v] of Object.entries(placeholders)) env[`FLYWAY_PLACEHOLDERS_${k.toUpperCase()}`] = v;
  try {
    const r = await run(flywayBin, args, { env, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

export interface FlywayInfo {
  migrations: { version: string | null; description: string; type: string; script: string; state: string; checksum: number | null }[];
}

export async function flywayInfo(t: DbTarget, dir: string, placeholders: Record<string, string> = {}): Promise<FlywayInfo> {
  const r = await flyway(t, dir, ["info", "-outputType=json"], placeholders);
  if (r.code !== 0) throw new Error(`flyway info failed: ${r.stderr}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  return JSON.parse(line ?? "{}") as FlywayInfo;
}

// --- dbtk's own command line (from dist/: run `npm run build` first) ---------------------------------

/** Runs `dbtk <args>` with DATABASE_URL for `t` in the environment. */
export async function dbtkCli(t: DbTarget, args: string[]): Promise<FlywayRun> {
  const env = { ...(process.env as Record<string, string>), DATABASE_URL: databaseUrl(t) };
  try {
    const r = await run(process.execPath, [path.join(repoRoot, "bin/dbtk.mjs"), ...args], { cwd: repoRoot, env, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
