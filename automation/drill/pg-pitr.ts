// Point-in-time recovery on the embedded PostgreSQL, for real: a source cluster that archives its WAL,
// a base backup with the low-level API, and a recovery to a target time into a scratch data directory.
import { execFile } from "node:child_process";
import { constants, existsSync, readFileSync } from "node:fs";
import { chmod, copyFile, lchown, mkdir, readdir, rm, writeFile, appendFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../../core/servers/net.js";
import { ownedDir, serverUser, type OsUser } from "../../core/servers/os-user.js";
import { pgProcessOptions, postgresBinaries, startLocalPostgres } from "../../core/servers/postgres.js";
import type { ServerHandle } from "../../core/servers/types.js";
import { driverOptions, type DbTarget } from "../../core/connection.js";

const run = promisify(execFile);

/** A local cluster with WAL archiving on: every completed WAL segment is copied to `archiveDir`. */
export interface PitrSource {
  server: ServerHandle;
  rootDir: string;
  dataDir: string;
  archiveDir: string;
  user: OsUser | undefined;
}

// The archive command travels through pg_ctl's shell: keep paths to characters that need no quoting.
const SAFE_PATH = /^[A-Za-z0-9_./+-]+$/;

/** Starts (or reuses) the archiving source cluster under `rootDir` (wal_level replica, archive_mode on). */
export async function startArchivingPostgres(rootDir: string): Promise<PitrSource> {
  const root = path.resolve(rootDir);
  if (!SAFE_PATH.test(root)) {
    throw new Error(`drill directory "${root}" has characters the archive command cannot carry; use letters, digits, ., _, -, / only`);
  }
  const user = serverUser("postgres");
  const archiveDir = path.join(root, "archive");
  await mkdir(root, { recursive: true, mode: 0o755 });
  ownedDir(archiveDir, user, 0o700);
  const server = await startLocalPostgres({
    rootDir: root,
    // A restore drill measures real recovery: keep durability on.
    tuneForDisposable: false,
    settings: {
      wal_level: "replica",
      archive_mode: "on",
      archive_command: `'test ! -f "${archiveDir}/%f" && cp "%p" "${archiveDir}/%f"'`,
      archive_timeout: "0",
    },
  });
  return { server, rootDir: root, dataDir: path.join(root, "data"), archiveDir, user };
}

export function sourceTarget(src: PitrSource, database: string): DbTarget {
  const s = src.server;
  return { engine: "postgres", host: s.host, port: s.port, user: s.user, password: s.password, database };
}

/** Copies a live directory tree; files that vanish mid-copy (temp files) are skipped. */
async function copyTree(src: string, dst: string, user: OsUser | undefined, skip: (rel: string) => boolean, rel = ""): Promise<void> {
  await mkdir(dst, { recursive: true, mode: 0o700 });
  if (user) await lchown(dst, user.uid, user.gid);
  let entries;
  try {
    entries = await readdir(src, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (skip(r)) continue;
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) {
      await copyTree(from, to, user, skip, r);
    } else if (e.isFile()) {
      try {
        await copyFile(from, to, constants.COPYFILE_EXCL);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw err;
      }
      if (user) await lchown(to, user.uid, user.gid);
    }
  }
}

// Not part of a base backup (PostgreSQL docs, "Making a Base Backup Using the Low Level API").
const EXCLUDED_FILES = new Set(["postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map"]);
const EXCLUDED_DIR_CONTENTS = ["pg_wal/", "pg_replslot/", "pg_stat_tmp/", "pg_dynshmem/", "pg_notify/", "pg_serial/", "pg_snapshots/", "pg_subtrans/"];

function excludedFromBackup(rel: string): boolean {
  if (EXCLUDED_FILES.has(rel)) return true;
  return EXCLUDED_DIR_CONTENTS.some((d) => rel.startsWith(d));
}

export interface BaseBackup {
  dir: string;
  label: string;
  /** First WAL segment the backup needs, e.g. `000000010000000000000003`. */
  startWalFile: string;
  stopLsn: string;
}

/**
 * A base backup with the low-level API: pg_backup_start and pg_backup_stop on the same session, the data
 * directory copied in between, and the label file written as backup_label in the copy.
 */
export async function takeBaseBackup(src: PitrSource, backupDir: string, label: string): Promise<BaseBackup> {
  const client = new pg.Client(sourceTarget(src, "postgres"));
  await client.connect();
  try {
    await client.query("SELECT pg_backup_start(label => $1, fast => true)", [label]);
    try {
      await copyTree(src.dataDir, backupDir, src.user, excludedFromBackup);
    } catch (err) {
      await client.query("SELECT pg_backup_stop(wait_for_archive => false)").catch(() => undefined);
      throw err;
    }
    const { rows } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
      "SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => true)",
    );
    const stop = rows[0];
    if (!stop) throw new Error("pg_backup_stop returned no row");
    await writeFile(path.join(backupDir, "backup_label"), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile) await writeFile(path.join(backupDir, "tablespace_map"), stop.spcmapfile, { mode: 0o600 });
    for (const d of ["pg_wal/archive_status", "pg_wal/summaries"]) ownedDir(path.join(backupDir, d), src.user, 0o700);
    for (const f of ["backup_label", "tablespace_map"]) {
      const p = path.join(backupDir, f);
      if (src.user && existsSync(p)) await lchown(p, src.user.uid, src.user.gid);
    }
    await chmod(backupDir, 0o700);
    const startWalFile = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(stop.labelfile)?.[1];
    if (!startWalFile) throw new Error(`backup label has no START WAL LOCATION:\n${stop.labelfile}`);
    return { dir: backupDir, label, startWalFile, stopLsn: stop.lsn };
  } finally {
    await client.end();
  }
}

