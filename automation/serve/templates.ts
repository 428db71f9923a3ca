// Templates by IntegreSQL hash: initialize (an empty template database the client migrates), finalize
// (sealed, its pool starts filling), discard. Backed by the shared template cache: a hash finalized by an
// earlier run is found on the server and reused without migrating again; a template being built holds the
// cache's build lock, so no other dbtk process drops or rebuilds it meanwhile.
import { createHash } from "node:crypto";
import type { DbTarget } from "../../core/connection.js";
import type { SqlServer } from "../targets/sql.js";
import type { Target } from "../targets/types.js";
import { buildLock } from "../templates/support.js";
import { TemplatePool, type PoolLimits, type PoolStats } from "./pool.js";
import { problems, ServeProblem } from "./problem.js";
import type { ConnectionConfig } from "./wire.js";

/** Template key of a client's hash: namespaced, so it never meets a key `dbtk run` computes. */
export function templateKeyOf(hash: string): string {
  return createHash("sha256").update(`integresql:${hash}`).digest("hex");
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface Entry {
  hash: string;
  key: string;
  state: "building" | "ready";
  /** The build login's connection (what initialize answered). */
  config?: DbTarget;
  /** Settles when the template is finalized (or rejects when discarded). */
  finalized: Deferred<void>;
  /** While building: what to do, under the build lock, to end the build (finish or drop). */
  end?: Deferred<() => Promise<void>>;
  /** While building: the build-lock holder, settled once the build has ended. */
  holder?: Promise<unknown>;
  pool?: TemplatePool;
}

export interface TemplateStatus extends Partial<PoolStats> {
  hash: string;
  state: "building" | "ready";
}

export const configOf = (c: DbTarget): ConnectionConfig => ({ host: c.host, port: c.port, username: c.user, password: c.password, database: c.database });

export class Templates {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly server: SqlServer,
    private readonly target: Target,
    private readonly limits: PoolLimits & { finalizeTimeoutMs: number },
  ) {}

  status(): TemplateStatus[] {
    return [...this.entries.values()].map((e) => ({ hash: e.hash, state: e.state, ...(e.pool ? e.pool.stats() : {}) }));
  }

  private check(): void {
    if (this.closed) throw problems.stopping();
  }

  /** Starts a template: the connection to migrate it in; 423 when it exists (in this server or the cache). */
  async initialize(hash: string): Promise<ConnectionConfig> {
    this.check();
    if (this.entries.has(hash)) throw problems.alreadyInitialized(hash, false);
    const entry: Entry = { hash, key: templateKeyOf(hash), state: "building", finalized: deferred() };
    this.entries.set(hash, entry);
    const started = deferred<DbTarget | "cached">();
    const end = deferred<() => Promise<void>>();
    entry.end = end;
    // The build lock is held for as long as the client migrates: between this request and its finalize.
    entry.holder = this.server
      .withLock(buildLock(entry.key), async () => {
        const found = await this.server.template(entry.key);
        if (found?.state === "ready") return started.resolve("cached");
        if (found) await this.server.dropTemplate(entry.key); // a crashed build's leftover
        started.resolve(await this.server.beginTemplate(entry.key));
        await (await end.promise)();
      })
      .catch((err: unknown) => started.reject(err));
    let conn: DbTarget | "cached";
    try {
      conn = await started.promise;
    } catch (err) {
      this.entries.delete(hash);
      throw err;
    }
    if (conn === "cached") {
      this.markReady(entry);
      throw problems.alreadyInitialized(hash, true);
    }
    entry.config = conn;
    return configOf(conn);
  }

  private markReady(entry: Entry): void {
    entry.state = "ready";
    delete entry.end;
    delete entry.holder;
    entry.pool = new TemplatePool(entry.hash, entry.key, this.target, this.limits);
    entry.pool.fill();
    entry.finalized.resolve();
  }

  /** Seals the template (idempotent, as IntegreSQL: a second finalize answers 204 too). */
  async finalize(hash: string): Promise<void> {
    this.check();
    const entry = this.entries.get(hash);
    if (!entry) throw problems.templateNotFound(hash);
    if (entry.state === "ready" || !entry.end) return;
    const end = entry.end;
    delete entry.end;
    end.resolve(() => this.server.finishTemplate(entry.key, undefined));
    await entry.holder;
    // The holder swallows errors into `started`, which is settled by now: check the outcome on the server.
    if ((await this.server.template(entry.key))?.state !== "ready") {
      this.entries.delete(hash);
      entry.finalized.reject(problems.discarded(hash));
      throw new ServeProblem(500, "internal", `template ${hash} could not be finalized; initialize it again`);
    }
    // Discarded (or the server stopped) while it was being sealed: its discard drops it.
    if (this.entries.get(hash) !== entry) throw problems.discarded(hash);
    this.markReady(entry);
  }

  /** Drops the template, its test databases (handed out or not) and its cache entry. */
  async discard(hash: string): Promise<void> {
    this.check();
    const entry = this.entries.get(hash);
    if (!entry) {
      // Not known to this server, but maybe in the cache from an earlier run (IntegreSQL checks too).
      const key = templateKeyOf(hash);
      if (!(await this.server.template(key))) throw problems.templateNotFound(hash);
      await this.target.templates?.drop?.(key);
      return;
    }
    this.entries.delete(hash);
    entry.finalized.reject(problems.discarded(hash));
    await this.end(entry, problems.discarded(hash), true);
  }

  /** Stops an entry: a build is dropped; a finalized template's clones are dropped (the template kept unless `drop`). */
  private async end(entry: Entry, err: unknown, drop: boolean): Promise<void> {
    if (entry.end) {
      entry.end.resolve(() => this.server.dropTemplate(entry.key));
      await entry.holder;
      return;
    }
    await entry.holder; // a finalize still under way
    await entry.pool?.close(err);
    if (drop) await this.target.templates?.drop?.(entry.key);
  }

  private async ready(hash: string, signal?: AbortSignal): Promise<TemplatePool> {
    const entry = this.entries.get(hash);
    if (!entry) throw problems.templateNotFound(hash);
    if (entry.state !== "ready") {
      // As IntegreSQL: a request for a template being migrated waits for its finalize.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(problems.notFinalized(hash, this.limits.finalizeTimeoutMs)), this.limits.finalizeTimeoutMs);
      });
      const aborted = new Promise<never>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
      try {
        await Promise.race([entry.finalized.promise, timeout, aborted]);
      } finally {
        clearTimeout(timer);
      }
    }
    return entry.pool as TemplatePool;
  }

  async get(hash: string, signal?: AbortSignal): Promise<{ id: number; config: ConnectionConfig }> {
    this.check();
    const pool = await this.ready(hash, signal);
    const { id, connection } = await pool.get(signal);
    return { id, config: configOf(connection) };
  }

  async unlock(hash: string, id: number): Promise<void> {
    this.check();
    (await this.ready(hash)).unlock(id);
  }

  async recreate(hash: string, id: number): Promise<void> {
    this.check();
    (await this.ready(hash)).recreate(id);
  }

  /** Forgets every template and drops every test database (IntegreSQL's admin reset); the cache stays. */
  async reset(stopping = false): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) {
      const err = stopping ? problems.stopping() : problems.discarded(e.hash);
      e.finalized.reject(err);
      await this.end(e, err, false);
    }
  }

  /** Drops every test database and unfinished template; finalized templates stay in the cache. */
  async close(): Promise<void> {
    this.closed = true;
    await this.reset(true);
  }
}
