// Accepted findings: a baseline file records each finding by file, rule and statement fingerprint (not
// line numbers, which move when a file above the statement is edited), so only new findings fail.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { LintFinding } from "./types.js";

export interface BaselineEntry {
  /** Relative to the baseline file's directory, forward slashes. */
  file: string;
  rule: string;
  fingerprint: string;
  /** For people reading the file; not matched. */
  line?: number;
}

export interface BaselineFile {
  version: 1;
  findings: BaselineEntry[];
}

const keyOf = (e: Pick<BaselineEntry, "file" | "rule" | "fingerprint">) => `${e.file}\0${e.rule}\0${e.fingerprint}`;
const relative = (baselinePath: string, file: string) => path.relative(path.dirname(path.resolve(baselinePath)), path.resolve(file)).split(path.sep).join("/");

export function makeBaseline(baselinePath: string, findings: readonly LintFinding[]): BaselineFile {
  const entries = findings
    .filter((f) => f.fingerprint)
    .map((f) => ({ file: relative(baselinePath, f.file), rule: f.rule, fingerprint: f.fingerprint!, line: f.line }));
  return { version: 1, findings: entries };
}

export function readBaseline(baselinePath: string): BaselineFile {
  if (!existsSync(baselinePath)) throw new Error(`lint: baseline ${baselinePath} does not exist; write one first (see "dbtk lint --help")`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(baselinePath, "utf8"));
  } catch (err) {
    throw new Error(`lint: baseline ${baselinePath} is not JSON: ${(err as Error).message}`);
  }
  const b = parsed as Partial<BaselineFile>;
  if (b.version !== 1 || !Array.isArray(b.findings)) throw new Error(`lint: baseline ${baselinePath} is not a dbtk lint baseline (version 1 with a findings array)`);
  return b as BaselineFile;
}

/** A matcher: true for a finding the baseline records. Each entry accepts one finding (duplicates count). */
export function baselineMatcher(baselinePath: string, baseline: BaselineFile): (f: LintFinding) => boolean {
  const left = new Map<string, number>();
  for (const e of baseline.findings) left.set(keyOf(e), (left.get(keyOf(e)) ?? 0) + 1);
  return (f) => {
    if (!f.fingerprint) return false;
    const k = keyOf({ file: relative(baselinePath, f.file), rule: f.rule, fingerprint: f.fingerprint });
    const n = left.get(k) ?? 0;
    if (n === 0) return false;
    left.set(k, n - 1);
    return true;
  };
}
