// The command-line entry: thin — parses, calls the library, prints. Each command lives in cli/commands/.
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { registerDown } from "./commands/down.ts";
import { registerLs } from "./commands/ls.ts";
import { registerReap } from "./commands/reap.ts";
import { registerRun } from "./commands/run.ts";
import { registerUp } from "./commands/up.ts";
import { registerRestoreDrill } from "./commands/restore-drill.ts";
import { registerMigrateCommands } from "./commands/migrate.ts";
import { registerToolCommands } from "./commands/tool.ts";
import { registerCheckCommands } from "./commands/check.ts";
import { registerLintCommands } from "./commands/lint.ts";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

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
  registerRestoreDrill(program);
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
    if (code?.startsWith("commander.")) return (err as { exitCode: number }).exitCode ?? 1;
    process.stderr.write(`dbtk: ${(err as Error).message}\n`);
    return typeof (err as { exitCode?: number }).exitCode === "number" ? (err as { exitCode: number }).exitCode : 1;
  }
}
