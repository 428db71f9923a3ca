// The shape every restore drill reports, whatever restored the copy (local PITR, logical dump, a cloud).

/** What to compare between the source at the restore point and the restored copy. */
export interface DrillValidation {
  /**
   * Tables (`schema.table` or `table`) whose row count and checksum (md5 over the rows in order) are
   * compared. Omit for every user table of the database.
   */
  tables?: string[];
  /** A read-only query run on both sides; its result rows must be equal. */
  query?: string;
}

/** One comparison between the source (at the restore point) and the restored copy. */
export interface DrillCheck {
  /** `rows <table>`, `md5 <table>`, `query`, or a drill proof such as `rows written before T`. */
  name: string;
  /** Expected value: the source at the restore point (or what the drill wrote). */
  expected: string;
  /** Value found in the restored copy. */
  actual: string;
  ok: boolean;
}

export type DrillTarget = "local-postgres" | "local-mariadb" | "aws" | "gcp" | "azure";

export interface DrillReport {
  target: DrillTarget;
  engine: "postgres" | "mysql" | "sqlserver";
  /** How the copy was made: `pitr` (WAL replay to a time), `logical-dump`, or a cloud restore mode. */
  method: "pitr" | "logical-dump" | "point-in-time" | "snapshot";
  /** True when every check passed and the scratch copy was destroyed. */
  ok: boolean;
  /** The restore point (ISO-8601): the recovery target time, or the dump's snapshot time. */
  restorePoint: string;
  /** Seconds from the start of the restore to the scratch copy answering queries. */
  rtoSeconds: number;
  /**
   * Seconds of data-loss window: the restore point minus the last transaction present in the copy (PITR),
   * or the age of the snapshot when the restore started (logical dump). Undefined when unknown.
   */
  rpoSeconds?: number;
  /** What `rpoSeconds` measures, in words, for the text report. */
  rpoBasis: string;
  /** The newest archived WAL segment's time minus the restore point: how far past the target the archive reaches. */
  archiveLeadSeconds?: number;
  checks: DrillCheck[];
  /** The scratch copy: an identifier (directory, database, stack) and whether it was removed. */
  scratch: { id: string; destroyed: boolean };
  startedAt: string;
  finishedAt: string;
  /** Set when the drill failed before all checks could run. */
  error?: string;
}
