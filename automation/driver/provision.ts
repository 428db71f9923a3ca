// Provision one ephemeral database: from a pre-made pooled clone, a clone of the migrated template, or
// (targets without templates) a new database migrated in place. Whatever fails, nothing is left behind.
import { newMeta } from "../targets/meta.js";
import { DEFAULT_TEMPLATE_POLICY, type TemplatePolicy } from "./template-policy.js";
import type { EphemeralDatabase, EphemeralMeta, Target } from "../targets/types.js";
import { applyMigrations, sourceKey, type MigrationSource } from "./migrations.js";
import { formatMs, type Progress } from "./progress.js";
import { refill, type RefillWork } from "../templates/refill.js";

export const DEFAULT_POOL_SIZE = 2;

export interface ProvisionOptions {
  target: Target;
  source: MigrationSource;
  ttlMs: number;
  owner?: string;
  /** Record this process in the metadata (reap may then treat the database as dead with it); false for `up`. */
  trackPid?: boolean;
  /** Use templates when the target has them (default true). */
  templates?: boolean;
  /** Pre-made clones to keep ready per template, refilled in the background (default 2; 0: no pool). */
  poolSize?: number;
  progress?: Progress;
  signal?: AbortSignal;
  /** Called with the id before anything is created, so an interrupted run knows what to tear down. */
  onId?: (id: string) => void;
  /** Template cache limits for the clean-up after a hand-out. Default {@link DEFAULT_TEMPLATE_POLICY}. */
  templatePolicy?: TemplatePolicy;
  /** Hears of everything made along the way (a guardian drops it if this process dies). */
  watch?: ProvisionWatcher;
}

/** What provisioning tells a watcher: each database before it is made, each template build as it starts. */
export interface ProvisionWatcher {
  /** A database this process is making or holds. */
  database(id: string): void;
  /** Not this process's any more (a finished pooled clone). */
  release(id: string): void;
  /** A template build under this process's lock. */
  building(key: string): void;
  /**
   * Takes the pool refill and template clean-up off this process (a guardian, which outlives it), so the
   * caller's exit does not wait for them; false: they run here, in the background.
   */
  refill?(work: RefillWork): boolean;
}

export { DEFAULT_TEMPLATE_POLICY, templatePolicy, type TemplatePolicy } from "./template-policy.js";

export interface Provisioned {
  db: EphemeralDatabase;
  provisionMs: number;
  migrateMs: number;
  migrations?: number;
  template?: { key: string; built: boolean; pooled: boolean };
  /** Background work started after the hand-out (pool refill, template clean-up; resolved at once when the watcher took it); never rejects. */
  background: Promise<void>;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("interrupted");
}

export async function provision(opts: ProvisionOptions): Promise<Provisioned> {
  const { target, source, progress } = opts;
  const meta: EphemeralMeta = newMeta({
    target: target.name,
    ttlMs: opts.ttlMs,
    ...(opts.owner ? { owner: opts.owner } : {}),
    trackPid: opts.trackPid !== false,
  });
  const tpl = opts.templates === false ? undefined : target.templates;
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  const watch = opts.watch;
  const onId = (id: string): void => {
    watch?.database(id);
    opts.onId?.(id);
  };
  const t0 = performance.now();
  const key = tpl && source.kind !== "none" ? await sourceKey(source, (await tpl.version?.()) ?? target.engine) : undefined;
  checkAbort(opts.signal);

  if (!tpl || !key) {
    onId(meta.id);
    const db = await target.create({ ...meta, engine: target.engine });
    const provisionMs = performance.now() - t0;
    progress?.line(`provision ${formatMs(provisionMs)} (${db.id} on ${target.name})`);
    let migrations: number | undefined;
    const m0 = performance.now();
    try {
      checkAbort(opts.signal);
      migrations = await applyMigrations(source, db.connection, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      await target.destroy(db.id).catch(() => undefined);
      throw err;
    }
    const migrateMs = performance.now() - m0;
    if (source.kind !== "none") progress?.line(`migrate ${formatMs(migrateMs)}${migrations !== undefined ? ` (${migrations} migrations)` : ""}`);
    return { db, provisionMs, migrateMs, ...(migrations !== undefined ? { migrations } : {}), background: Promise.resolve() };
  }

  let built = false;
  let migrations: number | undefined;
  let migrateMs = 0;
  await tpl.ensure(key, async (conn) => {
    built = true;
    watch?.building(key);
    const m0 = performance.now();
    migrations = await applyMigrations(source, conn, opts.signal ? { signal: opts.signal } : {});
    migrateMs = performance.now() - m0;
    return migrations;
  });
  if (!built) migrations = await tpl.migrationCount?.(key);
  checkAbort(opts.signal);

  const c0 = performance.now();
  let db: EphemeralDatabase | undefined;
  let pooled = false;
  if (poolSize > 0 && tpl.claim) {
    db = await tpl.claim(key, meta);
    pooled = db !== undefined;
    if (db) onId(db.id);
  }
  if (!db) {
    onId(meta.id);
    try {
      db = await target.create({ ...meta, engine: target.engine, template: key });
    } catch (err) {
      // Another process's clean-up may have dropped the template between ensure and clone: rebuild once.
      if (await tpl.has(key)) throw err;
      await tpl.ensure(key, (conn) => {
        watch?.building(key);
        return applyMigrations(source, conn, opts.signal ? { signal: opts.signal } : {});
      });
      db = await target.create({ ...meta, engine: target.engine, template: key });
    }
  }
  const cloneMs = performance.now() - c0;
  const provisionMs = performance.now() - t0 - migrateMs;
  const short = key.slice(0, 8);
  const count = migrations !== undefined ? `${migrations} migrations, ` : "";
  progress?.line(`migrate ${formatMs(migrateMs)} (${count}${built ? `built template ${short}` : `template ${short} reused`})`);
  progress?.line(
    `provision ${formatMs(provisionMs)} (${db.id} on ${target.name}, ${pooled ? "pre-made clone" : "clone"} in ${formatMs(cloneMs)})`,
  );

  const work: RefillWork = { key, poolSize: tpl.fill ? poolSize : 0, policy: opts.templatePolicy ?? DEFAULT_TEMPLATE_POLICY };
  const background =
    work.poolSize > 0 && watch?.refill?.(work)
      ? Promise.resolve()
      : refill(tpl, work, watch && { made: (id) => watch.database(id), done: (id) => watch.release(id) }).then(
          () => undefined,
          () => undefined, // best effort: the next run or `dbtk reap` finishes it
        );
  return {
    db,
    provisionMs,
    migrateMs,
    ...(migrations !== undefined ? { migrations } : {}),
    template: { key, built, pooled },
    background,
  };
}
