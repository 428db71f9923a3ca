// Takes a schema snapshot of one database, and renders it as deterministic JSON.
import type { DbTarget } from "../../core/connection.js";
import { withDb } from "./db.js";
import { snapshotMysql } from "./mysql.js";
import { snapshotPostgres } from "./postgres.js";
import { HISTORY_TABLES, type Json, type SchemaSnapshot, type SnapshotOptions } from "./types.js";

export async function snapshotSchema(target: DbTarget, opts: SnapshotOptions = {}): Promise<SchemaSnapshot> {
  const exclude = new Set([...HISTORY_TABLES, ...(opts.exclude ?? [])]);
  const snap: SchemaSnapshot = { engine: target.engine, objects: {} };
  await withDb(target, (db) => (target.engine === "postgres" ? snapshotPostgres(db, snap, opts, exclude) : snapshotMysql(db, snap, exclude)));
  return sortSnapshot(snap);
}

/** Objects in key order, so the JSON form of equal schemas is byte-identical. */
function sortSnapshot(snap: SchemaSnapshot): SchemaSnapshot {
  const objects: SchemaSnapshot["objects"] = {};
  for (const key of Object.keys(snap.objects).sort()) {
    const o = snap.objects[key];
    if (o) objects[key] = o;
  }
  return { engine: snap.engine, objects };
}

/** Recursively key-sorted; arrays keep their order (it is meaningful: columns of a key, enum labels). */
export function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return (value ?? null) as Json;
}

export function snapshotToJson(snap: SchemaSnapshot): string {
  return JSON.stringify(canonical(snap), null, 2) + "\n";
}
