// dbtk lint: the migration safety lint (squawk for PostgreSQL, dbtk's rules for MySQL/MariaDB).
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { hasErrors, lintMigrations, renderFindings, toSarif } from "../../migrations/lint/index.js";
import { usage } from "./usage.js";

interface LintFlags {
  engine: string;
  json?: boolean;
  sarif?: boolean;
  output?: string;
  includeUndo?: boolean;
  exclude: string[];
  pgVersion?: string;
  transaction: boolean;
}

const collect = (value: string, prev: string[]) => [...prev, ...value.split(",").map((s) => s.trim()).filter(Boolean)];

export function registerLintCommands(program: Command): void {
  program
    .command("lint")
    .description("check migrations for statements that lock or break a live database; exits 1 on any error-severity finding")
    .argument("[paths...]", "migration files or directories (*.sql, searched recursively)", ["migrations"])
    .option("--engine <engine>", "postgres (squawk) or mysql (MySQL/MariaDB rules)", "postgres")
    .option("--json", "print the findings as JSON")
    .option("--sarif", "print SARIF 2.1.0 (for code-scanning upload)")
    .option("-o, --output <file>", "write the JSON/SARIF/text report to a file instead of stdout")
    .option("--include-undo", "also lint Flyway undo scripts (U<version>__*.sql)")
    .option("--exclude <rules>", "PostgreSQL: squawk rules to skip (comma-separated, repeatable)", collect, [])
    .option("--pg-version <version>", "PostgreSQL: the server version the migrations target, e.g. 16")
    .option("--no-transaction", "PostgreSQL: files do not run inside a transaction")
    .action(async (paths: string[], f: LintFlags) => {
      if (f.engine !== "postgres" && f.engine !== "mysql") throw usage(`--engine "${f.engine}" is not supported; use postgres or mysql`);
      if (f.json && f.sarif) throw usage("--json and --sarif are exclusive: pick one output format");
      const report = await lintMigrations({
        paths,
        engine: f.engine,
        ...(f.includeUndo ? { includeUndo: true } : {}),
        ...(f.exclude.length ? { exclude: f.exclude } : {}),
        ...(f.pgVersion ? { pgVersion: f.pgVersion } : {}),
        assumeInTransaction: f.transaction,
      });
      const errors = report.findings.filter((x) => x.severity === "error").length;
      const text = f.sarif
        ? JSON.stringify(toSarif(report), null, 2) + "\n"
        : f.json
          ? JSON.stringify({ ...report, errors, warnings: report.findings.length - errors }, null, 2) + "\n"
          : renderFindings(report);
      if (f.output) {
        writeFileSync(f.output, text);
        process.stderr.write(`wrote ${f.output}: ${errors} error(s), ${report.findings.length - errors} warning(s)\n`);
      } else {
        process.stdout.write(text);
      }
      if (hasErrors(report)) process.exitCode = 1;
    });
}
