// Pure logic: compares the migration files with the history rows and derives, like Flyway's
// MigrationInfoService, each migration's state, what is pending, and what fails validation.
import type { MigrationFile, MigrationSet } from "./files.js";
import type { HistoryRow } from "./history.js";
import type { MigrationInfo, MigrationState, ValidationProblem } from "./types.js";
import { compareVersions, parseVersion, versionKey, type Version } from "./version.js";

export interface Analysis {
  infos: MigrationInfo[];
  /** Versioned then repeatable migrations to apply, in order. */
  pending: MigrationFile[];
  problems: ValidationProblem[];
  currentVersion: Version | undefined;
  baseline: Version | undefined;
  /** Rows with success = false that are still in effect. */
  failed: HistoryRow[];
  /** Applied versioned rows in effect (not undone, not deleted, successful), highest version first. */
  appliedVersioned: { row: HistoryRow; version: Version }[];
  /** Applied versioned rows whose file is gone (repair marks these deleted). */
  missing: HistoryRow[];
}

interface Entry {
  row: HistoryRow;
  version?: Version;
  undone?: boolean;
  deleted?: boolean;
  superseded?: boolean;
}

const isUndoType = (type: string) => type.startsWith("UNDO_");

function info(
  category: MigrationInfo["category"],
  state: MigrationState,
  row: HistoryRow | undefined,
  file: MigrationFile | undefined,
): MigrationInfo {
  return {
    category,
    version: row ? row.version : (file?.version?.text ?? null),
    description: row ? row.description : (file?.description ?? ""),
    type: row ? row.type : file?.kind === "undo" ? "UNDO_SQL" : "SQL",
    script: row ? row.script : (file?.script ?? ""),
    state,
    checksum: row ? row.checksum : (file?.checksum ?? null),
    installedRank: row?.installedRank ?? null,
    installedOn: row ? row.installedOn.toISOString() : null,
    installedBy: row?.installedBy ?? null,
    executionTime: row?.executionTime ?? null,
  };
}

