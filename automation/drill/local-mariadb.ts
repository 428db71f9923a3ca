// The MariaDB drill: a logical dump (mariadb-dump, one consistent snapshot), restored into a scratch
// database, compared with the source at the snapshot, then dropped.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import type { DbTarget } from "../../core/connection.js";
import { withFileLock } from "../../core/servers/file-lock.js";
import { startLocalMariadb } from "../../core/servers/mariadb.js";
import { cacheDir, serversDir, type ToolkitDirs } from "../../core/servers/paths.js";
import { collectChecks, compareChecks, openSession, type DrillSession } from "./checks.js";
import type { DrillCheck, DrillReport, DrillValidation } from "./types.js";

/** `cacheDir` holds the dump; `serversDir` the source server when no `source` is given. */
export interface LocalMariadbDrillOptions extends ToolkitDirs {
  /** The database to dump. Default: database `dbtk_drill` on a local MariaDB server under `rootDir`. */
  source?: DbTarget;
  /** Local server directory when no `source` is given. Default `<servers dir>/drill-mariadb`. */
  rootDir?: string;
  validation?: DrillValidation;
  /** Proof rows written before and after the dump's snapshot. Default 3 and 2. */
  rowsBefore?: number;
  rowsAfter?: number;
  /** Keep the scratch database (the report then says it was not destroyed). */
  keepScratch?: boolean;
  onProgress?: (message: string) => void;
}

const MARKER = "dbtk_drill_marker";
const myIdent = (s: string) => `\`${s.replace(/`/g, "``")}\``;

function binary(name: string): string {
  for (const dir of ["/usr/bin", "/usr/local/bin"]) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`${name} is not installed; run tools/install-mariadb.sh (Debian mariadb-client)`);
}

/** Client options file (0600): keeps the password off the command line and out of `ps`. */
async function optionsFile(dir: string, t: DbTarget): Promise<string> {
  const file = path.join(dir, `client-${randomBytes(4).toString("hex")}.cnf`);
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  await writeFile(
    file,
    `[client]\nhost="${esc(t.host)}"\nport=${t.port}\nuser="${esc(t.user)}"\npassword="${esc(t.password)}"\nprotocol=TCP\n`,
    { mode: 0o600 },
  );
  return file;
}

function dumpError(tool: string, err: unknown): Error {
  const e = err as { stderr?: string; shortMessage?: string; message: string };
  return new Error(`${tool} failed: ${(e.stderr || e.shortMessage || e.message).trim()}`);
}

