// Finds and destroys what runs left behind — what a crashed machine leaves (a killed run's own guardian
// cleans up after it at once) — and, on request, everything dbtk made on a target (purge).
//
// Leases, not guesses: a database whose recorded owner (pid + start time + boot + host) still runs on this
// host is always kept, expired or not. Its TTL applies once the owner is gone, to databases with no owner
// (`dbtk up`, pooled clones) and to owners on other hosts (a live run renews its lease, so only a dead
// one's expires). `dead` drops a gone owner's databases at once; a login without its database (an orphan:
// a creation or teardown cut short) goes as soon as its owner is gone.
import { ORPHAN_GRACE_MS, ownerLiveness } from "./targets/meta.js";
import type { EphemeralMeta, ListedDatabase, Target } from "./targets/types.js";

export interface ReapOptions {
  /** List what would go, destroy nothing. */
  dryRun?: boolean;
  /** Also destroy unexpired databases whose owner (a process on this host) is gone. */
  dead?: boolean;
  /** Template clean-up policy; omit to skip template clean-up. */
  templates?: { maxAgeMs: number; maxBytes: number };
  now?: number;
}

export interface Reaped extends EphemeralMeta {
  reason: "expired" | "maker gone" | "run gone" | "orphan";
}

export interface ReapResult {
  target: string;
  destroyed: Reaped[];
  /** Databases left alone (unexpired, or their owner alive). */
  kept: number;
  templatesDropped: string[];
  failed: Array<{ id: string; error: string }>;
  dryRun: boolean;
}

/** Why `meta` should go now, or undefined to keep it. */
export function reapReason(meta: EphemeralMeta, now: number, dead: boolean): Reaped["reason"] | undefined {
  const owner = ownerLiveness(meta);
  // The lease holds while its owner runs: never take a live run's database, whatever its expiry says.
  if (owner === "alive") return undefined;
  if (meta.state === "orphan") {
    // Without an owner, wait out a creation that may still be under way (`dbtk up` makes the login first).
    if (owner === "gone" || (owner === "none" && now - Date.parse(meta.createdAt) > ORPHAN_GRACE_MS)) return "orphan";
  }
  if (Date.parse(meta.expiresAt) <= now) return "expired";
  if (owner === "gone" && meta.state === "filling") return "maker gone";
  if (owner === "gone" && dead && meta.state !== "pool") return "run gone";
  return undefined;
}

export async function reap(target: Target, opts: ReapOptions = {}): Promise<ReapResult> {
  const now = opts.now ?? Date.now();
  const result: ReapResult = { target: target.name, destroyed: [], kept: 0, templatesDropped: [], failed: [], dryRun: opts.dryRun === true };
  for (const meta of await target.list()) {
    const reason = reapReason(meta, now, opts.dead === true);
    if (!reason) {
      result.kept++;
      continue;
    }
    if (!opts.dryRun) {
      try {
        await target.destroy(meta.id);
      } catch (err) {
        result.failed.push({ id: meta.id, error: (err as Error).message });
        continue;
      }
    }
    result.destroyed.push({ ...meta, reason });
  }
  if (opts.templates && target.templates && !opts.dryRun) {
    result.templatesDropped = await target.templates.gc(opts.templates);
  }
  return result;
}

export interface PurgeResult {
  target: string;
  /** Every ephemeral database, pooled clone and orphan login found (destroyed unless a dry run). */
  databases: ListedDatabase[];
  /** Template names (databases or schemas) found. */
  templates: string[];
  failed: Array<{ id: string; error: string }>;
  dryRun: boolean;
}

/** What `purge` would remove: every dbtk database, pooled clone, orphan login and template on `target`. */
export async function purgePlan(target: Target): Promise<PurgeResult> {
  const databases = await target.list({ sizes: true });
  const templates = target.templates?.list ? (await target.templates.list()).map((t) => t.name) : [];
  return { target: target.name, databases, templates, failed: [], dryRun: true };
}

/** Removes everything dbtk made on `target`, live runs' databases included: for a reset, not for routine. */
export async function purge(target: Target, opts: { dryRun?: boolean } = {}): Promise<PurgeResult> {
  const plan = await purgePlan(target);
  if (opts.dryRun) return plan;
  const result: PurgeResult = { ...plan, dryRun: false };
  const tpl = target.templates;
  const keys = tpl?.list ? (await tpl.list()).map((t) => t.key) : [];
  const dropTemplates = async (record: boolean): Promise<void> => {
    for (const key of keys) {
      try {
        await tpl?.drop?.(key);
      } catch (err) {
        if (record) result.failed.push({ id: key, error: (err as Error).message });
      }
    }
  };
  // Templates first (each takes its pool with it), then every database; then the templates' logins, which
  // the clones' objects kept until their databases were gone.
  await dropTemplates(false);
  for (const db of plan.databases) {
    try {
      await target.destroy(db.id);
    } catch (err) {
      result.failed.push({ id: db.id, error: (err as Error).message });
    }
  }
  await dropTemplates(true);
  return result;
}
