// Splits a migration into statements the way the server will see them, so each statement can be run,
// classified (needs to run outside a transaction?) and mapped back to a line of the file.
// PostgreSQL: '…' (E'…' with backslashes), "…", $tag$…$tag$, -- and nested /* */ comments, and
// BEGIN ATOMIC … END bodies. MySQL/MariaDB: '…' and "…" with backslashes, `…`, #, "-- " and /* */
// comments, BEGIN … END bodies of routines, triggers and events, and the client's DELIMITER command.

export type Dialect = "postgres" | "mysql";

export interface Statement {
  /** The statement's text, from its first token up to (not including) the delimiter. */
  text: string;
  /** Offset of `text` in the input. */
  start: number;
  /** 1-based line of the first token. */
  line: number;
  /** The first words (keywords or identifiers, upper-cased) outside quotes and comments. */
  words: string[];
}

export class SqlSplitError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
/** A whole word from lastIndex (sticky): one regex run per word, not one per character. */
const WORD = new RegExp(`${WORD_START.source}${WORD_CHAR.source}*`, "y");
const MAX_WORDS = 12;

/** 1-based line of an offset, given the offsets where lines start. */
export function lineAt(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

const BLOCK_KINDS: Record<Dialect, readonly string[]> = { postgres: ["FUNCTION", "PROCEDURE"], mysql: ["FUNCTION", "PROCEDURE", "TRIGGER", "EVENT"] };

/**
 * Whether a statement's body is a BEGIN … END block that contains semicolons, told as its words arrive:
 * `words` has just had its last word pushed; `known` is the answer so far (undefined: not decided yet).
 */
function blockBody(words: readonly string[], dialect: Dialect, known: boolean | undefined): boolean | undefined {
  if (known !== undefined) return known;
  const k = words.length - 1;
  if (k === 0) return words[0] === "CREATE" || (dialect === "mysql" && words[0] === "BEGIN") ? undefined : false;
  if (words[0] === "BEGIN") return words[1] === "NOT";
  if (BLOCK_KINDS[dialect].includes(words[k]!)) return true;
  return k >= 9 ? false : undefined;
}

export function splitSql(sql: string, dialect: Dialect): Statement[] {
  const lines = lineStartsOf(sql);
  const out: Statement[] = [];
  const n = sql.length;
  let delimiter = ";";
  let start = -1; // first token of the current statement
  let words: string[] = [];
  let block: boolean | undefined;
  let depth = 0; // BEGIN/CASE … END nesting inside block bodies
  let afterEnd = false; // the previous word was END and this one follows it (END IF, END CASE, END label)
  let i = 0;

  const begin = (at: number) => {
    if (start < 0) start = at;
  };
  const finish = (end: number) => {
    if (start >= 0) {
      const text = sql.slice(start, end).replace(/\s+$/, "");
      out.push({ text, start, line: lineAt(lines, start), words });
    }
    start = -1;
    words = [];
    block = undefined;
    depth = 0;
    afterEnd = false;
  };
  const skipQuoted = (quote: string, backslash: boolean, from: number): number => {
    let j = from + 1;
    while (j < n) {
      const c = sql[j];
      if (backslash && c === "\\") j += 2;
      else if (c === quote) {
        if (sql[j + 1] === quote) j += 2;
        else return j + 1;
      } else j++;
    }
    const what = quote === "'" ? "string" : quote === "`" ? "identifier" : "quoted identifier";
    throw new SqlSplitError(`unterminated ${what} (missing closing ${quote})`, from);
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    // Whitespace
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    // Comments
    if (c === "-" && next === "-" && (dialect === "postgres" || i + 2 >= n || /[\s\x00-\x1f]/.test(sql[i + 2]!))) {
      while (i < n && sql[i] !== "\n" && sql[i] !== "\r") i++;
      continue;
    }
    if (c === "#" && dialect === "mysql") {
      while (i < n && sql[i] !== "\n" && sql[i] !== "\r") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const from = i;
      let nest = 1;
      i += 2;
      while (i < n && nest > 0) {
        if (sql[i] === "*" && sql[i + 1] === "/") {
          nest--;
          i += 2;
        } else if (dialect === "postgres" && sql[i] === "/" && sql[i + 1] === "*") {
          nest++;
          i += 2;
        } else i++;
      }
      if (nest > 0) throw new SqlSplitError("unterminated /* comment", from);
      continue;
    }
    // The mysql client's DELIMITER command, at the start of a statement.
    if (dialect === "mysql" && start < 0 && /^delimiter[ \t]/i.test(sql.slice(i, i + 10))) {
      let eol = i;
      while (eol < n && sql[eol] !== "\n" && sql[eol] !== "\r") eol++;
      const d = sql.slice(i + 10, eol).trim();
      if (!d) throw new SqlSplitError("DELIMITER without a delimiter", i);
      delimiter = d;
      i = eol;
      continue;
    }
    // Delimiter
    if (depth === 0 && sql.startsWith(delimiter, i)) {
      finish(i);
      i += delimiter.length;
      continue;
    }
    begin(i);
    // Quotes
    if (c === "'") {
      const prev = sql[i - 1];
      const escapeString = dialect === "postgres" && (prev === "E" || prev === "e") && !WORD_CHAR.test(sql[i - 2] ?? " ");
      i = skipQuoted("'", dialect === "mysql" || escapeString, i);
      continue;
    }
    if (c === '"') {
      i = skipQuoted('"', dialect === "mysql", i);
      continue;
    }
    if (c === "`" && dialect === "mysql") {
      i = skipQuoted("`", false, i);
      continue;
    }
    if (c === "$" && dialect === "postgres" && !WORD_CHAR.test(sql[i - 1] ?? " ")) {
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const close = sql.indexOf(tag, i + tag.length);
        if (close < 0) throw new SqlSplitError(`unterminated dollar-quoted string (missing closing ${tag})`, i);
        i = close + tag.length;
        continue;
      }
    }
    // Words: collected for classification, and BEGIN/CASE/END counted inside block bodies.
    if (WORD_START.test(c)) {
      let j: number;
      if (delimiter === ";") {
        WORD.lastIndex = i;
        WORD.test(sql);
        j = WORD.lastIndex;
      } else {
        // A word ends at a DELIMITER-set delimiter too: `END$$` is END then $$, as the mysql client and Flyway read it.
        j = i + 1;
        while (j < n && WORD_CHAR.test(sql[j]!) && !sql.startsWith(delimiter, j)) j++;
      }
      const word = sql.slice(i, j).toUpperCase();
      if (words.length < MAX_WORDS) {
        words.push(word);
        block = blockBody(words, dialect, block);
      }
      if (block) {
        let following = "";
        if (afterEnd) {
          // END CASE closes the CASE counted below; END IF / END LOOP … close openers never counted.
        } else if (word === "BEGIN" || word === "CASE") depth++;
        else if (word === "END") {
          following = /^\s*([A-Za-z_]+)/.exec(sql.slice(j, j + 40))?.[1]?.toUpperCase() ?? "";
          if (!["IF", "LOOP", "WHILE", "REPEAT"].includes(following)) depth = Math.max(0, depth - 1);
        }
        afterEnd = following !== "";
      }
      i = j;
      continue;
    }
    i++;
  }
  finish(n);
  return out;
}
