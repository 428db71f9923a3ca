// dbmate (the npm package's platform binary). The connection goes in DATABASE_URL; --no-dump-schema
// keeps it from writing db/schema.sql (and from needing pg_dump / mysqldump).
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { databaseUrl, type DbTarget } from "../../core/connection.js";
import { runTool } from "./exec.js";
import { platformBinary } from "./platform-binary.js";
import { historyRows } from "./history.js";
import type { MigrateOptions, MigrationTool, ToolResult, ToolRunOptions } from "./types.js";

/** dbmate's URL: the usual one; PostgreSQL needs sslmode spelled out (the local servers have no TLS). */
export function dbmateUrl(target: DbTarget): string {
  const url = databaseUrl(target);
  return target.engine === "postgres" ? `${url}?sslmode=disable` : url;
}

/** `<project>/db/migrations` when present (dbmate's layout), else the project directory itself. */
export function migrationsDir(project: string): string {
  const p = path.resolve(project);
  const conventional = path.join(p, "db", "migrations");
  return existsSync(conventional) ? conventional : p;
}

function run(target: DbTarget, dir: string, command: string, opts: ToolRunOptions) {
  return runTool(
    {
      tool: "dbmate",
      target,
      file: opts.bin ?? platformBinary("dbmate", "dbmate"),
      args: ["--migrations-dir", dir, "--no-dump-schema", command, ...(opts.args ?? [])],
      env: { DATABASE_URL: dbmateUrl(target) },
      cwd: dir,
      what: `dbmate ${command}`,
    },
    opts,
  );
}

async function appliedVersions(target: DbTarget): Promise<string[]> {
  const rows = await historyRows<{ version: string }>(target, "schema_migrations", "SELECT version FROM schema_migrations ORDER BY version");
  return rows.map((r) => String(r.version));
}

const versionOf = (file: string) => /^(\d+)_/.exec(file)?.[1];

export const dbmate: MigrationTool = {
  name: "dbmate",
  historyTables: ["schema_migrations"],
  async migrate(target: DbTarget, project: string, opts: MigrateOptions = {}) {
    const dir = migrationsDir(project);
    if (opts.to === undefined) return run(target, dir, "migrate", opts);
    // dbmate has no target version: run a copy of the directory cut at `to`.
    const cut = mkdtempSync(path.join(tmpdir(), "dbtk-dbmate-"));
    try {
      for (const f of readdirSync(dir)) {
        const v = versionOf(f);
        if (v !== undefined && f.endsWith(".sql") && BigInt(v) <= BigInt(opts.to)) copyFileSync(path.join(dir, f), path.join(cut, f));
      }
      return await run(target, cut, "migrate", opts);
    } finally {
      rmSync(cut, { recursive: true, force: true });
    }
  },
  async undoAll(target: DbTarget, project: string, opts: ToolRunOptions = {}) {
    const dir = migrationsDir(project);
    const n = (await appliedVersions(target)).length;
    let last: ToolResult = { tool: "dbmate", command: [], exitCode: 0, output: "" };
    const outputs: string[] = [];
    // dbmate rolls back one migration per call.
    for (let i = 0; i < n; i++) {
      last = await run(target, dir, "rollback", opts);
      outputs.push(last.output);
    }
    return { ...last, output: outputs.join("\n") };
  },
  async applied(target: DbTarget) {
    return (await appliedVersions(target)).at(-1);
  },
};
