// A cross-process lock on a file (O_EXCL), with stale-lock recovery when the holder's pid is gone.
// Used so two concurrent runs never initialise or start the same local server twice.
import { openSync, closeSync, writeSync, readFileSync, rmSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

function holderAlive(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, "utf8").trim());
    // No pid yet: the holder is between creating the file and writing its pid. Only a file left like
    // that for long (a holder killed in between) is stale.
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lockPath).mtimeMs < 10_000;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; ENOENT: released meanwhile (retry).
    const code = (err as NodeJS.ErrnoException).code;
    return code === "EPERM" || code === "ENOENT";
  }
}

/** Runs `fn` while holding the lock file; waits (polling) up to `timeoutMs` for another holder. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (!holderAlive(lockPath)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for lock ${lockPath}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}
