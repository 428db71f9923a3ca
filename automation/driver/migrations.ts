// Where a run's schema comes from — the built-in runner on a migrations folder, a team's tool on its
// project, or nothing — checked up front so bad input fails before anything is created.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import type { ToolName } from "../../migrations/index.js";
import { templateKey } from "../templates/key.js";

/** Kept in step with migrations/adapters (checked by a test); the adapters load only when a tool runs. */
export const TOOL_NAMES: readonly ToolName[] = ["flyway", "liquibase", "alembic", "dbmate", "command"];

export type MigrationSource =
  | { kind: "builtin"; dir: string; placeholders?: Record<string, string> }
  | { kind: "tool"; tool: ToolName; project: string; args?: string[]; bin?: string; cacheDir?: string; hash?: string[] }
  | { kind: "none" };

export interface SourceInput {
  /** Folder of migrations for the built-in runner (Flyway naming: V1__x.sql …). */
  migrations?: string;
  /** A team's tool: flyway, liquibase, alembic, dbmate (or command, with `toolArgs`). */
  tool?: string;
  /** The tool's project folder. */
  project?: string;
  toolArgs?: string[];
  /** The tool's executable, instead of the installed one under `<cacheDir>/bin`. */
  toolBin?: string;
  /** Where the installers put the tools (`<cacheDir>/bin`). Default `~/.cache/dbtk`. */
  cacheDir?: string;
  placeholders?: Record<string, string>;
  /** Any migration tool's command line, run by `sh -c` in `project` (default: the working directory). */
  migrate?: string;
  /** With `migrate`: the files and folders whose contents decide the schema (default: the project folder). */
  hash?: string[];
}

function requireDir(dir: string, option: string): string {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) {
    throw new DbtkError(`${option} ${dir}: no such folder (looked at ${abs}); give the folder that holds your migrations`);
  }
  if (!statSync(abs).isDirectory()) throw new DbtkError(`${option} ${dir}: not a folder; give the folder that holds your migrations`);
  return abs;
}

/** Checks the input (messages name the options.* fields) and resolves folders to absolute paths. */
export function resolveSource(input: SourceInput): MigrationSource {
  if (input.migrate !== undefined) return migrateCommand(input);
  if (input.hash) throw new DbtkError("options.hash goes with options.migrate (the command whose schema it keys); drop it or add options.migrate");
  if (input.migrations && input.tool) {
    throw new DbtkError(
      "options.migrations and options.tool are exclusive: use options.migrations DIR for the built-in runner, or options.tool NAME with options.project DIR",
    );
  }
  if (input.tool) {
    if (!(TOOL_NAMES as readonly string[]).includes(input.tool)) {
      throw new DbtkError(`options.tool ${input.tool}: unknown migration tool; use one of ${TOOL_NAMES.join(", ")}`);
    }
    if (!input.project) throw new DbtkError(`options.tool ${input.tool} needs options.project DIR (the folder holding the ${input.tool} project)`);
    return {
      kind: "tool",
      tool: input.tool as ToolName,
      project: requireDir(input.project, "options.project"),
      ...(input.toolArgs ? { args: input.toolArgs } : {}),
      ...(input.toolBin ? { bin: input.toolBin } : {}),
      ...(input.cacheDir ? { cacheDir: input.cacheDir } : {}),
    };
  }
  if (input.project) {
    throw new DbtkError("options.project needs options.tool NAME (flyway, liquibase, alembic, dbmate); for plain SQL files use options.migrations DIR");
  }
  if (input.migrations) {
    return { kind: "builtin", dir: requireDir(input.migrations, "options.migrations"), ...(input.placeholders ? { placeholders: input.placeholders } : {}) };
  }
  return { kind: "none" };
}

/** A migration command line: the template is keyed by it and the contents of the `hash` paths. */
function migrateCommand(input: SourceInput): MigrationSource {
  if (input.migrations || input.tool) {
    throw new DbtkError("options.migrate is exclusive with options.migrations and options.tool: the command does all the migrating");
  }
  if (!input.migrate?.trim()) throw new DbtkError('options.migrate is empty; give the migration command, e.g. "npx knex migrate:latest"');
  const project = requireDir(input.project ?? ".", "options.project");
  const hash = (input.hash ?? []).map((p) => {
    const abs = path.resolve(project, p);
    if (!existsSync(abs)) throw new DbtkError(`options.hash ${p}: no such file or folder (looked at ${abs}); name what decides the schema, e.g. migrations/`);
    return abs;
  });
  return { kind: "tool", tool: "command", project, args: ["sh", "-c", input.migrate], ...(hash.length ? { hash } : {}) };
}

/** The template key of a source on a server version; undefined when there is nothing to migrate. */
export async function sourceKey(src: MigrationSource, engineVersion: string): Promise<string | undefined> {
  if (src.kind === "none") return undefined;
  if (src.kind === "builtin") {
    return templateKey({ dir: src.dir, tool: "builtin", engineVersion, extra: JSON.stringify(src.placeholders ?? {}) });
  }
  return templateKey({ dir: src.project, ...(src.hash ? { paths: src.hash } : {}), tool: src.tool, engineVersion, extra: JSON.stringify(src.args ?? []) });
}

export function sourceLabel(src: MigrationSource): string {
  if (src.kind === "builtin") return path.relative(process.cwd(), src.dir) || ".";
  if (src.kind === "tool") return `${src.tool} ${path.relative(process.cwd(), src.project) || "."}`;
  return "no migrations";
}

/**
 * Loads the modules applying `src` will need, without waiting (errors surface when they are used): called
 * while the local server initialises, the ~0.1 s of loading (the tool adapters' ~0.3 s) overlaps initdb.
 */
export function preloadMigrations(src: MigrationSource, engine: DbTarget["engine"]): void {
  if (src.kind === "none") return;
  const loading = src.kind === "builtin" ? import("../../migrations/runner/index.js").then((r) => r.preloadExecutor(engine)) : import("../../migrations/adapters/index.js");
  loading.catch(() => undefined);
}

/** Applies the source's migrations to `conn`; returns how many were applied, when known. */
export async function applyMigrations(
  src: MigrationSource,
  conn: DbTarget,
  opts: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<number | undefined> {
  if (src.kind === "none") return 0;
  if (src.kind === "builtin") {
    // The runner alone, not the migrations barrel (its tool adapters cost ~0.3 s to load).
    const { migrate } = await import("../../migrations/runner/index.js");
    const result = await migrate({
      target: conn,
      dir: src.dir,
      ...(src.placeholders ? { placeholders: src.placeholders } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return result.applied.length;
  }
  const { getTool } = await import("../../migrations/adapters/index.js");
  const tool = getTool(src.tool);
  await tool.migrate(conn, src.project, {
    ...(src.args ? { args: src.args } : {}),
    ...(src.bin ? { bin: src.bin } : {}),
    ...(src.cacheDir ? { cacheDir: src.cacheDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return undefined;
}
