// From raw figures to a report: statement texts scrubbed of any literal the server kept (utility statements
// such as SET or ALTER ROLE … PASSWORD are stored as typed), findings (N+1 loops, slow statements, whole-table
// scans), and the gate against a baseline report.
import type { Collected } from "./postgres.js";
import type { Finding, PoolerFigures, QueryReport, ReportOptions, StatementStat } from "./types.js";

/** The exit code of a run whose command passed but whose statements failed the gate (--baseline, --max-query-ms). */
export const QUERY_GATE_EXIT = 3;

export const REPORT_DEFAULTS = {
  slowMs: 100,
  seqScanMinRows: 1000,
  repeatCalls: 50,
  callsFactor: 2,
  meanFactor: 3,
  meanSlackMs: 5,
} as const;

type Limits = Required<Pick<ReportOptions, keyof typeof REPORT_DEFAULTS>>;

export function limits(opts: ReportOptions): Limits {
  return { ...REPORT_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => k in REPORT_DEFAULTS && v !== undefined)) };
}

const STRING = /(?:\b[EeBbXxNn])?'(?:[^'\\]|''|\\.)*'/g;
const DOLLAR = /\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g;
const NUMBER = /(?<![\w$.?])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g;

/**
 * A statement's text with every literal blanked: strings and dollar-quoted bodies become `?`, numbers `?`
 * (placeholders `$1`, `?` and identifiers like `t1` stay). Whatever else the caller knows to be secret
 * (passwords) is blanked by `redact`.
 */
export function scrubStatement(text: string, redact: (s: string) => string = (s) => s): string {
  const out = text.replace(DOLLAR, "?").replace(STRING, "?").replace(NUMBER, "?").replace(/\s+/g, " ").trim();
  return redact(out);
}

/** Findings that need no baseline: loops of one-row statements, slow statements, whole-table scans. */
function findingsOf(statements: StatementStat[], seq: QueryReport["seqScans"], l: Limits): Finding[] {
  const out: Finding[] = [];
  for (const s of statements) {
    if (s.calls >= l.repeatCalls && s.rows <= s.calls) {
      out.push({ kind: "n+1", subject: s.query, detail: `ran ${s.calls} times returning ${s.rows} rows: an N+1 loop? fetch them in one statement` });
    }
    if (s.meanMs >= l.slowMs) out.push({ kind: "slow", subject: s.query, detail: `mean ${s.meanMs.toFixed(1)} ms over ${s.calls} calls` });
  }
  for (const t of seq) {
    const scans = t.scans ? `${t.scans} sequential scans` : "read without an index";
    out.push({ kind: "seq-scan", subject: t.table, detail: `${scans} of ~${t.rows} rows (${t.rowsRead} rows read): a missing index?` });
  }
  return out;
}

export function buildReport(
  engine: QueryReport["engine"],
  raw: Collected,
  opts: ReportOptions,
  redact: (s: string) => string,
  pooler?: PoolerFigures,
): QueryReport {
  const l = limits(opts);
  // Statements differing only in a literal the server kept are one statement once scrubbed.
  const merged = new Map<string, Omit<StatementStat, "share">>();
  for (const s of raw.statements) {
    const query = scrubStatement(s.query, redact);
    const m = merged.get(query);
    if (!m) merged.set(query, { ...s, query });
    else Object.assign(m, { calls: m.calls + s.calls, totalMs: m.totalMs + s.totalMs, rows: m.rows + s.rows });
  }
  const total = [...merged.values()].reduce((a, s) => a + s.totalMs, 0);
  const statements = [...merged.values()]
    .map((s) => ({ ...s, meanMs: s.calls ? s.totalMs / s.calls : 0, share: total ? s.totalMs / total : 0 }))
    .sort((a, b) => b.totalMs - a.totalMs);
  return {
    version: 1,
    engine,
    statementsAvailable: raw.statementsAvailable,
    ...(raw.note ? { note: raw.note } : {}),
    statements,
    seqScans: raw.seqScans,
    unusedIndexes: raw.unusedIndexes,
    database: raw.database,
    ...(pooler ? { pooler } : {}),
    findings: findingsOf(statements, raw.seqScans, l),
  };
}

/**
 * The gate: statements whose calls grew beyond `callsFactor` (an N+1 loop appearing) or whose mean time
 * grew beyond `meanFactor` and `meanSlackMs` against `baseline`; any statement slower than `maxQueryMs`.
 */
export function gate(report: QueryReport, opts: ReportOptions, baseline?: QueryReport): { failed: boolean; violations: Finding[] } {
  const l = limits(opts);
  const violations: Finding[] = [];
  const before = new Map((baseline?.statements ?? []).map((s) => [s.query, s]));
  for (const s of report.statements) {
    const b = before.get(s.query);
    if (b && s.calls > b.calls * l.callsFactor && s.calls - b.calls >= 5) {
      violations.push({ kind: "calls-grew", subject: s.query, detail: `${b.calls} → ${s.calls} calls per run (limit ×${l.callsFactor}): an N+1 loop?` });
    }
    if (b && s.meanMs > b.meanMs * l.meanFactor && s.meanMs - b.meanMs > l.meanSlackMs) {
      violations.push({ kind: "mean-grew", subject: s.query, detail: `mean ${b.meanMs.toFixed(1)} → ${s.meanMs.toFixed(1)} ms (limit ×${l.meanFactor})` });
    }
    if (opts.maxQueryMs !== undefined && s.meanMs > opts.maxQueryMs) {
      violations.push({ kind: "slow", subject: s.query, detail: `mean ${s.meanMs.toFixed(1)} ms > ${opts.maxQueryMs} ms (the time limit)` });
    }
  }
  return { failed: violations.length > 0, violations };
}
