// A live run's lease: its record's expiry moved forward while it runs, so a reaper on another host (which
// cannot see whether our process lives) keeps the database too. Reapers on this host check the owner itself.
import type { EphemeralDatabase, EphemeralMeta, Target } from "../targets/types.js";

export interface Lease {
  /** Stops renewing and waits for a renewal in flight (call before teardown). */
  stop(): Promise<void>;
}

/** Renews every third of the TTL (at least every 250 ms, at most every 10 min); failures wait for the next turn. */
export function holdLease(target: Target, db: EphemeralDatabase, ttlMs: number): Lease {
  if (!target.renew) return { stop: async () => undefined };
  const renew = target.renew.bind(target);
  const { connection: _connection, ...meta } = db;
  const every = Math.min(Math.max(ttlMs / 3, 250), 600_000);
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    const next: EphemeralMeta = { ...meta, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
    inFlight = inFlight.then(() => (stopped ? undefined : renew(next))).catch(() => undefined);
  }, every);
  // The run's own work keeps the process alive; the lease never should.
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
