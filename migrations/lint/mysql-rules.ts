// Safety rules for MySQL/MariaDB migrations: statements that lock a busy table for long, copy it, or
// break the application still running against it. Changes to tables the same change creates are
// exempted afterwards, for both engines (context.ts), so --explain can show them.
import type { SourceFile } from "./files.js";
import { position, splitClauses, splitStatements } from "./mysql-split.js";
import type { LintFinding, RuleInfo } from "./types.js";

const ONLINE = "Online DDL (ALGORITHM=INPLACE, LOCK=NONE) or an online schema change tool (gh-ost, pt-online-schema-change)";

export const MYSQL_RULES: Record<string, RuleInfo> = {
  "mysql-drop-table": { id: "mysql-drop-table", severity: "error", summary: "Dropping a table breaks code that still uses it and loses its data.", safeAlternative: "Stop using the table in the application first, back it up (or rename it aside), and drop it in a later release." },
  "mysql-drop-database": { id: "mysql-drop-database", severity: "error", summary: "Dropping a database in a migration loses all of its data.", safeAlternative: "Drop databases by hand, outside migrations, after a backup." },
  "mysql-truncate-table": { id: "mysql-truncate-table", severity: "error", summary: "TRUNCATE deletes every row and cannot be rolled back.", safeAlternative: "Delete in batches with DELETE … LIMIT, or do it by hand after a backup." },
  "mysql-drop-column": { id: "mysql-drop-column", severity: "error", summary: "Dropping a column breaks code that still reads or writes it (and copies the table on older servers).", safeAlternative: "Stop using the column in the application first, then drop it in a later release with ALGORITHM=INSTANT (MySQL 8.0.29+, MariaDB 10.4+) or an online schema change tool." },
  "mysql-rename-table": { id: "mysql-rename-table", severity: "error", summary: "Renaming a table breaks code that uses the old name.", safeAlternative: "Create the new table (or a view under the new name), move readers and writers, then drop the old name in a later release." },
  "mysql-rename-column": { id: "mysql-rename-column", severity: "error", summary: "Renaming a column breaks code that uses the old name.", safeAlternative: "Add the new column, write to both, backfill, switch readers, then drop the old column in a later release." },
  "mysql-change-column-type": { id: "mysql-change-column-type", severity: "error", summary: "MODIFY/CHANGE COLUMN redefines the column and usually copies the whole table while blocking writes.", safeAlternative: `Add a new column of the new type, backfill it in batches, switch the application, then drop the old one; or use ${ONLINE}.` },
  "mysql-add-not-null-column-without-default": { id: "mysql-add-not-null-column-without-default", severity: "error", summary: "A NOT NULL column without a DEFAULT fails inserts from code that doesn't set it yet (and fails on existing rows in strict mode).", safeAlternative: "Add the column as NULL (or NOT NULL with a DEFAULT), deploy code that writes it, backfill, then make it NOT NULL." },
  "mysql-index-not-online": { id: "mysql-index-not-online", severity: "warning", summary: "An index build without ALGORITHM=INPLACE, LOCK=NONE may take a lock that blocks writes for the whole build.", safeAlternative: "Append ALGORITHM=INPLACE, LOCK=NONE, so the server builds it online or refuses at once instead of blocking writes." },
  "mysql-add-foreign-key": { id: "mysql-add-foreign-key", severity: "warning", summary: "Adding a foreign key checks every row and, with foreign_key_checks on, copies the table under a lock.", safeAlternative: "Check for orphan rows first, then SET foreign_key_checks=0 and add it with ALGORITHM=INPLACE, LOCK=NONE; or enforce the relation in the application." },
};

const ID = String.raw`(?:\x60[^\x60]+\x60|[\w$]+)(?:\s*\.\s*(?:\x60[^\x60]+\x60|[\w$]+))*`;
const bare = (name: string) => (name.split(".").pop() ?? name).replace(/\x60/g, "").trim().toLowerCase();

const NOT_COLUMN = /^(?:INDEX|KEY|UNIQUE|PRIMARY|FOREIGN|CONSTRAINT|FULLTEXT|SPATIAL|CHECK|PARTITION|PERIOD|SYSTEM)\b/i;

