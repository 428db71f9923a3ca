// The contract between the ephemeral-database driver (run/up/down/ls/reap, templates, reaper) and the
// places databases come from: the local embedded server, a shared server, or a cloud stack.
import type { DbTarget } from "../../migrations/connection.ts";

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
}

export interface EphemeralDatabase extends EphemeralMeta {
  /** Connection for the caller (its password is secret: never print it unless asked). */
  connection: DbTarget;
}

export interface CreateRequest extends EphemeralMeta {
  engine: DbTarget["engine"];
  /** Clone this template (fast path) when the target supports templates. */
  template?: string;
}

export interface Target {
  readonly name: string;
  readonly engine: DbTarget["engine"];
  /** Creates the database (and, on shared servers, its own least-privilege login). */
  create(req: CreateRequest): Promise<EphemeralDatabase>;
  /** Destroys it; idempotent: destroying what is gone is not an error. */
  destroy(id: string): Promise<void>;
  /** Every ephemeral database this target holds, expired or not. */
  list(): Promise<EphemeralMeta[]>;
  /** Template support (fast path): a connection to build the template in, and clean-up of old ones. */
  templates?: TemplateSupport;
  /** Releases client connections; leaves servers running. */
  close(): Promise<void>;
}

export interface TemplateSupport {
  /** True when a finished template with this key exists. */
  has(key: string): Promise<boolean>;
  /**
   * Builds the template once: `build` migrates the given connection. Concurrent callers with the same key
   * wait for one build (cross-process). A failed build leaves nothing behind.
   */
  ensure(key: string, build: (conn: DbTarget) => Promise<void>): Promise<void>;
  /** Drops templates not used for `maxAgeMs`, then the oldest until the total size is under `maxBytes`. */
  gc(opts: { maxAgeMs: number; maxBytes: number; keep?: string[] }): Promise<string[]>;
}
