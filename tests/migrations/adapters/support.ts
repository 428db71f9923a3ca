// Test servers for the migrations suites: private local servers under the temp dir, reused across runs
// and shared by the suites through the servers' own lock files.
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DbTarget } from "../../../core/connection.ts";
import { localServer } from "../../../migrations/check/scratch.ts";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const examples = path.join(repoRoot, "examples", "migrations");
const root = path.join(tmpdir(), "dbtk-migrations-tests");

export const testPostgres = (): Promise<DbTarget> => localServer("postgres", { rootDir: path.join(root, "postgres") });
export const testMariadb = (): Promise<DbTarget> => localServer("mysql", { rootDir: path.join(root, "mariadb") });

/**
 * Samples every process's command line (/proc/<pid>/cmdline) until stopped: a tool that got the
 * password on its argv would be visible to every local user this way.
 */
export function watchCommandLines(): { stop(): Promise<string[]> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    while (running) {
      for (const pid of await readdir("/proc")) {
        if (!/^\d+$/.test(pid)) continue;
        const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
        if (cmd) seen.add(cmd.split("\0").join(" ").trim());
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return [...seen];
    },
  };
}

/** Runs the real `dbtk` CLI (bin/dbtk.mjs) with extra environment; never throws on a non-zero exit. */
export async function dbtk(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { execa } = await import("execa");
  const res = await execa(process.execPath, [path.join(repoRoot, "bin", "dbtk.mjs"), ...args], {
    env: { DATABASE_URL: "", ...env },
    reject: false,
    cwd: repoRoot,
  });
  return { code: res.exitCode ?? 1, stdout: String(res.stdout), stderr: String(res.stderr) };
}
