// Flyway-style ${name} placeholders, replaced everywhere in the file (comments too, as Flyway does).
// Checksums are taken before replacement, so changing a value never makes a migration "edited".
import { MigrationError } from "./errors.js";
import { lineAt, lineStartsOf } from "./splitter.js";

export interface Replaced {
  sql: string;
  /** Maps an offset in the replaced text back to the original file (a placeholder maps to its `$`). */
  toOriginal(offset: number): number;
}

const PLACEHOLDER = /\$\{([^}\r\n]+)\}/g;

function lookup(values: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(values, name)) return values[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function replacePlaceholders(sql: string, values: Record<string, string>, script: string): Replaced {
  // [offset in replaced text, offset in original, length in original, length in replaced]
  const segments: [number, number, number, number][] = [];
  let out = "";
  let last = 0;
  for (const m of sql.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    const value = lookup(values, name);
    if (value === undefined) {
      const line = lineAt(lineStartsOf(sql), m.index);
      throw new MigrationError(
        "PLACEHOLDER",
        `${script}:${line}: no value for placeholder \${${name}}: pass it in options.placeholders (${name}: <value>)`,
        { script, line },
      );
    }
    out += sql.slice(last, m.index);
    segments.push([out.length, m.index, m[0].length, value.length]);
    out += value;
    last = m.index + m[0].length;
  }
  out += sql.slice(last);
  if (segments.length === 0) return { sql, toOriginal: (o) => o };
  return {
    sql: out,
    toOriginal(offset: number): number {
      let shift = 0;
      for (const [rep, orig, origLen, repLen] of segments) {
        if (offset < rep) break;
        if (offset < rep + repLen) return orig;
        shift = orig + origLen - (rep + repLen);
      }
      return offset + shift;
    },
  };
}

/** Flyway's built-in placeholders (${flyway:user} …) for one migration. */
export function builtinPlaceholders(ctx: {
  user: string;
  database: string;
  defaultSchema: string;
  table: string;
  filename: string;
}): Record<string, string> {
  const now = new Date();
  const pad = (x: number) => String(x).padStart(2, "0");
  return {
    "flyway:user": ctx.user,
    "flyway:database": ctx.database,
    "flyway:defaultSchema": ctx.defaultSchema,
    "flyway:table": ctx.table,
    "flyway:filename": ctx.filename,
    "flyway:environment": "default",
    "flyway:workingDirectory": process.cwd(),
    "flyway:timestamp": `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
  };
}

/**
 * Placeholders from FLYWAY_PLACEHOLDERS_<NAME> and DBTK_PLACEHOLDERS_<NAME> (names lower-cased, like Flyway)
 * of the given environment (front ends pass their own).
 */
export function placeholdersFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const prefix of ["FLYWAY_PLACEHOLDERS_", "DBTK_PLACEHOLDERS_"]) {
    for (const [k, v] of Object.entries(env)) {
      if (k.startsWith(prefix) && k.length > prefix.length && v !== undefined) out[k.slice(prefix.length).toLowerCase()] = v;
    }
  }
  return out;
}