export function analyse(
  set: MigrationSet,
  rows: readonly HistoryRow[],
  opts: { outOfOrder?: boolean; targetVersion?: Version } = {},
): Analysis {
  const files = new Map(set.versioned.map((f) => [versionKey(f.version!), f]));
  const undoFiles = new Map(set.undo.map((f) => [versionKey(f.version!), f]));
  const repeatables = new Map(set.repeatable.map((f) => [f.description, f]));
  const maxResolved = set.versioned.at(-1)?.version;

  const entries: Entry[] = [];
  const current = new Map<string, Entry>(); // version key → entry in effect
  const currentRepeatable = new Map<string, Entry>(); // description → latest row
  const undoEntries: Entry[] = [];
  let baseline: Version | undefined;

  for (const row of rows) {
    if (row.type === "SCHEMA") continue;
    const version = row.version === null ? undefined : parseVersion(row.version);
    if (row.type === "DELETE") {
      const target = version ? current.get(versionKey(version)) : currentRepeatable.get(row.description);
      if (target) target.deleted = true;
      continue;
    }
    if (isUndoType(row.type)) {
      const target = version ? current.get(versionKey(version)) : undefined;
      if (target) target.undone = true;
      undoEntries.push({ row, ...(version ? { version } : {}) });
      continue;
    }
    const entry: Entry = { row, ...(version ? { version } : {}) };
    entries.push(entry);
    if (version) {
      if (row.type === "BASELINE") baseline = version;
      current.set(versionKey(version), entry);
    } else {
      const prev = currentRepeatable.get(row.description);
      if (prev) prev.superseded = true;
      currentRepeatable.set(row.description, entry);
    }
  }

  const inEffect = (e: Entry) => e.row.success && !e.undone && !e.deleted;
  let currentVersion: Version | undefined;
  for (const e of current.values()) {
    if (e.version && inEffect(e) && (!currentVersion || compareVersions(e.version, currentVersion) > 0)) currentVersion = e.version;
  }

  const problems: ValidationProblem[] = [];
  const problem = (kind: ValidationProblem["kind"], row: HistoryRow | undefined, file: MigrationFile | undefined, message: string) =>
    problems.push({
      kind,
      version: row?.version ?? file?.version?.text ?? null,
      description: row?.description ?? file?.description ?? "",
      script: file?.script ?? row?.script ?? "",
      message,
    });

  const infos: MigrationInfo[] = [];
  const failed: HistoryRow[] = [];
  const missing: HistoryRow[] = [];
  let highestSoFar: Version | undefined;
  for (const e of entries) {
    const { row, version } = e;
    if (!version) {
      const file = repeatables.get(row.description);
      let state: MigrationState;
      if (e.deleted) state = "Deleted";
      else if (e.superseded) state = "Superseded";
      else if (!row.success) {
        state = "Failed";
        failed.push(row);
        problem("failed", row, file, `detected failed repeatable migration "${row.description}" (${row.script}): remove its half-applied changes, then run repair`);
      } else if (!file) {
        state = "Missing";
        missing.push(row);
        problem("missing", row, undefined, `applied repeatable migration "${row.description}" (${row.script}) is not in the migrations directory: restore the file, or run repair to mark it deleted`);
      } else if (file.checksum === row.checksum) state = "Success";
      else {
        state = "Outdated";
        problem("outdated", row, file, `repeatable ${file.script} changed since it was applied and is due to be re-applied: run migrate, or let it pass with *:pending in options.ignoreMigrationPatterns`);
      }
      infos.push(info("Repeatable", state, row, undefined));
      continue;
    }
    const file = files.get(versionKey(version));
    const isBaseline = row.type === "BASELINE";
    const future = !maxResolved || compareVersions(version, maxResolved) > 0;
    let state: MigrationState;
    if (e.deleted) state = "Deleted";
    else if (e.undone) state = "Undone";
    else if (isBaseline) state = "Baseline";
    else if (!row.success) {
      state = file ? "Failed" : future ? "Failed (Future)" : "Failed (Missing)";
      failed.push(row);
      problem("failed", row, file, `detected failed migration to version ${row.version} (${row.script}): remove its half-applied changes, then run repair`);
    } else if (!file) {
      if (future) {
        state = "Future";
        problem("future", row, undefined, `applied migration ${row.version} (${row.script}) is newer than every file: restore the file, or let it pass with *:future in options.ignoreMigrationPatterns`);
      } else {
        state = "Missing";
        missing.push(row);
        problem("missing", row, undefined, `applied migration ${row.version} (${row.script}) is not in the migrations directory: restore the file, or run repair to mark it deleted`);
      }
    } else {
      state = highestSoFar && compareVersions(version, highestSoFar) < 0 ? "Out of Order" : "Success";
      if (row.checksum !== file.checksum) {
        problem(
          "checksum-mismatch",
          row,
          file,
          `${file.script} was edited after it was applied (checksum ${row.checksum} in the database, ${file.checksum} on disk): revert the change and put it in a new migration, or run repair to accept the file as it is`,
        );
      } else if (row.description !== file.description) {
        problem("description-mismatch", row, file, `${file.script}: description "${file.description}" differs from the applied "${row.description}": rename the file back, or run repair`);
      }
    }
    if (inEffect(e) && (!highestSoFar || compareVersions(version, highestSoFar) > 0)) highestSoFar = version;
    infos.push(info(isBaseline ? "Baseline" : "Versioned", state, row, undefined));
  }
  for (const e of undoEntries) infos.push(info("Undo", e.row.success ? "Success" : "Failed", e.row, undefined));

  const pendingVersioned: MigrationFile[] = [];
  for (const file of set.versioned) {
    const e = current.get(versionKey(file.version!));
    if (e && !e.undone && !e.deleted) {
      if (e.row.type === "BASELINE") infos.push(info("Versioned", "Ignored (Baseline)", undefined, file));
      const undo = undoFiles.get(versionKey(file.version!));
      if (undo && inEffect(e) && e.row.type !== "BASELINE") infos.push(info("Undo", "Available", undefined, undo));
      continue;
    }
    const v = file.version!;
    let state: MigrationState = "Pending";
    if (baseline && compareVersions(v, baseline) <= 0) state = "Below Baseline";
    else if (opts.targetVersion && compareVersions(v, opts.targetVersion) > 0) state = "Above Target";
    else if (currentVersion && compareVersions(v, currentVersion) < 0 && !opts.outOfOrder) {
      state = "Ignored";
      problem(
        "out-of-order",
        undefined,
        file,
        `${file.script} (version ${v.text}) is older than the applied version ${currentVersion.text} and was never applied: give it a version above ${currentVersion.text}, or allow it with options.outOfOrder`,
      );
    }
    if (state === "Pending") {
      pendingVersioned.push(file);
      problem("pending", undefined, file, `${file.script} (version ${v.text}) is not applied yet: run migrate, or let pending migrations pass with *:pending in options.ignoreMigrationPatterns`);
    }
    infos.push(info("Versioned", state, undefined, file));
  }
  const pendingRepeatable: MigrationFile[] = [];
  for (const file of set.repeatable) {
    const e = currentRepeatable.get(file.description);
    if (e && !e.deleted && e.row.success && e.row.checksum === file.checksum) continue;
    if (e && !e.row.success) continue;
    pendingRepeatable.push(file);
    if (!e || e.deleted) {
      problem("pending", undefined, file, `repeatable ${file.script} is not applied yet: run migrate, or let pending migrations pass with *:pending in options.ignoreMigrationPatterns`);
    }
    infos.push(info("Repeatable", "Pending", undefined, file));
  }

  const appliedVersioned = [...current.values()]
    .filter((e) => inEffect(e) && e.version)
    .map((e) => ({ row: e.row, version: e.version! }))
    .sort((a, b) => compareVersions(b.version, a.version));
  return {
    infos,
    pending: [...pendingVersioned, ...pendingRepeatable],
    problems,
    currentVersion,
    baseline,
    failed,
    appliedVersioned,
    missing,
  };
}
