// Processes of the local servers, found from /proc rather than from pid files: a start killed half-way
// leaves a server (or an initdb) whose pid file is missing or stale, and it must still be found, adopted
// or stopped — never started twice on one data directory. Linux (/proc); elsewhere nothing is found.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processStart } from "../process.js";

/** The argv of `pid`, or [] when it is gone or unreadable. */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** An environment variable of `pid` (readable for our own processes, or as root), or undefined. */
export function environValue(pid: number, name: string): string | undefined {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").find((e) => e.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

/** Pids whose argv satisfies `match` (this process excluded). */
export function findProcesses(match: (argv: string[], pid: number) => boolean): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const argv = commandLine(pid);
    if (argv.length > 0 && match(argv, pid)) out.push(pid);
  }
  return out;
}

/** The directory an argv points a server at: `-D <dir>`, `-D<dir>`, `--pgdata=<dir>` or `--datadir=<dir>`. */
export function dataDirArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-D" || a === "--pgdata") return argv[i + 1];
    const m = /^(?:-D|--pgdata=|--datadir=)(.+)$/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

/** The parent of `pid`, or undefined. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Processes running with `dir` (or, with `within`, anything below it) as their data directory. A server's
 * own children are left out: just forked, they still carry its argv (a postmaster's, before they retitle);
 * another program's children (install-db's bootstrap server) stay in.
 */
export function processesOnDataDir(dir: string, opts: { within?: boolean; program?: RegExp; pgdataEnv?: boolean } = {}): number[] {
  const want = path.resolve(dir);
  // argv as seen by the scan: a fork retitles itself ("postgres: checkpointer") moments later, and a
  // re-read would then make it look like a second server.
  const argv0 = new Map<number, string>();
  const pids = findProcesses((argv, pid) => {
    if (opts.program && !opts.program.test(path.basename(argv[0]!))) return false;
    // initdb runs its bootstrap backends with the directory in $PGDATA, not in their argv.
    const d = dataDirArg(argv) ?? (opts.pgdataEnv ? environValue(pid, "PGDATA") : undefined);
    if (!d) return false;
    const abs = path.resolve(d);
    const hit = abs === want || (opts.within === true && abs.startsWith(want + path.sep));
    if (hit) argv0.set(pid, argv[0]!);
    return hit;
  });
  const keep = (pid: number): boolean => {
    const parent = parentPid(pid);
    // Gone since the scan (a short-lived fork such as the startup process): not running, so not a server.
    if (parent === undefined) return false;
    return !(argv0.has(parent) && argv0.get(parent) === argv0.get(pid));
  };
  return pids.filter(keep);
}

let bootTimeMs: number | null | undefined;
function bootTime(): number | undefined {
  if (bootTimeMs === undefined) {
    try {
      const m = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
      bootTimeMs = m ? Number(m[1]) * 1000 : null;
    } catch {
      bootTimeMs = null;
    }
  }
  return bootTimeMs ?? undefined;
}

// USER_HZ: 100 on every Linux architecture node runs on.
const TICKS_PER_SECOND = 100;

/** When `pid` started (ms since the epoch), or undefined. */
export function processStartedAt(pid: number): number | undefined {
  const ticks = processStart(pid);
  const boot = bootTime();
  if (ticks === undefined || boot === undefined) return undefined;
  return boot + (ticks * 1000) / TICKS_PER_SECOND;
}

/** True while `pid` exists (a zombie counts as gone: it has exited). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Waits until every pid has exited; returns those still alive at the deadline. */
export async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(pidAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter(pidAlive);
  }
  return alive;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
}

/**
 * Stops processes politely, then firmly: `polite` (e.g. SIGINT, PostgreSQL's fast shutdown), after
 * `graceMs` SIGQUIT, then SIGKILL. Resolves once all have exited.
 */
export async function stopProcesses(pids: number[], polite: NodeJS.Signals, graceMs = 30_000): Promise<void> {
  let left = pids;
  // Sent again every second: a server still starting may not handle signals yet (mariadbd loses them).
  for (const deadline = Date.now() + graceMs; left.length > 0 && Date.now() < deadline; ) {
    for (const pid of left) signal(pid, polite);
    left = await waitForExit(left, Math.min(1_000, deadline - Date.now()));
  }
  for (const pid of left) signal(pid, "SIGQUIT");
  left = await waitForExit(left, 5_000);
  for (const pid of left) signal(pid, "SIGKILL");
  await waitForExit(left, 5_000);
}
