// dbtk lint: the migration safety lint (squawk for PostgreSQL, dbtk's rules for MySQL/MariaDB).
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { parseDatabaseUrl } from "../../core/connection.js";
import type { LintReport } from "../../migrations/lint/index.js";
import { environment } from "../environment.js";
import { usage, warnUrlFlag } from "./usage.js";

interface LintFlags {
  engine: string;
  json?: boolean;
  sarif?: boolean;
  format?: string;
  output?: string;
  includeUndo?: boolean;
  exclude: string[];
  pgVersion?: string;
  transaction: boolean;
  since?: string;
  pending?: boolean;
  url?: string;
  baseline?: string;
  writeBaseline?: string;
  explain?: boolean;
}

const FORMATS = ["text", "json", "sarif", "github"] as const;
type Format = (typeof FORMATS)[number];

type LintLib = typeof import("../../migrations/lint/index.js");

const collect = (value: string, prev: string[]) => [...prev, ...value.split(",").map((s) => s.trim()).filter(Boolean)];

function formatOf(f: LintFlags, env: Readonly<Record<string, string | undefined>>): Format {
  if (f.json && f.sarif) throw usage("--json and --sarif are exclusive: pick one output format");
  const picked = [f.json && "json", f.sarif && "sarif", f.format].filter(Boolean) as string[];
  if (new Set(picked).size > 1) throw usage(`--json, --sarif and --format are exclusive: pick one output format (got ${picked.join(", ")})`);
  const format = picked[0] ?? (env.GITHUB_ACTIONS === "true" && !f.output ? "github" : "text");
  if (!(FORMATS as readonly string[]).includes(format)) throw usage(`--format "${format}" is not supported; use ${FORMATS.join(", ")}`);
  return format as Format;
}

/** Files the database at DATABASE_URL (or --url) has not applied yet, read from its history table. */
async function pendingFiles(dir: string, f: LintFlags, env: Readonly<Record<string, string | undefined>>): Promise<Set<string>> {
  const url = f.url ?? env.DATABASE_URL;
  if (!url) throw usage("--pending needs a database: set DATABASE_URL to postgres://user:password@host/db (or pass --url)");
  let target;
  try {
    target = parseDatabaseUrl(url, { what: f.url ? "--url" : "DATABASE_URL" });
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (f.url) warnUrlFlag(target);
  const { info } = await import("../../migrations/runner/admin.js");
  const result = await info({ target, dir });
  const pending = result.migrations.filter((m) => m.state === "Pending" || m.state === "Outdated");
  return new Set(pending.map((m) => path.resolve(dir, m.script)));
}

function render(report: LintReport, format: Format, explain: boolean, lib: LintLib): string {
  const { renderFindings, toGithubAnnotations, toSarif } = lib;
  const errors = report.findings.filter((x) => x.severity === "error").length;
  switch (format) {
    case "sarif":
      return JSON.stringify(toSarif(report), null, 2) + "\n";
    case "json":
      return JSON.stringify({ ...report, errors, warnings: report.findings.length - errors }, null, 2) + "\n";
    case "github":
      // The annotations, then the summary (and with --explain the skipped findings) for the log.
      return toGithubAnnotations(report) + renderFindings({ ...report, findings: [] }, { explain }).replace(/, no findings/, `: ${errors} error(s), ${report.findings.length - errors} warning(s)`);
    default:
      return renderFindings(report, { explain });
  }
}

export function registerLintCommands(program: Command): void {
  program
    .command("lint")
    .description("check migrations for statements that lock or break a live database; exits 1 on any error-severity finding")
    .argument("[paths...]", "migration files or directories (*.sql, searched recursively)", ["migrations"])
    .option("--engine <engine>", "postgres (squawk) or mysql (MySQL/MariaDB rules)", "postgres")
    .option("--json", "print the findings as JSON")
    .option("--sarif", "print SARIF 2.1.0 (for code-scanning upload)")
    .option("--format <format>", "text, json, sarif or github (workflow annotations; the default when GITHUB_ACTIONS=true)")
    .option("-o, --output <file>", "write the JSON/SARIF/text report to a file instead of stdout")
    .option("--since <git-ref>", "only files added or changed since the merge base with this ref, plus uncommitted ones")
    .option("--pending", "only files the database (DATABASE_URL or --url) has not applied yet")
    .option("--url <url>", "database URL for --pending (default: $DATABASE_URL)")
    .option("--baseline <file>", "accept the findings recorded in this file (from --write-baseline)")
    .option("--write-baseline <file>", "record the current findings as accepted, and exit 0")
    .option("--explain", "also show skipped findings and why (new table, ignore comment, baseline)")
    .option("--include-undo", "also lint Flyway undo scripts (U<version>__*.sql)")
    .option("--exclude <rules>", "PostgreSQL: squawk rules to skip (comma-separated, repeatable)", collect, [])
    .option("--pg-version <version>", "PostgreSQL: the server version the migrations target, e.g. 16")
    .option("--no-transaction", "PostgreSQL: no file runs inside a transaction (default: as the runner runs each file)")
    .action(async (paths: string[], f: LintFlags) => {
      if (f.engine !== "postgres" && f.engine !== "mysql") throw usage(`--engine "${f.engine}" is not supported; use postgres or mysql`);
      const env = environment();
      const format = formatOf(f, env);
      if (f.since && f.pending) throw usage("--since and --pending are exclusive: pick one way to choose the files");
      if (f.pending && paths.length !== 1) throw usage("--pending reads one migrations directory: pass exactly one path");
      // Loaded here, not at start-up: see cli/main.ts.
      const lib = await import("../../migrations/lint/index.js");
      const { changedSince, hasErrors, lintMigrations, makeBaseline, toGithubAnnotations } = lib;
      const only = f.since ? await changedSince(f.since, paths) : f.pending ? await pendingFiles(paths[0]!, f, env) : undefined;
      const report = await lintMigrations({
        paths,
        engine: f.engine,
        ...(f.includeUndo ? { includeUndo: true } : {}),
        ...(f.exclude.length ? { exclude: f.exclude } : {}),
        ...(f.pgVersion ? { pgVersion: f.pgVersion } : {}),
        ...(only ? { only } : {}),
        ...(f.baseline ? { baseline: f.baseline } : {}),
        ...(f.transaction ? {} : { assumeInTransaction: false }),
      });
      if (f.writeBaseline) {
        const baseline = makeBaseline(f.writeBaseline, [...report.findings, ...report.skipped.filter((s) => s.reason.startsWith("accepted"))]);
        writeFileSync(f.writeBaseline, JSON.stringify(baseline, null, 2) + "\n");
        process.stderr.write(`wrote ${f.writeBaseline}: ${baseline.findings.length} accepted finding(s)\n`);
        return;
      }
      const errors = report.findings.filter((x) => x.severity === "error").length;
      const text = render(report, format, f.explain ?? false, lib);
      if (f.output) {
        writeFileSync(f.output, text);
        process.stderr.write(`wrote ${f.output}: ${errors} error(s), ${report.findings.length - errors} warning(s)\n`);
        // In a GitHub job the annotations still go to the log, so the diff shows them.
        if (env.GITHUB_ACTIONS === "true" && format !== "github") process.stdout.write(toGithubAnnotations(report));
      } else {
        process.stdout.write(text);
      }
      if (hasErrors(report)) process.exitCode = 1;
    });
}
