// What the local servers (PostgreSQL, MariaDB) share: their root directory, the state file that remembers
// port and admin password between runs, the port choice at start, and the log tail quoted on failure.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, portOpen } from "./net.js";
import { assertReachableByServerUser, serversDir } from "./paths.js";

export interface ServerState {
  port: number;
  password: string;
}

/** `<servers dir>/<name>` unless given, created and checked to be reachable by the server's OS user. */
export function serverRoot(rootDir: string | undefined, name: string, osUser: string): string {
  const root = path.resolve(rootDir ?? path.join(serversDir(), name));
  mkdirSync(root, { recursive: true, mode: 0o755 });
  assertReachableByServerUser(root, osUser);
  return root;
}

export function readState<S extends ServerState>(file: string): S | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as S;
}

/** Mode 0600: the file holds the admin password. */
export function writeState(file: string, state: ServerState): void {
  // Write-then-rename, so a reader never sees a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  renameSync(tmp, file);
}

/** State for a fresh data directory: the requested port (else a free one) and a new admin password. */
export async function newState(port: number | undefined): Promise<ServerState> {
  return { port: port ?? (await freePort()), password: randomBytes(18).toString("hex") };
}

/** Before a start: the requested port, else last time's unless something else took it meanwhile. */
export async function choosePort(state: ServerState, requested: number | undefined): Promise<void> {
  if (requested) state.port = requested;
  else if (await portOpen(state.port)) state.port = await freePort();
}

/** The last lines of a server log, for a start failure's message. */
export function logTail(file: string, lines = 15): string {
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}
