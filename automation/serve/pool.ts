// One finalized template's test databases: clones made ahead of time (`ready`), handed out one caller at a
// time (`leased`), returned unchanged (unlock) or replaced by a fresh clone (recreate), and recycled when a
// caller never gives one back. Every clone is a database of its own with its own login (Target.create).
import type { DbTarget } from "../../core/connection.js";
import { newMeta } from "../targets/meta.js";
import type { EphemeralDatabase, Target } from "../targets/types.js";
import { problems } from "./problem.js";

export interface PoolLimits {
  /** Clones kept ready ahead of demand. */
  size: number;
  /** Clones of this template alive at once (ready + handed out + being made). */
  max: number;
  /** Clones made at the same time. */
  parallel: number;
  /** A handed-out database not returned within this is recycled (dropped and replaced). */
  leaseMs: number;
  /** A handed-out database younger than this is never recycled to make room. */
  minLifetimeMs: number;
  /** How long a request waits for a clone before a 503. */
  getTimeoutMs: number;
  /** Expiry recorded on each clone (reap drops what a killed server leaves once past it). */
  ttlMs: number;
  owner: string;
}

interface Slot {
  id: number;
  db: EphemeralDatabase;
  state: "ready" | "leased";
  leasedAt?: number;
  timer?: NodeJS.Timeout;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(err: unknown): void;
}

export interface PoolStats {
  ready: number;
  leased: number;
  making: number;
  handedOut: number;
  recycled: number;
}

export class TemplatePool {
  private readonly slots = new Map<number, Slot>();
  private readonly ready: number[] = [];
  private readonly waiters: Waiter[] = [];
  /** Why an id is gone (recycled): told to a caller who returns it late. */
  private readonly gone = new Map<number, string>();
  private readonly drops = new Set<Promise<void>>();
  private nextId = 0;
  private making = 0;
  private handedOut = 0;
  private recycled = 0;
  private closed = false;
  private lastError?: unknown;
  private fillQueued = false;

  constructor(
    readonly hash: string,
    private readonly key: string,
    private readonly target: Target,
    private readonly limits: PoolLimits,
  ) {}

  stats(): PoolStats {
    const leased = [...this.slots.values()].filter((s) => s.state === "leased").length;
    return { ready: this.ready.length, leased, making: this.making, handedOut: this.handedOut, recycled: this.recycled };
  }

  /**
   * `fill` once the current answer has been written: starting a clone (its record, the owner's identity read
   * from /proc, the first queries) is work a hand-out's caller should not wait for.
   */
  private fillSoon(): void {
    if (this.fillQueued) return;
    this.fillQueued = true;
    setImmediate(() => {
      this.fillQueued = false;
      this.fill();
    });
  }

  /** Starts as many clone makers as demand and the limits allow. */
  fill(): void {
    const l = this.limits;
    while (
      !this.closed &&
      this.making < l.parallel &&
      this.ready.length + this.making < l.size + this.waiters.length &&
      this.slots.size + this.making < l.max
    ) {
      this.making++;
      void this.makeOne().finally(() => {
        this.making--;
        this.fill();
      });
    }
  }

  private async makeOne(): Promise<void> {
    const meta = newMeta({ target: this.target.name, ttlMs: this.limits.ttlMs, owner: this.limits.owner });
    let db: EphemeralDatabase;
    try {
      db = await this.target.create({ ...meta, engine: this.target.engine, template: this.key });
    } catch (err) {
      // Fail the waiters rather than retrying forever; the next request tries again.
      this.lastError = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
      return;
    }
    if (this.closed) {
      this.dropLater(db.id);
      return;
    }
    const slot: Slot = { id: this.nextId++, db, state: "ready" };
    this.slots.set(slot.id, slot);
    this.offer(slot);
  }

  /** A ready slot goes to the longest-waiting request, else back to the ready list. */
  private offer(slot: Slot, front = false): void {
    const w = this.waiters.shift();
    if (w) w.resolve(slot);
    else if (front) this.ready.unshift(slot.id);
    else this.ready.push(slot.id);
  }

