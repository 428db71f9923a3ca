// Public types of the built-in, Flyway-compatible migration runner.
import type { DbTarget } from "../../core/connection.js";

export interface RunnerOptions {
  /** The database to migrate. */
  target: DbTarget;
  /** Directory holding V…, U… and R… .sql files (searched recursively). */
  dir: string;
  /** Values for ${name} placeholders. Flyway's ${flyway:user} … built-ins are always available. */
  placeholders?: Record<string, string>;
  /** Replace placeholders at all (Flyway's placeholderReplacement). Default true. */
  placeholderReplacement?: boolean;
  /** Apply migrations older than the latest applied one instead of refusing. Default false. */
  outOfOrder?: boolean;
  /**
   * Flyway's ignoreMigrationPatterns for validate and migrate's validation: `type:state` (type versioned,
   * repeatable or *; state missing, pending, ignored, future or *). Default ["*:future"], as Flyway.
   */
  ignoreMigrationPatterns?: string[];
  /** A .sql file whose name fits no migration pattern is an error instead of skipped with a warning. */
  validateMigrationNaming?: boolean;
  /** Print/return the plan, change nothing. Default false. */
  dryRun?: boolean;
  /** migrate: highest version to apply; undo: version to undo down to (it stays applied). */
  targetVersion?: string;
  /** History table. Default flyway_schema_history. */
  table?: string;
  /** Schema (PostgreSQL) or database (MySQL) of the history table, and PostgreSQL's search_path. */
  schema?: string;
  /** installed_by column. Default: the database user, as Flyway does. */
  installedBy?: string;
  /** How long to wait for another runner's lock; 0 fails at once. Default 10 minutes. */
  lockTimeoutMs?: number;
  /** Progress (one event per step); the CLI prints these on stderr. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Aborts the run: the statement running on the server is cancelled (PostgreSQL pg_cancel_backend,
   * MySQL/MariaDB KILL QUERY, from a second session), a transactional migration is rolled back and not
   * recorded, and the call rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface BaselineOptions extends RunnerOptions {
  /** Version to record. Default "1" (Flyway's default). */
  baselineVersion?: string;
  /** Default "<< Flyway Baseline >>". */
  baselineDescription?: string;
}

export type ProgressEvent =
  | { type: "lock-wait"; message: string }
  | { type: "plan"; message: string; pending: PlannedMigration[] }
  | { type: "apply"; message: string; migration: PlannedMigration; index: number; total: number }
  | { type: "applied"; message: string; migration: PlannedMigration; executionMs: number }
  | { type: "failed"; message: string; migration: PlannedMigration }
  | { type: "interrupted"; message: string; migration: PlannedMigration }
  | { type: "info"; message: string }
  | { type: "warning"; message: string };

export interface PlannedMigration {
  kind: "versioned" | "undo" | "repeatable";
  version: string | null;
  description: string;
  script: string;
  /** False when the migration runs outside a transaction (CREATE INDEX CONCURRENTLY …, or the marker). */
  transactional: boolean;
}

export interface MigrateResult {
  /** Version before the run (null: none). */
  initialVersion: string | null;
  /** Version after the run (unchanged for a dry run). */
  currentVersion: string | null;
  /** What was (or, for a dry run, would be) applied, in order. */
  plan: PlannedMigration[];
  applied: (PlannedMigration & { executionMs: number })[];
  dryRun: boolean;
}

/** Flyway's migration states, with its display names. */
export type MigrationState =
  | "Pending"
  | "Above Target"
  | "Below Baseline"
  | "Ignored (Baseline)"
  | "Baseline"
  | "Ignored"
  | "Missing"
  | "Failed"
  | "Failed (Missing)"
  | "Failed (Future)"
  | "Success"
  | "Undone"
  | "Available"
  | "Out of Order"
  | "Future"
  | "Outdated"
  | "Superseded"
  | "Deleted";

export interface MigrationInfo {
  category: "Versioned" | "Repeatable" | "Undo" | "Baseline";
  version: string | null;
  description: string;
  /** SQL, UNDO_SQL, BASELINE (history types). */
  type: string;
  script: string;
  state: MigrationState;
  /** The applied checksum when applied, else the file's. */
  checksum: number | null;
  installedRank: number | null;
  installedOn: string | null;
  installedBy: string | null;
  executionTime: number | null;
}

export type ProblemKind =
  | "checksum-mismatch"
  | "description-mismatch"
  | "missing"
  | "failed"
  | "out-of-order"
  | "pending" // resolved, not applied (Flyway's validate fails on it unless ignored)
  | "outdated" // a repeatable edited since it was applied
  | "future"; // applied, newer than every file (ignored by default)

export interface ValidationProblem {
  kind: ProblemKind;
  version: string | null;
  description: string;
  script: string;
  message: string;
}

export interface InfoResult {
  currentVersion: string | null;
  migrations: MigrationInfo[];
  pending: number;
  /** Whether the history table exists yet. */
  historyExists: boolean;
}

export interface ValidateResult {
  ok: boolean;
  problems: ValidationProblem[];
  /** Pending migrations (a problem unless an ignore pattern lets them pass). */
  pending: number;
}

export interface RepairResult {
  removedFailed: string[];
  realigned: string[];
  markedDeleted: string[];
}
