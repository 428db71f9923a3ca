// Signals sent to the launcher of `npx dbtk …` / `npm run …` never reach dbtk: npm forwards them to its
// `sh -c` child only. SIGTERM kills that shell (and npm exits), so our parent changes; SIGINT is caught by
// the shell, which waits for us to finish. Both are visible from outside: the parent pid changes, or the
// waiting shell wakes up (its voluntary context switches grow: a shell blocked in wait() wakes only for a
// signal or for its child — us). Linux only (/proc); elsewhere nothing is watched.
import { readFileSync } from "node:fs";

export interface LauncherWatch {
  stop(): void;
}

const readProc = (pid: number, file: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
};

const wakeups = (pid: number): number | undefined => {
  const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readProc(pid, "status") ?? "");
  return m ? Number(m[1]) : undefined;
};

/** The argv of a process, or [] when it is gone. */
export function commandLine(pid: number): string[] {
  return (readProc(pid, "cmdline") ?? "").split("\0").filter(Boolean);
}

/** True when `env` and the parent process say we were started by npm (npx, npm exec, npm run). */
export function launchedByNpm(env: NodeJS.ProcessEnv, ppid: number): boolean {
  if (!env.npm_command && !env.npm_lifecycle_event) return false;
  return commandLine(ppid).length > 0;
}

/**
 * Watches the launcher chain and calls `onSignal` once: "SIGTERM" when our parent is gone, "SIGINT" when the
 * parent shell under npm was woken by a signal. Returns a handle to stop watching (the timer is unref'd).
 */
export function watchLauncher(onSignal: (sig: NodeJS.Signals) => void, intervalMs = 200): LauncherWatch {
  const parent = process.ppid;
  const argv = commandLine(parent);
  const shell = argv.length > 0 && /(^|\/)(sh|dash|bash)$/.test(argv[0]!) && argv[1] === "-c";
  let last = shell ? wakeups(parent) : undefined;
  let fired = false;
  const fire = (sig: NodeJS.Signals) => {
    if (fired) return;
    fired = true;
    clearInterval(timer);
    onSignal(sig);
  };
  const timer = setInterval(() => {
    if (process.ppid !== parent) return fire("SIGTERM");
    if (last === undefined) return;
    const now = wakeups(parent);
    if (now === undefined) return fire("SIGTERM");
    if (now > last) return fire("SIGINT");
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
