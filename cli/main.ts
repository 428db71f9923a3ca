// The command-line entry: thin — parses, calls the library, prints. Each command lives in cli/commands/.
import { Command } from "commander";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

export function buildProgram(): Command {
  const program = new Command("dbtk")
    .description("Managed databases with Pulumi, migrations, and disposable databases for CI")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  // Command modules register themselves here (one import + one call per module).
  return program;
}

async function main(argv: string[]): Promise<number> {
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

process.exitCode = await main(process.argv);
