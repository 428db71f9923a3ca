// The migration safety lint: squawk for PostgreSQL, dbtk's own rules for MySQL/MariaDB.
import { collectSqlFiles, readSource } from "./files.js";
import { lintMysql } from "./mysql-rules.js";
import { lintWithSquawk, type SquawkOptions } from "./squawk.js";
import type { LintFinding, LintReport } from "./types.js";

export * from "./types.js";
export { toSarif, type SarifLog } from "./sarif.js";
export { MYSQL_RULES } from "./mysql-rules.js";
export { collectSqlFiles } from "./files.js";

export interface LintOptions extends SquawkOptions {
  /** Files or directories (searched for *.sql). */
  paths: readonly string[];
  engine?: "postgres" | "mysql";
  /** Also lint Flyway undo scripts (U<version>__*.sql), which drop things by design. */
  includeUndo?: boolean;
}

export async function lintMigrations(opts: LintOptions): Promise<LintReport> {
  const engine = opts.engine ?? "postgres";
  const files = collectSqlFiles(opts.paths, { includeUndo: opts.includeUndo });
  const sources = files.map(readSource);
  const findings = engine === "postgres" ? await lintWithSquawk(sources, opts) : lintMysql(sources);
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule));
  return { engine, files, findings };
}

/** `file:line:col: severity rule: message` lines plus the alternative, for people. */
export function renderFindings(report: LintReport): string {
  if (!report.findings.length) return `${report.files.length} file(s) checked, no findings\n`;
  const lines = report.findings.map(
    (f: LintFinding) => `${f.file}:${f.line}${f.column ? `:${f.column}` : ""}: ${f.severity} ${f.rule}: ${f.message}\n    safe alternative: ${f.safeAlternative}`,
  );
  const errors = report.findings.filter((f) => f.severity === "error").length;
  lines.push(`${report.files.length} file(s) checked: ${errors} error(s), ${report.findings.length - errors} warning(s)`);
  return lines.join("\n") + "\n";
}
