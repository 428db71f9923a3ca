// migrate and undo: lock, read the history once, validate, then apply one migration per transaction
// (PostgreSQL) with the history row written in the same round trip — consecutive transactional ones
// several per round trip when the engine can (Executor.applyBatch) and no per-migration callback runs.
import { MigrationError } from "./errors.js";
import { batchLength, type Executor, type PreparedMigration } from "./executor.js";
import { loadMigrations, type MigrationSet } from "./files.js";
import type { HistoryRow, NewRow } from "./history.js";
import { DEFAULT_IGNORE_PATTERNS, parseIgnorePatterns, unignored } from "./patterns.js";
import { interruption, label, loadOptions, planned, prepare, withExecutor } from "./session.js";
import { analyse, type Analysis } from "./state.js";
import type { MigrateResult, PlannedMigration, RunnerOptions } from "./types.js";
import { compareVersions, requireVersion, versionKey } from "./version.js";

/**
 * Refuses to go on when the history records a failure or the files disagree with it. Pending and
 * outdated migrations are what migrate applies (Flyway's validateOnMigrate lets them pass too).
 */
export function assertValid(a: Analysis, what: string, ignoreMigrationPatterns?: readonly string[]): void {
  if (a.failed.length > 0) {
    const problems = a.problems.filter((p) => p.kind === "failed");
    throw new MigrationError(
      "FAILED_IN_HISTORY",
      `${what} refused: ${problems.map((p) => p.message).join("; ")}`,
      { problems, ...(problems[0] ? { script: problems[0].script } : {}) },
    );
  }
  const patterns = parseIgnorePatterns(ignoreMigrationPatterns ?? DEFAULT_IGNORE_PATTERNS);
  const problems = unignored(a.problems, patterns).filter((p) => p.kind !== "pending" && p.kind !== "outdated");
  if (problems.length > 0) {
    throw new MigrationError(
      "VALIDATION",
      `${what} refused, validation failed:\n  ${problems.map((p) => p.message).join("\n  ")}`,
      { problems, ...(problems[0] ? { script: problems[0].script } : {}) },
    );
  }
}

const SUPPORTED_CALLBACKS = ["beforeMigrate", "beforeEachMigrate", "afterEachMigrate", "afterMigrate", "beforeUndo", "beforeEachUndo", "afterEachUndo", "afterUndo"];

/** Runs Flyway SQL callbacks for one event (not recorded in the history, as in Flyway). */
async function callbacks(exec: Executor, opts: RunnerOptions, set: MigrationSet, event: string): Promise<void> {
  for (const cb of set.callbacks) {
    if (cb.event !== event) continue;
    opts.onProgress?.({ type: "info", message: `running callback ${cb.script}` });
    await exec.apply(prepare(cb, exec, opts), undefined);
  }
}

function warnUnsupportedCallbacks(opts: RunnerOptions, set: MigrationSet): void {
  for (const cb of set.callbacks) {
    if (!SUPPORTED_CALLBACKS.includes(cb.event)) opts.onProgress?.({ type: "info", message: `callback ${cb.script} is not run by the built-in runner (${cb.event})` });
  }
}

async function applyAll(
  exec: Executor,
  opts: RunnerOptions,
  rows: HistoryRow[],
  prepared: PreparedMigration[],
  type: (p: PreparedMigration) => string,
  hooks: { set: MigrationSet; each: "Migrate" | "Undo" },
): Promise<MigrateResult["applied"]> {
  let rank = rows.reduce((max, r) => Math.max(max, r.installedRank), 0) + 1;
  const rowOf = (p: PreparedMigration): NewRow => ({
    installedRank: rank++,
    version: p.file.version?.text ?? null,
    description: p.file.description,
    type: type(p),
    script: p.file.script,
    checksum: p.file.checksum,
    installedBy: opts.installedBy,
    executionTime: 0,
    success: true,
  });
  const starting = (i: number) =>
    opts.onProgress?.({ type: "apply", message: `applying ${label(planned(prepared[i]!))}`, migration: planned(prepared[i]!), index: i, total: prepared.length });
  const applied: MigrateResult["applied"] = [];
  const finished = (i: number, ms: number) => {
    const plan = planned(prepared[i]!);
    opts.onProgress?.({ type: "applied", message: `applied ${label(plan)} in ${Math.round(ms)} ms`, migration: plan, executionMs: ms });
    applied.push({ ...plan, executionMs: ms });
  };
  // Per-migration callbacks run between migrations: then each one takes its own round trip.
  const eachCallbacks = hooks.set.callbacks.some((cb) => cb.event === `beforeEach${hooks.each}` || cb.event === `afterEach${hooks.each}`);
  const batch = exec.applyBatch?.bind(exec);
  for (let i = 0; i < prepared.length; ) {
    if (opts.signal?.aborted) throw interruption(opts.signal);
    const n = batch && !eachCallbacks ? batchLength(prepared, i) : 1;
    const first = i;
    starting(i);
    try {
      if (n > 1 && batch) {
        await batch(
          prepared.slice(first, first + n).map((m) => ({ m, row: rowOf(m) })),
          (j, ms) => {
            finished(first + j, ms);
            i = first + j + 1;
            if (j + 1 < n) starting(i);
          },
        );
      } else {
        const p = prepared[i]!;
        await callbacks(exec, opts, hooks.set, `beforeEach${hooks.each}`);
        const ms = await exec.apply(p, rowOf(p));
        await callbacks(exec, opts, hooks.set, `afterEach${hooks.each}`);
        finished(i++, ms);
      }
    } catch (err) {
      // `i` is the migration that was running (those before it in a batch committed).
      const p = prepared[i]!;
      const plan = planned(p);
      if (opts.signal?.aborted) {
        const undone = p.transactional ? "rolled back, not recorded" : "cancelled";
        opts.onProgress?.({ type: "interrupted", message: `interrupted: ${label(plan)} ${undone}`, migration: plan });
        throw interruption(opts.signal);
      }
      opts.onProgress?.({ type: "failed", message: `failed: ${label(plan)}`, migration: plan });
      throw err;
    }
  }
  return applied;
}

