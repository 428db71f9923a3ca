// Usage errors (exit 2, like commander's own) and the warning for a password given on the command line.
import { DbtkError } from "../../core/errors.js";

/** An error in how the command was called: a flag's value, a missing input. Exit code 2. */
export function usage(message: string): DbtkError {
  return new DbtkError(message, 2);
}

/**
 * A URL given as a flag is visible to every local user in the process list (`ps`, /proc/<pid>/cmdline):
 * say so once on stderr when it holds a password.
 */
export function warnUrlFlag(target: { password: string }, flag = "--url", safer = "DATABASE_URL"): void {
  if (!target.password) return;
  process.stderr.write(
    `dbtk: warning: the password in ${flag} shows in the process list (ps) to every local user; set ${safer} instead\n`,
  );
}
