// The command-line entry: thin — parses, calls the library, prints. Each command lives in cli/commands/.
//
// Start-up is on every command's critical path (`dbtk --help` ≈ node itself; see bench/startup.ts), so the
// lazy pattern, checked by tests/automation/cli/lazy-imports.test.ts:
// - a command module's static imports are commander, node built-ins and light modules (cli/*,
//   core/errors, core/connection, automation/targets/meta, automation/driver/progress|provision|migrations);
//   what the action uses from the library comes as `import type` at the top and `await import(...)` inside
//   the action (e.g. `const { reap } = await import("../../automation/reaper.js")`);
// - never a barrel (migrations/index.js, core/servers/index.js) on the start-up path: import the one module;
// - nothing runs at import time but option definitions.
import { Command } from "commander";
import { createRequire } from "node:module";
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
import { registerMetrics } from "./commands/metrics.js";
import { registerServe } from "./commands/serve.js";
import { registerRestorePoint } from "./commands/restore-point.js";
import { cliWording } from "./wording.js";

// The package's own manifest, by self-reference: the same path from source and from dist/.
const pkg = createRequire(import.meta.url)("dbtk/package.json") as { version: string };

export function buildProgram(): Command {
  const program = new Command("dbtk")
    .description("Managed databases with Pulumi, migrations, and disposable databases for CI")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
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
  registerMetrics(program);
  registerServe(program);
  registerRestorePoint(program);
  return program;
}

/** Runs the CLI on argv and returns its exit code (bin/dbtk.mjs calls this; importing runs nothing). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    const code = (err as { code?: string; exitCode?: number }).code;
    // Help and version exit 0; any other complaint of the parser (unknown option, missing argument, bad
    // choice) is a usage error: 2, like the commands' own checks of their flags.
    if (code?.startsWith("commander.")) return (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
    // Library messages name options as the API spells them; say them as flags and variables.
    process.stderr.write(`dbtk: ${cliWording((err as Error).message)}\n`);
    return typeof (err as { exitCode?: number }).exitCode === "number" ? (err as { exitCode: number }).exitCode : 1;
  }
}
