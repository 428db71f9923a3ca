// The library API for test runners: a fresh migrated database per test file or per test (like pgtestdb).
//
//   const dbs = await ephemeralDatabases({ migrations: "db/migrations" });
//   const db = await dbs.acquire();   // instant with a warm pool: a clone made ahead of time
//   … new pg.Pool({ connectionString: db.url }) …
//   await db.release();                // dropped WITH (FORCE): leaked connections cannot block it
//   await dbs.close();
import path from "node:path";
import { connectionEnv, databaseUrl } from "../core/connection.js";
import { serversDir as defaultServersDir } from "../core/servers/paths.js";
import { applyMigrations, resolveSource, sourceKey, type MigrationSource } from "./driver/migrations.js";
import { provision } from "./driver/provision.js";
import { newMeta, parseDuration } from "./targets/meta.js";
import { openTarget, type TargetOptions } from "./targets/registry.js";
import type { EphemeralDatabase, Target } from "./targets/types.js";
import { PoolServerClient } from "./serve/client.js";
import { findPoolServer } from "./serve/discovery.js";

export interface EphemeralDatabasesOptions {
  /** Migrations folder for the built-in runner. */
  migrations?: string;
  /** A team's migration tool (flyway, liquibase, alembic, dbmate) with its `project` folder. */
  tool?: string;
  project?: string;
  /** Target name (default `local`). */
  target?: string;
  engine?: TargetOptions["engine"];
  via?: TargetOptions["via"];
  serverUrl?: string;
  /** Local server directory (default `<serversDir>/postgres` or `…/mariadb`). */
  rootDir?: string;
  /** The toolkit's directories (read from no environment: pass e.g. `process.env.DBTK_SERVERS_DIR` yourself). */
  serversDir?: string;
  cacheDir?: string;
  /** Clone a migrated template (default true); false migrates every database in place. */
  templates?: boolean;
  /** Databases made ahead of time and handed out on acquire (default 2). */
  poolSize?: number;
  /** Expiry of each database, e.g. `30m` (default) or milliseconds; reap removes leftovers after it. */
  ttl?: string | number;
  owner?: string;
  /**
   * A running `dbtk serve` (its URL) to take databases from: one pool shared by every test process on the
   * machine. Default: the server running on the local target's database server, when there is one (found by
   * its `serve.json`); false: never (this process keeps a pool of its own).
   */
  poolServer?: string | false;
}

export interface TestDatabase extends EphemeralDatabase {
  /** DATABASE_URL form (holds the password: keep it out of logs). */
  url: string;
  /** DATABASE_URL plus PG* / MYSQL_* variables. */
  env: Record<string, string>;
  /** Destroys the database; idempotent. */
  release(): Promise<void>;
}

export interface EphemeralDatabases {
  readonly target: Target;
  /** Key of the migrated template the databases are cloned from (undefined without migrations). */
  readonly templateKey: string | undefined;
  acquire(): Promise<TestDatabase>;
  /** Destroys the pool's spare databases and every acquired one not yet released. */
  close(): Promise<void>;
}

interface Waiter {
  resolve(db: EphemeralDatabase): void;
  reject(err: unknown): void;
}

class Pool implements EphemeralDatabases {
  private readonly ready: EphemeralDatabase[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly outstanding = new Set<string>();
  private filling?: Promise<void>;
  private closed = false;

  constructor(
    readonly target: Target,
    readonly templateKey: string | undefined,
    private readonly source: MigrationSource,
    private readonly size: number,
    private readonly ttlMs: number,
    private readonly owner: string | undefined,
  ) {}

  private async make(): Promise<EphemeralDatabase> {
    if (this.templateKey) {
      const meta = newMeta({ target: this.target.name, ttlMs: this.ttlMs, ...(this.owner ? { owner: this.owner } : {}) });
      return this.target.create({ ...meta, engine: this.target.engine, template: this.templateKey });
    }
    const p = await provision({
      target: this.target,
      source: this.source,
      ttlMs: this.ttlMs,
      poolSize: 0,
      templates: false,
      ...(this.owner ? { owner: this.owner } : {}),
    });
    return p.db;
  }

  /** One maker at a time: serves waiters first, then tops the spare list up to `size`. */
  kick(): void {
    if (this.filling || this.closed) return;
    this.filling = (async () => {
      while (!this.closed && (this.waiters.length > 0 || this.ready.length < this.size)) {
        let db: EphemeralDatabase;
        try {
          db = await this.make();
        } catch (err) {
          // Fail the waiters rather than retrying forever; the next acquire tries again.
          for (const w of this.waiters.splice(0)) w.reject(err);
          return;
        }
        if (this.closed) {
          await this.target.destroy(db.id).catch(() => undefined);
          return;
        }
        const w = this.waiters.shift();
        if (w) w.resolve(db);
        else this.ready.push(db);
      }
    })().finally(() => {
      this.filling = undefined;
      if (!this.closed && this.waiters.length > 0) this.kick();
    });
  }

  private wrap(db: EphemeralDatabase): TestDatabase {
    this.outstanding.add(db.id);
    return testDatabase(db, () => this.target.destroy(db.id).then(() => void this.outstanding.delete(db.id)));
  }

  async acquire(): Promise<TestDatabase> {
    if (this.closed) throw new Error("ephemeralDatabases: acquire() after close()");
    const spare = this.ready.shift();
    this.kick();
    if (spare) return this.wrap(spare);
    const db = await new Promise<EphemeralDatabase>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.kick();
    });
    return this.wrap(db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error("ephemeralDatabases: closed"));
    await this.filling;
    const ids = [...this.ready.splice(0).map((d) => d.id), ...this.outstanding];
    for (const id of ids) await this.target.destroy(id).catch(() => undefined);
    this.outstanding.clear();
    await this.target.close();
  }
}

