// What a hand-out leaves for later: topping the pool of pre-made clones back up and the template clean-up.
// A run does it in the background, or hands it to its guardian (which outlives the run) so the run's exit
// does not wait for a clone and its checkpoints.
import type { TemplateSupport } from "../targets/types.js";

export interface RefillWork {
  /** The template whose pool to top up (kept by the clean-up whatever its age). */
  key: string;
  /** Pre-made clones to keep ready; 0: clean-up only. */
  poolSize: number;
  /** The template cache's limits for the clean-up. */
  policy: { maxAgeMs: number; maxBytes: number };
}

/** Hears of each clone while it is half made (`made`) and once it belongs to the pool (`done`). */
export interface FillWatch {
  made(id: string): void;
  done(id: string): void;
}

/** Fills the pool, then cleans the cache up; returns how many clones it made. Throws what fails. */
export async function refill(tpl: TemplateSupport, work: RefillWork, watch?: FillWatch): Promise<number> {
  const made = work.poolSize > 0 && tpl.fill ? await tpl.fill(work.key, work.poolSize, watch) : 0;
  await tpl.gc({ ...work.policy, keep: [work.key] });
  return made;
}
