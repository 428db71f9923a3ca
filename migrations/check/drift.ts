// CI check (b): drift. A live database's schema against what its own applied migrations produce on a
// fresh scratch database: objects added by hand, missing, or changed.
import type { DbTarget } from "../../core/connection.js";
import { diffSchemas, isEmptyDiff, type SchemaDiff } from "../schema/diff.js";
import { snapshotSchema } from "../schema/snapshot.js";
import type { SnapshotOptions } from "../schema/types.js";
import type { Applier } from "./appliers.js";
import { withScratchDatabase } from "./scratch.js";

export interface DriftOptions {
  applier: Applier;
  /** The live database. */
  live: DbTarget;
  /** Admin login on the server the scratch database is created on. */
  server: DbTarget;
  schemas?: readonly string[];
  onProgress?: (line: string) => void;
}

export interface DriftResult {
  drift: boolean;
  /** The live database's position (version, revision, changeset count), or undefined when it has none. */
  appliedPosition: string | undefined;
  /** expected = the migrations' result; actual = the live database. */
  diff: SchemaDiff;
}

export async function checkDrift(o: DriftOptions): Promise<DriftResult> {
  if (o.live.engine !== o.server.engine) {
    throw new Error(`drift: the live database is ${o.live.engine} but the scratch server is ${o.server.engine}; use a ${o.live.engine} server`);
  }
  const say = o.onProgress ?? (() => undefined);
  const snapOpts: SnapshotOptions = { exclude: o.applier.historyTables, ...(o.schemas ? { schemas: o.schemas } : {}) };
  const position = await o.applier.applied(o.live);
  say(`live database ${o.live.database} is at ${position ?? "no migration"}`);
  const actual = await snapshotSchema(o.live, snapOpts);
  const expected = await withScratchDatabase(o.server, async (db) => {
    if (position !== undefined) {
      say(`applying ${o.applier.label} up to ${position} on scratch database ${db.database}`);
      await o.applier.migrate(db, position);
    }
    return snapshotSchema(db, snapOpts);
  });
  const diff = diffSchemas(expected, actual);
  return { drift: !isEmptyDiff(diff), appliedPosition: position, diff };
}
