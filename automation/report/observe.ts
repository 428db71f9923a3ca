// What `runWithDatabase` wraps around the command when asked: a pooler in front of the run's database and a
// query report of what the command did to it. Started once the database is ready; `finish` (after the
// command) samples the pooler, stops it (its server connections end, so their counters are published), reads
// the figures, writes the report and applies the gate; `stop` is the teardown's (idempotent).
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import type { DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import type { ProcessIdentity } from "../../core/process.js";
import type { Progress } from "../driver/progress.js";
import { startPgbouncer, type PoolerOptions, type RunningPooler } from "../pooler/pgbouncer.js";
import type { Target } from "../targets/types.js";
import { buildReport, gate, limits, QUERY_GATE_EXIT } from "./analyse.js";
import type { Collector } from "./postgres.js";
import { renderMarkdown, renderText } from "./render.js";
import type { PoolerFigures, QueryReport, ReportOptions } from "./types.js";

export interface ObserveRequest {
  target: Target;
  /** The run's database, as its own login reaches it. */
  db: DbTarget;
  report?: ReportOptions & {
    /** Where the readable table goes. @default each line through `progress` */
    print?: (text: string) => void;
  };
  pooler?: PoolerOptions;
  progress: Progress;
  /** Told of the pooler's process and folder (a guardian kills and removes them if the run dies). */
  onPooler?: (proc: ProcessIdentity, dir: string) => void;
}

export interface Observed {
  /** Where the command connects (the pooler when there is one). */
  connection: DbTarget;
  /** After the command: the report, and the run's exit code (QUERY_GATE_EXIT when only the gate failed). */
  finish(exitCode: number): Promise<{ report?: QueryReport; exitCode: number }>;
  stop(): Promise<void>;
}

/** A baseline report, read before the command runs so a wrong path costs nothing. */
function readBaseline(file: string): QueryReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new DbtkError(`options.baseline: cannot read ${file} as a JSON query report (${(err as Error).message}); write one with options.reportJson`, 2);
  }
  const r = parsed as Partial<QueryReport>;
  if (r.version !== 1 || !Array.isArray(r.statements)) throw new DbtkError(`options.baseline: ${file} is not a query report (version 1 with statements)`, 2);
  return r as QueryReport;
}

async function watch(target: Target, db: DbTarget): Promise<Collector> {
  const admin = target.recipe?.kind === "sql" ? target.recipe.admin : undefined;
  if (db.engine === "postgres") return (await import("./postgres.js")).watchPostgres(db, admin);
  return (await import("./mariadb.js")).watchMariadb(db, admin);
}

export async function observeRun(req: ObserveRequest): Promise<Observed> {
  const { progress } = req;
  const opts = req.report;
  const baseline = opts?.baselineFile ? readBaseline(opts.baselineFile) : undefined;
  let pooler: RunningPooler | undefined;
  let collector: Collector | undefined;
  const stop = async (): Promise<void> => {
    await pooler?.stop();
    await collector?.close();
  };
  try {
    if (req.pooler) {
      const t0 = performance.now();
      pooler = await startPgbouncer(req.db, req.pooler);
      req.onPooler?.(pooler.process, pooler.dir);
      progress.line(`pooler pgbouncer (${pooler.mode} mode) on 127.0.0.1:${pooler.connection.port} in ${Math.round(performance.now() - t0)} ms`);
    }
    if (opts) collector = await watch(req.target, req.db);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    connection: pooler?.connection ?? req.db,
    stop,
    async finish(exitCode) {
      let figures: PoolerFigures | undefined;
      if (pooler && opts) figures = await pooler.stats().catch(() => undefined);
      await pooler?.stop();
      if (!opts || !collector) return { exitCode };
      const raw = await collector.finish({ seqScanMinRows: limits(opts).seqScanMinRows });
      await collector.close();
      const report = buildReport(req.db.engine, raw, opts, (s) => progress.secrets.redact(s), figures);
      if (baseline || opts.maxQueryMs !== undefined) report.gate = gate(report, opts, baseline);
      const print = opts.print ?? ((text: string) => text.split("\n").forEach((l) => progress.line(l)));
      print(renderText(report));
      if (opts.jsonFile) writeFileSync(opts.jsonFile, JSON.stringify(report, null, 2) + "\n");
      if (opts.markdownFile) appendFileSync(opts.markdownFile, renderMarkdown(report));
      if (report.gate?.failed) {
        const names = report.gate.violations.map((v) => v.subject).join("; ");
        progress.line(`query gate failed (${report.gate.violations.length}): ${names.length > 300 ? `${names.slice(0, 299)}…` : names}`);
      }
      return { report, exitCode: exitCode === 0 && report.gate?.failed ? QUERY_GATE_EXIT : exitCode };
    },
  };
}

/** Checks the pooler and the baseline before anything is provisioned: a wrong flag costs no database. */
export async function preflightObserve(req: Pick<ObserveRequest, "report" | "pooler">, engine: DbTarget["engine"]): Promise<void> {
  if (req.pooler) {
    const { checkPooler, findPgbouncer } = await import("../pooler/pgbouncer.js");
    checkPooler(req.pooler, engine);
    findPgbouncer(req.pooler);
  }
  if (req.report?.baselineFile) readBaseline(req.report.baselineFile);
}
