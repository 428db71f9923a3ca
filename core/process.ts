// Process identity that survives pid reuse: a pid plus the process's start time (clock ticks since boot,
// /proc/<pid>/stat field 22) and the boot it belongs to. A pid whose start time differs, or a record from
// another boot, is a different process — the one recorded is gone. Linux; elsewhere start is undefined
// and liveness falls back to the pid alone.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks after boot; undefined where /proc is not available. */
  start?: number;
  /** Host name, so another machine's records are never judged from here. */
  host: string;
  /** /proc/sys/kernel/random/boot_id: a record from before a reboot names no live process. */
  boot?: string;
}

/** Start time of `pid` in clock ticks after boot, or undefined (gone, or no /proc). */
export function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

let bootId: string | undefined | null = null;
export function currentBoot(): string | undefined {
  if (bootId === null) {
    try {
      bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

/** The identity of `pid` (default: this process) as of now. */
export function identify(pid: number = process.pid): ProcessIdentity {
  const start = processStart(pid);
  const boot = currentBoot();
  return { pid, host: hostname(), ...(start !== undefined ? { start } : {}), ...(boot ? { boot } : {}) };
}

/**
 * "alive" when the recorded process still runs, "gone" when it surely does not (no such pid, another start
 * time, another boot), "unknown" when it cannot be judged from here (another host).
 */
export function liveness(id: ProcessIdentity): "alive" | "gone" | "unknown" {
  if (id.host !== hostname()) return "unknown";
  const boot = currentBoot();
  if (id.boot && boot && id.boot !== boot) return "gone";
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return "gone";
    // EPERM: it exists (another user's); fall through to the start-time check.
  }
  if (id.start === undefined) return "alive";
  const now = processStart(id.pid);
  if (now === undefined) return "gone";
  return now === id.start ? "alive" : "gone";
}
