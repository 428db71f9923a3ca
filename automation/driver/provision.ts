// Provision one ephemeral database: from a pre-made pooled clone, a clone of the migrated template, or
// (targets without templates) a new database migrated in place. Whatever fails, nothing is left behind.
import { newMeta, parseDuration } from "../targets/meta.js";
import type { EphemeralDatabase, EphemeralMeta, Target } from "../targets/types.js";
import { applyMigrations, sourceKey, type MigrationSource } from "./migrations.js";
import { formatMs, type Progress } from "./progress.js";

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
}

export interface Provisioned {
  db: EphemeralDatabase;
  provisionMs: number;
  migrateMs: number;
  migrations?: number;
  template?: { key: string; built: boolean; pooled: boolean };
  /** Background work started after the hand-out (pool refill, template clean-up); never rejects. */
  background: Promise<void>;
}

/** Cache policy for templates and pooled clones: DBTK_TEMPLATE_MAX_AGE (default 7d), DBTK_TEMPLATE_MAX_MB (2048). */
export function templatePolicy(env: NodeJS.ProcessEnv = process.env): { maxAgeMs: number; maxBytes: number } {
  const maxAgeMs = env.DBTK_TEMPLATE_MAX_AGE ? parseDuration(env.DBTK_TEMPLATE_MAX_AGE, "DBTK_TEMPLATE_MAX_AGE") : 7 * 86_400_000;
  const mb = env.DBTK_TEMPLATE_MAX_MB ? Number(env.DBTK_TEMPLATE_MAX_MB) : 2048;
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`DBTK_TEMPLATE_MAX_MB: "${env.DBTK_TEMPLATE_MAX_MB}" is not a number of megabytes`);
  return { maxAgeMs, maxBytes: mb * 1024 * 1024 };
}

export function poolSizeFrom(value: string | number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = value ?? env.DBTK_POOL_SIZE;
  if (raw === undefined || raw === "") return DEFAULT_POOL_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`pool size "${raw}" must be a whole number from 0 to 64 (--pool / DBTK_POOL_SIZE)`);
  return n;
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
  const t0 = performance.now();
  const key = tpl && source.kind !== "none" ? await sourceKey(source, (await tpl.version?.()) ?? target.engine) : undefined;
  checkAbort(opts.signal);

  if (!tpl || !key) {
    opts.onId?.(meta.id);
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
    if (db) opts.onId?.(db.id);
  }
  if (!db) {
    opts.onId?.(meta.id);
    try {
      db = await target.create({ ...meta, engine: target.engine, template: key });
    } catch (err) {
      // Another process's clean-up may have dropped the template between ensure and clone: rebuild once.
      if (await tpl.has(key)) throw err;
      await tpl.ensure(key, (conn) => applyMigrations(source, conn, opts.signal ? { signal: opts.signal } : {}));
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

  const policy = templatePolicy();
  const background = (async () => {
    if (poolSize > 0 && tpl.fill) await tpl.fill(key, poolSize);
    await tpl.gc({ ...policy, keep: [key] });
  })().catch(() => undefined); // best effort: the next run or `dbtk reap` finishes it
  return {
    db,
    provisionMs,
    migrateMs,
    ...(migrations !== undefined ? { migrations } : {}),
    template: { key, built, pooled },
    background,
  };
}
