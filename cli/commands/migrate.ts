// dbtk migrate | info | validate | undo | baseline | repair — the built-in Flyway-compatible runner.
// Progress goes to stderr; results to stdout (JSON with --json). The password is never printed.
import type { Command } from "commander";
import { parseDatabaseUrl, redactedUrl, type DbTarget } from "../../core/connection.js";
import { Interrupted } from "../../core/errors.js";
import { MigrationError } from "../../migrations/runner/errors.js";
import { placeholdersFromEnv } from "../../migrations/runner/placeholders.js";
import type { MigrationInfo, RunnerOptions } from "../../migrations/runner/types.js";
import { environment } from "../environment.js";
import { interruptible } from "../interruptible.js";
import { cliWording } from "../wording.js";
import { addRestorePointOptions, guarded, migrateGuarded, restorePointJson, type RestorePointFlags } from "./restore-point.js";
import { addMigrationsDirOption, migrationsDir, type MigrationsDirFlags } from "./migrations-dir.js";
import { usage, warnUrlFlag } from "./usage.js";

const DEFAULT_DIR = "./migrations";

interface Flags extends MigrationsDirFlags, RestorePointFlags {
  url?: string;
  placeholder: string[];
  outOfOrder?: boolean;
  target?: string;
  dryRun?: boolean;
  json?: boolean;
  table?: string;
  schema?: string;
  lockTimeout?: string;
  baselineVersion?: string;
  baselineDescription?: string;
  ignoreMigrationPatterns?: string;
  validateMigrationNaming?: boolean;
}

/** The URL parsed, a bad one being a usage error that names where it came from. */
function parsedUrl(url: string, what: string): DbTarget {
  try {
    return parseDatabaseUrl(url, { what });
  } catch (err) {
    throw usage((err as Error).message);
  }
}

/**
 * The runner loads when a command runs, not at start-up (see cli/main.ts); the engine's driver starts
 * loading alongside it, not after it (~7 ms of a run that has nothing to apply).
 */
