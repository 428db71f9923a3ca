// The program shell both entries share (cli/entry.ts, the CLI's; cli/main.ts, every command at once) and
// how a parse ends: its exit code, and the message of a failure in the CLI's words.
import { Command } from "commander";
import { createRequire } from "node:module";
import { cliWording } from "./wording.js";

// The package's own manifest, by self-reference: the same path from source and from dist/.
const pkg = createRequire(import.meta.url)("dbtk/package.json") as { version: string };

/** The top-level command with no subcommand yet. */
export function programShell(): Command {
  return (
    new Command("dbtk")
      .description("Managed databases with Pulumi, migrations, and disposable databases for CI")
      .version(pkg.version)
      .showHelpAfterError()
      .exitOverride()
      // Lets `dbtk run node --test` pass `--test` to the command even without `--` (run passes through).
      .enablePositionalOptions()
  );
}

/** Parses argv with `program` and returns the exit code. */
export async function parseToExitCode(program: Command, argv: string[]): Promise<number> {
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
