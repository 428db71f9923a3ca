// Any migration command (a script, sqitch, goose, …): run in the project directory with DATABASE_URL
// and the engine's client variables (PG* or MYSQL_*) in its environment.
import path from "node:path";
import { connectionEnv, type DbTarget } from "../../core/connection.js";
import { runTool } from "./exec.js";
import type { MigrateOptions, MigrationTool } from "./types.js";

export const command: MigrationTool = {
  name: "command",
  historyTables: [],
  migrate(target: DbTarget, project: string, opts: MigrateOptions = {}) {
    const [file, ...args] = opts.args ?? [];
    if (!file) throw new Error("command tool: no command given; pass it as options.args (e.g. [\"./migrate.sh\"])");
    return runTool(
      { tool: "command", target, file: opts.bin ?? file, args: opts.bin ? [file, ...args] : args, env: connectionEnv(target), cwd: path.resolve(project), what: `command ${file}` },
      { ...opts, args: [] },
    );
  },
};
