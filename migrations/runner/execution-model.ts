// The runner's per-file execution model without a database, for the lint: a file runs in a transaction
// unless it says `-- dbtk:no-transaction` (or its Flyway .conf says executeInTransaction=false) or holds
// a statement PostgreSQL refuses inside one. Same inputs as session.ts prepare(): loadMigrations'
// noTransaction, splitSql and cannotRunInTransaction, so the lint and the runner cannot disagree.
import path from "node:path";
import { loadMigrations, type MigrationFile } from "./files.js";
import { splitSql, type Dialect } from "./splitter.js";
import { runsInTransactionGiven } from "./transaction-rules.js";

/** Server version assumed when the caller names none (only ALTER TYPE … ADD VALUE before 12 depends on it). */
export const DEFAULT_SERVER_VERSION = 160000;

/** Whether the runner wraps this file in a transaction (the decision session.ts prepare() makes). */
export function runsInTransaction(file: Pick<MigrationFile, "sql" | "noTransaction">, engine: Dialect, serverVersion = DEFAULT_SERVER_VERSION): boolean {
  if (file.noTransaction || engine !== "postgres") return runsInTransactionGiven(file.noTransaction, [], engine, serverVersion);
  let statements;
  try {
    statements = splitSql(file.sql, engine);
  } catch {
    return true; // unsplittable: the runner refuses it anyway; lint it as the common case
  }
  return runsInTransactionGiven(false, statements, engine, serverVersion);
}

/**
 * The runner's noTransaction for each file under `dir` (absolute path → flag), read by loadMigrations;
 * undefined when `dir` is not a valid Flyway directory (the runner would refuse it).
 */
export function noTransactionFlags(dir: string): Map<string, boolean> | undefined {
  let set;
  try {
    set = loadMigrations(dir);
  } catch {
    return undefined;
  }
  const out = new Map<string, boolean>();
  for (const m of [...set.versioned, ...set.undo, ...set.repeatable, ...set.callbacks]) out.set(path.resolve(m.path), m.noTransaction);
  return out;
}

/** `-- dbtk:no-transaction` (the marker files.ts reads), for files outside a Flyway directory (dbmate). */
export { NO_TX_MARKER as NO_TRANSACTION_MARKER } from "./files.js";

/** PostgreSQL version as server_version_num: "16" → 160000, "9.6" → 90600. */
export function serverVersionNum(version: string | undefined): number {
  if (!version) return DEFAULT_SERVER_VERSION;
  const [major = 0, minor = 0] = version.split(".").map((x) => Number.parseInt(x, 10) || 0);
  return major >= 10 ? major * 10000 : major * 10000 + minor * 100;
}
