// The local PITR drill: base backup, rows before and after a recorded time T, recovery to T in a scratch
// copy, proof that exactly the rows before T came back, checks against the source at T, RTO/RPO, clean-up.
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { withFileLock } from "../../core/servers/file-lock.js";
import { serversDir, type ToolkitDirs } from "../../core/servers/paths.js";
import { collectChecks, compareChecks, openSession, type DrillSession } from "./checks.js";
import {
  archiveCurrentWal,
  pruneArchive,
  recoveryCriticalSettings,
  restoreToPointInTime,
  sourceTarget,
  startArchivingPostgres,
  takeBaseBackup,
  type ScratchCluster,
} from "./pg-pitr.js";
import type { DrillCheck, DrillReport, DrillValidation } from "./types.js";

export interface LocalPostgresDrillOptions extends ToolkitDirs {
  /** The archiving source cluster's directory (kept between drills). Default `<servers dir>/drill-postgres`. */
  rootDir?: string;
  /** Database whose tables are validated; the drill's marker table lives there too. Default `postgres`. */
  database?: string;
  validation?: DrillValidation;
  /** Rows the drill writes before and after T (proof rows). Default 3 and 2. */
  rowsBefore?: number;
  rowsAfter?: number;
  /** Leave the scratch copy running (for inspection); the report then says it was not destroyed. */
  keepScratch?: boolean;
  onProgress?: (message: string) => void;
}

const MARKER = "dbtk_drill.marker";

function drillId(): string {
  const t = new Date().toISOString().replace(/[-:T.Z]/g, "").slice(0, 14);
  return `drill_${t}_${randomBytes(3).toString("hex")}`;
}

async function seconds(client: pg.Client, sql: string, params: unknown[]): Promise<number | undefined> {
  const { rows } = await client.query<{ s: string | null }>(sql, params);
  const s = rows[0]?.s;
  return s === null || s === undefined ? undefined : Number(s);
}

/** A pg.Client viewed as a drill session (so the source's checks run inside the caller's snapshot). */
function sessionOf(client: pg.Client): DrillSession {
  return { engine: "postgres", query: async (sql, params) => (await client.query(sql, params)).rows, close: async () => undefined };
}