export async function migrate(opts: RunnerOptions): Promise<MigrateResult> {
  const set = loadMigrations(opts.dir, loadOptions(opts));
  const targetVersion = opts.targetVersion ? requireVersion(opts.targetVersion, "target version") : undefined;
  return withExecutor(opts, !opts.dryRun, async (exec) => {
    const history = await exec.readHistory();
    const rows = history ?? [];
    const a = analyse(set, rows, { ...(opts.outOfOrder ? { outOfOrder: true } : {}), ...(targetVersion ? { targetVersion } : {}) });
    assertValid(a, "migrate", opts.ignoreMigrationPatterns);
    // Every file is prepared before anything runs: placeholder and quoting errors stop the run up front.
    const prepared = a.pending.map((f) => prepare(f, exec, opts));
    const plan = prepared.map(planned);
    const initialVersion = a.currentVersion?.text ?? null;
    opts.onProgress?.({
      type: "plan",
      message:
        plan.length === 0
          ? `schema ${exec.schema} is up to date (version ${initialVersion ?? "none"})`
          : `${plan.length} migration(s) to apply to ${exec.schema} (now at version ${initialVersion ?? "none"})${opts.dryRun ? " [dry run]" : ""}`,
      pending: plan,
    });
    const result: MigrateResult = { initialVersion, currentVersion: initialVersion, plan, applied: [], dryRun: !!opts.dryRun };
    if (opts.dryRun) return result;
    warnUnsupportedCallbacks(opts, set);
    await callbacks(exec, opts, set, "beforeMigrate");
    if (plan.length > 0) {
      if (!history) await exec.createHistory();
      const current = history ? rows : ((await exec.readHistory()) ?? []);
      result.applied = await applyAll(exec, opts, current, prepared, () => "SQL", { set, each: "Migrate" });
    }
    await callbacks(exec, opts, set, "afterMigrate");
    const applied = result.applied;
    const versions = [...applied.filter((m) => m.version !== null).map((m) => requireVersion(m.version!, "version"))];
    if (a.currentVersion) versions.push(a.currentVersion);
    versions.sort(compareVersions);
    result.currentVersion = versions.at(-1)?.text ?? null;
    return result;
  });
}

/**
 * Undoes applied versioned migrations with their U files, highest version first: down to (not including)
 * `targetVersion`, or only the latest one. Recorded as Flyway Teams does (type UNDO_SQL), so the
 * versions show as pending again.
 */
export async function undo(opts: RunnerOptions): Promise<MigrateResult> {
  const set = loadMigrations(opts.dir, loadOptions(opts));
  const targetVersion = opts.targetVersion ? requireVersion(opts.targetVersion, "target version") : undefined;
  return withExecutor(opts, !opts.dryRun, async (exec) => {
    const rows = (await exec.readHistory()) ?? [];
    const a = analyse(set, rows, { outOfOrder: true });
    assertValid(a, "undo", opts.ignoreMigrationPatterns);
    const undoFiles = new Map(set.undo.map((f) => [versionKey(f.version!), f]));
    const candidates = targetVersion
      ? a.appliedVersioned.filter((e) => compareVersions(e.version, targetVersion) > 0)
      : a.appliedVersioned.slice(0, 1);
    if (candidates.length === 0) {
      throw new MigrationError(
        "UNDO",
        targetVersion
          ? `nothing to undo: no applied migration is above version ${targetVersion.text}`
          : "nothing to undo: no versioned migration is applied",
      );
    }
    const files = candidates.map(({ row, version }) => {
      if (row.type === "BASELINE") {
        throw new MigrationError("UNDO", `cannot undo below the baseline (version ${row.version}): choose a target version at or above it`);
      }
      const file = undoFiles.get(versionKey(version));
      if (!file) {
        throw new MigrationError(
          "UNDO",
          `no undo migration for version ${row.version} (${row.script}): add U${row.version}__${row.description.replace(/ /g, "_")}.sql to ${set.dir}`,
          { script: row.script },
        );
      }
      return file;
    });
    const prepared = files.map((f) => prepare(f, exec, opts));
    const plan: PlannedMigration[] = prepared.map(planned);
    const initialVersion = a.currentVersion?.text ?? null;
    opts.onProgress?.({
      type: "plan",
      message: `${plan.length} migration(s) to undo from version ${initialVersion}${opts.dryRun ? " [dry run]" : ""}`,
      pending: plan,
    });
    const result: MigrateResult = { initialVersion, currentVersion: initialVersion, plan, applied: [], dryRun: !!opts.dryRun };
    if (opts.dryRun) return result;
    await callbacks(exec, opts, set, "beforeUndo");
    result.applied = await applyAll(exec, opts, rows, prepared, () => "UNDO_SQL", { set, each: "Undo" });
    await callbacks(exec, opts, set, "afterUndo");
    result.currentVersion = a.appliedVersioned[candidates.length]?.version.text ?? null;
    return result;
  });
}
