// PostgreSQL statements that refuse to run inside a transaction block. A migration containing one runs
// statement by statement outside a transaction (as does one marked `-- dbtk:no-transaction`).

/** `words`: the statement's first words, upper-cased; `serverVersion`: server_version_num. */
export function cannotRunInTransaction(words: readonly string[], serverVersion: number): boolean {
  const [w0, w1, w2, w3] = words;
  const within = (word: string, n: number) => words.slice(0, n).includes(word);
  switch (w0) {
    case "VACUUM":
      return true;
    case "CREATE":
      if (w1 === "INDEX" && w2 === "CONCURRENTLY") return true;
      if (w1 === "UNIQUE" && w2 === "INDEX" && w3 === "CONCURRENTLY") return true;
      return w1 === "DATABASE" || w1 === "TABLESPACE" || w1 === "SUBSCRIPTION";
    case "DROP":
      if (w1 === "INDEX" && w2 === "CONCURRENTLY") return true;
      return w1 === "DATABASE" || w1 === "TABLESPACE" || w1 === "SUBSCRIPTION";
    case "REINDEX":
      return within("CONCURRENTLY", 6) || within("DATABASE", 4) || within("SYSTEM", 4);
    case "ALTER":
      if (w1 === "SYSTEM") return true;
      // ALTER TYPE … ADD VALUE: allowed in a transaction from PostgreSQL 12.
      return w1 === "TYPE" && serverVersion < 120000 && words.includes("ADD") && words.includes("VALUE");
    case "CLUSTER":
      return words.length === 1;
    default:
      return false;
  }
}

/**
 * The runner's one decision whether a file runs in a transaction (session.ts for a migration run, the lint
 * through execution-model.ts): not when the file opts out, nor on PostgreSQL when a statement cannot run in one.
 */
export function runsInTransactionGiven(
  noTransaction: boolean,
  statements: readonly { words: readonly string[] }[],
  engine: string,
  serverVersion: number,
): boolean {
  if (noTransaction) return false;
  return !(engine === "postgres" && statements.some((s) => cannotRunInTransaction(s.words, serverVersion)));
}