export function lintMysql(files: readonly SourceFile[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const file of files) {
    const report = (ruleId: string, offset: number, detail?: string) => {
      const rule = MYSQL_RULES[ruleId]!;
      const { line, column } = position(file.text, offset);
      findings.push({
        file: file.path, line, column, rule: rule.id, severity: rule.severity,
        message: detail ? `${rule.summary} (${detail})` : rule.summary,
        safeAlternative: rule.safeAlternative, source: "dbtk",
      });
    };
    for (const st of splitStatements(file.text)) {
      const t = st.text;
      let m: RegExpExecArray | null;
      if (/^DROP\s+(?:TABLE|TABLES)\b/i.test(t)) {
        report("mysql-drop-table", st.offset);
      } else if (/^DROP\s+(?:DATABASE|SCHEMA)\b/i.test(t)) {
        report("mysql-drop-database", st.offset);
      } else if (/^TRUNCATE\b/i.test(t)) {
        report("mysql-truncate-table", st.offset);
      } else if (/^RENAME\s+TABLES?\b/i.test(t)) {
        report("mysql-rename-table", st.offset);
      } else if (new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ONLINE\\s+|OFFLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${ID}\\s+(?:USING\\s+\\w+\\s+)?ON\\s+(${ID})`, "i").test(t)) {
        if (!online(t)) report("mysql-index-not-online", st.offset);
      } else if ((m = new RegExp(`^ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?(${ID})\\s*`, "i").exec(t))) {
        for (const c of splitClauses(t.slice(m[0].length), st.offset + m[0].length)) alterClause(c.text, c.offset, t, report);
      }
    }
  }
  return findings;
}

type Report = (rule: string, offset: number, detail?: string) => void;

function online(statement: string): boolean {
  return /\bALGORITHM\s*=?\s*(?:INPLACE|INSTANT|NOCOPY)\b/i.test(statement) && /\bLOCK\s*=?\s*NONE\b/i.test(statement);
}

function alterClause(c: string, offset: number, statement: string, report: Report): void {
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(${ID})`, "i").exec(c))) {
    if (!/^DROP\s+(?:INDEX|KEY|PRIMARY|FOREIGN|CONSTRAINT|CHECK|PARTITION|SYSTEM|PERIOD)\b/i.test(c)) report("mysql-drop-column", offset, `column ${bare(m[1]!)}`);
  } else if ((m = new RegExp(`^RENAME\\s+COLUMN\\s+(${ID})\\s+TO\\s+(${ID})`, "i").exec(c))) {
    report("mysql-rename-column", offset, `${bare(m[1]!)} → ${bare(m[2]!)}`);
  } else if (/^RENAME\b/i.test(c) && !/^RENAME\s+(?:INDEX|KEY)\b/i.test(c)) {
    report("mysql-rename-table", offset);
  } else if ((m = new RegExp(`^CHANGE\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(${ID})\\s+(${ID})`, "i").exec(c))) {
    const [from, to] = [bare(m[1]!), bare(m[2]!)];
    if (from !== to) report("mysql-rename-column", offset, `${from} → ${to}, and CHANGE redefines the column`);
    else report("mysql-change-column-type", offset, `column ${from}`);
  } else if ((m = new RegExp(`^MODIFY\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(${ID})`, "i").exec(c))) {
    report("mysql-change-column-type", offset, `column ${bare(m[1]!)}`);
  } else if (/^ADD\s+(?:CONSTRAINT\s+(?:\S+\s+)?)?FOREIGN\s+KEY\b/i.test(c)) {
    report("mysql-add-foreign-key", offset);
  } else if (/^ADD\s+(?:CONSTRAINT\s+(?:\S+\s+)?)?(?:UNIQUE|PRIMARY\s+KEY|FULLTEXT|SPATIAL|INDEX|KEY)\b/i.test(c)) {
    if (!online(statement)) report("mysql-index-not-online", offset);
  } else if (/^ADD\b/i.test(c)) {
    const body = c.replace(/^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?/i, "");
    if (NOT_COLUMN.test(body)) return;
    // ADD COLUMN (a INT, b INT) adds several at once.
    const defs = body.startsWith("(") ? splitClauses(body.slice(1, body.lastIndexOf(")")), 0).map((d) => d.text) : [body];
    for (const d of defs) {
      const notNull = /\bNOT\s+NULL\b/i.test(d);
      const filled = /\bDEFAULT\b|\bAUTO_INCREMENT\b|\bGENERATED\b|\bAS\s*\(/i.test(d);
      if (notNull && !filled) report("mysql-add-not-null-column-without-default", offset, `column ${bare(d.split(/\s+/)[0] ?? "")}`);
    }
  }
}
