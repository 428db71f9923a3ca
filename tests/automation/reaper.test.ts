// Leases, not guesses: who reap may take, by the owner's identity (pid + start time + boot + host).
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { identify } from "../../core/process.ts";
import { reapReason } from "../../automation/reaper.ts";
import { claimable, CLAIM_MARGIN_MS, newMeta, ownedBy, ownerLiveness, withoutOwner } from "../../automation/targets/meta.ts";
import type { EphemeralMeta } from "../../automation/targets/types.ts";

const now = Date.now();
const HOUR = 3_600_000;
/** A record made an hour ago by this process, with `ttlMs`. */
const mine = (ttlMs: number, extra: Partial<EphemeralMeta> = {}): EphemeralMeta => ({ ...newMeta({ target: "local", ttlMs, now: now - HOUR }), ...extra });

async function deadIdentity(): Promise<ReturnType<typeof identify>> {
  const child = spawn("true");
  const id = identify(child.pid!);
  await new Promise((r) => child.once("exit", r));
  await new Promise((r) => setTimeout(r, 50));
  return id;
}

describe("reapReason", () => {
  it("records this process's full identity", () => {
    const m = newMeta({ target: "local", ttlMs: 1000 });
    const me = identify();
    expect(m).toMatchObject({ pid: me.pid, start: me.start, boot: me.boot, host: hostname() });
    expect(ownedBy(m, me)).toBe(true);
    expect(ownedBy(m, { ...me, start: (me.start ?? 0) + 1 })).toBe(false);
    expect(withoutOwner(m)).not.toHaveProperty("pid");
  });

  it("never takes a database whose owner is alive here, however long expired (plain or --dead)", () => {
    const m = mine(1000);
    expect(ownerLiveness(m)).toBe("alive");
    expect(reapReason(m, now, false)).toBeUndefined();
    expect(reapReason(m, now, true)).toBeUndefined();
    expect(reapReason({ ...m, state: "orphan" }, now, true)).toBeUndefined(); // mid-creation or mid-teardown
  });

  it("a reused pid is not the owner: the record's start time decides", () => {
    const m = mine(1000, { start: (identify().start ?? 0) + 1 });
    expect(ownerLiveness(m)).toBe("gone");
    expect(reapReason(m, now, false)).toBe("expired");
    expect(reapReason({ ...m, expiresAt: new Date(now + HOUR).toISOString() }, now, true)).toBe("run gone");
  });

  it("an owner that exited: its TTL applies; --dead takes it at once; a half-made clone or an orphan login goes at once", async () => {
    const dead = await deadIdentity();
    const m = mine(2 * HOUR, { pid: dead.pid, ...(dead.start !== undefined ? { start: dead.start } : {}) });
    expect(ownerLiveness(m)).toBe("gone");
    expect(reapReason(m, now, false)).toBeUndefined();
    expect(reapReason(m, now, true)).toBe("run gone");
    expect(reapReason({ ...m, state: "filling" }, now, false)).toBe("maker gone");
    expect(reapReason({ ...m, state: "orphan" }, now, false)).toBe("orphan");
  });

  it("another host's owner cannot be judged here: kept until its (renewed) lease expires", () => {
    const m = mine(2 * HOUR, { host: `${hostname()}-elsewhere` });
    expect(ownerLiveness(m)).toBe("unknown");
    expect(reapReason(m, now, true)).toBeUndefined();
    expect(reapReason({ ...m, state: "orphan" }, now, true)).toBeUndefined();
    expect(reapReason({ ...m, expiresAt: new Date(now - 1).toISOString() }, now, false)).toBe("expired");
  });

  it("no owner (dbtk up, pooled clones): the TTL alone; an orphan login after a grace for a creation under way", () => {
    const up = withoutOwner(mine(2 * HOUR));
    expect(ownerLiveness(up)).toBe("none");
    expect(reapReason(up, now, true)).toBeUndefined();
    expect(reapReason({ ...up, expiresAt: new Date(now).toISOString() }, now, false)).toBe("expired");
    expect(reapReason({ ...up, state: "orphan" }, now, false)).toBe("orphan");
    expect(reapReason({ ...up, state: "orphan", createdAt: new Date(now - 1000).toISOString() }, now, false)).toBeUndefined();
    const pool = { ...up, state: "pool" as const };
    expect(reapReason(pool, now, true)).toBeUndefined();
  });

  it("a pooled clone is never handed out in its last minute (reap takes it once expired)", () => {
    const pool = { ...withoutOwner(mine(HOUR)), state: "pool" as const };
    expect(claimable({ ...pool, expiresAt: new Date(now + CLAIM_MARGIN_MS + 5000).toISOString() }, now)).toBe(true);
    expect(claimable({ ...pool, expiresAt: new Date(now + CLAIM_MARGIN_MS - 5000).toISOString() }, now)).toBe(false);
    expect(claimable({ ...pool, state: "ready", expiresAt: new Date(now + HOUR).toISOString() }, now)).toBe(false);
  });
});
