// The template key: a hash of everything that decides what a migrated database looks like — the
// migration files (names and contents), the tool and its settings, and the server's version.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

/** Folders that never hold migrations but may be large or change on their own. */
const SKIP = new Set([".git", "node_modules", "__pycache__", ".venv", "venv", ".pytest_cache", "target", ".idea", ".vscode"]);

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (SKIP.has(e.name) || e.name === ".DS_Store") continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(root, full, out);
    else if (e.isFile()) out.push(path.relative(root, full));
  }
}

export interface KeyInput {
  /** The migrations folder (built-in runner) or the tool's project folder. */
  dir: string;
  /** Hash these files and folders (recursively) instead of `dir`; names are relative to `dir`. */
  paths?: string[];
  /** `builtin`, `flyway`, `liquibase`, `alembic`, `dbmate`, `command:<argv>`. */
  tool: string;
  /** E.g. `PostgreSQL 18.1`. */
  engineVersion: string;
  /** Anything else that changes the result (placeholders…), serialised stably by the caller. */
  extra?: string;
}

/** 64 hex characters; templates are named by the first 16. */
export async function templateKey(input: KeyInput): Promise<string> {
  const files: string[] = [];
  for (const p of input.paths ?? [input.dir]) {
    if ((await stat(p)).isDirectory()) await walk(input.dir, p, files);
    else files.push(path.relative(input.dir, p));
  }
  files.sort();
  const h = createHash("sha256");
  h.update(`dbtk-template-v1\0${input.tool}\0${input.engineVersion}\0${input.extra ?? ""}\0`);
  for (const f of files) {
    const content = await readFile(path.join(input.dir, f));
    h.update(f.split(path.sep).join("/") + "\0" + createHash("sha256").update(content).digest("hex") + "\0");
  }
  return h.digest("hex");
}
