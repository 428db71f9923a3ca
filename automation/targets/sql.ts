// What the direct target needs from a database server, implemented with plain SQL for PostgreSQL
// (sql-postgres.ts) and MySQL/MariaDB (sql-mysql.ts).
import type { DbTarget } from "../../core/connection.js";
import type { RunRole } from "./run-roles.js";
import type { EphemeralMeta, Privileges } from "./types.js";

/** A finished or in-progress template as stored on the server. */
export interface TemplateInfo {
  key: string;
  /** Database (PG) or schema (MySQL) name. */
  name: string;
  /** `orphan`: only the template's login is left (live clones still hold objects it owns). */
  state: "building" | "ready" | "orphan";
  builtAt?: string;
  usedAt?: string;
  migrations?: number;
  sizeBytes: number;
}

/** One `dbtk_…` database or login found on the server, with its metadata when it has one. */
export interface Found {
  id: string;
  meta?: EphemeralMeta;
  hasDatabase: boolean;
  hasLogin: boolean;
  sizeBytes?: number;
}

export interface SqlServer {
  readonly engine: DbTarget["engine"];
  /** Host and port of the server (for messages; never the password). */
  readonly address: string;
  /** E.g. `PostgreSQL 18.1` or `MariaDB 10.11.19`. */
  version(): Promise<string>;
  /**
   * Creates the login (least privilege: its own database only) and the database, cloned from the template
   * `templateKey` when given. The metadata is stored before anything else, so a crash at any point
   * leaves something `list` finds.
   */
  create(meta: EphemeralMeta, templateKey?: string): Promise<DbTarget>;
  /** Reclaims what create/drop churn leaves in the server's catalogs (called by the template clean-up). */
  tidy?(): Promise<void>;
  /** Extensions the server can install (PostgreSQL's pg_available_extensions). */
  extensions?(): Promise<string[]>;
  /** Gives the login of `id` extra rights; what it creates is dropped with it. */
  grant(id: string, privileges: Privileges): Promise<void>;
  /** Gives database `id` the fixed name `name` (its login keeps the id); a name taken is a DbtkError naming it. */
  rename?(id: string, name: string): Promise<void>;
  /** A second login for database `id` (named `<id>_<role>`) with only `role`'s rights; dropped with it. */
  loginAs?(id: string, database: string, role: RunRole): Promise<DbTarget>;
  /** Rewrites the stored metadata (on the database `meta.name` when it has a fixed name). */
  setMeta(meta: EphemeralMeta): Promise<void>;
  /** Ends its sessions, drops the database and the login; idempotent. */
  drop(id: string): Promise<void>;
  /** Every `dbtk_…` database and login (with sizes when asked: slower). */
  list(opts?: { sizes?: boolean }): Promise<Found[]>;
  /** Atomically takes a pooled clone of `key`, sets `meta` on it and gives its login a new password. */
  claim(key: string, meta: EphemeralMeta): Promise<DbTarget | undefined>;
  /** Every template (with sizes: slower). */
  templates(): Promise<TemplateInfo[]>;
  /** One template's state, without its size (fast: on every run's path). */
  template(key: string): Promise<Omit<TemplateInfo, "sizeBytes"> | undefined>;
  /**
   * Runs `fn` holding the server-wide lock `name` (PG advisory lock / MySQL GET_LOCK on its own admin
   * session, so a crash releases it). `wait: false` returns undefined at once when another process holds it.
   */
  withLock<T>(name: string, fn: () => Promise<T>, opts?: { wait?: boolean }): Promise<T | undefined>;
  /** Creates the empty template database/schema and its build login; returns the connection to migrate. */
  beginTemplate(key: string): Promise<DbTarget>;
  /** Seals a migrated template (no more connections, marked ready, usable as a clone source). */
  finishTemplate(key: string, migrations: number | undefined): Promise<void>;
  /** Records that the template was used (for age-based clean-up). */
  touchTemplate(key: string): Promise<void>;
  /** Drops the template and what belongs only to it; idempotent. */
  dropTemplate(key: string): Promise<void>;
  /** True when no process holds lock `name` (a `building` template whose build lock is free is a crash leftover). */
  lockFree(name: string): Promise<boolean>;
  close(): Promise<void>;
}
