// `runWithDatabase`: provision, migrate, run the command with the connection in its environment, tear
// down — on success, failure and interruption. The caller owns the process's signals: aborting `signal`
// (the CLI does on SIGINT/SIGTERM) passes the reason's signal on to the command, then tears down. The
// command's exit code is the run's exit code; an interruption makes it 128 + the signal number (130, 143).
// With `guardian`, a detached watcher cleans up (command's group, databases, logins) if this process dies.
import type { ChildProcess } from "node:child_process";
import { connectionEnv, connectionValue, databaseUrl, redactedUrl, type ConnectionField } from "../../core/connection.js";
import { DbtkError, Interrupted } from "../../core/errors.js";
import { Guardian, type GuardianOptions } from "../guardian/client.js";
import type { PoolerOptions } from "../pooler/pgbouncer.js";
import type { Observed, ObserveRequest } from "../report/observe.js";
import type { QueryReport } from "../report/types.js";
import { RUN_ROLES, type RunRole } from "../targets/run-roles.js";
import type { Privileges, Target } from "../targets/types.js";
import { runChild, signalGroup } from "./child.js";
import { holdLease, type Lease } from "./lease.js";
import type { MigrationSource } from "./migrations.js";
import { formatMs, type Progress } from "./progress.js";
import { provision, type ProvisionWatcher, type Provisioned, type TemplatePolicy } from "./provision.js";

export interface RunRequest {
  target: Target;
  source: MigrationSource;
  command: string[];
  ttlMs: number;
  owner?: string;
  poolSize?: number;
  templates?: boolean;
  progress: Progress;
  /**
   * The command's environment, to which the connection's variables (DATABASE_URL, PG* or MYSQL_*) are
   * added. Nothing else is inherited: pass `process.env` (plus any extras) for the usual behaviour.
   */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborting it interrupts the run: a running command gets the reason's signal (an {@link Interrupted};
   * SIGTERM for any other reason), then the database is torn down and the exit code is 128 + its number.
   */
  signal?: AbortSignal;
  /** Called with the database's id before it is created (e.g. to name what an abandoned run leaves). */
  onId?: (id: string) => void;
  templatePolicy?: TemplatePolicy;
  /** Put the password (and the full URL) in the summary. */
  showSecrets?: boolean;
  /** Send the command's stdout to our stderr, keeping stdout for a machine-readable summary (--json). */
  commandStdoutToStderr?: boolean;
  /**
   * Start a guardian process: if this process dies (SIGKILL included), it kills the command's process
   * group and drops the database and its login within seconds. Omit for none (a killed run's database
   * then waits for `reap`).
   */
  guardian?: GuardianOptions;
  /**
   * The command's time limit: on expiry its process group gets SIGTERM, then SIGKILL after a grace period;
   * the database is torn down and the exit code is 124 (as timeout(1)).
   */
  timeoutMs?: number;
  /** More variables for the command: name → part of the connection (e.g. SPRING_DATASOURCE_URL → jdbc). */
  envMap?: Readonly<Record<string, ConnectionField>>;
  /** Extra rights for the run's login (checked against the target before anything is made). */
  privileges?: Privileges;
  /**
   * A fixed name for the database (for suites that cannot take it from the environment); its login keeps
   * the run's id. A name that is taken fails the run (exit 2). PostgreSQL targets without a stack only.
   */
  dbName?: string;
  /** A query report of what the command did to its database (automation/report); its gate may fail the run. */
  report?: ObserveRequest["report"];
  /** A pooler (PgBouncer) between the command and its database. */
  pooler?: PoolerOptions;
  /**
   * Run the command as a second login with only this role's rights (DatabaseAccess's `app` or `readonly`)
   * on what the migrations made; the migrations keep running as the database's own login.
   */
  as?: RunRole;
}

/** Refuses rights the target cannot give, before anything is provisioned. */
function checkPrivileges(target: Target, p: Privileges | undefined): void {
  if (p?.superuser && !target.grants?.superuser) {
    throw new DbtkError(
      `options.superuser: target ${target.name} gives no superuser logins (other runs share the server); ` +
        "ask for options.createdb instead, or use a local target",
      2,
    );
  }
  if (p?.createdb && !target.grants?.createdb) {
    throw new DbtkError(`options.createdb: target ${target.name} cannot let a login create databases; use a local or server target`, 2);
  }
}

/** Refuses a role the target cannot give a login for, before anything is provisioned. */
function checkAs(target: Target, role: string | undefined): void {
  if (role === undefined) return;
  if (!(RUN_ROLES as readonly string[]).includes(role)) {
    throw new DbtkError(`options.as: "${role}" is not a role a command can run as; use one of ${RUN_ROLES.join(", ")} (migrations always run as the database's own login)`, 2);
  }
  if (!target.loginAs) throw new DbtkError(`options.as: target ${target.name} cannot make a second login; use a local or server target`, 2);
}

