// What the checks need from "something that migrates": the built-in runner (a Flyway-format directory)
// or one of the tool adapters, behind one interface.
import { compareVersions, DEFAULT_TABLE, info, loadMigrations, migrate, undo } from "../index.js";
import { getTool, type MigrationTool, type ToolRunOptions } from "../adapters/index.js";
import type { DbTarget } from "../../core/connection.js";

export interface UndoPlan {
  /** Position to undo down to (it stays applied); undefined = to nothing. */
  to?: string;
  /** Human summary, e.g. "undo V3..V1 with their U files". */
  description: string;
}

export interface Applier {
  readonly label: string;
  /** Tables to leave out of snapshots besides the usual history tables. */
  readonly historyTables: readonly string[];
  migrate(db: DbTarget, to?: string): Promise<void>;
  /** The undo the project supports after a full apply, or a reason why there is none. */
  undoPlan(db: DbTarget): Promise<UndoPlan | { skipped: string }>;
  undo(db: DbTarget, plan: UndoPlan): Promise<void>;
  applied(db: DbTarget): Promise<string | undefined>;
}

export interface RunnerApplierOptions {
  dir: string;
  /** History table (default flyway_schema_history). */
  table?: string;
  /** PostgreSQL schema / MySQL database of the history table. */
  schema?: string;
  placeholders?: Record<string, string>;
  /** A .sql file named like no migration is an error, as Flyway's option of that name. @default false: skipped with a warning */
  validateMigrationNaming?: boolean;
  /** Hears each warning (a skipped, misnamed file), so a check says what it left out. */
  onWarning?: (message: string) => void;
}

/** The built-in, Flyway-compatible runner on a directory of V/U/R files. */
export function runnerApplier(o: RunnerApplierOptions): Applier {
  const naming = o.validateMigrationNaming ? { validateMigrationNaming: true } : {};
  // Said once, on the first read of the directory: the check reads it several times.
  const warned = new Set<string>();
  const onWarning = (message: string): void => {
    if (!warned.has(message)) o.onWarning?.(message);
    warned.add(message);
  };
  const base = {
    dir: o.dir,
    ...(o.table ? { table: o.table } : {}),
    ...(o.schema ? { schema: o.schema } : {}),
    ...(o.placeholders ? { placeholders: o.placeholders } : {}),
    ...naming,
    onProgress: (e: { type: string; message?: string }) => {
      if (e.type === "warning" && e.message) onWarning(e.message);
    },
  };
  return {
    label: `dbtk runner (${o.dir})`,
    historyTables: [o.table ?? DEFAULT_TABLE],
    async migrate(db, to) {
      await migrate({ ...base, target: db, ...(to ? { targetVersion: to } : {}) });
    },
    async undoPlan() {
      // Undo the longest run of the newest versions that all have a U file.
      const set = loadMigrations(o.dir, { ...naming, onWarning });
      const versions = set.versioned.map((f) => f.version!).sort(compareVersions).reverse();
      const undoable = new Set(set.undo.map((f) => f.version!.parts.join(".")));
      let n = 0;
      while (n < versions.length && undoable.has(versions[n]!.parts.join("."))) n++;
      if (n === 0) return { skipped: versions.length ? `no U file for the newest version ${versions[0]!.text}` : "no versioned migrations" };
      const stop = versions[n];
      const lowest = versions[n - 1]!.text;
      const highest = versions[0]!.text;
      return {
        ...(stop ? { to: stop.text } : {}),
        description: `undo V${highest}${highest === lowest ? "" : `..V${lowest}`} with their U files${stop ? ` (V${stop.text} has none: stays applied)` : ""}`,
      };
    },
    async undo(db, plan) {
      await undo({ ...base, target: db, targetVersion: plan.to ?? "0" });
    },
    async applied(db) {
      return (await info({ ...base, target: db })).currentVersion ?? undefined;
    },
  };
}

/** One of the tool adapters on its project. */
/** `where`: the tool's executable or cache directory, instead of `~/.cache/dbtk/bin/<tool>`. */
export function toolApplier(
  tool: MigrationTool | string,
  project: string,
  args: string[] = [],
  where: Pick<ToolRunOptions, "bin" | "cacheDir"> = {},
): Applier {
  const t = typeof tool === "string" ? getTool(tool) : tool;
  const run = { ...where, ...(args.length ? { args } : {}) };
  return {
    label: `${t.name} (${project})`,
    historyTables: t.historyTables,
    async migrate(db, to) {
      await t.migrate(db, project, { ...run, ...(to !== undefined ? { to } : {}) });
    },
    async undoPlan() {
      return t.undoAll ? { description: `${t.name}: revert every migration` } : { skipped: `${t.name} has no undo` };
    },
    async undo(db) {
      await t.undoAll!(db, project, run);
    },
    async applied(db) {
      if (!t.applied) throw new Error(`${t.name}: cannot tell which migrations a database has, so no drift check`);
      return t.applied(db, project);
    },
  };
}
