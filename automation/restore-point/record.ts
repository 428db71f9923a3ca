// Names and the metadata record of restore points, in the same versioned-JSON form the run databases
// carry (targets/meta.ts), so one comment read tells what a database is.
import { DbtkError } from "../../core/errors.js";
import { newId } from "../targets/meta.js";
import type { AsideRecord, RestorePoint, RestorePointRecord } from "./types.js";

/** `dbtk_rp_<base36 ms>_<random>`: sorts by time; never matches the run databases' ID_RE, so reap leaves it. */
export const RP_RE = /^dbtk_rp_[0-9a-z]{8,}_[0-9a-z]{10}$/;
/** What a restore set aside: `dbtk_rpx_<base36 ms>_<random>`. */
export const ASIDE_RE = /^dbtk_rpx_[0-9a-z]{8,}_[0-9a-z]{10}$/;

export const newRestorePointId = (now = Date.now()): string => newId(now).replace(/^dbtk_/, "dbtk_rp_");
export const newAsideName = (now = Date.now()): string => newId(now).replace(/^dbtk_/, "dbtk_rpx_");

export function encodeRecord(r: RestorePointRecord | AsideRecord): string {
  return JSON.stringify(r);
}

export function decodeRecord(text: string | null | undefined): RestorePointRecord | AsideRecord | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<RestorePointRecord | AsideRecord>;
    if (v.dbtk !== 1 || typeof v.source !== "string" || typeof v.createdAt !== "string") return undefined;
    if (v.kind === "restore-point" || v.kind === "restore-aside") return v as RestorePointRecord | AsideRecord;
  } catch {
    // Not ours.
  }
  return undefined;
}

/** One found database (name + comment) as a listed restore point, or undefined when it is none. */
export function listed(engine: RestorePoint["engine"], name: string, comment: string | null | undefined, sizeBytes?: number): RestorePoint | undefined {
  if (!RP_RE.test(name) && !ASIDE_RE.test(name)) return undefined;
  const rec = decodeRecord(comment);
  const size = sizeBytes !== undefined ? { sizeBytes } : {};
  if (rec?.kind === "restore-aside") {
    return { id: name, engine, source: rec.source, createdAt: rec.createdAt, versionBefore: null, state: "aside", ...size };
  }
  if (rec?.kind === "restore-point") {
    return { id: name, engine, source: rec.source, createdAt: rec.createdAt, versionBefore: rec.versionBefore, state: rec.state === "ready" ? "ready" : "incomplete", ...size };
  }
  // No record: a copy interrupted before its metadata was written.
  return { id: name, engine, source: "?", createdAt: "?", versionBefore: null, state: ASIDE_RE.test(name) ? "aside" : "incomplete", ...size };
}

/** The restore points of `database` (and leftovers of unknown source), newest first. */
export function ofDatabase(all: RestorePoint[], database: string): RestorePoint[] {
  return all.filter((p) => p.source === database || p.source === "?").sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

const LS = "list them with `dbtk restore-point ls`";

/** The one restore point `id` of `database`, refusing an unknown id, another database's, or an unfinished one. */
export function requirePoint(all: RestorePoint[], id: string, database: string, forRestore: boolean): RestorePoint {
  const p = all.find((x) => x.id === id);
  if (!p) throw new DbtkError(`no restore point "${id}" on this server; ${LS}`);
  if (p.source !== database && p.source !== "?") {
    throw new DbtkError(`restore point "${id}" is a copy of database "${p.source}", not "${database}": connect to "${p.source}" to use it, or ${LS}`);
  }
  if (forRestore && p.state !== "ready") {
    const why = p.state === "aside" ? "what an earlier restore replaced" : "incomplete: its copy was interrupted";
    throw new DbtkError(`restore point "${id}" cannot be restored: it is ${why}; drop it with \`dbtk restore-point drop ${id}\``);
  }
  return p;
}

export function record(source: string, versionBefore: string | null, state: RestorePointRecord["state"], now: Date, comment?: string | null): RestorePointRecord {
  return { dbtk: 1, kind: "restore-point", source, createdAt: now.toISOString(), versionBefore, state, ...(comment ? { comment } : {}) };
}

export function asideRecord(source: string, restorePoint: string, now: Date): AsideRecord {
  return { dbtk: 1, kind: "restore-aside", source, restorePoint, createdAt: now.toISOString() };
}
