// dbtk check: the migrations CI checks. Default: apply all on a fresh database, undo, re-apply, and
// compare schemas. --drift: compare a live database with what its applied migrations produce.
import type { Command } from "commander";
import { parseServerUrl, type DbTarget } from "../../core/connection.js";
import type { Applier } from "../../migrations/check/index.js";
import { environment, toolkitDirs, toolLocation } from "../environment.js";
import { addMigrationsDirOption, migrationsDir, type MigrationsDirFlags } from "./migrations-dir.js";
import { databaseFromFlags, scrubbed, type UrlFlags } from "./tool.js";
import { usage, warnUrlFlag } from "./usage.js";

const DEFAULT_DIR = "migrations";

interface CheckFlags extends UrlFlags, MigrationsDirFlags {
  tool?: string;
  project?: string;
  engine?: string;
  serverUrl?: string;
  serverUrlEnv?: string;
  drift?: boolean;
  schema: string[];
  table?: string;
  validateMigrationNaming?: boolean;
  json?: boolean;
}

const collect = (value: string, prev: string[]) => [...prev, value];

type CheckLib = typeof import("../../migrations/check/index.js");

/** The server scratch databases go on: --server-url / $--server-url-env, else the local embedded one. */
async function scratchServer(f: CheckFlags, engine: DbTarget["engine"], lib: CheckLib): Promise<DbTarget> {
  const raw = f.serverUrl ?? (f.serverUrlEnv ? environment()[f.serverUrlEnv] : undefined);
  if (f.serverUrlEnv && !raw) throw usage(`$${f.serverUrlEnv} (--server-url-env) is not set; set it to postgres://admin:password@host:5432/postgres`);
  if (raw) {
    let t: DbTarget;
    try {
      t = parseServerUrl(raw, f.serverUrl ? "--server-url" : `$${f.serverUrlEnv}`);
    } catch (err) {
      throw usage((err as Error).message);
    }
    if (f.serverUrl) warnUrlFlag(t, "--server-url", "a variable and pass its name as --server-url-env");
    return t;
  }
  return lib.localServer(engine, toolkitDirs());
}

function applierFromFlags(f: CheckFlags, cmd: string[], lib: CheckLib): Applier {
  const dir = migrationsDir(f, DEFAULT_DIR);
  if (f.tool) return lib.toolApplier(f.tool, f.project ?? dir, cmd, toolLocation(f.tool));
  return lib.runnerApplier({
    dir,
    ...(f.table ? { table: f.table } : {}),
    ...(f.validateMigrationNaming ? { validateMigrationNaming: true } : {}),
    onWarning: (message) => process.stderr.write(`[check] warning: ${message}\n`),
  });
}

export function registerCheckCommands(program: Command): void {
  const check = program
    .command("check")
    .description("migration CI checks: apply/undo/re-apply on a fresh database (default), or --drift of a live database")
    .argument("[command...]", "with --tool command: the migration command, after --");
  addMigrationsDirOption(check, "Flyway-format migrations directory for the built-in runner", DEFAULT_DIR)
    .option("--tool <tool>", "use a migration tool instead of the built-in runner (flyway, liquibase, alembic, dbmate, command)")
    .option("--project <dir>", "the tool's project (default: --migrations)")
    .option("--engine <engine>", "postgres or mysql, for the default local scratch server", "postgres")
    .option("--server-url <url>", "admin URL of the server to create scratch databases on (default: the local embedded server)")
    .option("--server-url-env <var>", "environment variable holding that admin URL")
    .option("--drift", "compare a live database (--url / --url-env) with what its applied migrations produce")
    .option("--url <url>", "the live database, for --drift (prefer --url-env)")
    .option("--url-env <var>", "environment variable holding the live database URL", "DATABASE_URL")
    .option("--schema <name>", "PostgreSQL: compare only this schema (repeatable)", collect, [])
    .option("--table <name>", "the built-in runner's history table (default flyway_schema_history)")
    .option("--validate-migration-naming", "a .sql file named like no migration is an error (default: skipped with a warning)")
    .option("--json", "print JSON")
    .action(async (cmd: string[], f: CheckFlags) => {
      if (f.engine !== "postgres" && f.engine !== "mysql") throw usage(`--engine "${f.engine}" is not supported; use postgres or mysql`);
      const passwords: string[] = [];
      const say = (line: string) => process.stderr.write(`[check] ${line}\n`);
      const schemas = f.schema.length ? { schemas: f.schema } : {};
      // Loaded here, not at start-up: see cli/main.ts.
      const lib = await import("../../migrations/check/index.js");
      const { diffSummary, isEmptyDiff, renderDiff } = await import("../../migrations/schema/index.js");
      await scrubbed(
        () => passwords,
        async () => {
          const applier = applierFromFlags(f, cmd, lib);
          if (f.drift) {
            const live = databaseFromFlags(f)!;
            passwords.push(live.password);
            const server = await scratchServer(f, live.engine, lib);
            passwords.push(server.password);
            const r = await lib.checkDrift({ applier, live, server, onProgress: say, ...schemas });
            if (f.json) {
              process.stdout.write(JSON.stringify({ drift: r.drift, appliedPosition: r.appliedPosition ?? null, ...diffSummary(r.diff) }, null, 2) + "\n");
            } else {
              process.stdout.write(r.drift ? renderDiff(r.diff, { expectedLabel: "migrations", actualLabel: `live ${live.database}` }) : `no drift: ${live.database} matches its migrations (at ${r.appliedPosition ?? "no migration"})\n`);
            }
            if (r.drift) process.exitCode = 1;
            return;
          }
          const server = await scratchServer(f, f.engine as DbTarget["engine"], lib);
          passwords.push(server.password);
          const r = await lib.checkRoundTrip({ applier, server, onProgress: say, ...schemas });
          if (f.json) {
            process.stdout.write(
              JSON.stringify({ ok: r.ok, undo: r.undo, reapply: diffSummary(r.reapplyDiff), ...(r.undoDiff ? { afterUndo: diffSummary(r.undoDiff) } : {}) }, null, 2) + "\n",
            );
          } else {
            const out: string[] = [];
            if (r.undoDiff && !isEmptyDiff(r.undoDiff)) out.push("after undo, the schema differs from a fresh database at the same version:", renderDiff(r.undoDiff, { expectedLabel: "fresh", actualLabel: "after undo" }));
            if (!isEmptyDiff(r.reapplyDiff)) out.push("after re-apply, the schema differs from the first apply:", renderDiff(r.reapplyDiff, { expectedLabel: "first apply", actualLabel: "second apply" }));
            out.push(r.ok ? `ok: ${r.undo.done ? r.undo.description + ", re-applied, schemas equal" : `applied; undo skipped (${r.undo.reason})`}\n` : "FAILED: undo/re-apply does not restore the schema\n");
            process.stdout.write(out.join("\n"));
          }
          if (!r.ok) process.exitCode = 1;
        },
      );
    });
}
