// PostgreSQL protocol helpers of the runner: a multi-statement simple query that counts completed
// statements and spots the history rows and commits it returns, and the server error's message and position.
import pg from "pg";

/** Column name a lone migration's history INSERT returns (RETURNING … AS), so a file's own rows never match. */
export const APPLIED_MARK = "dbtk: applied";

/**
 * A simple query that counts completed statements, to tell which statement of a multi-statement query
 * failed; reports each row of a result whose first column is APPLIED_MARK, and each COMMIT, as they arrive.
 */
export class CountingQuery extends pg.Query {
  completed = 0;
  /** performance.now() of the last reply (a row or a completed command). */
  lastMessageAt = 0;
  private marking = false;

  constructor(
    text: string,
    private readonly hooks: { onMark?: (value: string | null) => void; onCommit?: (completed: number) => void } = {},
  ) {
    super(text);
  }

  handleCommandComplete(msg: { text?: string }, connection: unknown): void {
    this.completed++;
    this.lastMessageAt = performance.now();
    this.marking = false;
    (pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: unknown): void }).handleCommandComplete.call(this, msg, connection);
    if (msg.text === "COMMIT") this.hooks.onCommit?.(this.completed);
  }

  handleRowDescription(msg: { fields: { name: string }[] }): void {
    this.marking = msg.fields[0]?.name === APPLIED_MARK;
    (pg.Query.prototype as unknown as { handleRowDescription(m: unknown): void }).handleRowDescription.call(this, msg);
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.lastMessageAt = performance.now();
    if (this.marking) this.hooks.onMark?.(msg.fields[0] ?? null);
    (pg.Query.prototype as unknown as { handleDataRow(m: unknown): void }).handleDataRow.call(this, msg);
  }

  /** Sends the query on `client`; resolves when the server is ready again. */
  run(client: pg.Client): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.on("end", () => resolve());
      this.on("error", reject);
      void client.query(this);
    });
  }
}

export interface PgError extends Error {
  code?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

export function serverMessage(err: PgError): string {
  const parts = [err.message];
  if (err.detail) parts.push(`DETAIL: ${err.detail}`);
  if (err.hint) parts.push(`HINT: ${err.hint}`);
  if (err.where) parts.push(`CONTEXT: ${err.where}`);
  return parts.join("\n  ");
}

/** A server position (1-based, in characters) as a UTF-16 offset into `text`. */
export function positionToOffset(text: string, position: string | undefined): number | undefined {
  const p = Number(position);
  if (!Number.isInteger(p) || p < 1) return undefined;
  let chars = 0;
  for (let i = 0; i < text.length; i++) {
    if (chars === p - 1) return i;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    chars++;
  }
  return text.length;
}
