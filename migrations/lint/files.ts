// Collects the migration files to lint and keeps only their forward part: Flyway undo scripts
// (U<version>__) and dbmate `-- migrate:down` sections drop things by design and are skipped.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { decodeUtf8, utf8Message } from "../runner/utf8.js";

export interface SourceFile {
  path: string;
  /** The file's text with skipped parts blanked to empty lines, so line numbers stay true. */
  text: string;
  /** Whether the runner wraps the file in a transaction (undefined: not known). */
  transactional?: boolean;
}

const isUndo = (file: string) => /^U\d[^_]*__/.test(path.basename(file));

export function collectSqlFiles(paths: readonly string[], opts: { includeUndo?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    if (!existsSync(p)) throw new Error(`lint: path "${p}" does not exist; pass migration files or directories`);
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        if (e === "node_modules" || e.startsWith(".")) continue;
        walk(path.join(p, e), false);
      }
    } else if (explicit || (p.toLowerCase().endsWith(".sql") && (opts.includeUndo || !isUndo(p)))) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return [...new Set(out)];
}

/** Blanks a dbmate file's `-- migrate:down` section (keeps the newlines). */
export function forwardPart(text: string): string {
  const lines = text.split("\n");
  let down = false;
  return lines
    .map((l) => {
      const marker = /^\s*--\s*migrate:(up|down)\b/.exec(l);
      if (marker) down = marker[1] === "down";
      return down ? "" : l;
    })
    .join("\n");
}

export function readSource(file: string): SourceFile {
  const r = decodeUtf8(readFileSync(file));
  if ("problem" in r) throw new Error(`lint: ${utf8Message(file, r.problem)}`);
  return { path: file, text: forwardPart(r.text) };
}
