// Where the toolkit keeps caches and local server data.
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** The user's cache directory for the toolkit (same rule as tools/lib.sh). */
export function cacheDir(): string {
  if (process.env.DBTK_CACHE_DIR) return path.resolve(process.env.DBTK_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return path.join(base, "dbtk");
}

/** True when every existing ancestor of `dir` can be traversed by other users (o+x). */
export function traversableByOthers(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Root directory for local server data. PostgreSQL and MariaDB refuse to run as root, so as root the
 * servers run as their own OS users and need a directory those users can reach; /root is usually 0700.
 */
export function serversDir(): string {
  if (process.env.DBTK_SERVERS_DIR) return path.resolve(process.env.DBTK_SERVERS_DIR);
  const preferred = path.join(cacheDir(), "servers");
  if (process.getuid?.() !== 0 || traversableByOthers(preferred)) return preferred;
  return "/var/tmp/dbtk/servers";
}

/** As root, servers run as their own OS user: refuse a rootDir that user cannot reach, naming the fix. */
export function assertReachableByServerUser(rootDir: string, osUser: string): void {
  if (process.getuid?.() !== 0 || traversableByOthers(rootDir)) return;
  throw new Error(
    `${rootDir} is not reachable by the "${osUser}" OS user the server runs as (a parent directory lacks o+x); ` +
      "use a directory under /tmp or /var/tmp (e.g. chmod 755 a mkdtemp directory) or set DBTK_SERVERS_DIR",
  );
}
