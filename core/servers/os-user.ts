// Database servers refuse to run as root; as root we run them as a dedicated OS user.
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, readFileSync } from "node:fs";

export interface OsUser {
  uid: number;
  gid: number;
  name: string;
}

/** The user's line in /etc/passwd (no process to start: this runs on every command that needs a server). */
function fromPasswd(name: string): OsUser | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [user, , uid, gid] = line.split(":");
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid), name };
    }
  } catch {
    // No readable passwd file: ask `id` below.
  }
  return undefined;
}

function lookup(name: string): OsUser | undefined {
  const local = fromPasswd(name);
  if (local) return local;
  // Users from other sources (NSS: LDAP, …).
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
    return { uid, gid, name };
  } catch {
    return undefined;
  }
}

/** The OS user to run a server as: undefined when not root (run as ourselves), else `name` (created if missing). */
export function serverUser(name: string): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookup(name);
  if (found) return found;
  try {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name], {
      stdio: "ignore",
    });
  } catch {
    // Another process may have created it concurrently; the lookup below decides.
  }
  const created = lookup(name);
  if (!created) throw new Error(`cannot create OS user "${name}" to run the database server (useradd failed)`);
  return created;
}

/** mkdir -p, then hand the directory to the server user when there is one. */
export function ownedDir(dir: string, user: OsUser | undefined, mode = 0o700): void {
  mkdirSync(dir, { recursive: true, mode });
  if (user) chownSync(dir, user.uid, user.gid);
}
