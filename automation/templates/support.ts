// The fast path on a server we talk SQL to: one pre-migrated template per key, built once across
// processes under a server-side lock, a pool of pre-made clones, and clean-up by age and total size.
import { claimable, newMeta, ownerLiveness, templateName, withoutOwner } from "../targets/meta.js";
import type { SqlServer, TemplateInfo } from "../targets/sql.js";
import type { EphemeralDatabase, EphemeralMeta, TemplateSupport } from "../targets/types.js";

/**
 * Pooled clones idle this long are not wanted any more: never handed out in their last minute, dropped by
 * the clean-up after each run and by reap once expired (a clone costs what CREATE DATABASE … TEMPLATE costs).
 */
export const POOL_TTL_MS = 3_600_000;

export const buildLock = (key: string): string => `dbtk-build:${key}`;
const fillLock = (key: string): string => `dbtk-fill:${key}`;

/** Pooled clones of `key` (claimable, or being made by a process not known to be dead). */
async function poolEntries(server: SqlServer, key?: string): Promise<EphemeralMeta[]> {
  const out: EphemeralMeta[] = [];
  const now = Date.now();
  for (const f of await server.list()) {
    const m = f.meta;
    if (!m || (key !== undefined && m.template !== key)) continue;
    if (claimable(m, now) || (m.state === "filling" && ownerLiveness(m) !== "gone")) out.push(m);
  }
  return out;
}

/** Drops pooled clones past their expiry (claim never hands those out, so none is in use). */
async function dropExpiredPool(server: SqlServer): Promise<void> {
  const now = Date.now();
  for (const f of await server.list()) {
    if (f.meta?.state === "pool" && Date.parse(f.meta.expiresAt) <= now) await server.drop(f.id).catch(() => undefined);
  }
}

