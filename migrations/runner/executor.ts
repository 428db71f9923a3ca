// What the runner needs from a database engine; one implementation per engine (pg-executor.ts,
// mysql-executor.ts). Both hold the runner's lock on a second, dedicated session.
import type { DbTarget } from "../../core/connection.js";
import { MigrationError } from "./errors.js";
import type { MigrationFile } from "./files.js";
import type { HistoryRow, NewRow } from "./history.js";
import { lineAt, lineStartsOf, type Statement } from "./splitter.js";

export interface PreparedMigration {
  file: MigrationFile;
  /** Placeholders replaced. */
  sql: string;
  toOriginal(offset: number): number;
  statements: Statement[];
  transactional: boolean;
}

export interface Executor {
  readonly engine: DbTarget["engine"];
  /** Schema (PostgreSQL) or database (MySQL) holding the history table. */
  readonly schema: string;
  /** Quoted, schema-qualified history table. */
  readonly fullTable: string;
  /** The connected user (for ${flyway:user}). */
  readonly user: string;
  /** PostgreSQL server_version_num, MySQL 0. */
  readonly serverVersion: number;
  /** Takes the lock (same key as Flyway's) on the lock session. */
  lock(timeoutMs: number, onWait: () => void): Promise<void>;
  /** The history, or undefined when the table does not exist. */
  readHistory(): Promise<HistoryRow[] | undefined>;
  /** Creates the history table (and its schema when missing, recording it like Flyway). */
  createHistory(): Promise<void>;
  /**
   * Runs one migration and records `row` (nothing for callbacks); returns the execution time in ms.
   * Throws MigrationError.
   */
  apply(m: PreparedMigration, row: NewRow | undefined): Promise<number>;
  /**
   * Optional: runs transactional migrations, each in its own transaction with its history row, in fewer
   * round trips than one `apply` each; `onApplied(i, ms)` as each commits, in order. On a failure those
   * before it stay applied (and were reported) and it throws the failing one's MigrationError.
   */
  applyBatch?(items: { m: PreparedMigration; row: NewRow }[], onApplied: (index: number, ms: number) => void): Promise<void>;
  insertRow(row: NewRow): Promise<void>;
  /** Runs statements in one transaction (repair). */
  transaction(statements: string[]): Promise<void>;
  literal(value: string): string;
  close(): Promise<void>;
}

/**
 * How many migrations may share one round trip: enough that 1,000 small files take a handful, few enough
 * that progress still moves and one batch's text stays small. A bigger file travels alone.
 */
export const BATCH_LIMITS = { migrations: 100, chars: 1 << 20 };

/**
 * A file with one of these travels alone: one that ends or opens a transaction (its COMMIT would end the
 * batch's), or drops prepared statements (the batch's history INSERT is one, pg-batch.ts).
 */
const TRAVELS_ALONE = new Set(["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "DEALLOCATE", "DISCARD"]);
const travelsAlone = (m: PreparedMigration) => m.statements.some((s) => TRAVELS_ALONE.has(s.words[0] ?? ""));

/** Consecutive transactional migrations from `prepared[from]` that may travel together (at least 1). */
export function batchLength(prepared: readonly PreparedMigration[], from: number): number {
  let n = 0;
  let chars = 0;
  for (let i = from; i < prepared.length && n < BATCH_LIMITS.migrations && prepared[i]!.transactional && !travelsAlone(prepared[i]!); i++) {
    chars += prepared[i]!.sql.length;
    if (n > 0 && chars > BATCH_LIMITS.chars) break;
    n++;
  }
  return Math.max(n, 1);
}

/** The file's line for an offset in the prepared (placeholder-replaced) SQL. */
export function fileLine(m: PreparedMigration, offset: number): number {
  return lineAt(lineStartsOf(m.file.sql), m.toOriginal(Math.max(0, offset)));
}

/** The statement containing an offset of the prepared SQL. */
export function statementAt(m: PreparedMigration, offset: number): Statement | undefined {
  let found: Statement | undefined;
  for (const s of m.statements) if (s.start <= offset) found = s;
  return found;
}

/** How a failed migration left the database, for the error's advice. */
export type FailureMode = "rolled-back" | "outside-transaction" | "mysql-ddl" | "mysql-rolled-back";

export function failure(
  m: PreparedMigration,
  offset: number | undefined,
  serverMessage: string,
  mode: FailureMode,
  cause: unknown,
): MigrationError {
  const line = offset === undefined ? undefined : fileLine(m, offset);
  const where = line === undefined ? m.file.script : `${m.file.script}:${line}`;
  const recorded = "it is recorded as failed: undo its partial changes by hand, fix the file, run `dbtk repair`, then migrate again";
  const fix =
    mode === "rolled-back"
      ? "rolled back: the database is still at the previous version; fix the file and migrate again"
      : mode === "outside-transaction"
        ? `it ran outside a transaction, so statements before the failing one stay applied; ${recorded}`
        : mode === "mysql-rolled-back"
          ? "rolled back (it has no DDL), but MySQL/MariaDB history records it as failed, as Flyway does: fix the file, run `dbtk repair`, then migrate again"
          : `MySQL/MariaDB cannot roll back DDL, so statements before the failing one may stay applied; ${recorded}`;
  return new MigrationError("MIGRATION_FAILED", `${where}: ${serverMessage}\n  (${fix})`, {
    script: m.file.script,
    ...(line === undefined ? {} : { line }),
    serverMessage,
    cause,
  });
}
