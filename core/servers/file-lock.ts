// A cross-process lock on a file, used so two concurrent runs never initialise or start the same local
// server twice. The file names its holder by pid AND process start time (core/process.ts): a lock left by
// a killed process, or restored from a cache into a new container where its pid now belongs to someone
// else, is taken over at once; only a live holder is waited for, and a timeout names it.
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { DbtkError } from "../errors.js";
import { identify, liveness, type ProcessIdentity } from "../process.js";
import { commandLine, pidAlive, processStartedAt } from "./procs.js";

/** What a lock file records. */
export interface LockHolder extends ProcessIdentity {
  /** ISO time the lock was taken. */
  since: string;
}

export interface LockOptions {
  /** How long to wait for a live holder. Default 120 s. */
  timeoutMs?: number;
  /** Called once when the lock is found held by a live process (so a caller can say it waits). */
  onWait?: (holder: LockHolder | undefined) => void;
}

type Verdict = { held: true; holder?: LockHolder } | { held: false; content: string };

/** Reads the lock and judges whether its holder still runs. */
function inspect(lockPath: string): Verdict | "missing" {
  let content: string;
  let mtimeMs: number;
  try {
    content = readFileSync(lockPath, "utf8");
    mtimeMs = statSync(lockPath).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw err;
  }
  const text = content.trim();
  if (text.startsWith("{")) {
    let holder: LockHolder | undefined;
    try {
      holder = JSON.parse(text) as LockHolder;
    } catch {
      holder = undefined;
    }
    if (holder && Number.isInteger(holder.pid)) {
      // Another host's holder cannot be judged from here: it is waited for (and named on timeout).
      return liveness(holder) === "gone" ? { held: false, content } : { held: true, holder };
    }
  }
  const pid = Number(text);
  if (Number.isInteger(pid) && pid > 0) {
    // The older format, a bare pid: held only by a live process that already ran when the file was written.
    const started = processStartedAt(pid);
    const alive = pidAlive(pid) && (started === undefined || started <= mtimeMs + 1000);
    return alive ? { held: true, holder: { pid, host: "", since: new Date(mtimeMs).toISOString() } } : { held: false, content };
  }
  // Empty or garbled (an older writer killed mid-write): stale once it is not brand new.
  return Date.now() - mtimeMs < 10_000 ? { held: true } : { held: false, content };
}

/** Creates the lock with its full content in one step (link), so no reader ever sees it half-written. */
function tryCreate(lockPath: string, holder: LockHolder): boolean {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, JSON.stringify(holder), { mode: 0o600 });
  try {
    linkSync(tmp, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes a stale lock, but only the one judged stale: a short-lived guard file serialises take-overs,
 * so a waiter never deletes a lock another waiter has just taken.
 */
function takeOver(lockPath: string, staleContent: string): void {
  const guard = `${lockPath}.takeover`;
  try {
    writeFileSync(guard, String(process.pid), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Held for microseconds by a live taker; an old one was left by a taker killed in between.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 5_000) rmSync(guard, { force: true });
    } catch {
      // removed meanwhile
    }
    return;
  }
  try {
    let now: string | undefined;
    try {
      now = readFileSync(lockPath, "utf8");
    } catch {
      now = undefined;
    }
    if (now === staleContent) rmSync(lockPath, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function describeHolder(h: LockHolder | undefined): string {
  if (!h) return "a process that has not finished writing it";
  const cmd = commandLine(h.pid).join(" ");
  const what = cmd ? ` (${cmd.length > 120 ? `${cmd.slice(0, 117)}...` : cmd})` : "";
  const where = h.host && h.host !== identify().host ? ` on host ${h.host}` : "";
  return `pid ${h.pid}${what}${where}, since ${h.since} (${ago(h.since)})`;
}

/** Runs `fn` while holding the lock file; waits (polling) for a live holder up to the timeout. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: number | LockOptions = {}): Promise<T> {
  const opts: LockOptions = typeof options === "number" ? { timeoutMs: options } : options;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const me: LockHolder = { ...identify(), since: new Date().toISOString() };
  let told = false;
  for (;;) {
    me.since = new Date().toISOString();
    if (tryCreate(lockPath, me)) break;
    const v = inspect(lockPath);
    if (v === "missing") continue;
    if (!v.held) {
      takeOver(lockPath, v.content);
      continue;
    }
    if (!told) {
      told = true;
      opts.onWait?.(v.holder);
    }
    if (Date.now() > deadline) {
      const pid = v.holder?.pid;
      throw new DbtkError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${lockPath}, held by ${describeHolder(v.holder)}; ` +
          (pid
            ? `wait for that process to finish, or stop it if it hangs (kill ${pid}); if it is not a dbtk process, remove ${lockPath}`
            : `if no dbtk process is running, remove ${lockPath}`),
      );
    }
    await sleep(50);
  }
  const mine = JSON.stringify(me);
  try {
    return await fn();
  } finally {
    // Remove it only while it is still ours.
    try {
      if (readFileSync(lockPath, "utf8") === mine) rmSync(lockPath, { force: true });
    } catch {
      // already gone
    }
  }
}
