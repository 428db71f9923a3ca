// Errors whose message is safe to print. Library messages name the caller's options the way the API
// spells them (`options.serverUrl`, `spec.region`); a front end may re-word them in its own terms (the CLI
// says `--server-url`), so library code never names command-line flags.
import { constants } from "node:os";

/** An error whose message is safe to print, with the exit code a command-line front end should use. */
export class DbtkError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DbtkError";
  }
}

/**
 * Why a run was interrupted, as an AbortSignal's reason: the signal to pass on to a command the run
 * started, and the exit code 128 + its number (130 for SIGINT, 143 for SIGTERM). Whoever owns the
 * process's signal handlers (the CLI) creates it; library code only reacts to the abort.
 */
export class Interrupted extends DbtkError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, 128 + signalNumber(signal));
    this.name = "Interrupted";
  }
}

/** The signal's number (SIGINT 2, SIGTERM 15). */
export function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 15;
}
