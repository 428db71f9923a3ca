// The run's command: spawned as the leader of its own process group behind a start gate, so the guardian
// always knows the group before the command runs (a run SIGKILLed in between leaves nothing running).
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { DbtkError, Interrupted } from "../../core/errors.js";

/** Sends `sig` to the command's whole process group (it leads its own); gone already is fine. */
export function signalGroup(child: ChildProcess | undefined, sig: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // ESRCH: the group is empty.
  }
}

/**
 * The gate: a shell that waits for one line on fd 3, closes it and becomes the command (exec: same pid, so
 * the group and the signals are the command's). If the run dies first, fd 3 reads end-of-file and the
 * command never starts.
 */
const GATE = 'read -r go <&3 || exit 125; exec 3<&-; exec "$@"';

/** Where execvp would find `file` on the command's PATH; the error `spawn` would give (127, 126) otherwise. */
function commandPath(file: string, env: NodeJS.ProcessEnv): string {
  const candidates = file.includes("/") ? [file] : (env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":").map((d) => path.join(d || ".", file));
  let denied = false;
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
      accessSync(c, constants.X_OK);
      return c;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EACCES") denied = true;
    }
  }
  if (denied) throw new DbtkError(`command not executable: ${file} (permission denied); check its path and mode`, 126);
  throw new DbtkError(`command not found: ${file}. Check options.command (is it installed and on PATH?)`, 127);
}

/**
 * Spawns the command as the leader of its own process group (so `npm test` → sh → mocha is one group) and
 * resolves with its exit code (128 + n when a signal ended it). `onSpawn` runs before the command may start
 * (tell the guardian there). Whatever the command left running in its group is killed when it exits, before
 * teardown: nothing keeps using the database after the run.
 */
export function runChild(
  command: string[],
  env: NodeJS.ProcessEnv,
  stdoutToStderr: boolean,
  onSpawn: (c: ChildProcess) => void,
): Promise<number> {
  const [file, ...args] = command;
  if (!file) return Promise.reject(new DbtkError("no command given: options.command is empty", 2));
  let resolved: string;
  try {
    resolved = commandPath(file, env);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", GATE, "dbtk-gate", resolved, ...args], {
      stdio: ["inherit", stdoutToStderr ? process.stderr : "inherit", "inherit", "pipe"],
      env,
      detached: true,
    });
    child.once("error", (err: NodeJS.ErrnoException) => reject(new DbtkError(`cannot start ${file}: ${err.message}`, 126)));
    child.once("exit", (code, sig) => {
      signalGroup(child, "SIGKILL");
      resolve(sig ? new Interrupted(sig).exitCode : (code ?? 1));
    });
    onSpawn(child);
    const gate = child.stdio[3] as NodeJS.WritableStream | null;
    gate?.on("error", () => undefined); // the gate already gone (killed): its exit reports it
    gate?.end("go\n");
  });
}
