// Progress lines on stderr (`dbtk: <phase> <time> (details)`) and the one place every printed text goes
// through to have secrets blanked out.
import { databaseUrl, redactedUrl, type DbTarget } from "../../migrations/connection.js";

/** Every secret this process has seen; `redact` blanks them out of any text before it is printed. */
export class Secrets {
  /** Secret → what is printed instead. */
  private readonly values = new Map<string, string>();

  add(...values: Array<string | undefined>): void {
    for (const v of values) {
      if (!v || v.length < 4) continue;
      this.values.set(v, "****");
      // URLs carry the password percent-encoded.
      this.values.set(encodeURIComponent(v), "****");
    }
  }

  addConnection(conn: DbTarget): void {
    this.add(conn.password);
    // The whole URL becomes its redacted form, so messages keep user, host and database.
    if (conn.password) this.values.set(databaseUrl(conn), redactedUrl(conn));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a URL is replaced whole rather than around its password.
    for (const [v, r] of [...this.values].sort((a, b) => b[0].length - a[0].length)) out = out.split(v).join(r);
    return out;
  }
}

/** `18 ms`, `240 ms`, `1.2 s`, `2 min 5 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export interface Progress {
  /** Prints `dbtk: <text>` (redacted). */
  line(text: string): void;
  readonly secrets: Secrets;
}

export function stderrProgress(secrets: Secrets, opts: { quiet?: boolean; write?: (s: string) => void } = {}): Progress {
  const write = opts.write ?? ((s: string) => void process.stderr.write(s));
  return {
    secrets,
    line(text) {
      if (!opts.quiet) write(`dbtk: ${secrets.redact(text)}\n`);
    },
  };
}

/** An error whose message is safe to print, with the exit code the CLI should use. */
export class DbtkError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "DbtkError";
  }
}

/** The error's message with secrets blanked (and the causes' messages, which drivers often hide there). */
export function safeMessage(err: unknown, secrets: Secrets): string {
  const e = err as Error & { cause?: unknown };
  let msg = e?.message ?? String(err);
  if (e?.cause instanceof Error && !msg.includes(e.cause.message)) msg += `: ${e.cause.message}`;
  return secrets.redact(msg);
}
