// Shared steps of every command: open the engine's executor, read the history once, prepare files.
import { redactedUrl } from "../../core/connection.js";
import { MigrationError } from "./errors.js";
import type { Executor, PreparedMigration } from "./executor.js";
import type { LoadOptions, MigrationFile } from "./files.js";
import { DEFAULT_TABLE } from "./history.js";
import { builtinPlaceholders, replacePlaceholders } from "./placeholders.js";
import { lineAt, lineStartsOf, splitSql, SqlSplitError } from "./splitter.js";
import { runsInTransactionGiven } from "./transaction-rules.js";
import type { PlannedMigration, RunnerOptions } from "./types.js";

export const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

/** The error an aborted run rejects with: the signal's reason when it is an Error. */
export function interruption(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name !== "AbortError"
    ? reason
    : new MigrationError("INTERRUPTED", "interrupted: the running statement was cancelled");
}

/** How to read the migrations directory: misnamed files skipped with a warning, or refused. */
export function loadOptions(opts: RunnerOptions): LoadOptions {
  return {
    ...(opts.validateMigrationNaming ? { validateMigrationNaming: true } : {}),
    onWarning: (message) => opts.onProgress?.({ type: "warning", message }),
  };
}

/** Loads the engine's executor and driver ahead of a run that will need them (errors surface when it opens). */
export function preloadExecutor(engine: RunnerOptions["target"]["engine"]): void {
  (engine === "postgres" ? import("./pg-executor.js") : import("./mysql-executor.js")).catch(() => undefined);
}

export async function openExecutor(opts: RunnerOptions, withLock: boolean): Promise<Executor> {
  const table = opts.table ?? DEFAULT_TABLE;
  if (opts.signal?.aborted) throw interruption(opts.signal);
  const args = { table, withLock, ...(opts.schema ? { schema: opts.schema } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  try {
    // Only the engine's driver is loaded: start-up time counts for a CLI run.
    if (opts.target.engine === "postgres") return await (await import("./pg-executor.js")).openPostgres(opts.target, args);
    return await (await import("./mysql-executor.js")).openMysql(opts.target, args);
  } catch (err) {
    // Driver messages never contain the password, but say which database failed, redacted.
    throw new MigrationError("CONNECTION", `cannot connect to ${redactedUrl(opts.target)}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Runs `fn` with an executor (locked when asked), always closing it (which releases the lock). Once
 * `opts.signal` has fired, whatever fails (the cancelled statement, the lock wait) rejects as the interruption.
 */
export async function withExecutor<T>(opts: RunnerOptions, lock: boolean, fn: (exec: Executor) => Promise<T>): Promise<T> {
  const exec = await openExecutor(opts, lock);
  try {
    if (lock) {
      await exec.lock(opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, () =>
        opts.onProgress?.({ type: "lock-wait", message: `waiting for another runner's lock on ${exec.fullTable}` }),
      );
    }
    return await fn(exec);
  } catch (err) {
    if (opts.signal?.aborted) throw interruption(opts.signal);
    throw err;
  } finally {
    await exec.close();
  }
}

/** Replaces placeholders, splits and classifies one file; every error names the file and line. */
export function prepare(file: MigrationFile, exec: Executor, opts: RunnerOptions): PreparedMigration {
  const replaced =
    opts.placeholderReplacement === false || !file.sql.includes("${")
      ? { sql: file.sql, toOriginal: (o: number) => o }
      : replacePlaceholders(
          file.sql,
          {
            ...builtinPlaceholders({
              user: exec.user,
              database: opts.target.database,
              defaultSchema: exec.schema,
              table: opts.table ?? DEFAULT_TABLE,
              filename: file.script.split("/").pop() ?? file.script,
            }),
            ...opts.placeholders,
          },
          file.script,
        );
  let statements;
  try {
    statements = splitSql(replaced.sql, exec.engine);
  } catch (err) {
    if (!(err instanceof SqlSplitError)) throw err;
    const line = lineAt(lineStartsOf(file.sql), replaced.toOriginal(err.offset));
    throw new MigrationError("SQL_PARSE", `${file.script}:${line}: ${err.message}: close it, or split the file`, {
      script: file.script,
      line,
    });
  }
  const transactional = runsInTransactionGiven(file.noTransaction, statements, exec.engine, exec.serverVersion);
  return { file, sql: replaced.sql, toOriginal: replaced.toOriginal, statements, transactional };
}

export function planned(p: PreparedMigration): PlannedMigration {
  return {
    kind: p.file.kind,
    version: p.file.version?.text ?? null,
    description: p.file.description,
    script: p.file.script,
    transactional: p.transactional,
  };
}

export function label(p: PlannedMigration): string {
  const what = p.kind === "repeatable" ? `repeatable "${p.description}"` : `${p.kind === "undo" ? "undo " : ""}${p.version} - ${p.description}`;
  return `${what} (${p.script})${p.transactional ? "" : " [no transaction]"}`;
}