/** The caller's view of `db`; `release` runs once however often it is called. */
function testDatabase(db: EphemeralDatabase, release: () => Promise<void>): TestDatabase {
  let released: Promise<void> | undefined;
  return { ...db, url: databaseUrl(db.connection), env: connectionEnv(db.connection), release: () => (released ??= release()) };
}

/** Databases from a running `dbtk serve`: released ones are recreated there (the server owns them). */
class ServedPool implements EphemeralDatabases {
  private readonly outstanding = new Map<string, () => Promise<void>>();
  private closed = false;

  constructor(
    readonly target: Target,
    readonly templateKey: string,
    private readonly client: PoolServerClient,
    private readonly hash: string,
  ) {}

  async acquire(): Promise<TestDatabase> {
    if (this.closed) throw new Error("ephemeralDatabases: acquire() after close()");
    const { db, giveBack } = await this.client.get(this.hash, this.target, this.templateKey);
    // A server gone meanwhile cannot take it back: drop it here instead.
    const release = () =>
      giveBack()
        .catch(() => this.target.destroy(db.id))
        .then(() => void this.outstanding.delete(db.id));
    this.outstanding.set(db.id, release);
    return testDatabase(db, release);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const release of [...this.outstanding.values()]) await release().catch(() => undefined);
    await this.target.close();
  }
}

/** The pool server to use: the one asked for, else one running on the local target's server. */
function poolServerUrl(opts: EphemeralDatabasesOptions): string | undefined {
  if (opts.poolServer === false) return undefined;
  if (opts.poolServer) return opts.poolServer;
  if ((opts.target ?? "local") !== "local") return undefined;
  const engine = opts.engine ?? "postgres";
  const root = opts.rootDir ?? path.join(defaultServersDir(opts), engine === "mysql" ? "mariadb" : "postgres");
  const found = findPoolServer(root);
  return found && found.engine === engine ? found.url : undefined;
}

/**
 * Opens a target, builds (or reuses) the migrated template, and keeps `poolSize` clones ready. Each
 * `acquire()` hands one out and starts making the next in the background.
 */
export async function ephemeralDatabases(opts: EphemeralDatabasesOptions = {}): Promise<EphemeralDatabases> {
  const source = resolveSource({
    migrations: opts.migrations,
    tool: opts.tool,
    project: opts.project,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
  });
  const ttlMs = typeof opts.ttl === "number" ? opts.ttl : parseDuration(opts.ttl ?? "30m", "options.ttl");
  const { engine, via, serverUrl, rootDir, serversDir, cacheDir } = opts;
  const target = await openTarget(opts.target ?? "local", {
    ...(engine ? { engine } : {}),
    ...(via ? { via } : {}),
    ...(serverUrl ? { serverUrl } : {}),
    ...(rootDir ? { rootDir } : {}),
    ...(serversDir ? { serversDir } : {}),
    ...(cacheDir ? { cacheDir } : {}),
  });
  try {
    let key: string | undefined;
    const tpl = target.templates;
    const served = opts.templates !== false && source.kind !== "none" ? poolServerUrl(opts) : undefined;
    if (tpl && opts.templates !== false && source.kind !== "none") {
      key = await sourceKey(source, (await tpl.version?.()) ?? target.engine);
      if (served) {
        // One template and one pool for every test process on the machine: the server's.
        const client = new PoolServerClient(served);
        const hash = `dbtk-${key}`;
        await client.ensureTemplate(hash, target.engine, (conn) => applyMigrations(source, conn));
        return new ServedPool(target, key as string, client, hash);
      }
      await tpl.ensure(key as string, (conn) => applyMigrations(source, conn));
    }
    const pool = new Pool(target, key, source, opts.poolSize ?? 2, ttlMs, opts.owner);
    // Start making spares now, so the first acquire is already warm when the caller gets to it.
    pool.kick();
    return pool;
  } catch (err) {
    await target.close();
    throw err;
  }
}

/** Runs `fn` with a fresh database from `dbs` and releases it afterwards, whatever happens. */
export async function withTestDatabase<T>(dbs: EphemeralDatabases, fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await dbs.acquire();
  try {
    return await fn(db);
  } finally {
    await db.release();
  }
}
