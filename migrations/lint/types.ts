// One finding of the migration safety lint, whatever produced it (squawk or the MySQL rules).

export type Severity = "error" | "warning";

export interface LintFinding {
  /** Path as given (relative paths stay relative). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
  rule: string;
  severity: Severity;
  message: string;
  /** What to do instead. */
  safeAlternative: string;
  source: "squawk" | "dbtk";
  /** Hash of the normalized statement (baseline matching). */
  fingerprint?: string;
}

/** A finding left out, and why (shown with --explain). */
export interface SkippedFinding extends LintFinding {
  reason: string;
}

export interface LintReport {
  engine: "postgres" | "mysql";
  files: string[];
  findings: LintFinding[];
  /** Findings exempted (new table), ignored inline or accepted by a baseline. */
  skipped: SkippedFinding[];
}

export interface RuleInfo {
  id: string;
  severity: Severity;
  summary: string;
  safeAlternative: string;
}

export const hasErrors = (r: LintReport): boolean => r.findings.some((f) => f.severity === "error");