export function sqlTemplateSupport(server: SqlServer, target: string): TemplateSupport {
  const has = async (key: string): Promise<boolean> => (await server.template(key))?.state === "ready";
  // Facts about finished templates never change (a changed migration is a new key): cache them.
  const known = new Map<string, { migrations?: number }>();

  return {
    has,

    async ensure(key, build) {
      const first = await server.template(key);
      if (first?.state === "ready") {
        known.set(key, first);
        await server.touchTemplate(key);
        return;
      }
      await server.withLock(buildLock(key), async () => {
        // Re-check under the lock: another process may have finished the build while we waited.
        const found = await server.template(key);
        if (found?.state === "ready") {
          known.set(key, found);
          return;
        }
        // Anything else under this name is a crashed build (its builder's lock is gone: we hold it).
        if (found) await server.dropTemplate(key);
        const conn = await server.beginTemplate(key);
        try {
          const n = await build(conn);
          await server.finishTemplate(key, typeof n === "number" ? n : undefined);
          known.set(key, typeof n === "number" ? { migrations: n } : {});
        } catch (err) {
          await server.dropTemplate(key).catch(() => undefined);
          throw err;
        }
      });
    },

    async gc({ maxAgeMs, maxBytes, keep = [] }) {
      const keepNames = new Set(keep.map(templateName));
      const dropped: string[] = [];
      const now = Date.now();
      // One template that cannot be dropped (another admin's, on a shared server) must not stop the rest.
      const tryDrop = async (t: TemplateInfo): Promise<boolean> => {
        try {
          await dropWithPool(server, t.key);
          dropped.push(t.name);
          return true;
        } catch {
          return false;
        }
      };
      const live: TemplateInfo[] = [];
      for (const t of await server.templates()) {
        if (keepNames.has(t.name)) {
          live.push(t);
        } else if (t.state === "orphan") {
          await server.dropTemplate(t.key).catch(() => undefined); // a login kept by clones: retried later
        } else if (t.state === "building") {
          // A build whose lock nobody holds is a crashed builder's leftover.
          if (!(await server.lockFree(buildLock(t.key))) || !(await tryDrop(t))) live.push(t);
        } else if (now - Date.parse(t.usedAt ?? t.builtAt ?? new Date(0).toISOString()) > maxAgeMs) {
          if (!(await tryDrop(t))) live.push(t);
        } else {
          live.push(t);
        }
      }
      await dropExpiredPool(server);
      // Pooled clones of templates that are gone are useless.
      const liveKeys = new Set(live.map((t) => t.name));
      const pool = await poolEntries(server);
      for (const k of new Set(pool.map((p) => p.template).filter((t): t is string => !!t))) {
        // Re-check: another process may have rebuilt it since the listing.
        if (!liveKeys.has(templateName(k)) && !(await server.template(k))) await drainPool(server, k).catch(() => undefined);
      }
      // Size cap: each pooled clone is about as big as its template.
      const sizeOf = (t: TemplateInfo): number =>
        t.sizeBytes * (1 + pool.filter((p) => p.template && templateName(p.template) === t.name).length);
      let total = live.reduce((s, t) => s + sizeOf(t), 0);
      const lru = live
        .filter((t) => !keepNames.has(t.name) && t.state === "ready")
        .sort((a, b) => Date.parse(a.usedAt ?? a.builtAt ?? "") - Date.parse(b.usedAt ?? b.builtAt ?? ""));
      for (const t of lru) {
        if (total <= maxBytes) break;
        if (await tryDrop(t)) total -= sizeOf(t);
      }
      await server.tidy?.().catch(() => undefined); // best effort: autovacuum gets there too, later
      return dropped;
    },

    version: () => server.version(),

    list: () => server.templates(),

    async migrationCount(key) {
      return (known.get(key) ?? (await server.template(key)))?.migrations;
    },

    async claim(key, meta): Promise<EphemeralDatabase | undefined> {
      const conn = await server.claim(key, meta);
      if (!conn) return undefined;
      await server.touchTemplate(key);
      return { ...meta, id: conn.database, template: key, state: "ready", connection: conn };
    },

    drop: (key) => dropWithPool(server, key),

    async abandonBuild(key) {
      // Under the build lock (not waiting): a live builder holds it, so only a dead one's build is dropped.
      const dropped = await server.withLock(
        buildLock(key),
        async () => {
          const t = await server.template(key);
          if (!t || t.state === "ready") return false;
          await server.dropTemplate(key);
          return true;
        },
        { wait: false },
      );
      return dropped === true;
    },

    async fill(key, size, watch) {
      if (size <= 0) return 0;
      // One filler per template at a time; a second caller leaves the work to it.
      const made = await server.withLock(
        fillLock(key),
        async () => {
          await dropDeadFillers(server, key);
          let n = 0;
          // Counted again before each clone: runs claim clones meanwhile, and the callers that found the lock
          // taken left their share to this one. Bounded, so claims as fast as the clones cannot hold it forever.
          while (n < 2 * size && (await poolEntries(server, key)).length < size) {
            const meta: EphemeralMeta = { ...newMeta({ target, ttlMs: POOL_TTL_MS, owner: "dbtk-pool" }), state: "filling" };
            watch?.made(meta.id);
            await server.create(meta, key);
            // Marked claimable only once the clone exists (its CREATE has committed); it has no owner then.
            await server.setMeta(withoutOwner({ ...meta, state: "pool", template: key }));
            watch?.done(meta.id);
            n++;
          }
          return n;
        },
        { wait: false },
      );
      return made ?? 0;
    },
  };
}

/**
 * Drops the half-made pooled clones of `key` whose maker is gone (a run or guardian killed mid-clone): under
 * the fill lock no live filler is making them, and nothing else would finish or claim them before reap.
 */
async function dropDeadFillers(server: SqlServer, key: string): Promise<void> {
  for (const f of await server.list()) {
    if (f.meta?.state === "filling" && f.meta.template === key && ownerLiveness(f.meta) === "gone") await server.drop(f.id).catch(() => undefined);
  }
}

/**
 * Drops the pooled clones of `key`. Each claimable one is first taken with `claim` (atomic), so a clone
 * another process claims at the same moment is never dropped under it.
 */
async function drainPool(server: SqlServer, key: string): Promise<void> {
  const meta: EphemeralMeta = { ...newMeta({ target: "gc", ttlMs: 60_000, owner: "dbtk-gc" }), state: "filling" };
  for (let conn = await server.claim(key, meta); conn; conn = await server.claim(key, meta)) await server.drop(conn.database);
  // Those too close to their expiry to be claimed are nobody's either: claim never hands them out.
  for (const f of await server.list()) {
    if (f.meta?.state === "pool" && f.meta.template === key && !claimable(f.meta)) await server.drop(f.id);
  }
}

async function dropWithPool(server: SqlServer, key: string): Promise<void> {
  await drainPool(server, key);
  await server.dropTemplate(key);
}
