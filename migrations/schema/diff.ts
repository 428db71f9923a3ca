// Compares two snapshots object by object and renders the result like a unified diff per object.
import YAML from "yaml";
import { canonical } from "./snapshot.js";
import type { SchemaObject, SchemaSnapshot } from "./types.js";

export interface ChangedObject {
  key: string;
  expected: SchemaObject;
  actual: SchemaObject;
}

export interface SchemaDiff {
  /** In `actual` only. */
  added: SchemaObject[];
  /** In `expected` only. */
  missing: SchemaObject[];
  changed: ChangedObject[];
}

export function diffSchemas(expected: SchemaSnapshot, actual: SchemaSnapshot): SchemaDiff {
  const diff: SchemaDiff = { added: [], missing: [], changed: [] };
  const keys = [...new Set([...Object.keys(expected.objects), ...Object.keys(actual.objects)])].sort();
  for (const key of keys) {
    const e = expected.objects[key];
    const a = actual.objects[key];
    if (e && !a) diff.missing.push(e);
    else if (a && !e) diff.added.push(a);
    else if (e && a && JSON.stringify(canonical(e.def)) !== JSON.stringify(canonical(a.def))) diff.changed.push({ key, expected: e, actual: a });
  }
  return diff;
}

export const isEmptyDiff = (d: SchemaDiff): boolean => !d.added.length && !d.missing.length && !d.changed.length;

/** The definition as YAML lines: multi-line view and trigger bodies stay readable. */
function defLines(o: SchemaObject): string[] {
  const text = YAML.stringify(canonical(o.def), { lineWidth: 0 }).trimEnd();
  return text === "{}" ? [] : text.split("\n");
}

/** Line diff by longest common subsequence (objects are small). */
export function lineDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i]!;
      row[j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, row[j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i]}`);
      i++;
    } else {
      out.push(`+ ${b[j]}`);
      j++;
    }
  }
  return out;
}

export interface RenderOptions {
  /** Header labels for the two sides. */
  expectedLabel?: string;
  actualLabel?: string;
}

export function renderDiff(d: SchemaDiff, opts: RenderOptions = {}): string {
  if (isEmptyDiff(d)) return "no differences\n";
  const exp = opts.expectedLabel ?? "expected";
  const act = opts.actualLabel ?? "actual";
  const out: string[] = [
    `--- ${exp}`,
    `+++ ${act}`,
    `${d.added.length} added, ${d.missing.length} missing, ${d.changed.length} changed`,
  ];
  for (const o of d.missing) {
    out.push("", `@@ missing ${o.kind} ${o.name} (in ${exp}, not in ${act}) @@`, ...defLines(o).map((l) => `- ${l}`));
  }
  for (const o of d.added) {
    out.push("", `@@ added ${o.kind} ${o.name} (in ${act}, not in ${exp}) @@`, ...defLines(o).map((l) => `+ ${l}`));
  }
  for (const c of d.changed) {
    out.push("", `@@ changed ${c.expected.kind} ${c.expected.name} @@`, ...lineDiff(defLines(c.expected), defLines(c.actual)));
  }
  return out.join("\n") + "\n";
}

/** A JSON-friendly summary: keys per category. */
export function diffSummary(d: SchemaDiff): { added: string[]; missing: string[]; changed: string[] } {
  const key = (o: SchemaObject) => `${o.kind} ${o.name}`;
  return { added: d.added.map(key), missing: d.missing.map(key), changed: d.changed.map((c) => c.key) };
}
