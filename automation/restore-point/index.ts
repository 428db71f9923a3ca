// Restore points of one database on a local or shared server: take, list, restore, drop, prune, and a
// migrate run guarded by one (restored on failure when asked).
import type { DbTarget } from "../../core/connection.js";
import { info, migrate, type MigrateResult, type RunnerOptions } from "../../migrations/index.js";
import { ofDatabase } from "./record.js";
import type { RestorePoint, RestorePointOptions, RestoreResult, TakenRestorePoint } from "./types.js";

export type { RestorePoint, RestorePointOptions, RestoreResult, TakenRestorePoint } from "./types.js";

type Engine = {
  list(target: DbTarget, sizes?: boolean): Promise<RestorePoint[]>;
  take(target: DbTarget, versionBefore: string | null, opts?: RestorePointOptions): Promise<TakenRestorePoint>;
  restore(target: DbTarget, id: string, opts?: RestorePointOptions): Promise<RestoreResult>;
  drop(target: DbTarget, id: string): Promise<RestorePoint>;
};

// Only the engine's driver is loaded.
async function engine(target: DbTarget): Promise<Engine> {
  if (target.engine === "postgres") {
    const m = await import("./postgres.js");
    return { list: m.pgList, take: m.pgTake, restore: m.pgRestore, drop: m.pgDrop };
  }
  const m = await import("./mariadb.js");
  return { list: m.myList, take: m.myTake, restore: m.myRestore, drop: m.myDrop };
}

/** The restore points of the target's database (and unfinished leftovers of unknown source), newest first. */
export async function listRestorePoints(target: DbTarget, opts: { sizes?: boolean } = {}): Promise<RestorePoint[]> {
  return ofDatabase(await (await engine(target)).list(target, opts.sizes), target.database);
}

/** Copies the target's database now; `versionBefore` is recorded with it (see migrateWithRestorePoint). */
export async function takeRestorePoint(target: DbTarget, versionBefore: string | null, opts: RestorePointOptions = {}): Promise<TakenRestorePoint> {
  return (await engine(target)).take(target, versionBefore, opts);
}

/** Puts restore point `id` back under the database's name; what it replaces is dropped once it is in place. */
export async function restoreRestorePoint(target: DbTarget, id: string, opts: RestorePointOptions = {}): Promise<RestoreResult> {
  return (await engine(target)).restore(target, id, opts);
}

export async function dropRestorePoint(target: DbTarget, id: string): Promise<RestorePoint> {
  return (await engine(target)).drop(target, id);
}

/** Keeps the newest `keep` ready restore points of the database and drops the older ones; returns those dropped. */
export async function pruneRestorePoints(target: DbTarget, keep: number, opts: Pick<RestorePointOptions, "onProgress"> = {}): Promise<RestorePoint[]> {
  const e = await engine(target);
  const old = ofDatabase(await e.list(target), target.database)
    .filter((p) => p.state === "ready" && p.source === target.database)
    .slice(keep);
  for (const p of old) {
    opts.onProgress?.(`dropping restore point ${p.id} (taken ${p.createdAt}): keeping the newest ${keep}`);
    await e.drop(target, p.id);
  }
  return old;
}

export interface GuardedMigrateOptions {
  /** Keep this many restore points of the database (the new one included); older ones are dropped. */
  keep?: number;
  /** Restore the point when the run fails after it started applying. Writes made meanwhile are lost. */
  restoreOnFailure?: boolean;
  restorePoint?: RestorePointOptions;
}

export interface GuardedMigrateOutcome {
  /** The restore point taken (none when nothing was pending, or for a dry run). */
  restorePoint?: TakenRestorePoint;
  /** Restore points dropped by `keep`. */
  pruned: RestorePoint[];
  /** Set when the run failed and the point was restored. */
  restored?: RestoreResult;
}

/** The error of a guarded run, with what happened to its restore point. */
export interface GuardedFailure {
  restorePointOutcome: GuardedMigrateOutcome;
}

/**
 * `migrate`, with a restore point of the database taken first when anything is pending. When the run then
 * fails after it started applying and `restoreOnFailure` is set, the point is restored (an interrupted
 * run is not: the point stays, to be restored by hand). The rejection carries the outcome
 * (`restorePointOutcome`).
 */
export async function migrateWithRestorePoint(
  opts: RunnerOptions,
  guard: GuardedMigrateOptions = {},
): Promise<MigrateResult & { restorePointOutcome: GuardedMigrateOutcome }> {
  const outcome: GuardedMigrateOutcome = { pruned: [] };
  if (opts.dryRun) return { ...(await migrate(opts)), restorePointOutcome: outcome };
  const { onProgress: _quiet, ...quiet } = opts;
  const before = await info(quiet);
  if (before.pending === 0) return { ...(await migrate(opts)), restorePointOutcome: outcome };
  const rp = guard.restorePoint ?? {};
  outcome.restorePoint = await takeRestorePoint(opts.target, before.currentVersion, rp);
  rp.onProgress?.(`restore point ${outcome.restorePoint.id} taken in ${Math.round(outcome.restorePoint.ms)} ms`);
  if (guard.keep !== undefined) outcome.pruned = await pruneRestorePoints(opts.target, guard.keep, rp);
  let started = false;
  try {
    const result = await migrate({
      ...opts,
      onProgress: (e) => {
        if (e.type === "plan" && e.pending.length > 0) started = true;
        opts.onProgress?.(e);
      },
    });
    return { ...result, restorePointOutcome: outcome };
  } catch (err) {
    if (started && guard.restoreOnFailure && !opts.signal?.aborted) {
      outcome.restored = await restoreRestorePoint(opts.target, outcome.restorePoint.id, rp);
      rp.onProgress?.(`restored ${opts.target.database} from ${outcome.restored.id} in ${Math.round(outcome.restored.ms)} ms (version ${outcome.restored.versionBefore ?? "none"})`);
    } else {
      rp.onProgress?.(`restore point ${outcome.restorePoint.id} kept: restore it with \`dbtk restore-point restore ${outcome.restorePoint.id}\``);
    }
    if (err !== null && typeof err === "object") Object.assign(err, { restorePointOutcome: outcome } satisfies GuardedFailure);
    throw err;
  }
}