/** Refuses a fixed name the target cannot give, or one that reap would take for a run's id. */
function checkDbName(target: Target, name: string | undefined): void {
  if (name === undefined) return;
  const why = !target.rename
    ? `target ${target.name} cannot give a database a name of its own (MySQL has no RENAME DATABASE; stacks name theirs); drop the option, or use a PostgreSQL local or server target`
    : !/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(name)
      ? `"${name}" is not a usable database name: 1 to 63 letters, digits, _, $ or -, not starting with a digit`
      : /^dbtk_/.test(name)
        ? `"${name}" starts with dbtk_, which dbtk keeps for its own databases; choose another name`
        : undefined;
  if (why) throw new DbtkError(`options.dbName: ${why}`, 2);
}

/** The exit code of a command stopped by its time limit (as timeout(1)). */
export const TIMEOUT_EXIT = 124;

export interface RunSummary {
  id?: string;
  target: string;
  engine: string;
  owner?: string;
  createdAt?: string;
  expiresAt?: string;
  exitCode: number;
  signal?: string;
  /** True when the command was stopped by its time limit. */
  timedOut?: boolean;
  migrations?: number;
  template?: { key: string; built: boolean; pooled: boolean };
  /** Milliseconds per phase. */
  timings: { provision?: number; migrate?: number; command?: number; teardown?: number };
  /** Connection; `url` redacted and no password unless `showSecrets`. */
  connection?: { host: string; port: number; user: string; database: string; url: string; password?: string };
  tornDown: boolean;
  /** With `report`: what the command did to its database. */
  report?: QueryReport;
  /** The role the command ran as (`connection` is then its login's). */
  as?: RunRole;
}

/** How long an interrupted command's group may take to exit before it is killed. */
const GRACE_MS = 3000;

/** After a migration failed for a missing extension: what the server does offer. */
async function noteExtensions(target: Target, err: unknown, progress: Progress): Promise<void> {
  const text = err instanceof Error ? err.message : String(err);
  if (!target.extensions || !/extension "?[\w-]+"? is not available|could not open extension control file/i.test(text)) return;
  const offered = await target.extensions().catch(() => undefined);
  if (!offered) return;
  progress.line(
    `note: a migration needs an extension this ${target.name} server lacks; it offers: ${offered.join(", ")}. ` +
      "Use one of those, or a server that has the extension installed",
  );
}