/** Switches to a new WAL segment and waits until the finished one is in the archive. */
export async function archiveCurrentWal(client: pg.Client, timeoutMs = 60_000): Promise<string> {
  const { rows } = await client.query<{ wal: string }>("SELECT pg_walfile_name(pg_switch_wal()) AS wal");
  const wal = rows[0]?.wal ?? "";
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await client.query<{ last: string | null; failed: string | null }>(
      "SELECT last_archived_wal AS last, last_failed_wal AS failed FROM pg_stat_archiver",
    );
    const last = st.rows[0]?.last ?? "";
    // Same timeline: segment names order like their positions.
    if (last.slice(0, 24) >= wal) return wal;
    if (Date.now() > deadline) {
      throw new Error(`WAL segment ${wal} was not archived within ${timeoutMs} ms (last archived ${last || "none"}, last failed ${st.rows[0]?.failed ?? "none"}); check archive_command`);
    }
    await sleep(50);
  }
}

/** Removes archived segments older than the backup's first one: no later restore can need them. */
export async function pruneArchive(archiveDir: string, keepFrom: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(archiveDir)) {
    if (!/^[0-9A-F]{24}/.test(name) || name.endsWith(".history")) continue;
    if (name.slice(0, 24) < keepFrom) {
      await rm(path.join(archiveDir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** A restored copy running on its own port. */
export interface ScratchCluster {
  dataDir: string;
  target: DbTarget;
  stop(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

export interface PitrRestoreOptions {
  backup: BaseBackup;
  archiveDir: string;
  /** recovery_target_time, e.g. `2026-11-05 10:00:00.123456+00`. */
  targetTime: string;
  /** Scratch directory (created; must not exist). The data directory is `<scratchDir>/data`. */
  scratchDir: string;
  /** Login of the source (the copy has the same roles and passwords). */
  login: { user: string; password: string };
  database: string;
  user: OsUser | undefined;
  /** Settings the copy must share with the source: recovery refuses lower max_connections etc. */
  settings?: Record<string, string>;
  timeoutMs?: number;
}

/** Settings a recovering server must have at least as high as its primary (PostgreSQL checks them). */
export const RECOVERY_CRITICAL_SETTINGS = [
  "max_connections",
  "max_worker_processes",
  "max_wal_senders",
  "max_prepared_transactions",
  "max_locks_per_transaction",
];

/** The source's values for the recovery-critical settings. */
export async function recoveryCriticalSettings(client: pg.Client): Promise<Record<string, string>> {
  const { rows } = await client.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name = ANY($1)",
    [RECOVERY_CRITICAL_SETTINGS],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

export interface PitrRestoreResult {
  cluster: ScratchCluster;
  /** Milliseconds from the start of the copy to the promoted copy answering queries. */
  rtoMs: number;
}

function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-15).join("\n") : "";
}

/**
 * Restores the base backup into a scratch directory and replays archived WAL up to `targetTime`
 * (recovery.signal, restore_command, recovery_target_time, recovery_target_action = promote).
 */
export async function restoreToPointInTime(o: PitrRestoreOptions): Promise<PitrRestoreResult> {
  const { pg_ctl } = await postgresBinaries(o.scratchDir, o.user);
  const timeoutMs = o.timeoutMs ?? 600_000;
  const dataDir = path.join(o.scratchDir, "data");
  const logFile = path.join(o.scratchDir, "server.log");
  const started = performance.now();
  if (existsSync(o.scratchDir)) throw new Error(`scratch directory ${o.scratchDir} already exists; remove it or pick another`);
  await mkdir(o.scratchDir, { recursive: true, mode: 0o755 });
  await copyTree(o.backup.dir, dataDir, o.user, () => false);
  await chmod(dataDir, 0o700);
  const port = await freePort();
  const target: DbTarget = { engine: "postgres", host: "127.0.0.1", port, user: o.login.user, password: o.login.password, database: o.database };
  const stop = async () => {
    await run(pg_ctl, ["stop", "-D", dataDir, "-m", "fast", "-w"], pgProcessOptions(o.user, o.scratchDir)).catch(() => undefined);
  };
  const cluster: ScratchCluster = {
    dataDir,
    target,
    stop,
    destroy: async () => {
      await stop();
      await rm(o.scratchDir, { recursive: true, force: true });
    },
  };
  try {
    const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
    await appendFile(
      path.join(dataDir, "postgresql.auto.conf"),
      [
        "# dbtk restore drill",
        `restore_command = ${q(`cp "${o.archiveDir}/%f" "%p"`)}`,
        `recovery_target_time = ${q(o.targetTime)}`,
        "recovery_target_action = 'promote'",
        "recovery_target_timeline = 'current'",
        // The copy must never archive into the source's archive (a new timeline there confuses later restores).
        "archive_mode = 'off'",
        ...Object.entries(o.settings ?? {}).map(([k, v]) => `${k} = ${q(v)}`),
        "",
      ].join("\n"),
    );
    await writeFile(path.join(dataDir, "recovery.signal"), "");
    for (const f of ["recovery.signal", "postgresql.auto.conf"]) {
      if (o.user) await lchown(path.join(dataDir, f), o.user.uid, o.user.gid);
    }
    await writeFile(logFile, "");
    if (o.user) await lchown(logFile, o.user.uid, o.user.gid);
    const flags = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    try {
      await run(pg_ctl, ["start", "-D", dataDir, "-w", "-t", String(Math.ceil(timeoutMs / 1000)), "-l", logFile, "-o", flags], pgProcessOptions(o.user, o.scratchDir));
    } catch (err) {
      throw new Error(`restored copy in ${dataDir} did not start: ${(err as Error).message}\n${logTail(logFile)}`);
    }
    await waitForPromotion(target, timeoutMs, logFile);
    return { cluster, rtoMs: performance.now() - started };
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
}

/** Waits until the copy has left recovery (reached the target and promoted) and answers a query. */
async function waitForPromotion(t: DbTarget, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const client = new pg.Client(driverOptions(t));
    try {
      await client.connect();
      const { rows } = await client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
      if (rows[0]?.r === false) return;
      last = "still in recovery";
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(50);
  }
  throw new Error(`restored copy did not finish recovery within ${timeoutMs} ms (${last})\n${logTail(logFile)}`);
}
