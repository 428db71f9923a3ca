// Restore points: a copy of one database taken before a migration, swapped back under the same name when
// the migration fails. Local and shared servers (PostgreSQL template copy, MariaDB schema copy).
import type { DbTarget } from "../../core/connection.js";

/** What is stored with each restore point (PG: COMMENT ON DATABASE; MariaDB: the schema's COMMENT). */
export interface RestorePointRecord {
  dbtk: 1;
  kind: "restore-point";
  /** The database it is a copy of: only that database can be restored from it. */
  source: string;
  /** ISO time it was taken. */
  createdAt: string;
  /** The migration version of the source when it was taken (null: none applied yet). */
  versionBefore: string | null;
  /** "filling" while being made (never restorable), "ready" once complete. */
  state: "filling" | "ready";
  /** The source database's own comment (PostgreSQL), put back when the copy takes its place. */
  comment?: string;
}

/** A database set aside by a restore, dropped once the restore committed; left only by a crash. */
export interface AsideRecord {
  dbtk: 1;
  kind: "restore-aside";
  source: string;
  restorePoint: string;
  createdAt: string;
}

export interface RestorePoint {
  /** The copy's own database (schema) name, also its id. */
  id: string;
  engine: DbTarget["engine"];
  source: string;
  createdAt: string;
  versionBefore: string | null;
  /**
   * ready: restorable. incomplete: interrupted while being made (or no metadata): only dropped.
   * aside: what a restore replaced, left by a crash before it was dropped: only dropped.
   */
  state: "ready" | "incomplete" | "aside";
  sizeBytes?: number;
}

export interface RestoreResult {
  id: string;
  database: string;
  createdAt: string;
  versionBefore: string | null;
  /** Wall time of the restore. */
  ms: number;
}

export interface TakenRestorePoint extends RestorePoint {
  /** Wall time of the copy. */
  ms: number;
}

export interface RestorePointOptions {
  /**
   * Sessions other than ours on the database: a copy (PostgreSQL) needs none. "wait" (default) waits up
   * to `waitMs` for them to end, then fails naming them; "terminate" ends them (pg_terminate_backend).
   * MariaDB copies under table locks: writers wait, sessions are left alone.
   */
  sessions?: "wait" | "terminate";
  /** How long to wait for other sessions. Default 30 s. */
  waitMs?: number;
  /** Progress lines (the CLI prints them on stderr). */
  onProgress?: (message: string) => void;
  /** Test hook: awaited while a restore point or a restore is half done (crash tests stop the process here). */
  onStep?: (step: "copying" | "swapping") => Promise<void>;
}

export const DEFAULT_WAIT_MS = 30_000;
