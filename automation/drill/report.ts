// The drill report as text for people; `--json` prints the DrillReport itself.
import type { DrillReport } from "./types.js";

const secs = (s: number) => `${s.toFixed(3)} s`;
const short = (v: string) => (v.length > 40 ? `${v.slice(0, 37)}...` : v);

export function formatReport(r: DrillReport): string {
  const lines = [
    `restore drill ${r.target} (${r.engine}, ${r.method}): ${r.ok ? "PASSED" : "FAILED"}`,
    `  restore point   ${r.restorePoint || "-"}`,
    `  RTO             ${secs(r.rtoSeconds)}  (start of restore to the copy answering queries)`,
    `  RPO             ${r.rpoSeconds === undefined ? "unknown" : secs(r.rpoSeconds)}  (${r.rpoBasis})`,
  ];
  if (r.archiveLeadSeconds !== undefined) lines.push(`  archive lead    ${secs(r.archiveLeadSeconds)}  (newest archived WAL past the restore point)`);
  lines.push("  checks");
  if (r.checks.length === 0) lines.push("    (none ran)");
  const width = Math.max(0, ...r.checks.map((c) => c.name.length));
  for (const c of r.checks) {
    const cmp = c.ok ? short(c.actual) : `expected ${short(c.expected)}, found ${short(c.actual)}`;
    lines.push(`    ${c.ok ? "ok  " : "FAIL"}  ${c.name.padEnd(width)}  ${cmp}`);
  }
  lines.push(`  scratch copy    ${r.scratch.id}: ${r.scratch.destroyed ? "removed" : "KEPT (remove it by hand)"}`);
  if (r.error) lines.push(`  error           ${r.error}`);
  return lines.join("\n") + "\n";
}
