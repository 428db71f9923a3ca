// PostgreSQL lint through squawk (npm squawk-cli) and its JSON reporter, one file per run on stdin so
// dbmate down sections can be left out. Squawk reports most rules as warnings; the ones that lock or
// break a live application are raised to errors here.
import { execa } from "execa";
import { platformBinary } from "../adapters/platform-binary.js";
import type { SourceFile } from "./files.js";
import type { LintFinding, Severity } from "./types.js";

interface SquawkViolation {
  file: string;
  line: number;
  column: number;
  level: string;
  message: string;
  help: string | null;
  rule_name: string;
}

/** Squawk rules that block writes for long or break running code: these fail the lint. */
export const SQUAWK_ERRORS = new Set([
  "syntax-error",
  "adding-field-with-default",
  "adding-not-nullable-field",
  "adding-required-field",
  "adding-serial-primary-key-field",
  "ban-concurrent-index-creation-in-transaction",
  "ban-drop-column",
  "ban-drop-database",
  "ban-drop-not-null",
  "ban-drop-table",
  "ban-truncate-cascade",
  "changing-column-type",
  "constraint-missing-not-valid",
  "disallowed-unique-constraint",
  "renaming-column",
  "renaming-table",
  "require-concurrent-index-creation",
]);

/** Safe alternatives for rules whose squawk help is missing or terse. */
const ALTERNATIVES: Record<string, string> = {
  "ban-drop-column": "Stop reading and writing the column in the application first, then drop it in a later release.",
  "ban-drop-table": "Stop using the table in the application first, then drop it in a later release (after a backup).",
  "ban-drop-database": "Drop databases outside migrations, by hand, after a backup.",
  "renaming-column": "Add the new column, write to both, backfill, switch readers, then drop the old column later.",
  "renaming-table": "Create the new table (or a view under the new name), move readers and writers, then drop the old name later.",
  "changing-column-type": "Add a column of the new type, backfill in batches, switch the application, then drop the old column.",
  "adding-foreign-key-constraint": "Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate migration.",
  "constraint-missing-not-valid": "Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate migration.",
  "disallowed-unique-constraint": "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX.",
  "prefer-robust-stmts": "Use IF [NOT] EXISTS so a half-applied migration can be rerun.",
};

export function squawkBin(): string {
  return platformBinary("squawk-cli", "squawk");
}

export interface SquawkOptions {
  /**
   * false: no file runs inside a transaction. Otherwise each file is linted the way the runner runs it
   * (SourceFile.transactional, from the runner's execution model; in a transaction when unknown).
   */
  assumeInTransaction?: boolean;
  /** Squawk rules to leave out. */
  exclude?: readonly string[];
  /** Target server version, e.g. "16". */
  pgVersion?: string;
}

export async function lintWithSquawk(files: readonly SourceFile[], opts: SquawkOptions = {}): Promise<LintFinding[]> {
  const bin = squawkBin();
  const findings: LintFinding[] = [];
  for (const f of files) {
    const args = ["--reporter", "json", "--stdin-filepath", f.path];
    if (opts.assumeInTransaction !== false && f.transactional !== false) args.push("--assume-in-transaction");
    if (opts.exclude?.length) args.push(`--exclude=${opts.exclude.join(",")}`);
    if (opts.pgVersion) args.push(`--pg-version=${opts.pgVersion}`);
    const res = await execa(bin, args, { input: f.text, reject: false });
    let violations: SquawkViolation[];
    try {
      violations = JSON.parse(res.stdout || "[]") as SquawkViolation[];
    } catch {
      throw new Error(`squawk failed on ${f.path} (exit ${res.exitCode}): ${(res.stderr || res.stdout).slice(0, 500)}`);
    }
    for (const v of violations) {
      const severity: Severity = v.level.toLowerCase() === "error" || SQUAWK_ERRORS.has(v.rule_name) ? "error" : "warning";
      findings.push({
        file: f.path,
        line: v.line + 1,
        column: v.column + 1,
        rule: v.rule_name,
        severity,
        message: v.message,
        safeAlternative: ALTERNATIVES[v.rule_name] ?? v.help ?? `See https://squawkhq.com/docs/${v.rule_name}`,
        source: "squawk",
      });
    }
  }
  return findings;
}
