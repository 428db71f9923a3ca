// A data directory is made in a staging folder beside it and renamed into place when complete, so a start
// killed half-way never leaves a half-made data directory that a later start would take for a real one.
// Whatever such a start leaves (staging folders, their still-running initdb, password files) is cleared
// by the next start, under the server's lock.
import { readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { ownedDir, type OsUser } from "./os-user.js";
import { processesOnDataDir, stopProcesses } from "./procs.js";

const STAGING_PREFIX = ".init-";

/**
 * Removes what an interrupted start left in `rootDir`: staging folders (after killing any initdb or
 * bootstrap server still working in them), `.pwfile-*` admin-password files of older versions, and
 * temporary state files. Call with the server's lock held: then none of it belongs to a live start.
 */
export async function clearStartLeftovers(rootDir: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(rootDir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = path.join(rootDir, name);
    if (name.startsWith(STAGING_PREFIX)) {
      const orphans = processesOnDataDir(p, { within: true, pgdataEnv: true });
      if (orphans.length > 0) await stopProcesses(orphans, "SIGKILL", 5_000);
      rmSync(p, { recursive: true, force: true, maxRetries: 3 });
    } else if (name.startsWith(".pwfile-") || /^server\.json\.\d+\.tmp$/.test(name)) {
      rmSync(p, { force: true });
    }
  }
}

/**
 * Runs `make(stagingDataDir, stagingDir)` to create a data directory in a fresh staging folder, then
 * renames it to `dataDir` (which must not exist) and removes the staging folder, also on failure.
 */
export async function initialiseInStaging(
  rootDir: string,
  dataDir: string,
  user: OsUser | undefined,
  make: (stagingDataDir: string, stagingDir: string) => Promise<void>,
): Promise<void> {
  const staging = path.join(rootDir, `${STAGING_PREFIX}${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  ownedDir(staging, user, 0o700);
  try {
    const inside = path.join(staging, "data");
    await make(inside, staging);
    renameSync(inside, dataDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