async function runner(opts: RunnerOptions) {
  // Errors surface where the runner opens it.
  (opts.target.engine === "postgres" ? import("../../migrations/runner/pg-executor.js") : import("../../migrations/runner/mysql-executor.js")).catch(() => undefined);
  return { ...(await import("../../migrations/runner/migrate.js")), ...(await import("../../migrations/runner/admin.js")) };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function options(flags: Flags, signal: AbortSignal): RunnerOptions & { redacted: string } {
  const env = environment();
  const url = flags.url ?? env.DATABASE_URL;
  if (!url) throw usage("no database: set DATABASE_URL to postgres://user:password@host/db (or pass --url)");
  const target: DbTarget = parsedUrl(url, flags.url ? "--url" : "DATABASE_URL");
  if (flags.url) warnUrlFlag(target);
  const placeholders = placeholdersFromEnv(env);
  for (const kv of flags.placeholder) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw usage(`--placeholder "${kv}" is not name=value: write it as --placeholder name=value`);
    placeholders[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  let lockTimeoutMs: number | undefined;
  if (flags.lockTimeout !== undefined) {
    const s = Number(flags.lockTimeout);
    if (!Number.isFinite(s) || s < 0) throw usage(`--lock-timeout "${flags.lockTimeout}" is not a number of seconds: use e.g. --lock-timeout 60`);
    lockTimeoutMs = s * 1000;
  }
  return {
    target,
    redacted: redactedUrl(target),
    dir: migrationsDir(flags, DEFAULT_DIR),
    placeholders,
    ...(flags.outOfOrder ? { outOfOrder: true } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.target ? { targetVersion: flags.target } : {}),
    ...(flags.table ? { table: flags.table } : {}),
    ...(flags.schema ? { schema: flags.schema } : {}),
    // Flyway's syntax: comma-separated type:state patterns; checked (exit 2) by the runner.
    ...(flags.ignoreMigrationPatterns !== undefined ? { ignoreMigrationPatterns: [flags.ignoreMigrationPatterns] } : {}),
    ...(flags.validateMigrationNaming ? { validateMigrationNaming: true } : {}),
    ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
    onProgress: (e) => process.stderr.write(`dbtk: ${e.type === "warning" ? "warning: " : ""}${cliWording(e.message)}\n`),
    signal,
  };
}

function out(flags: Flags, value: unknown, human: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : human.endsWith("\n") || !human ? human : `${human}\n`);
}

function table(rows: MigrationInfo[]): string {
  const head = ["Category", "Version", "Description", "Type", "Installed On", "State"];
  const cells = rows.map((m) => [m.category, m.version ?? "", m.description, m.type, m.installedOn?.replace("T", " ").slice(0, 19) ?? "", m.state]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  const sep = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  return [sep, line(head), sep, ...cells.map(line), sep].join("\n");
}

/**
 * Runs one command with SIGINT/SIGTERM cancelling it (exit 130/143); a failure becomes a message naming
 * the file and the fix, and exit code 1 (2 for a usage error).
 */
function action(run: (flags: Flags, signal: AbortSignal) => Promise<void>): (flags: Flags) => Promise<void> {
  return async (flags) => {
    try {
      await interruptible((signal) => run(flags, signal));
    } catch (err) {
      const e = err as Error & { exitCode?: number };
      const interrupted = err instanceof Interrupted;
      if (flags.json) {
        const m = err instanceof MigrationError ? err : undefined;
        const problems = m?.problems?.map((p) => ({ ...p, message: cliWording(p.message) }));
        const code = m?.code ?? (interrupted ? "INTERRUPTED" : e.exitCode === 2 ? "USAGE" : "ERROR");
        const error = { code, message: cliWording(e.message), script: m?.script, line: m?.line, problems };
        process.stdout.write(`${JSON.stringify({ ok: false, error, ...restorePointJson(err) }, null, 2)}\n`);
      }
      // An invalid option value (an ignore pattern) is a usage error.
      if (err instanceof MigrationError && err.code === "CONFIG") e.exitCode = 2;
      if (!interrupted && e.exitCode !== 2) e.exitCode = 1;
      throw e;
    }
  };
}

function common(cmd: Command): Command {
  return addMigrationsDirOption(cmd.option("--url <url>", "database URL (default: $DATABASE_URL)"), "migrations directory", DEFAULT_DIR)
    .option("--placeholder <name=value>", "placeholder value (repeatable; also FLYWAY_PLACEHOLDERS_<NAME>)", collect, [])
    .option("--table <name>", "history table", "flyway_schema_history")
    .option("--schema <name>", "schema (PostgreSQL) or database (MySQL) of the history table")
    .option("--lock-timeout <seconds>", "how long to wait for another runner (default 600)")
    .option("--validate-migration-naming", "a .sql file named like no migration is an error (default: skipped with a warning)")
    .option("--json", "machine-readable output on stdout");
}

export function registerMigrateCommands(program: Command): void {
  common(addRestorePointOptions(program.command("migrate").description("apply pending migrations (Flyway-compatible history)")))
    .option("--out-of-order", "apply migrations older than the latest applied one")
    .option("--target <version>", "apply up to this version only")
    .option("--ignore-migration-patterns <patterns>", "Flyway's type:state patterns that pass validation, comma-separated (default *:future; e.g. *:pending)")
    .option("--dry-run", "print the plan, change nothing")
    .action(
      action(async (flags, signal) => {
        const opts = options(flags, signal);
        const { migrate } = await runner(opts);
        const r = guarded(flags) ? await migrateGuarded(opts, flags) : await migrate(opts);
        const verb = r.dryRun ? "would apply" : "applied";
        const list = r.plan.map((p) => `  ${p.version ?? "R"}  ${p.script}${p.transactional ? "" : "  [no transaction]"}`).join("\n");
        out(flags, { ok: true, ...r }, `${verb} ${r.plan.length} migration(s) to ${opts.redacted}; now at version ${r.currentVersion ?? "none"}${list ? `\n${list}` : ""}`);
      }),
    );

  common(program.command("info").description("show every migration's state (Pending, Success, Failed, Missing, Outdated, Undone, …)"))
    .option("--out-of-order", "treat older unapplied migrations as pending")
    .option("--target <version>", "show migrations above this version as Above Target")
    .action(
      action(async (flags, signal) => {
        const opts = options(flags, signal);
        const { info } = await runner(opts);
        const r = await info(opts);
        out(flags, { ok: true, ...r }, `${table(r.migrations)}\ncurrent version: ${r.currentVersion ?? "none"}, pending: ${r.pending}`);
      }),
    );

  common(program.command("validate").description("check applied migrations against the files (edited, deleted, out of order, failed, pending)"))
    .option("--out-of-order", "allow older unapplied migrations")
    .option("--ignore-migration-patterns <patterns>", "Flyway's type:state patterns that pass validation, comma-separated (default *:future; e.g. *:pending)")
    .action(
      action(async (flags, signal) => {
        const opts = options(flags, signal);
        const { validate } = await runner(opts);
        const r = await validate(opts);
        if (!r.ok) {
          const problems = r.problems.map((p) => ({ ...p, message: cliWording(p.message) }));
          const text = problems.map((p) => `  ${p.message}`).join("\n");
          if (flags.json) out(flags, { ...r, problems }, "");
          else process.stderr.write(`dbtk: validation failed (${r.problems.length} problem(s)):\n${text}\n`);
          process.exitCode = 1;
          return;
        }
        out(flags, r, `validated: no problems, ${r.pending} pending`);
      }),
    );

  common(program.command("undo").description("undo the latest migration, or down to --target, with U<version>__*.sql files"))
    .option("--target <version>", "undo every migration above this version")
    .option("--ignore-migration-patterns <patterns>", "Flyway's type:state patterns that pass validation, comma-separated (default *:future; e.g. *:pending)")
    .option("--dry-run", "print the plan, change nothing")
    .action(
      action(async (flags, signal) => {
        const opts = options(flags, signal);
        const { undo } = await runner(opts);
        const r = await undo(opts);
        out(flags, { ok: true, ...r }, `${r.dryRun ? "would undo" : "undid"} ${r.plan.length} migration(s); now at version ${r.currentVersion ?? "none"}`);
      }),
    );

  common(program.command("baseline").description("record an existing database as being at a version"))
    .option("--baseline-version <version>", "version to record", "1")
    .option("--baseline-description <text>", "description", "<< Flyway Baseline >>")
    .option("--dry-run", "check only")
    .action(
      action(async (flags, signal) => {
        const opts = options(flags, signal);
        const { baseline } = await runner(opts);
        const r = await baseline({
          ...opts,
          ...(flags.baselineVersion ? { baselineVersion: flags.baselineVersion } : {}),
          ...(flags.baselineDescription ? { baselineDescription: flags.baselineDescription } : {}),
        });
        out(flags, { ok: true, ...r }, r.created ? `baselined at version ${r.version}` : `baseline at version ${r.version} already present (or dry run)`);
      }),
    );

  common(program.command("repair").description("remove failed entries, realign checksums, mark deleted files"))
    .option("--dry-run", "print what would change")
    .action(
      action(async (flags, signal) => {
        const opts = options(flags, signal);
        const { repair } = await runner(opts);
        const r = await repair(opts);
        const lines = [
          ...r.removedFailed.map((s) => `  removed failed entry: ${s}`),
          ...r.realigned.map((s) => `  realigned checksum: ${s}`),
          ...r.markedDeleted.map((s) => `  marked deleted: ${s}`),
        ];
        out(flags, { ok: true, ...r }, lines.length ? `repair${flags.dryRun ? " (dry run)" : ""}:\n${lines.join("\n")}` : "nothing to repair");
      }),
    );
}
