// `dbtk run`: provision, migrate, run the command with the connection in its environment, tear down —
// on success, failure, SIGINT and SIGTERM (forwarded to the command first). The command's exit code is
// the run's exit code; a signal makes it 128 + the signal number (130, 143).
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { connectionEnv, databaseUrl, redactedUrl } from "../../migrations/connection.js";
import type { Target } from "../targets/types.js";
import type { MigrationSource } from "./migrations.js";
import { DbtkError, formatMs, type Progress } from "./progress.js";
import { provision, type Provisioned } from "./provision.js";

export interface RunRequest {
  target: Target;
  source: MigrationSource;
  command: string[];
  ttlMs: number;
  owner?: string;
  poolSize?: number;
  templates?: boolean;
  progress: Progress;
  /** Extra environment for the command (on top of this process's and the connection's). */
  env?: Record<string, string>;
  /** Put the password (and the full URL) in the summary. */
  showSecrets?: boolean;
  /** Send the command's stdout to our stderr, keeping stdout for a machine-readable summary (--json). */
  commandStdoutToStderr?: boolean;
}

export interface RunSummary {
  id?: string;
  target: string;
  engine: string;
  owner?: string;
  createdAt?: string;
  expiresAt?: string;
  exitCode: number;
  signal?: string;
  migrations?: number;
  template?: { key: string; built: boolean; pooled: boolean };
  /** Milliseconds per phase. */
  timings: { provision?: number; migrate?: number; command?: number; teardown?: number };
  /** Connection; `url` redacted and no password unless `showSecrets`. */
  connection?: { host: string; port: number; user: string; database: string; url: string; password?: string };
  tornDown: boolean;
}

const signum = (sig: NodeJS.Signals): number => constants.signals[sig] ?? 15;

/** Spawns the command; resolves with its exit code (128 + n when a signal ended it). */
function runChild(
  command: string[],
  env: NodeJS.ProcessEnv,
  stdoutToStderr: boolean,
  onSpawn: (c: ChildProcess) => void,
): Promise<number> {
  const [file, ...args] = command;
  if (!file) return Promise.reject(new DbtkError("no command given: put it after `--`, e.g. dbtk run -- npm test", 2));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["inherit", stdoutToStderr ? process.stderr : "inherit", "inherit"], env });
    onSpawn(child);
    child.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") {
        reject(new DbtkError(`command not found: ${file}. Check the command after \`--\` (is it installed and on PATH?)`, 127));
      } else if (err.code === "EACCES") {
        reject(new DbtkError(`command not executable: ${file} (permission denied); check its path and mode`, 126));
      } else {
        reject(new DbtkError(`cannot start ${file}: ${err.message}`, 126));
      }
    });
    child.once("exit", (code, sig) => resolve(sig ? 128 + signum(sig) : (code ?? 1)));
  });
}

export async function runWithDatabase(req: RunRequest): Promise<RunSummary> {
  const { target, progress } = req;
  const summary: RunSummary = { target: target.name, engine: target.engine, exitCode: 1, timings: {}, tornDown: false };
  const abort = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  let child: ChildProcess | undefined;
  let createdId: string | undefined;
  let prov: Provisioned | undefined;

  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) {
      // A second signal: stop waiting; `dbtk reap` removes what is left once it expires.
      progress.line(`${sig} again: exiting without teardown${createdId ? ` (${createdId} is left to dbtk reap)` : ""}`);
      process.exit(128 + signum(sig));
    }
    signalled = sig;
    progress.line(`${sig}: ${child ? "forwarding to the command, then tearing down" : "stopping, then tearing down"}`);
    if (child && child.exitCode === null) child.kill(sig);
    abort.abort(new DbtkError(`interrupted by ${sig}`, 128 + signum(sig)));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const teardown = async (): Promise<void> => {
    if (!createdId) return;
    const t0 = performance.now();
    try {
      await target.destroy(createdId);
    } catch (err) {
      const until = summary.expiresAt ? ` after ${summary.expiresAt}` : " once it expires";
      throw new DbtkError(`teardown of ${createdId} failed: ${(err as Error).message}; \`dbtk reap\` removes it${until}`);
    }
    summary.timings.teardown = performance.now() - t0;
    summary.tornDown = true;
    progress.line(`teardown ${formatMs(summary.timings.teardown)}`);
  };

  try {
    try {
      prov = await provision({
        target,
        source: req.source,
        ttlMs: req.ttlMs,
        ...(req.owner ? { owner: req.owner } : {}),
        ...(req.poolSize !== undefined ? { poolSize: req.poolSize } : {}),
        ...(req.templates !== undefined ? { templates: req.templates } : {}),
        progress,
        signal: abort.signal,
        onId: (id) => (createdId = id),
      });
    } catch (err) {
      await teardown().catch(() => undefined);
      if (signalled) {
        summary.exitCode = 128 + signum(signalled);
        summary.signal = signalled;
        return summary;
      }
      throw err;
    }
    const { db } = prov;
    progress.secrets.addConnection(db.connection);
    Object.assign(summary, {
      id: db.id,
      owner: db.owner,
      createdAt: db.createdAt,
      expiresAt: db.expiresAt,
      ...(prov.migrations !== undefined ? { migrations: prov.migrations } : {}),
      ...(prov.template ? { template: prov.template } : {}),
      connection: {
        host: db.connection.host,
        port: db.connection.port,
        user: db.connection.user,
        database: db.connection.database,
        url: req.showSecrets ? databaseUrl(db.connection) : redactedUrl(db.connection),
        ...(req.showSecrets ? { password: db.connection.password } : {}),
      },
    });
    summary.timings.provision = prov.provisionMs;
    summary.timings.migrate = prov.migrateMs;

    if (!signalled) {
      const env = { ...process.env, ...req.env, ...connectionEnv(db.connection) };
      const c0 = performance.now();
      try {
        summary.exitCode = await runChild(req.command, env, req.commandStdoutToStderr ?? false, (c) => (child = c));
      } catch (err) {
        if (!(err instanceof DbtkError)) throw err;
        progress.line(err.message);
        summary.exitCode = err.exitCode;
      }
      summary.timings.command = performance.now() - c0;
      progress.line(`test exit ${summary.exitCode} in ${formatMs(summary.timings.command)}`);
    }
    await teardown();
    if (signalled) {
      summary.exitCode = 128 + signum(signalled);
      summary.signal = signalled;
    }
    return summary;
  } catch (err) {
    // Provisioned but something after failed: still tear down.
    if (!summary.tornDown) await teardown().catch(() => undefined);
    throw err;
  } finally {
    await prov?.background;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