/** Runs the dump-and-restore drill and returns its report (a failure is reported in `error`, not thrown). */
export async function runLocalMariadbDrill(opts: LocalMariadbDrillOptions = {}): Promise<DrillReport> {
  if (opts.source) return drill(opts.source, opts);
  const progress = opts.onProgress ?? (() => undefined);
  const rootDir = path.resolve(opts.rootDir ?? path.join(serversDir(opts), "drill-mariadb"));
  await mkdir(rootDir, { recursive: true, mode: 0o755 });
  // The lock spans the server's start and stop, so a drill never stops a server another drill uses.
  return withFileLock(path.join(rootDir, ".drill.lock"), async () => {
    progress(`starting the local MariaDB server in ${rootDir}`);
    const s = await startLocalMariadb({ rootDir });
    try {
      const source: DbTarget = { engine: "mysql", host: s.host, port: s.port, user: s.user, password: s.password, database: "dbtk_drill" };
      const admin = await openSession({ ...source, database: "mysql" });
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${myIdent(source.database)}`).finally(() => admin.close());
      return await drill(source, opts);
    } finally {
      // Stop what this drill started (a server that was already running stays up).
      if (s.started) {
        progress("stopping the local MariaDB server");
        await s.stop();
      }
    }
  });
}

async function drill(src: DbTarget, opts: LocalMariadbDrillOptions): Promise<DrillReport> {
  const progress = opts.onProgress ?? (() => undefined);
  const validation = opts.validation ?? {};
  const startedAt = new Date().toISOString();
  const id = `dbtk_drill_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const report: DrillReport = {
    target: "local-mariadb",
    engine: "mysql",
    method: "logical-dump",
    ok: false,
    restorePoint: "",
    rtoSeconds: 0,
    rpoBasis: "age of the dump's snapshot when the restore started",
    checks: [],
    scratch: { id, destroyed: false },
    startedAt,
    finishedAt: startedAt,
  };
  const workDir = path.join(cacheDir(opts), "drills", id);
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const lock = path.join(cacheDir(opts), "drills", `.${src.host}_${src.port}_${src.database}.lock`);

  await withFileLock(lock, async () => {
    let session: DrillSession | undefined;
    let scratchCreated = false;
    try {
      const cnf = await optionsFile(workDir, src);
      const dumpFile = path.join(workDir, "dump.sql");
      session = await openSession(src);
      await session.query(
        `CREATE TABLE IF NOT EXISTS ${MARKER} (drill_id VARCHAR(64) NOT NULL, phase VARCHAR(8) NOT NULL, n INT NOT NULL,
           written_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`,
      );
      const before = opts.rowsBefore ?? 3;
      const after = opts.rowsAfter ?? 2;
      for (let n = 1; n <= before; n++) await session.query(`INSERT INTO ${MARKER} (drill_id, phase, n) VALUES (?, 'before', ?)`, [id, n]);
      const expected = await collectChecks(session, validation);
      const [now] = await session.query("SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ') AS t");
      report.restorePoint = String(now?.t);

      progress(`dumping ${src.database} with mariadb-dump --single-transaction`);
      try {
        await execa(
          binary("mariadb-dump"),
          [`--defaults-extra-file=${cnf}`, "--single-transaction", "--routines", "--triggers", "--hex-blob", "--skip-lock-tables", src.database],
          { stdout: { file: dumpFile } },
        );
      } catch (err) {
        throw dumpError("mariadb-dump", err);
      }
      // Writes after the snapshot: the restored copy must not have them.
      for (let n = 1; n <= after; n++) await session.query(`INSERT INTO ${MARKER} (drill_id, phase, n) VALUES (?, 'after', ?)`, [id, n]);

      progress(`restoring into scratch database ${id}`);
      const restoreStart = Date.now();
      const t0 = performance.now();
      await session.query(`CREATE DATABASE ${myIdent(id)}`);
      scratchCreated = true;
      try {
        await execa(binary("mariadb"), [`--defaults-extra-file=${cnf}`, id], { inputFile: dumpFile });
      } catch (err) {
        throw dumpError("mariadb (restore)", err);
      }
      const copy = await openSession({ ...src, database: id });
      try {
        await copy.query("SELECT 1");
        report.rtoSeconds = (performance.now() - t0) / 1000;
        report.rpoSeconds = (restoreStart - Date.parse(report.restorePoint)) / 1000;
        const [proof] = await copy.query(
          `SELECT CAST(SUM(phase = 'before') AS CHAR) AS b, CAST(SUM(phase = 'after') AS CHAR) AS a FROM ${MARKER} WHERE drill_id = ?`,
          [id],
        );
        const b = String(proof?.b ?? "0");
        const a = String(proof?.a ?? "0");
        const proofs: DrillCheck[] = [
          { name: "rows written before the dump present", expected: String(before), actual: b, ok: b === String(before) },
          { name: "rows written after the dump absent", expected: "0", actual: a, ok: a === "0" },
        ];
        report.checks = [...proofs, ...(await compareChecks(copy, expected, validation))];
      } finally {
        await copy.close();
      }
    } catch (err) {
      report.error = (err as Error).message;
    } finally {
      if (session) {
        if (scratchCreated && !opts.keepScratch) {
          await session.query(`DROP DATABASE IF EXISTS ${myIdent(id)}`);
          report.scratch.destroyed = true;
        }
        await session.close().catch(() => undefined);
      }
      if (!scratchCreated) report.scratch.destroyed = true;
      await rm(workDir, { recursive: true, force: true });
    }
  });
  report.finishedAt = new Date().toISOString();
  report.ok = !report.error && report.scratch.destroyed && report.checks.length > 0 && report.checks.every((c) => c.ok);
  return report;
}
