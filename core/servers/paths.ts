// Where the toolkit keeps caches and local server data. Library code reads no environment: callers pass
// the directories (the CLI takes them from its environment with dirsFromEnv).
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

/** The toolkit's directories; each unset one has a default derived from the one before. */
export interface ToolkitDirs {
  /** Tools, engine state, drills. Default `~/.cache/dbtk`. */
  cacheDir?: string;
  /** Local servers' data. Default `<cacheDir>/servers` (as root, `/var/tmp/dbtk/servers` when that is unreachable). */
  serversDir?: string;
}

/**
 * The directories an environment names: DBTK_CACHE_DIR, else $XDG_CACHE_HOME/dbtk (the rule tools/lib.sh
 * follows), and DBTK_SERVERS_DIR. For front ends, which own their environment.
 */
export function dirsFromEnv(env: Env): ToolkitDirs {
  const cache = env.DBTK_CACHE_DIR ? path.resolve(env.DBTK_CACHE_DIR) : env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, "dbtk") : undefined;
  return { ...(cache ? { cacheDir: cache } : {}), ...(env.DBTK_SERVERS_DIR ? { serversDir: path.resolve(env.DBTK_SERVERS_DIR) } : {}) };
}

/** The cache directory: `dirs.cacheDir`, else `~/.cache/dbtk`. */
export function cacheDir(dirs: ToolkitDirs = {}): string {
  return path.resolve(dirs.cacheDir ?? path.join(homedir(), ".cache", "dbtk"));
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
export function serversDir(dirs: ToolkitDirs = {}): string {
  if (dirs.serversDir) return path.resolve(dirs.serversDir);
  const preferred = path.join(cacheDir(dirs), "servers");
  if (process.getuid?.() !== 0 || traversableByOthers(preferred)) return preferred;
  return "/var/tmp/dbtk/servers";
}

/** As root, servers run as their own OS user: refuse a rootDir that user cannot reach, naming the fix. */
export function assertReachableByServerUser(rootDir: string, osUser: string): void {
  if (process.getuid?.() !== 0 || traversableByOthers(rootDir)) return;
  throw new Error(
    `${rootDir} is not reachable by the "${osUser}" OS user the server runs as (a parent directory lacks o+x); ` +
      "use a directory under /tmp or /var/tmp (e.g. chmod 755 a mkdtemp directory) as rootDir or options.serversDir",
  );
}
