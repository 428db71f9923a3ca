// The migration safety lint: squawk for PostgreSQL, dbtk's own rules for MySQL/MariaDB. The files linted
// together are "the change": tables it creates are new (no lock rules on them), ignore comments and a
// baseline accept known findings, and each file is linted with the runner's own transaction decision.
import path from "node:path";
import { NO_TRANSACTION_MARKER, noTransactionFlags, runsInTransaction, serverVersionNum } from "../runner/execution-model.js";
import { baselineMatcher, readBaseline } from "./baseline.js";
import { createdTables, fingerprint, ignoreComments, ignoredInline, NEW_TABLE_EXEMPT, statementAt, statementsOf, targetTable } from "./context.js";
import { collectSqlFiles, readSource, type SourceFile } from "./files.js";
import { lintMysql } from "./mysql-rules.js";
import { lintWithSquawk, type SquawkOptions } from "./squawk.js";
import type { LintFinding, LintReport, SkippedFinding } from "./types.js";

export * from "./types.js";
export { toSarif, type SarifLog } from "./sarif.js";
export { toGithubAnnotations } from "./github.js";
export { MYSQL_RULES } from "./mysql-rules.js";
export { collectSqlFiles } from "./files.js";
export { changedSince } from "./changes.js";
export { makeBaseline, readBaseline, type BaselineFile, type BaselineEntry } from "./baseline.js";

export interface LintOptions extends SquawkOptions {
  /** Files or directories (searched for *.sql). */
  paths: readonly string[];
  engine?: "postgres" | "mysql";
  /** Also lint Flyway undo scripts (U<version>__*.sql), which drop things by design. */
  includeUndo?: boolean;
  /** Lint only these files (absolute paths), e.g. those changed since a git ref or not yet applied. */
  only?: ReadonlySet<string>;
  /**
   * What counts as "the change" whose new tables are exempt from lock rules: the files linted together
   * (default when `only` is given) or each file alone (default otherwise: a whole history is not one change).
   */
  changeScope?: "files" | "file";
  /** A baseline file (makeBaseline) whose findings are accepted. */
  baseline?: string;
}

/** The runner's transaction decision for each file (Flyway directories read as the runner reads them). */
function withExecutionModel(sources: SourceFile[], opts: LintOptions, engine: "postgres" | "mysql"): SourceFile[] {
  const flags = new Map<string, boolean>();
  for (const p of opts.paths) {
    for (const [file, noTx] of noTransactionFlags(/\.sql$/i.test(p) ? path.dirname(p) : p) ?? []) flags.set(file, noTx);
  }
  const version = serverVersionNum(opts.pgVersion);
  return sources.map((s) => {
    const noTransaction = flags.get(path.resolve(s.path)) ?? NO_TRANSACTION_MARKER.test(s.text);
    return { ...s, transactional: runsInTransaction({ sql: s.text, noTransaction }, engine, version) };
  });
}

export async function lintMigrations(opts: LintOptions): Promise<LintReport> {
  const engine = opts.engine ?? "postgres";
  let files = collectSqlFiles(opts.paths, { includeUndo: opts.includeUndo });
  if (opts.only) files = files.filter((f) => opts.only!.has(path.resolve(f)));
  const sources = withExecutionModel(files.map(readSource), opts, engine);
  const raw = engine === "postgres" ? await lintWithSquawk(sources, opts) : lintMysql(sources);

  const context = sources.map((s) => ({ statements: statementsOf(s, engine), ignores: ignoreComments(s.text) }));
  const scope = opts.changeScope ?? (opts.only ? "files" : "file");
  // Per file: a table another file created earlier is not new to this one.
  const created = scope === "files" ? createdTables(context) : undefined;
  const accepted = opts.baseline ? baselineMatcher(opts.baseline, readBaseline(opts.baseline)) : () => false;
  const findings: LintFinding[] = [];
  const skipped: SkippedFinding[] = [];
  for (const f of raw) {
    const i = sources.findIndex((s) => s.path === f.file);
    const ctx = context[i];
    const stmt = ctx ? statementAt(ctx.statements, f.line) : undefined;
    const finding: LintFinding = stmt ? { ...f, fingerprint: fingerprint(stmt.text) } : f;
    const table = stmt && NEW_TABLE_EXEMPT.has(f.rule) ? targetTable(stmt.text) : undefined;
    const origin = table ? (created ? created.get(table) : createdTables(context.map((c, k) => (k === i ? c : { statements: [] }))).get(table)) : undefined;
    if (origin && (origin.file < i || (origin.file === i && origin.line < (stmt?.line ?? 0)))) {
      skipped.push({ ...finding, reason: `table ${table} is created in this ${scope === "files" ? "change" : "file"} (${files[origin.file]}:${origin.line}), so it is new and empty` });
    } else if (ctx && ignoredInline(f, stmt, ctx.ignores)) {
      skipped.push({ ...finding, reason: `ignored by a dbtk:lint-ignore comment` });
    } else if (accepted(finding)) {
      skipped.push({ ...finding, reason: `accepted by the baseline ${opts.baseline}` });
    } else {
      findings.push(finding);
    }
  }
  const order = (a: LintFinding, b: LintFinding) =>
    a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule);
  return { engine, files, findings: findings.sort(order), skipped: skipped.sort(order) };
}

/** `file:line:col: severity rule: message` lines plus the alternative, for people; `explain` adds skipped findings. */
export function renderFindings(report: LintReport, opts: { explain?: boolean } = {}): string {
  const lines = report.findings.map(
    (f: LintFinding) => `${f.file}:${f.line}${f.column ? `:${f.column}` : ""}: ${f.severity} ${f.rule}: ${f.message}\n    safe alternative: ${f.safeAlternative}`,
  );
  if (opts.explain) {
    for (const s of report.skipped) lines.push(`${s.file}:${s.line}${s.column ? `:${s.column}` : ""}: skipped ${s.rule}: ${s.reason}`);
  }
  const skipped = report.skipped.length ? `, ${report.skipped.length} skipped` : "";
  if (!report.findings.length) return [...lines, `${report.files.length} file(s) checked, no findings${skipped}`].join("\n") + "\n";
  const errors = report.findings.filter((f) => f.severity === "error").length;
  lines.push(`${report.files.length} file(s) checked: ${errors} error(s), ${report.findings.length - errors} warning(s)${skipped}`);
  return lines.join("\n") + "\n";
}
