// The contract between the ephemeral-database driver (run/up/down/ls/reap, templates, reaper) and the
// places databases come from: the local embedded server, a shared server, or a cloud stack.
import type { DbTarget } from "../../core/connection.js";
import type { RunRole } from "./run-roles.js";

/** What every ephemeral database carries, so reap can find and destroy a crashed run's leftovers. */
export interface EphemeralMeta {
  /** Unique name, also the database / stack name: `dbtk_<time>_<random>` — never collides across runs. */
  id: string;
  /** Target name: local | local-mariadb | server | aws | gcp | azure. */
  target: string;
  owner: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** ISO-8601 UTC; reap destroys databases past this. */
  expiresAt: string;
  /** Host name of the process that made it (with `pid`: lets reap find databases of dead runs). */
  host?: string;
  /**
   * The owner: the process that uses it (its lease holder). Absent when it outlives its maker on purpose
   * (`dbtk up`, pooled clones). With `start` and `boot` it names one process, whatever reuses the pid later.
   */
  pid?: number;
  /** The owner's start time in clock ticks after boot (core/process.ts), where known. */
  start?: number;
  /** The owner's boot id, where known: a record from before a reboot names no live process. */
  boot?: string;
  /**
   * `ready`: handed out; `pool`: a pre-made clone waiting for a caller; `filling`: being made for the pool.
   * `orphan` is never stored: listings say it of a login without its database (or the reverse), what a
   * creation or teardown cut short leaves.
   */
  state?: "ready" | "pool" | "filling" | "orphan";
  /** Key of the template it was cloned from. */
  template?: string;
  /** The database's own name when the caller fixed one (`dbName`); its login keeps `id`. @default id */
  name?: string;
}

export interface EphemeralDatabase extends EphemeralMeta {
  /** Connection for the caller (its password is secret: never print it unless asked). */
  connection: DbTarget;
}

/** A listing entry: the record plus what only the server knows. */
export interface ListedDatabase extends EphemeralMeta {
  /** Bytes on disk, when asked for and cheap to get. */
  sizeBytes?: number;
}

/**
 * What another process needs to reopen a target and destroy its databases (the guardian): JSON, and it
 * holds secrets, so it travels only over a pipe, never in argv or the environment.
 */
export type TargetRecipe =
  | { kind: "sql"; name: string; admin: DbTarget }
  | { kind: "open"; name: string; options: Record<string, unknown> };

export interface CreateRequest extends EphemeralMeta {
  engine: DbTarget["engine"];
  /** Clone this template (fast path) when the target supports templates. */
  template?: string;
}

/** Extra rights for a database's own login, asked for by the caller. */
export interface Privileges {
  /** May create and drop databases of its own (PostgreSQL: CREATEDB; MySQL: schemas named `<database>_…`). */
  createdb?: boolean;
  /** A superuser login: local targets only. */
  superuser?: boolean;
}

export interface Target {
  readonly name: string;
  /** Which extra rights `grant` can give here. */
  readonly grants?: { createdb: boolean; superuser: boolean };
  /** Extensions the server offers (for a note when a migration asks for one it lacks). */
  extensions?(): Promise<string[]>;
  /** Gives database `id`'s login extra rights (before anything runs with it). */
  grant?(id: string, privileges: Privileges): Promise<void>;
  readonly engine: DbTarget["engine"];
  /** Creates the database (and, on shared servers, its own least-privilege login). */
  create(req: CreateRequest): Promise<EphemeralDatabase>;
  /**
   * Gives a database just made the fixed name `name` (nothing may be connected to it yet); absent where
   * databases cannot be renamed (MySQL has no RENAME DATABASE; stacks name their own).
   */
  rename?(db: EphemeralDatabase, name: string): Promise<EphemeralDatabase>;
  /**
   * A second login for `db` with only `role`'s rights on what its migrations made (`dbtk run --as`);
   * `destroy` drops it with the database. Absent where a target cannot make logins.
   */
  loginAs?(db: EphemeralDatabase, role: RunRole): Promise<DbTarget>;
  /** Destroys it; idempotent: destroying what is gone is not an error. */
  destroy(id: string): Promise<void>;
  /** Every ephemeral database this target holds, expired or not (with sizes when asked and cheap). */
  list(opts?: { sizes?: boolean }): Promise<ListedDatabase[]>;
  /** Rewrites a live database's record (its lease: a new `expiresAt`); absent where that is costly. */
  renew?(meta: EphemeralMeta): Promise<void>;
  /** How to reopen it from another process; absent: no guardian can watch it. */
  recipe?: TargetRecipe;
  /** Template support (fast path): a connection to build the template in, and clean-up of old ones. */
  templates?: TemplateSupport;
  /** Releases client connections; leaves servers running. */
  close(): Promise<void>;
  /** One line for progress output, e.g. `postgres 18.1 at 127.0.0.1:5432` (no secrets). */
  describe?(): Promise<string>;
}

export interface TemplateSupport {
  /** True when a finished template with this key exists. */
  has(key: string): Promise<boolean>;
  /**
   * Builds the template once: `build` migrates the given connection (and may return how many migrations
   * it applied). Concurrent callers with the same key wait for one build (cross-process). A failed build
   * leaves nothing behind.
   */
  ensure(key: string, build: (conn: DbTarget) => Promise<void | number>): Promise<void>;
  /** Drops templates not used for `maxAgeMs`, then the oldest until the total size is under `maxBytes`. */
  gc(opts: { maxAgeMs: number; maxBytes: number; keep?: string[] }): Promise<string[]>;
  /** Server version, part of the template key (a template is not reused across engine versions). */
  version?(): Promise<string>;
  /** Number of migrations the finished template holds (for progress output), when known. */
  migrationCount?(key: string): Promise<number | undefined>;
  /**
   * Takes a ready pre-made clone of template `key` (cross-process safe: each clone goes to one caller),
   * re-owned to `meta` with a fresh password; undefined when the pool is empty.
   */
  claim?(key: string, meta: EphemeralMeta): Promise<EphemeralDatabase | undefined>;
  /** The template cache, for `dbtk ls --templates`. */
  list?(): Promise<Array<{ key: string; name: string; state: string; sizeBytes: number; builtAt?: string; usedAt?: string; migrations?: number }>>;
  /**
   * Tops the pool of pre-made clones of `key` up to `size`; returns how many it made. `watch` hears of each
   * clone while it is half made (`made`) and once it belongs to the pool (`done`).
   */
  fill?(key: string, size: number, watch?: { made(id: string): void; done(id: string): void }): Promise<number>;
  /** Drops template `key` and its pooled clones; idempotent. */
  drop?(key: string): Promise<void>;
  /** Drops template `key` if it is a build nobody is doing any more (its builder died); else nothing. */
  abandonBuild?(key: string): Promise<boolean>;
}
