// info, validate, baseline and repair.
import { MigrationError } from "./errors.js";
import { loadMigrations } from "./files.js";
import { BASELINE_DESCRIPTION, insertHistorySql, quoteIdent, type HistoryRow, type NewRow } from "./history.js";
import { DEFAULT_IGNORE_PATTERNS, parseIgnorePatterns, unignored } from "./patterns.js";
import { loadOptions, withExecutor } from "./session.js";
import { analyse } from "./state.js";
import type { BaselineOptions, InfoResult, RepairResult, RunnerOptions, ValidateResult } from "./types.js";
import { requireVersion, versionKey } from "./version.js";

export async function info(opts: RunnerOptions): Promise<InfoResult> {
  const set = loadMigrations(opts.dir, loadOptions(opts));
  const targetVersion = opts.targetVersion ? requireVersion(opts.targetVersion, "target version") : undefined;
  return withExecutor(opts, false, async (exec) => {
    const history = await exec.readHistory();
    const a = analyse(set, history ?? [], { ...(opts.outOfOrder ? { outOfOrder: true } : {}), ...(targetVersion ? { targetVersion } : {}) });
    return {
      currentVersion: a.currentVersion?.text ?? null,
      migrations: a.infos,
      pending: a.pending.length,
      historyExists: history !== undefined,
    };
  });
}

/**
 * Flyway's validate: edited, deleted, failed, out-of-order, pending and outdated migrations are problems,
 * unless `opts.ignoreMigrationPatterns` lets them pass (default `*:future`). Never throws for those.
 */
export async function validate(opts: RunnerOptions): Promise<ValidateResult> {
  const patterns = parseIgnorePatterns(opts.ignoreMigrationPatterns ?? DEFAULT_IGNORE_PATTERNS);
  const set = loadMigrations(opts.dir, loadOptions(opts));
  return withExecutor(opts, false, async (exec) => {
    const a = analyse(set, (await exec.readHistory()) ?? [], { ...(opts.outOfOrder ? { outOfOrder: true } : {}) });
    const problems = unignored(a.problems, patterns);
    return { ok: problems.length === 0, problems, pending: a.pending.length };
  });
}

/** Records an existing database as being at `baselineVersion` (Flyway's baseline command). */
export async function baseline(opts: BaselineOptions): Promise<{ version: string; created: boolean }> {
  const version = requireVersion(opts.baselineVersion ?? "1", "baseline version");
  const description = opts.baselineDescription ?? BASELINE_DESCRIPTION;
  return withExecutor(opts, !opts.dryRun, async (exec) => {
    const history = await exec.readHistory();
    const rows = (history ?? []).filter((r) => r.type !== "SCHEMA");
    const existing = rows.find((r) => r.type === "BASELINE");
    if (existing && rows.length === 1 && existing.version !== null && versionKey(requireVersion(existing.version, "version")) === versionKey(version)) {
      return { version: version.text, created: false };
    }
    if (rows.length > 0) {
      throw new MigrationError(
        "BASELINE",
        `cannot baseline ${exec.fullTable}: it already records migrations (latest ${rows.at(-1)!.script}); baseline only a database that has none`,
      );
    }
    if (opts.dryRun) return { version: version.text, created: false };
    if (!history) await exec.createHistory();
    const all = history ?? (await exec.readHistory()) ?? [];
    await exec.insertRow({
      installedRank: all.reduce((m, r) => Math.max(m, r.installedRank), 0) + 1,
      version: version.text,
      description,
      type: "BASELINE",
      script: description,
      checksum: null,
      installedBy: opts.installedBy,
      executionTime: 0,
      success: true,
    });
    opts.onProgress?.({ type: "info", message: `baselined ${exec.fullTable} at version ${version.text}` });
    return { version: version.text, created: true };
  });
}

/**
 * Flyway's repair: removes failed rows, realigns checksums and descriptions of applied migrations with
 * the files, and marks applied migrations whose file is gone as deleted (a DELETE row, as Flyway does).
 */
export async function repair(opts: RunnerOptions): Promise<RepairResult> {
  const set = loadMigrations(opts.dir, loadOptions(opts));
  return withExecutor(opts, !opts.dryRun, async (exec) => {
    const rows = (await exec.readHistory()) ?? [];
    const a = analyse(set, rows, { outOfOrder: true });
    const q = (n: string) => quoteIdent(exec.engine, n);
    const lit = exec.literal;
    const statements: string[] = [];
    const result: RepairResult = { removedFailed: [], realigned: [], markedDeleted: [] };
    for (const row of a.failed) {
      statements.push(`DELETE FROM ${exec.fullTable} WHERE ${q("installed_rank")} = ${row.installedRank}`);
      result.removedFailed.push(row.script);
    }
    const files = new Map(set.versioned.map((f) => [versionKey(f.version!), f]));
    for (const { row, version } of a.appliedVersioned) {
      const file = files.get(versionKey(version));
      if (!file || row.type === "BASELINE") continue;
      if (file.checksum !== row.checksum || file.description !== row.description) {
        statements.push(
          `UPDATE ${exec.fullTable} SET ${q("checksum")} = ${file.checksum}, ${q("description")} = ${lit(file.description)} WHERE ${q("installed_rank")} = ${row.installedRank}`,
        );
        result.realigned.push(file.script);
      }
    }
    let rank = rows.reduce((m, r) => Math.max(m, r.installedRank), 0) + 1;
    const deleteRow = (row: HistoryRow): NewRow => ({ ...row, installedRank: rank++, type: "DELETE", installedBy: opts.installedBy, executionTime: 0, success: true });
    for (const row of a.missing) {
      statements.push(insertHistorySql(exec.engine, exec.fullTable, deleteRow(row), lit));
      result.markedDeleted.push(row.script);
    }
    if (!opts.dryRun && statements.length > 0) await exec.transaction(statements);
    const n = result.removedFailed.length + result.realigned.length + result.markedDeleted.length;
    opts.onProgress?.({ type: "info", message: n === 0 ? "repair: nothing to repair" : `repair${opts.dryRun ? " [dry run]" : ""}: ${n} change(s)` });
    return result;
  });
}