export async function runWithDatabase(req: RunRequest): Promise<RunSummary> {
  const { target, progress } = req;
  const summary: RunSummary = { target: target.name, engine: target.engine, exitCode: 1, timings: {}, tornDown: false };
  checkPrivileges(target, req.privileges);
  checkDbName(target, req.dbName);
  checkAs(target, req.as);
  if (req.report || req.pooler) await (await import("../report/observe.js")).preflightObserve(req, target.engine);
  let observed: Observed | undefined;
  let interrupted: Interrupted | undefined;
  let child: ChildProcess | undefined;
  let createdId: string | undefined;
  let prov: Provisioned | undefined;
  let lease: Lease | undefined;
  let guardian: Guardian | undefined;
  if (req.guardian) {
    try {
      guardian = Guardian.start(target, req.guardian);
    } catch (err) {
      progress.line(`no guardian: ${(err as Error).message}; if this run is killed, reap removes its database once it expires`);
    }
  }
  const watch: ProvisionWatcher | undefined = guardian && {
    database: (id) => guardian.database(id),
    release: (id) => guardian.release(id),
    building: (key) => guardian.building(key),
    // The pool refill goes to the guardian, which outlives this process: the exit does not wait for a clone.
    refill: (work) => guardian.refill(work),
  };

  const onAbort = (): void => {
    const reason: unknown = req.signal?.reason;
    interrupted = reason instanceof Interrupted ? reason : new Interrupted("SIGTERM");
    const label = reason instanceof Interrupted ? reason.signal : "interrupted";
    progress.line(`${label}: ${child ? "forwarding to the command, then tearing down" : "stopping, then tearing down"}`);
    if (child && child.exitCode === null) {
      const running = child;
      signalGroup(running, interrupted.signal);
      setTimeout(() => signalGroup(running, "SIGKILL"), GRACE_MS).unref();
    }
  };
  // The time limit: the same SIGTERM-then-SIGKILL as an interruption, but exit 124 and the run goes on to teardown.
  const expire = (running: ChildProcess, ms: number): void => {
    if (running.exitCode !== null || running.signalCode !== null || interrupted) return;
    summary.timedOut = true;
    progress.line(`timeout after ${formatMs(ms)}: SIGTERM to the command's process group (SIGKILL in ${formatMs(GRACE_MS)}), then tearing down`);
    signalGroup(running, "SIGTERM");
    setTimeout(() => signalGroup(running, "SIGKILL"), GRACE_MS).unref();
  };
  if (req.signal?.aborted) onAbort();
  else req.signal?.addEventListener("abort", onAbort, { once: true });

  const teardown = async (): Promise<void> => {
    await observed?.stop();
    await lease?.stop();
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
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.templatePolicy ? { templatePolicy: req.templatePolicy } : {}),
        ...(watch ? { watch } : {}),
        onId: (id) => {
          createdId = id;
          req.onId?.(id);
        },
      });
    } catch (err) {
      await teardown().catch(() => undefined);
      await noteExtensions(target, err, progress);
      if (interrupted) {
        summary.exitCode = interrupted.exitCode;
        summary.signal = interrupted.signal;
        return summary;
      }
      throw err;
    }
    if (req.dbName && target.rename) {
      prov.db = await target.rename(prov.db, req.dbName);
      progress.line(`database ${prov.db.id} named ${req.dbName}`);
    }
    const { db } = prov;
    lease = holdLease(target, db, req.ttlMs);
    if (req.privileges?.createdb || req.privileges?.superuser) {
      await target.grant?.(db.id, req.privileges);
      progress.line(`login ${db.connection.user} may ${req.privileges.superuser ? "do anything (superuser)" : "create and drop its own databases"}`);
    }
    progress.secrets.addConnection(db.connection);
    let conn = db.connection;
    if (req.as && target.loginAs) {
      conn = await target.loginAs(db, req.as);
      progress.secrets.addConnection(conn);
      progress.line(`command runs as ${conn.user} (${req.as} rights; migrations ran as ${db.connection.user})`);
    }
    Object.assign(summary, {
      id: db.id,
      owner: db.owner,
      createdAt: db.createdAt,
      expiresAt: db.expiresAt,
      ...(prov.migrations !== undefined ? { migrations: prov.migrations } : {}),
      ...(prov.template ? { template: prov.template } : {}),
      connection: {
        host: conn.host,
        port: conn.port,
        user: conn.user,
        database: conn.database,
        url: req.showSecrets ? databaseUrl(conn) : redactedUrl(conn),
        ...(req.showSecrets ? { password: conn.password } : {}),
      },
      ...(req.as ? { as: req.as } : {}),
    });
    summary.timings.provision = prov.provisionMs;
    summary.timings.migrate = prov.migrateMs;

    if ((req.report || req.pooler) && !interrupted) {
      const { observeRun } = await import("../report/observe.js");
      const onPooler = (proc: Parameters<Guardian["pooler"]>[0], dir: string): void => guardian?.pooler(proc, dir);
      observed = await observeRun({ target, db: conn, ...(req.report ? { report: req.report } : {}), ...(req.pooler ? { pooler: req.pooler } : {}), progress, onPooler });
    }
    if (!interrupted) {
      const cmdConn = observed?.connection ?? conn;
      const exported = { ...connectionEnv(cmdConn) };
      for (const [name, field] of Object.entries(req.envMap ?? {})) exported[name] = connectionValue(cmdConn, field);
      const env = { ...req.env, ...exported };
      // Names only: the values hold the password.
      progress.line(`env ${Object.keys(exported).join(" ")}`);
      const c0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        summary.exitCode = await runChild(req.command, env, req.commandStdoutToStderr ?? false, (c) => {
          child = c;
          guardian?.group(c.pid);
          if (req.timeoutMs !== undefined) timer = setTimeout(() => expire(c, req.timeoutMs as number), req.timeoutMs);
        });
        guardian?.group(0);
      } catch (err) {
        if (!(err instanceof DbtkError)) throw err;
        progress.line(err.message);
        summary.exitCode = err.exitCode;
      } finally {
        clearTimeout(timer);
      }
      summary.timings.command = performance.now() - c0;
      if (summary.timedOut && !interrupted) summary.exitCode = TIMEOUT_EXIT;
      progress.line(`test exit ${summary.exitCode} in ${formatMs(summary.timings.command)}`);
      if (observed && !interrupted) {
        const after = await observed.finish(summary.exitCode);
        summary.exitCode = after.exitCode;
        if (after.report) summary.report = after.report;
      }
    }
    await teardown();
    if (interrupted) {
      summary.exitCode = interrupted.exitCode;
      summary.signal = interrupted.signal;
    }
    return summary;
  } catch (err) {
    // Provisioned but something after failed: still tear down.
    if (!summary.tornDown) await teardown().catch(() => undefined);
    throw err;
  } finally {
    await lease?.stop();
    await prov?.background;
    req.signal?.removeEventListener("abort", onAbort);
    // "done" only when nothing is left; otherwise the closed pipe has the guardian try once more.
    if (createdId && !summary.tornDown) guardian?.close();
    else guardian?.done();
  }
}
