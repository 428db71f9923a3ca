// SIGINT/SIGTERM for commands that do long work in the library (migrations): the first signal aborts the
// work through its AbortSignal (the library cancels what runs on the server and cleans up, and the command
// exits 130/143); a second one exits at once.
import { Interrupted, signalNumber } from "../core/errors.js";
import { launchedByNpm, watchLauncher } from "./launcher-signals.js";

export interface InterruptibleOptions {
  /** Called on a second signal, just before the process exits. */
  onSecond?: (sig: NodeJS.Signals) => void;
  /**
   * The body reports an interruption in its result (as `dbtk run`'s summary does): return it as is. By
   * default a body that finishes after the signal still ends in the signal's Interrupted error.
   */
  resultReportsInterruption?: boolean;
}

/** Runs `body` with SIGINT/SIGTERM handlers installed for exactly as long as it runs. */
export async function interruptible<T>(body: (signal: AbortSignal) => Promise<T>, opts: InterruptibleOptions = {}): Promise<T> {
  const interrupt = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupt.signal.aborted) {
      opts.onSecond?.(sig);
      process.exit(128 + signalNumber(sig));
    }
    interrupt.abort(new Interrupted(sig));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Under npx / npm scripts a signal to the launcher stops at npm's shell: watch for it there.
  const launcher = launchedByNpm(process.env, process.ppid) ? watchLauncher(onSignal) : undefined;
  try {
    const result = await body(interrupt.signal);
    // Finished although interrupted (the signal came too late to cancel anything): still say so.
    if (interrupt.signal.aborted && !opts.resultReportsInterruption) throw interrupt.signal.reason as Error;
    return result;
  } finally {
    launcher?.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
