// The report for people: a plain-text table (stderr) and Markdown (GitHub's step summary). Both show the
// same parts: top statements, findings, the gate's verdict, tables and indexes, database and pooler figures.
import type { QueryReport, StatementStat } from "./types.js";

/** How many statements the tables show (the JSON keeps them all). */
const TOP = 10;
const WIDTH = 72;

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2));
const pct = (n: number): string => `${(n * 100).toFixed(n >= 0.1 ? 0 : 1)}%`;
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function figures(r: QueryReport): string[] {
  const out: string[] = [];
  const d = r.database;
  if (d.commits !== undefined) {
    const scope = r.engine === "mysql" ? " (InnoDB buffer pool, server-wide)" : "";
    const hit = d.cacheHitRatio === undefined ? "" : `, cache hit ${pct(d.cacheHitRatio)}${scope}`;
    out.push(`transactions: ${d.commits} committed, ${d.rollbacks ?? 0} rolled back${hit}`);
  }
  const p = r.pooler;
  if (p) {
    out.push(
      `pooler: ${p.kind} (${p.mode} mode): ${p.transactions} transactions, ${p.queries} queries, ` +
        `${p.clients} client connections on ${p.servers} server connections, waited ${ms(p.waitMs)} ms`,
    );
  }
  return out;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i] ?? 0))).join("  ");
}

/** The readable report: one block of lines for stderr. */
export function renderText(r: QueryReport): string {
  const lines = ["query report"];
  if (r.note) lines.push(`  note: ${r.note}`);
  if (r.statements.length) {
    const widths = [7, 9, 8, 7, 5];
    lines.push(`  ${row(["calls", "total ms", "mean ms", "rows", "share", "statement"], widths)}`);
    for (const s of r.statements.slice(0, TOP)) {
      lines.push(`  ${row([String(s.calls), ms(s.totalMs), ms(s.meanMs), String(s.rows), pct(s.share), cut(s.query, WIDTH)], widths)}`);
    }
    if (r.statements.length > TOP) lines.push(`  … ${r.statements.length - TOP} more in the JSON report`);
  } else if (r.statementsAvailable) lines.push("  no statements");
  for (const f of r.gate?.violations ?? []) lines.push(`  GATE ${f.kind}: ${cut(f.subject, WIDTH)} — ${f.detail}`);
  for (const f of r.findings) lines.push(`  ${f.kind}: ${cut(f.subject, WIDTH)} — ${f.detail}`);
  for (const i of r.unusedIndexes) lines.push(`  unused index: ${i.index} on ${i.table}`);
  for (const f of figures(r)) lines.push(`  ${f}`);
  return lines.join("\n");
}

const mdCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/`/g, "'");

function mdStatements(list: StatementStat[]): string[] {
  const out = ["| calls | total ms | mean ms | rows | share | statement |", "| ---: | ---: | ---: | ---: | ---: | --- |"];
  for (const s of list) out.push(`| ${s.calls} | ${ms(s.totalMs)} | ${ms(s.meanMs)} | ${s.rows} | ${pct(s.share)} | \`${mdCell(cut(s.query, 200))}\` |`);
  return out;
}

/** The report as Markdown (for $GITHUB_STEP_SUMMARY). */
export function renderMarkdown(r: QueryReport, title = "dbtk query report"): string {
  const out = [`### ${title}`, ""];
  if (r.gate?.failed) {
    out.push("**The query gate failed:**", "");
    for (const f of r.gate.violations) out.push(`- ${f.kind}: \`${mdCell(cut(f.subject, 200))}\` — ${f.detail}`);
    out.push("");
  }
  if (r.note) out.push(`> ${r.note}`, "");
  if (r.statements.length) out.push(...mdStatements(r.statements.slice(0, TOP)), "");
  if (r.findings.length) {
    out.push("Findings:", "");
    for (const f of r.findings) out.push(`- ${f.kind}: \`${mdCell(cut(f.subject, 200))}\` — ${f.detail}`);
    out.push("");
  }
  if (r.unusedIndexes.length) out.push(`Unused indexes: ${r.unusedIndexes.map((i) => `\`${i.index}\` on \`${i.table}\``).join(", ")}`, "");
  for (const f of figures(r)) out.push(`- ${f}`);
  return out.join("\n") + "\n";
}
