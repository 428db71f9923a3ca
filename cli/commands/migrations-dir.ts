// The migrations-directory flag several commands share (kept apart from shared.ts, which loads the
// ephemeral-target code: migrate's commands need this and nothing else of it).
import { Option, type Command } from "commander";

export interface MigrationsDirFlags {
  migrations?: string;
  /** The older spelling, still accepted (hidden from help). */
  dir?: string;
}

/**
 * `--migrations <dir>` (the spelling `dbtk run`/`up` use) plus `--dir <dir>` as a hidden alias. Commander has
 * no option aliases, so both are registered without a default and merged by {@link migrationsDir}.
 */
export function addMigrationsDirOption(cmd: Command, description: string, fallback: string): Command {
  return cmd
    .addOption(new Option("--migrations <dir>", `${description} (default: "${fallback}")`))
    .addOption(new Option("--dir <dir>", "alias of --migrations").hideHelp().conflicts("migrations"));
}

export function migrationsDir(flags: MigrationsDirFlags, fallback: string): string {
  return flags.migrations ?? flags.dir ?? fallback;
}
