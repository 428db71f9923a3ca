// The guardian process (`node dist/automation/guardian/main.js`, started detached by a run): reads its
// stdin until it closes, cleans up if the run died, and ends on its own — no handlers, no exit calls.
import { guard } from "./worker.js";

/** However a clean-up or refill goes (a server that hangs), no guardian outlives the run by more than this. */
const DEADLINE_MS = 60_000;

// Unref'd: it only fires if something still holds the process after the deadline.
const deadline = (): void => void setTimeout(() => process.kill(process.pid, "SIGKILL"), DEADLINE_MS).unref();
await guard(process.stdin, { onAbandoned: deadline, onDone: deadline }).catch(() => undefined);
// stdin may hold the loop open after "done" (the writer has not closed yet): let go of it.
process.stdin.destroy();
