// How other processes find a running pool server: `serve.json` in the local server's directory, written once
// it listens and removed when it stops. A file whose process is gone (kill -9) is ignored.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { identify, liveness, type ProcessIdentity } from "../../core/process.js";

export interface PoolServerState {
  url: string;
  pid: number;
  engine: "postgres" | "mysql";
  startedAt: string;
  /** The server process, to tell a live one from a reused pid. */
  owner?: ProcessIdentity;
}

const fileIn = (rootDir: string): string => path.join(rootDir, "serve.json");

export function writeStateFile(rootDir: string, state: PoolServerState): void {
  const file = fileIn(rootDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...state, owner: identify(state.pid) }), { mode: 0o644 });
  renameSync(tmp, file);
}

/** Removes the file only if it still names this server (a newer one may have replaced it). */
export function removeStateFile(rootDir: string, url: string): void {
  try {
    const s = JSON.parse(readFileSync(fileIn(rootDir), "utf8")) as PoolServerState;
    if (s.pid === process.pid && s.url === url) rmSync(fileIn(rootDir), { force: true });
  } catch {
    // Already gone.
  }
}

/** The pool server running on the local server in `rootDir`, if one is. */
export function findPoolServer(rootDir: string): PoolServerState | undefined {
  let s: PoolServerState;
  try {
    s = JSON.parse(readFileSync(fileIn(rootDir), "utf8")) as PoolServerState;
  } catch {
    return undefined;
  }
  if (!s.url || !s.pid) return undefined;
  return liveness(s.owner ?? identify(s.pid)) === "gone" ? undefined : s;
}
