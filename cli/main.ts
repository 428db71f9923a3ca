// Every command at once (the tests' and the documentation's view of the CLI): thin — parses, calls the
// library, prints. Each command lives in cli/commands/. The CLI itself starts through cli/entry.ts, which
// loads only the command it runs: a new command is registered here AND listed in COMMANDS there.
//
// Start-up is on every command's critical path (`dbtk --help` ≈ node itself; see bench/startup.ts), so the
// lazy pattern, checked by tests/automation/cli/lazy-imports.test.ts:
// - a command module's static imports are commander, node built-ins and light modules (cli/*,
//   core/errors, core/connection, automation/targets/meta, automation/driver/progress|provision|migrations);
//   what the action uses from the library comes as `import type` at the top and `await import(...)` inside
//   the action (e.g. `const { reap } = await import("../../automation/reaper.js")`);
// - never a barrel (migrations/index.js, core/servers/index.js) on the start-up path: import the one module;
// - nothing runs at import time but option definitions.
import type { Command } from "commander";
import { registerDown } from "./commands/down.js";
import { registerLs } from "./commands/ls.js";
import { registerReap } from "./commands/reap.js";
import { registerPurge } from "./commands/purge.js";
import { registerRun } from "./commands/run.js";
import { registerUp } from "./commands/up.js";
import { registerRestoreDrill } from "./commands/restore-drill.js";
import { registerMigrateCommands } from "./commands/migrate.js";
import { registerToolCommands } from "./commands/tool.js";
import { registerCheckCommands } from "./commands/check.js";
import { registerLintCommands } from "./commands/lint.js";
import { registerServer } from "./commands/server.js";
import { registerServe } from "./commands/serve.js";
import { registerRestorePoint } from "./commands/restore-point.js";
import { registerMetrics } from "./commands/metrics.js";
import { parseToExitCode, programShell } from "./program.js";

export function buildProgram(): Command {
  const program = programShell();
  // Command modules register themselves here (one import + one call per module).
  registerRun(program);
  registerMigrateCommands(program);
  registerToolCommands(program);
  registerCheckCommands(program);
  registerLintCommands(program);
  registerUp(program);
  registerDown(program);
  registerLs(program);
  registerReap(program);
  registerPurge(program);
  registerRestoreDrill(program);
  registerServer(program);
  registerServe(program);
  registerRestorePoint(program);
  registerMetrics(program);
  return program;
}

/** Runs the CLI with every command loaded and returns its exit code (bin/dbtk.mjs uses cli/entry.ts). */
export async function main(argv: string[]): Promise<number> {
  return parseToExitCode(buildProgram(), argv);
}
