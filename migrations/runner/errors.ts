// One error type for everything the runner refuses or fails at, carrying the file and line when known,
// so the CLI can print "file:line: message" and the fix.

export type MigrationErrorCode =
  | "FILES" // a file name or directory problem
  | "PLACEHOLDER" // ${name} without a value
  | "SQL_PARSE" // unterminated quote or comment
  | "VALIDATION" // edited, deleted or out-of-order migrations
  | "CONFIG" // an invalid option value (an ignore pattern)
  | "FAILED_IN_HISTORY" // a failed migration recorded earlier (MySQL/MariaDB or non-transactional)
  | "MIGRATION_FAILED" // a statement failed while applying
  | "LOCK_TIMEOUT"
  | "BASELINE"
  | "UNDO"
  | "CONNECTION"
  | "INTERRUPTED"; // the caller's AbortSignal fired

export class MigrationError extends Error {
  readonly code: MigrationErrorCode;
  /** Path of the migration file (relative to the migrations directory) the error is about. */
  readonly script?: string;
  /** 1-based line in that file. */
  readonly line?: number;
  /** The server's own message, for failed statements. */
  readonly serverMessage?: string;
  /** Individual problems, for validation errors. */
  readonly problems?: readonly { message: string; script?: string }[];

  constructor(
    code: MigrationErrorCode,
    message: string,
    extra: { script?: string; line?: number; serverMessage?: string; problems?: { message: string; script?: string }[]; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = "MigrationError";
    this.code = code;
    if (extra.script !== undefined) this.script = extra.script;
    if (extra.line !== undefined) this.line = extra.line;
    if (extra.serverMessage !== undefined) this.serverMessage = extra.serverMessage;
    if (extra.problems !== undefined) this.problems = extra.problems;
  }
}
