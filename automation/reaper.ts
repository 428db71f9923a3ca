// Finds and destroys what runs left behind: databases past their expiry (a crashed or killed driver's
// leftovers), pool clones whose maker died mid-way, and — with `dead` — databases whose run ended without
// teardown on this host; then cleans templates by the cache policy.
import { ownerProcessDead } from "./targets/meta.js";
import type { EphemeralMeta, Target } from "./targets/types.js";

export interface ReapOptions {
  /** List what would go, destroy nothing. */
  dryRun?: boolean;
  /** Also destroy unexpired databases whose recorded process (on this host) is gone. */
  dead?: boolean;
  /** Template clean-up policy; omit to skip template clean-up. */
  templates?: { maxAgeMs: number; maxBytes: number };
  now?: number;
}

export interface Reaped extends EphemeralMeta {
  reason: "expired" | "maker gone" | "run gone";
}

export interface ReapResult {
  target: string;
  destroyed: Reaped[];
  /** Databases left alone (unexpired, live). */
  kept: number;
  templatesDropped: string[];
  failed: Array<{ id: string; error: string }>;
  dryRun: boolean;
}

/** Why `meta` should go now, or undefined to keep it. */
export function reapReason(meta: EphemeralMeta, now: number, dead: boolean): Reaped["reason"] | undefined {
  if (Date.parse(meta.expiresAt) <= now) return "expired";
  if (meta.state === "filling" && ownerProcessDead(meta)) return "maker gone";
  if (dead && meta.state !== "pool" && ownerProcessDead(meta)) return "run gone";
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
