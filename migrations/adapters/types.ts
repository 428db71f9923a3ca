// The contract every migration tool adapter fulfils: run the tool on a project against one database,
// the connection handed over only through the environment, output scrubbed of the password.
import type { DbTarget } from "../../core/connection.js";

export type ToolName = "flyway" | "liquibase" | "alembic" | "dbmate" | "command";

export interface ToolRunOptions {
  /** Executable to run instead of the installed one (tests, custom installs). */
  bin?: string;
  /** Where the installers put the tools (`<cacheDir>/bin/<tool>`). Default `~/.cache/dbtk`. */
  cacheDir?: string;
  /** Extra environment for the tool process. */
  env?: Record<string, string>;
  /** Arguments appended to the tool's own (e.g. the command adapter's argv). */
  args?: string[];
  /** Called once the process is spawned: its pid and argv (what `ps` would show). */
  onSpawn?: (pid: number, argv: string[]) => void;
  /** Stops the tool when aborted. */
  signal?: AbortSignal;
}

export interface MigrateOptions extends ToolRunOptions {
  /**
   * Stop at this position instead of applying everything: a version (Flyway, dbmate), a revision
   * (Alembic) or a changeset count (Liquibase) — the form `applied()` returns.
   */
  to?: string;
}

export interface ToolResult {
  tool: ToolName;
  /** The argv that was run; never holds a secret. */
  command: string[];
  exitCode: number;
  /** stdout and stderr interleaved, with the password scrubbed. */
  output: string;
}

export interface MigrationTool {
  readonly name: ToolName;
  /** Tables the tool keeps its own bookkeeping in (left out of schema snapshots). */
  readonly historyTables: readonly string[];
  /** Applies the project's pending migrations (or up to `opts.to`). */
  migrate(target: DbTarget, project: string, opts?: MigrateOptions): Promise<ToolResult>;
  /** Reverts every applied migration, where the tool can. */
  undoAll?(target: DbTarget, project: string, opts?: ToolRunOptions): Promise<ToolResult>;
  /** The position the database is at, in the form `migrate({ to })` accepts; undefined when none. */
  applied?(target: DbTarget, project: string): Promise<string | undefined>;
}

/** Raised when a tool exits non-zero; `message` and `result.output` are already scrubbed. */
export class MigrationToolError extends Error {
  constructor(
    message: string,
    readonly result: ToolResult,
  ) {
    super(message);
    this.name = "MigrationToolError";
  }
}
