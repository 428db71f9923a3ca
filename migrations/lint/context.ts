// What the lint knows about the change as a whole: each finding's statement (for fingerprints and
// ignore comments), and the tables the change itself creates. A table created earlier in the same
// change is new and empty, so lock and rewrite rules on it are noise (as Atlas treats it).
import { createHash } from "node:crypto";
import { splitSql } from "../runner/splitter.js";
import type { SourceFile } from "./files.js";
import { position, splitStatements } from "./mysql-split.js";
import type { LintFinding } from "./types.js";

export interface StatementSpan {
  line: number;
  text: string;
}

/**
 * Rules about locks held or rows rewritten: moot on a table the same change creates. Not squawk's
 * require-lock-timeout: it reports once per file, on whichever statement comes first.
 */
export const NEW_TABLE_EXEMPT = new Set([
  "require-concurrent-index-creation",
  "adding-field-with-default",
  "adding-not-nullable-field",
  "adding-required-field",
  "adding-serial-primary-key-field",
  "adding-foreign-key-constraint",
  "constraint-missing-not-valid",
  "changing-column-type",
  "disallowed-unique-constraint",
  "mysql-index-not-online",
  "mysql-change-column-type",
  "mysql-add-not-null-column-without-default",
  "mysql-add-foreign-key",
  "mysql-truncate-table",
  "mysql-drop-column",
  "mysql-rename-column",
]);

export function statementsOf(file: SourceFile, engine: "postgres" | "mysql"): StatementSpan[] {
  if (engine === "mysql") return splitStatements(file.text).map((s) => ({ line: position(file.text, s.offset).line, text: s.text }));
  try {
    return splitSql(file.text, "postgres").map((s) => ({ line: s.line, text: s.text }));
  } catch {
    return []; // an unclosed quote: squawk reports the syntax error itself
  }
}

/** The statement holding `line`: the last one starting at or before it. */
export function statementAt(statements: readonly StatementSpan[], line: number): StatementSpan | undefined {
  let found: StatementSpan | undefined;
  for (const s of statements) {
    if (s.line > line) break;
    found = s;
  }
  return found;
}

/** Lower-cased, comments dropped, whitespace collapsed: stable across reformatting and moved lines. */
export function fingerprint(statement: string): string {
  const normal = statement
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[^]*?\*\//g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  return createHash("sha256").update(normal).digest("hex").slice(0, 16);
}

const NAME = String.raw`((?:"[^"]+"|\x60[^\x60]+\x60|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|\x60[^\x60]+\x60|[\w$]+))*)`;
const bare = (name: string) => (name.split(".").pop() ?? name).replace(/["\x60]/g, "").trim().toLowerCase();
const CREATE_TABLE = new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i");
const TARGETS = [
  new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:ONLINE\s+|OFFLINE\s+)?(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME}\s+)?(?:USING\s+\w+\s+)?ON\s+(?:ONLY\s+)?${NAME}`, "i"),
  new RegExp(String.raw`^ALTER\s+(?:ONLINE\s+)?(?:IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}`, "i"),
  new RegExp(String.raw`^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?${NAME}`, "i"),
];

/** The table a statement changes (index, ALTER TABLE, TRUNCATE), bare and lower-cased. */
export function targetTable(statement: string): string | undefined {
  for (const re of TARGETS) {
    const m = re.exec(statement.trim());
    if (m) return bare(m[m.length - 1]!);
  }
  return undefined;
}

/** Where each table the change creates is created first: file index and line. */
export function createdTables(files: readonly { statements: StatementSpan[] }[]): Map<string, { file: number; line: number }> {
  const out = new Map<string, { file: number; line: number }>();
  files.forEach((f, i) => {
    for (const s of f.statements) {
      const m = CREATE_TABLE.exec(s.text.trim());
      if (m && !out.has(bare(m[1]!))) out.set(bare(m[1]!), { file: i, line: s.line });
    }
  });
  return out;
}

const IGNORE = /--\s*dbtk:lint-ignore\s+([\w-]+(?:\s*,\s*[\w-]+)*)/;

export interface IgnoreComment {
  rules: Set<string>;
  /** Alone on its line: then it also covers the next line. */
  own: boolean;
}

/** Line (1-based) → the `-- dbtk:lint-ignore a, b` comment on it. */
export function ignoreComments(text: string): Map<number, IgnoreComment> {
  const out = new Map<number, IgnoreComment>();
  text.split("\n").forEach((l, i) => {
    const m = IGNORE.exec(l);
    if (m) out.set(i + 1, { rules: new Set(m[1]!.split(",").map((r) => r.trim())), own: l.trimStart().startsWith("--") });
  });
  return out;
}

/**
 * Whether an ignore comment names the rule: on the finding's or its statement's line, or alone on the
 * line before (a trailing comment belongs to its own statement, not to the next one).
 */
export function ignoredInline(f: LintFinding, stmt: StatementSpan | undefined, ignores: Map<number, IgnoreComment>): boolean {
  const on = (l: number) => ignores.get(l)?.rules.has(f.rule) ?? false;
  const before = (l: number) => (ignores.get(l - 1)?.own ?? false) && on(l - 1);
  return on(f.line) || before(f.line) || (stmt !== undefined && (on(stmt.line) || before(stmt.line)));
}
