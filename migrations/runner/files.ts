// Reads a migrations directory the way Flyway's filesystem location does: every *.sql file below it,
// named V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql, with the
// path relative to the directory as the script name. Anything else ending in .sql is skipped with a
// warning naming it, as Flyway skips it (a typo such as "v1_init.sql" would otherwise go unnoticed), or is
// an error with `validateMigrationNaming`, as Flyway's option of that name makes it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { flywayChecksum, stripBom } from "./checksum.js";
import { MigrationError } from "./errors.js";
import { decodeUtf8, utf8Message } from "./utf8.js";
import { compareVersions, parseVersion, versionKey, type Version } from "./version.js";

export type MigrationKind = "versioned" | "undo" | "repeatable";

export interface MigrationFile {
  kind: MigrationKind;
  /** Undefined for repeatable migrations. */
  version?: Version;
  /** From the file name, underscores turned into spaces (as Flyway stores it). */
  description: string;
  /** Path relative to the migrations directory, with forward slashes (Flyway's `script` column). */
  script: string;
  /** Absolute path. */
  path: string;
  /** File content without a BOM, placeholders not yet replaced. */
  sql: string;
  /** Flyway's checksum of the file. */
  checksum: number;
  /** `-- dbtk:no-transaction` in the file, or `executeInTransaction=false` in a Flyway `<file>.conf`. */
  noTransaction: boolean;
}

/** A Flyway SQL callback such as afterMigrate.sql or beforeMigrate__grants.sql (never recorded). */
export interface CallbackFile extends MigrationFile {
  /** Flyway's event name: beforeMigrate, afterMigrate, … */
  event: string;
}

export interface MigrationSet {
  dir: string;
  versioned: MigrationFile[];
  undo: MigrationFile[];
  repeatable: MigrationFile[];
  /** Sorted by file name, as Flyway runs them. */
  callbacks: CallbackFile[];
}

const NAME = /^(?:([VU])([^_][^]*?)|R)__([^]*)\.sql$/;
// Flyway's SQL callbacks: beforeMigrate.sql, afterMigrate__grants.sql, afterEachMigrate.sql, createSchema.sql …
const CALLBACK = /^((?:before|after)[A-Z][A-Za-z]*|createSchema)(?:__([^]*))?\.sql$/;
export const NO_TX_MARKER = /^[ \t]*--[ \t]*dbtk:no-transaction\b/m;
const HINT = "name it V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql";

/** The .sql files below `root` (relative paths), and the Flyway .conf files beside them. */
function listSqlFiles(root: string, rel = "", out = { sql: [] as string[], conf: new Set<string>() }): typeof out {
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    const lower = entry.name.toLowerCase();
    if (entry.isDirectory()) listSqlFiles(root, child, out);
    else if (lower.endsWith(".sql")) out.sql.push(child);
    else if (lower.endsWith(".sql.conf")) out.conf.add(child);
  }
  return out;
}

/** The file as UTF-8 text; a file that is not valid UTF-8 adds a problem naming its line and is skipped. */
function readUtf8(file: string, script: string, problems: { message: string; script?: string }[]): string | undefined {
  const r = decodeUtf8(readFileSync(file));
  if ("text" in r) return r.text;
  problems.push({ script, message: utf8Message(script, r.problem) });
  return undefined;
}

function readConfNoTransaction(file: string): boolean {
  return /^\s*executeInTransaction\s*=\s*false\s*$/im.test(readFileSync(`${file}.conf`, "utf8"));
}

/** Parses one file name; returns undefined when it fits none of the three patterns. */
export function parseMigrationName(
  fileName: string,
): { kind: MigrationKind; version?: Version; description: string } | undefined {
  const m = NAME.exec(fileName);
  if (!m) return undefined;
  const description = (m[3] ?? "").replace(/_/g, " ");
  if (!m[1]) return { kind: "repeatable", description };
  const version = parseVersion(m[2] ?? "");
  if (!version) return undefined;
  return { kind: m[1] === "V" ? "versioned" : "undo", version, description };
}

export interface LoadOptions {
  /** A misnamed .sql file is an error (default: skipped, with a warning). */
  validateMigrationNaming?: boolean;
  /** Told about each skipped file. */
  onWarning?: (message: string) => void;
}

/** Loads and checks every migration under `dir`, sorted (versioned and undo by version, repeatable by description). */
export function loadMigrations(dir: string, opts: LoadOptions = {}): MigrationSet {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new MigrationError("FILES", `migrations directory ${root} does not exist: create it or pass options.dir`);
  }
  const problems: { message: string; script?: string }[] = [];
  const set: MigrationSet = { dir: root, versioned: [], undo: [], repeatable: [], callbacks: [] };
  const listed = listSqlFiles(root);
  for (const script of listed.sql.sort()) {
    const base = path.posix.basename(script);
    const callback = CALLBACK.exec(base);
    if (callback) {
      const file = path.join(root, script);
      const text = readUtf8(file, script, problems);
      if (text === undefined) continue;
      const sql = stripBom(text);
      const description = callback[2] ? callback[2].replace(/_/g, " ") : callback[1]!;
      const event = callback[1]!;
      set.callbacks.push({ kind: "repeatable", event, description, script, path: file, sql, checksum: flywayChecksum(sql), noTransaction: NO_TX_MARKER.test(sql) });
      continue;
    }
    const parsed = parseMigrationName(base);
    if (!parsed) {
      if (opts.validateMigrationNaming) problems.push({ script, message: `${script}: file name does not fit a migration pattern: ${HINT}` });
      else opts.onWarning?.(`${script}: skipped, its name fits no migration pattern: ${HINT} (or, to make this an error, set options.validateMigrationNaming)`);
      continue;
    }
    const file = path.join(root, script);
    const raw = readUtf8(file, script, problems);
    if (raw === undefined) continue;
    const sql = stripBom(raw);
    const m: MigrationFile = {
      ...parsed,
      script,
      path: file,
      sql,
      checksum: flywayChecksum(raw),
      noTransaction: NO_TX_MARKER.test(sql) || (listed.conf.has(`${script}.conf`) && readConfNoTransaction(file)),
    };
    set[parsed.kind].push(m);
  }
  const byVersion = (a: MigrationFile, b: MigrationFile) => compareVersions(a.version!, b.version!);
  set.versioned.sort(byVersion);
  set.undo.sort(byVersion);
  set.repeatable.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  for (const [list, what] of [
    [set.versioned, "version"],
    [set.undo, "undo version"],
  ] as const) {
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (versionKey(a.version!) === versionKey(b.version!)) {
        problems.push({
          script: b.script,
          message: `two migrations have ${what} ${b.version!.text}: ${a.script} and ${b.script}; give one of them a new version`,
        });
      }
    }
  }
  for (let i = 1; i < set.repeatable.length; i++) {
    const a = set.repeatable[i - 1]!;
    const b = set.repeatable[i]!;
    if (a.description === b.description) {
      problems.push({
        script: b.script,
        message: `two repeatable migrations have the description "${b.description}": ${a.script} and ${b.script}; rename one`,
      });
    }
  }
  if (problems.length > 0) {
    throw new MigrationError("FILES", `invalid migrations in ${root}:\n  ${problems.map((p) => p.message).join("\n  ")}`, {
      problems,
      ...(problems[0]?.script ? { script: problems[0].script } : {}),
    });
  }
  return set;
}
