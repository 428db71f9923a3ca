// CI check (a): apply everything on a fresh database, undo, apply again. The schema after the second
// apply must equal the first; after the undo it must equal a fresh database at the undo's stop point.
import type { DbTarget } from "../../core/connection.js";
import { diffSchemas, isEmptyDiff, type SchemaDiff } from "../schema/diff.js";
import { snapshotSchema } from "../schema/snapshot.js";
import type { SchemaSnapshot, SnapshotOptions } from "../schema/types.js";
import type { Applier } from "./appliers.js";
import { withScratchDatabase } from "./scratch.js";

export interface RoundTripOptions {
  applier: Applier;
  /** Admin login on the server the scratch databases are created on (and dropped from). */
  server: DbTarget;
  schemas?: readonly string[];
  onProgress?: (line: string) => void;
}

export interface RoundTripResult {
  ok: boolean;
  /** What was undone, or why undo was skipped. */
  undo: { done: true; description: string } | { done: false; reason: string };
  /** The schema after the undo vs a fresh database at the same point (empty when the undo is clean). */
  undoDiff?: SchemaDiff;
  /** The first apply vs the second. */
  reapplyDiff: SchemaDiff;
  /** The schema after the first apply. */
  schema: SchemaSnapshot;
}

export async function checkRoundTrip(o: RoundTripOptions): Promise<RoundTripResult> {
  const say = o.onProgress ?? (() => undefined);
  const snapOpts: SnapshotOptions = { exclude: o.applier.historyTables, ...(o.schemas ? { schemas: o.schemas } : {}) };
  return withScratchDatabase(o.server, async (db) => {
    const empty = await snapshotSchema(db, snapOpts);
    say(`apply all: ${o.applier.label} on scratch database ${db.database}`);
    await o.applier.migrate(db);
    const first = await snapshotSchema(db, snapOpts);
    const plan = await o.applier.undoPlan(db);
    if ("skipped" in plan) {
      say(`undo skipped: ${plan.skipped}`);
      return { ok: true, undo: { done: false, reason: plan.skipped }, reapplyDiff: diffSchemas(first, first), schema: first };
    }
    say(plan.description);
    await o.applier.undo(db, plan);
    const afterUndo = await snapshotSchema(db, snapOpts);
    const expected =
      plan.to === undefined
        ? empty
        : await withScratchDatabase(o.server, async (ref) => {
            await o.applier.migrate(ref, plan.to);
            return snapshotSchema(ref, snapOpts);
          });
    const undoDiff = diffSchemas(expected, afterUndo);
    say("apply all again");
    await o.applier.migrate(db);
    const reapplyDiff = diffSchemas(first, await snapshotSchema(db, snapOpts));
    return {
      ok: isEmptyDiff(undoDiff) && isEmptyDiff(reapplyDiff),
      undo: { done: true, description: plan.description },
      undoDiff,
      reapplyDiff,
      schema: first,
    };
  });
}
