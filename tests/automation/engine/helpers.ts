// Shared by the engine suites: the pulumi binary check, a private temp root, and server-side probes.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { dirsFromEnv, type ServerHandle } from "../../../core/servers/index.ts";
import { findPulumi } from "../../../automation/engine/index.ts";

/** Where the test command installed the engine, and the PATH its plugins run with: the library reads no environment. */
export const engineHost = { ...dirsFromEnv(process.env), ...(process.env.PATH ? { path: process.env.PATH } : {}) };

/**
 * True when tools/install-pulumi.sh has built the CLI. Outside CI a missing binary skips the real-engine
 * suites; in CI it fails them (the test command installs it, so missing means broken).
 */
export function pulumiInstalled(): boolean {
  try {
    findPulumi(engineHost);
    return true;
  } catch (err) {
    if (process.env.CI) throw err;
    console.warn(`skipping real-engine tests: ${(err as Error).message}`);
    return false;
  }
}

/** A temp directory the database servers' OS users can traverse (they run as postgres/mysql when root). */
export function tempRoot(prefix: string): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(root, 0o755);
  return root;
}

export function adminUrl(s: ServerHandle): string {
  const scheme = s.engine === "postgres" ? "postgres" : "mysql";
  const db = s.engine === "postgres" ? "/postgres" : "";
  return `${scheme}://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${s.host}:${s.port}${db}`;
}

/** Every file under dir (recursively), relative paths, skipping the node_modules link. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (name === "node_modules") continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

export function readAll(dir: string): string {
  return filesUnder(dir)
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .join("\n");
}

/** What the admin sees on the server: does the database / login exist? */
export async function serverHas(s: ServerHandle, name: string, role = name): Promise<{ database: boolean; role: boolean }> {
  if (s.engine === "postgres") {
    const c = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" });
    await c.connect();
    try {
      const db = await c.query("select 1 from pg_database where datname = $1", [name]);
      const r = await c.query("select 1 from pg_roles where rolname = $1", [role]);
      return { database: db.rowCount === 1, role: r.rowCount === 1 };
    } finally {
      await c.end();
    }
  }
  const c = await mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: s.password });
  try {
    const [db] = await c.query("select 1 from information_schema.SCHEMATA where SCHEMA_NAME = ?", [name]);
    const [r] = await c.query("select 1 from mysql.user where User = ?", [role]);
    return { database: (db as unknown[]).length === 1, role: (r as unknown[]).length === 1 };
  } finally {
    await c.end();
  }
}

/** Runs fn and returns its error (or fails when it succeeds). */
export async function failure(fn: () => Promise<unknown>): Promise<Error & { code?: string; errno?: number }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string; errno?: number };
  }
  throw new Error("expected a failure, but the call succeeded");
}
