// Splits MySQL/MariaDB migration text into statements for the lint rules. Comments and string
// contents are blanked (same length, newlines kept) so offsets map back to true lines and columns,
// and so a keyword inside a string or comment never matches. Honours the client's DELIMITER command.

export interface Statement {
  /** The statement with comments and string contents blanked; identifiers and keywords intact. */
  text: string;
  /** Offset of `text` in the file. */
  offset: number;
}

const blank = (s: string) => s.replace(/[^\n]/g, " ");

/** The file with comments and string contents replaced by spaces. */
export function maskSql(sql: string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? "";
    if ((c === "-" && next === "-" && /[\s]/.test(sql[i + 2] ?? "\n")) || c === "#") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += blank(sql.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += blank(sql.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "\\") j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += c + blank(sql.slice(i + 1, j)) + (j < sql.length ? c : "");
      i = j + 1;
    } else if (c === "`") {
      const end = sql.indexOf("`", i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function splitStatements(sql: string): Statement[] {
  const masked = maskSql(sql);
  const out: Statement[] = [];
  let delimiter = ";";
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = masked.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) out.push({ text: raw.trim(), offset: start + lead });
  };
  while (i < masked.length) {
    const lineStart = i === 0 || masked[i - 1] === "\n";
    if (lineStart) {
      const m = /^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*(?=\n|$)/i.exec(masked.slice(i));
      if (m) {
        push(i);
        delimiter = m[1]!;
        i += m[0].length;
        start = i;
        continue;
      }
    }
    if (masked.startsWith(delimiter, i)) {
      push(i);
      i += delimiter.length;
      start = i;
      continue;
    }
    if (masked[i] === "`") {
      const end = masked.indexOf("`", i + 1);
      i = end === -1 ? masked.length : end + 1;
      continue;
    }
    i++;
  }
  push(masked.length);
  return out;
}

/** Top-level comma-separated parts of `text` (commas inside parentheses don't split), with offsets. */
export function splitClauses(text: string, base: number): Statement[] {
  const out: Statement[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) out.push({ text: raw.trim(), offset: base + start + lead });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "`") {
      const end = text.indexOf("`", i + 1);
      i = end === -1 ? text.length : end;
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return out;
}

/** 1-based line and column of an offset. */
export function position(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