/** Runs the whole local PITR drill and returns its report (never throws for a failed restore: see `error`). */
export async function runLocalPostgresDrill(opts: LocalPostgresDrillOptions = {}): Promise<DrillReport> {
  const rootDir = path.resolve(opts.rootDir ?? path.join(serversDir(opts), "drill-postgres"));
  const database = opts.database ?? "postgres";
  const validation = opts.validation ?? {};
  const progress = opts.onProgress ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const id = drillId();
  const report: DrillReport = {
    target: "local-postgres",
    engine: "postgres",
    method: "pitr",
    ok: false,
    restorePoint: "",
    rtoSeconds: 0,
    rpoBasis: "restore point minus the last transaction replayed into the copy",
    checks: [],
    scratch: { id: path.join(rootDir, "scratch", id), destroyed: false },
    startedAt,
    finishedAt: startedAt,
  };

  await mkdir(rootDir, { recursive: true, mode: 0o755 });
  // One drill at a time per source: another drill's rows between the snapshot and T would skew the checks.
  // The lock also spans the source's start and stop, so a drill never stops a source another one uses.
  await withFileLock(path.join(rootDir, ".drill.lock"), async () => {
    progress(`starting the archiving source cluster in ${rootDir}`);
    const src = await startArchivingPostgres(rootDir);
    const client = new pg.Client(sourceTarget(src, database));
    let scratch: ScratchCluster | undefined;
    const backupDir = path.join(rootDir, "backups", id);
    try {
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS dbtk_drill`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MARKER} (drill_id text NOT NULL, phase text NOT NULL, n int NOT NULL,
           written_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      );
      progress("taking a base backup (pg_backup_start / copy / pg_backup_stop)");
      const backup = await takeBaseBackup(src, backupDir, id);

      const before = opts.rowsBefore ?? 3;
      const after = opts.rowsAfter ?? 2;
      // One transaction per row: the WAL replay must stop between commits, not inside one.
      for (let n = 1; n <= before; n++) await client.query(`INSERT INTO ${MARKER} (drill_id, phase, n) VALUES ($1, 'before', $2)`, [id, n]);

      // The source's state at T: one snapshot for the checks, T read inside it (no writer runs meanwhile).
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      const { rows } = await client.query<{ t: string }>(
        `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t`,
      );
      const restorePoint = rows[0]?.t ?? "";
      const expected = await collectChecks(sessionOf(client), validation);
      await client.query("COMMIT");
      report.restorePoint = restorePoint;
      progress(`restore point T = ${restorePoint}`);

      await sleep(5); // later commits get a strictly later timestamp
      for (let n = 1; n <= after; n++) await client.query(`INSERT INTO ${MARKER} (drill_id, phase, n) VALUES ($1, 'after', $2)`, [id, n]);
      const wal = await archiveCurrentWal(client);
      progress(`WAL archived up to ${wal}`);
      report.archiveLeadSeconds = await seconds(
        client,
        "SELECT extract(epoch FROM (last_archived_time - $1::timestamptz))::text AS s FROM pg_stat_archiver",
        [restorePoint],
      );

      progress(`restoring to T into ${report.scratch.id}`);
      const restored = await restoreToPointInTime({
        backup,
        archiveDir: src.archiveDir,
        // recovery_target_time refuses the ISO "T…Z" form; the same instant with a numeric offset is taken.
        targetTime: restorePoint.replace("T", " ").replace("Z", "+00"),
        scratchDir: report.scratch.id,
        login: { user: src.server.user, password: src.server.password },
        database,
        user: src.user,
        settings: await recoveryCriticalSettings(client),
      });
      scratch = restored.cluster;
      report.rtoSeconds = restored.rtoMs / 1000;

      const copy = await openSession(scratch.target);
      try {
        const proof = await copy.query(
          `SELECT count(*) FILTER (WHERE phase = 'before')::text AS b, count(*) FILTER (WHERE phase = 'after')::text AS a
             FROM ${MARKER} WHERE drill_id = $1`,
          [id],
        );
        const proofs: DrillCheck[] = [
          { name: "rows written before T present", expected: String(before), actual: String(proof[0]?.b), ok: String(proof[0]?.b) === String(before) },
          { name: "rows written after T absent", expected: "0", actual: String(proof[0]?.a), ok: String(proof[0]?.a) === "0" },
        ];
        report.checks = [...proofs, ...(await compareChecks(copy, expected, validation))];
        const [rpo] = await copy.query(
          "SELECT extract(epoch FROM ($1::timestamptz - pg_last_xact_replay_timestamp()))::text AS s",
          [restorePoint],
        );
        if (rpo?.s !== null && rpo?.s !== undefined) report.rpoSeconds = Number(rpo.s);
      } finally {
        await copy.close();
      }
      // Older segments can no longer be needed: the next drill takes a newer base backup.
      await pruneArchive(src.archiveDir, backup.startWalFile);
    } catch (err) {
      report.error = (err as Error).message;
    } finally {
      await client.end().catch(() => undefined);
      if (scratch && !opts.keepScratch) {
        await scratch.destroy();
        report.scratch.destroyed = true;
      } else if (!scratch) {
        await rm(report.scratch.id, { recursive: true, force: true });
        report.scratch.destroyed = true;
      }
      await rm(backupDir, { recursive: true, force: true });
      // Stop what this drill started (a source that was already running stays up).
      if (src.server.started) {
        progress("stopping the archiving source cluster");
        await src.server.stop();
      }
    }
  });
  report.finishedAt = new Date().toISOString();
  report.ok = !report.error && report.scratch.destroyed && report.checks.length > 0 && report.checks.every((c) => c.ok);
  return report;
}
