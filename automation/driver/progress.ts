// Progress lines (`<phase> <time> (details)`) reported through the caller's Progress, which owns where
// they go and blanks secrets out of them.
import type { Secrets } from "../../core/connection.js";

/** `18 ms`, `240 ms`, `1.2 s`, `2 min 5 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export interface Progress {
  /** Reports one line (the implementation redacts it with `secrets`). */
  line(text: string): void;
  /** Secrets to blank out; the driver adds each connection it hands out. */
  readonly secrets: Secrets;
}
