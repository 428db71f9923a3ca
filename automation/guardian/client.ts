// The run's side of the guardian (as Testcontainers does with Ryuk): a small detached process, in its own
// session, that holds the read end of a pipe. The run tells it what to clean as it goes; if the pipe closes
// without "done" — the run died, SIGKILL included — the guardian kills the command's process group and
// drops the run's databases and logins, with nobody running reap. Since it outlives the run anyway, the run
// also leaves it the pool refill, which it does after "done", so the run's exit does not wait for a clone.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { identify, type ProcessIdentity } from "../../core/process.js";
import type { Target } from "../targets/types.js";
import type { RefillWork } from "../templates/refill.js";
import { encodeMessage, type GuardianMessage } from "./protocol.js";

export interface GuardianOptions {
  /** The guardian's entry script; default `main.js` beside this module (the compiled package). */
  entry?: string;
  /** Node executable; default the running one. */
  node?: string;
  /**
   * The guardian's environment; default empty: it needs none (secrets come over the pipe). Stack targets
   * may want PATH and HOME.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** A file the guardian appends its actions to (for debugging); default none. */
  log?: string;
}

/** The guardian's entry in the compiled package, or undefined when running from sources. */
export function defaultGuardianEntry(): string | undefined {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.js");
  return existsSync(entry) ? entry : undefined;
}

export class Guardian {
  private finished = false;
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.once("exit", () => (this.exited = true));
    // A guardian that died (killed by someone) must not take the run down with EPIPE.
    child.stdin?.on("error", () => undefined);
  }

  /**
   * Starts a guardian for runs on `target`. Throws (naming the option to fix) when the target cannot be
   * reopened from another process or the entry script is missing.
   */
  static start(target: Target, opts: GuardianOptions = {}): Guardian {
    if (!target.recipe) throw new Error(`target ${target.name} cannot be reopened by a guardian process (it has no recipe)`);
    const entry = opts.entry ?? defaultGuardianEntry();
    if (!entry || !existsSync(entry)) {
      throw new Error(`guardian entry ${entry ?? "main.js"} not found: build the package, or pass options.guardian.entry`);
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
    // Its own session (detached): a Ctrl-C or a kill of the run's process group does not reach it.
    const child = spawn(opts.node ?? process.execPath, [entry], { detached: true, stdio: ["pipe", "ignore", "ignore"], env, cwd: "/" });
    child.on("error", () => undefined); // reported as an early exit below
    child.unref();
    // Nor does the pipe keep this process alive: when it ends, the pipe closes, which is the point.
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    const g = new Guardian(child);
    g.send({ t: "hello", owner: identify(), target: target.recipe, ...(opts.log ? { log: opts.log } : {}) });
    return g;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** False once the guardian process has exited (before `done`, that means it watches nothing). */
  get alive(): boolean {
    return !this.exited;
  }

  private send(m: GuardianMessage): void {
    if (this.finished || !this.child.stdin?.writable) return;
    this.child.stdin.write(encodeMessage(m));
  }

  database(id: string): void {
    this.send({ t: "db", id });
  }

  release(id: string): void {
    this.send({ t: "release", id });
  }

  building(key: string): void {
    this.send({ t: "template", key });
  }

  group(pgid: number | undefined): void {
    this.send({ t: "group", pgid: pgid ?? 0 });
  }

  /** A helper process (the pooler), by identity so a reused pid is never killed, and its folder. */
  pooler(proc: ProcessIdentity, dir?: string): void {
    this.send({ t: "proc", proc, ...(dir ? { dir } : {}) });
  }

  /**
   * The pool refill and template clean-up, done by the guardian once this run is done (or while a long
   * command runs), so the run's exit does not wait for them. False when no guardian listens any more.
   */
  refill(work: RefillWork): boolean {
    if (this.finished || this.exited || !this.child.stdin?.writable) return false;
    this.send({ t: "refill", ...work });
    return true;
  }

  /** All clean: the guardian does the refill it was given, if any, and exits. */
  done(): void {
    this.send({ t: "done" });
    this.close();
  }

  /** Closes the pipe; without `done` first, the guardian cleans up what it was told of. */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    this.child.stdin?.end();
  }
}
