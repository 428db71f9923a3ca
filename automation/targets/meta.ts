// Names, owners, lifetimes and the metadata record every ephemeral database carries, shared by the
// PostgreSQL and MySQL primitives and the reaper.
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { identify, liveness, type ProcessIdentity } from "../../core/process.js";
import type { EphemeralMeta } from "./types.js";

/** `dbtk_<base36 ms time>_<10 random base36 chars>`: sorts by time, ~52 bits of randomness per ms. */
export const ID_RE = /^dbtk_([0-9a-z]{8,})_([0-9a-z]{10})$/;
/** Template databases / schemas: `dbtk_tpl_<16 hex of the key>`. */
export const TEMPLATE_RE = /^dbtk_tpl_([0-9a-f]{16})$/;

export function newId(now = Date.now()): string {
  let rand = "";
  while (rand.length < 10) rand += BigInt("0x" + randomBytes(8).toString("hex")).toString(36);
  return `dbtk_${now.toString(36)}_${rand.slice(0, 10)}`;
}

/** Creation time encoded in an id, or undefined for names that are not ids. */
export function idTime(id: string): Date | undefined {
  const m = ID_RE.exec(id);
  if (!m) return undefined;
  const ms = parseInt(m[1] as string, 36);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

export function templateName(key: string): string {
  return `dbtk_tpl_${key.slice(0, 16)}`;
}

/** A random password safe in URLs and SQL literals. */
export function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Who made it, from the given environment (the CLI passes its own; the library reads none): DBTK_OWNER,
 * else the CI job (GitHub, GitLab, Buildkite, CircleCI, Jenkins), else user@host.
 */
export function defaultOwner(env: Readonly<Record<string, string | undefined>> = {}): string {
  if (env.DBTK_OWNER) return env.DBTK_OWNER;
  if (env.GITHUB_ACTIONS && env.GITHUB_RUN_ID) {
    return `github:${env.GITHUB_REPOSITORY ?? "?"}/runs/${env.GITHUB_RUN_ID}/${env.GITHUB_JOB ?? ""}`;
  }
  if (env.GITLAB_CI && env.CI_JOB_ID) return `gitlab:${env.CI_PROJECT_PATH ?? "?"}/jobs/${env.CI_JOB_ID}`;
  if (env.BUILDKITE_JOB_ID) return `buildkite:${env.BUILDKITE_PIPELINE_SLUG ?? "?"}/jobs/${env.BUILDKITE_JOB_ID}`;
  if (env.CIRCLECI && env.CIRCLE_WORKFLOW_JOB_ID) return `circleci:${env.CIRCLE_PROJECT_REPONAME ?? "?"}/${env.CIRCLE_WORKFLOW_JOB_ID}`;
  if (env.JENKINS_URL && env.BUILD_TAG) return `jenkins:${env.BUILD_TAG}`;
  let user = env.USER ?? "";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return `${user || "unknown"}@${hostname()}`;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `1h30m`, `90s`, `2d`, `500ms` → milliseconds. */
export function parseDuration(text: string, what = "duration"): number {
  const s = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (!s || pos !== s.length || total <= 0) {
    throw new Error(`${what}: "${text}" is not a duration; use a number with a unit, e.g. 90s, 30m, 2h, 1d`);
  }
  return total;
}

export interface NewMetaOptions {
  target: string;
  ttlMs: number;
  owner?: string;
  /**
   * Record this process as the owner (default: pid, start time, boot, host), so reap keeps the database
   * while it lives and can tell a dead run's leftovers; false for `dbtk up`.
   */
  trackPid?: boolean;
  now?: number;
}

export function newMeta(opts: NewMetaOptions): EphemeralMeta {
  const now = opts.now ?? Date.now();
  return {
    id: newId(now),
    target: opts.target,
    owner: opts.owner ?? defaultOwner(),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + opts.ttlMs).toISOString(),
    host: hostname(),
    ...(opts.trackPid === false ? {} : ownerFields(identify())),
    state: "ready",
  };
}

/** The owner fields of a record for `id`. */
export function ownerFields(id: ProcessIdentity): Pick<EphemeralMeta, "pid" | "start" | "boot"> {
  return { pid: id.pid, ...(id.start !== undefined ? { start: id.start } : {}), ...(id.boot ? { boot: id.boot } : {}) };
}

/** The record without an owner (a pooled clone outlives its maker on purpose). */
export function withoutOwner(meta: EphemeralMeta): EphemeralMeta {
  const { pid: _pid, start: _start, boot: _boot, ...rest } = meta;
  return rest;
}

/** The owner a record names, or undefined when it has none (`dbtk up`, pooled clones). */
export function ownerOf(meta: EphemeralMeta): ProcessIdentity | undefined {
  if (!meta.pid || !meta.host) return undefined;
  return { pid: meta.pid, host: meta.host, ...(meta.start !== undefined ? { start: meta.start } : {}), ...(meta.boot ? { boot: meta.boot } : {}) };
}

/**
 * Whether the owner still runs: "alive", "gone" (no such process: exited, or its pid reused, or another
 * boot), "unknown" (another host: not judged from here), or "none" (no owner recorded).
 */
export function ownerLiveness(meta: EphemeralMeta): "alive" | "gone" | "unknown" | "none" {
  const owner = ownerOf(meta);
  return owner ? liveness(owner) : "none";
}

/** True when `meta` names this very process as its owner (the guardian sweeps a dead run's records by it). */
export function ownedBy(meta: EphemeralMeta, owner: ProcessIdentity): boolean {
  return meta.pid === owner.pid && meta.host === owner.host && meta.start === owner.start && meta.boot === owner.boot;
}

/** The record stored with a database (PG comment / MySQL row), versioned so a later format can coexist. */
export function encodeMeta(meta: EphemeralMeta): string {
  return JSON.stringify({ dbtk: 1, ...meta });
}

export function decodeMeta(id: string, text: string | null | undefined): EphemeralMeta | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<EphemeralMeta> & { dbtk?: number };
    if (v.dbtk !== 1 || typeof v.expiresAt !== "string" || typeof v.createdAt !== "string") return undefined;
    const { dbtk: _version, ...rest } = v;
    return { target: "?", owner: "?", ...rest, id } as EphemeralMeta;
  } catch {
    return undefined;
  }
}

/** True when the process that recorded `meta` ran on this host and is gone (pid reuse included). */
export function ownerProcessDead(meta: EphemeralMeta): boolean {
  return ownerLiveness(meta) === "gone";
}

/**
 * A pooled clone this close to its expiry is never handed out, so reap (which drops it once expired) and
 * a claim cannot meet on one clone.
 */
export const CLAIM_MARGIN_MS = 60_000;

/** True when the pooled clone `meta` may still be handed out at `now`. */
export function claimable(meta: EphemeralMeta | undefined, now = Date.now()): boolean {
  return !!meta && meta.state === "pool" && Date.parse(meta.expiresAt) - now > CLAIM_MARGIN_MS;
}

/**
 * A leftover without a metadata record (the maker died between two statements): its id still says when it
 * was made; treat it as expired after a grace period long enough for any creation to finish.
 */
export const ORPHAN_GRACE_MS = 60_000;

export function fallbackMeta(id: string, target: string): EphemeralMeta | undefined {
  const t = idTime(id);
  if (!t) return undefined;
  return {
    id,
    target,
    owner: "?",
    createdAt: t.toISOString(),
    expiresAt: new Date(t.getTime() + ORPHAN_GRACE_MS).toISOString(),
    state: "filling",
  };
}