  /** Hands out a clone; `signal` is the request's (a client that went away gives it straight back). */
  async get(signal?: AbortSignal): Promise<{ id: number; connection: DbTarget }> {
    if (this.closed) throw problems.stopping();
    let slot: Slot;
    const id = this.ready.shift();
    if (id !== undefined) {
      slot = this.slots.get(id) as Slot;
      this.fillSoon();
    } else {
      slot = await this.wait(signal);
    }
    if (signal?.aborted) {
      this.offer(slot, true);
      throw signal.reason;
    }
    slot.state = "leased";
    slot.leasedAt = Date.now();
    slot.timer = setTimeout(() => this.recycle(slot, `not returned within its lease of ${Math.round(this.limits.leaseMs / 1000)}s`), this.limits.leaseMs);
    slot.timer.unref();
    this.handedOut++;
    return { id: slot.id, connection: slot.db.connection };
  }

  private wait(signal?: AbortSignal): Promise<Slot> {
    return new Promise<Slot>((resolve, reject) => {
      const timeout = setTimeout(() => {
        done();
        const why = this.lastError
          ? `making a clone failed: ${(this.lastError as Error).message}`
          : `all ${this.limits.max} databases the pool may hold are handed out; return them (unlock / recreate) or start the server with a higher max`;
        reject(problems.timeout(this.hash, this.limits.getTimeoutMs, why));
      }, this.limits.getTimeoutMs);
      // At the limit, a handed-out database may come of age for recycling while this request waits.
      const room = setInterval(() => this.makeRoom(), Math.max(this.limits.minLifetimeMs, 50));
      const onAbort = (): void => {
        done();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (s) => {
          done();
          if (signal?.aborted) this.offer(s, true);
          else resolve(s);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const done = (): void => {
        clearTimeout(timeout);
        clearInterval(room);
        signal?.removeEventListener("abort", onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.lastError = undefined;
      this.waiters.push(waiter);
      this.makeRoom();
      this.fill();
    });
  }

  /**
   * At the limit with nothing ready, the oldest handed-out database past its minimal lifetime is recycled
   * (as IntegreSQL recycles its oldest dirty one), so callers that never return databases cannot stall.
   */
  private makeRoom(): void {
    // Room is needed only at the limit, and only for waiters no clone being made will serve.
    if (this.slots.size + this.making < this.limits.max || this.making >= this.waiters.length) return;
    const cutoff = Date.now() - this.limits.minLifetimeMs;
    let oldest: Slot | undefined;
    for (const s of this.slots.values()) {
      if (s.state === "leased" && (s.leasedAt as number) <= cutoff && (!oldest || (s.leasedAt as number) < (oldest.leasedAt as number))) oldest = s;
    }
    if (oldest) this.recycle(oldest, `recycled to make room: the pool reached its maximum of ${this.limits.max} databases`);
  }

  private find(id: number): { slot: Slot } | { why?: string } {
    const slot = this.slots.get(id);
    return slot ? { slot } : { why: this.gone.get(id) };
  }

  /** Returns a database unchanged to the ready list (the caller promises it did not modify it). */
  unlock(id: number): void {
    const f = this.find(id);
    if (!("slot" in f)) throw problems.testNotFound(this.hash, id, f.why);
    if (f.slot.state !== "leased") return;
    clearTimeout(f.slot.timer);
    f.slot.state = "ready";
    delete f.slot.leasedAt;
    this.offer(f.slot);
  }

  /** Drops the database and makes a fresh clone in its place (in the background). */
  recreate(id: number): void {
    const f = this.find(id);
    if (!("slot" in f)) throw problems.testNotFound(this.hash, id, f.why);
    this.remove(f.slot, "recreated from the template at the caller's request");
    this.fillSoon();
  }

  private recycle(slot: Slot, why: string): void {
    if (this.slots.get(slot.id) !== slot || slot.state !== "leased") return;
    this.recycled++;
    this.remove(slot, why);
    this.fill();
  }

  private remove(slot: Slot, why: string): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot.id);
    const i = this.ready.indexOf(slot.id);
    if (i >= 0) this.ready.splice(i, 1);
    this.gone.set(slot.id, why);
    this.dropLater(slot.db.id);
  }

  private dropLater(dbId: string): void {
    const p: Promise<void> = this.target
      .destroy(dbId)
      .catch(() => undefined) // reap drops it after its expiry
      .finally(() => this.drops.delete(p));
    this.drops.add(p);
  }

  /** Drops every clone, handed out or not; waiters get `err`. */
  async close(err: unknown = problems.stopping()): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(err);
    for (const s of [...this.slots.values()]) this.remove(s, "the template was discarded or the server stopped");
    // Clones being made are dropped by their makers once made (closed is set).
    while (this.making > 0 || this.drops.size > 0) {
      await Promise.all([...this.drops]);
      if (this.making > 0) await new Promise((r) => setTimeout(r, 10));
    }
  }
}
