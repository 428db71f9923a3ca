// Validation of a restored copy: row counts, md5 checksums of each table's rows in order, and a user query,
// taken on the source at the restore point and on the copy, then compared.
import mysql from "mysql2/promise";
import pg from "pg";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import type { DrillCheck, DrillValidation } from "./types.js";

type Row = Record<string, unknown>;

/** A connection the checks can query, whatever the engine. */
export interface DrillSession {
  readonly engine: DbTarget["engine"];
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** Opens a session on `t`. The password stays inside the driver; errors never quote it. */
export async function openSession(t: DbTarget): Promise<DrillSession> {
  if (t.engine === "postgres") {
    const client = new pg.Client(driverOptions(t));
    await client.connect();
    return {
      engine: "postgres",
      query: async (sql, params) => (await client.query(sql, params)).rows as Row[],
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection(driverOptions(t));
  // Big tables: one GROUP_CONCAT per table must not be truncated.
  await conn.query("SET SESSION group_concat_max_len = 4294967295");
  return {
    engine: "mysql",
    query: async (sql, params) => (await conn.query(sql, params))[0] as Row[],
    close: () => conn.end(),
  };
}

const pgIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const myIdent = (s: string) => `\`${s.replace(/`/g, "``")}\``;

/** `schema.table` or `table` → the two parts (schema undefined when not given). */
function splitName(name: string): { schema?: string; table: string } {
  const dot = name.indexOf(".");
  return dot < 0 ? { table: name } : { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** Every user table of the session's database, as `schema.table` (PostgreSQL) or `table` (MariaDB). */
export async function listTables(s: DrillSession): Promise<string[]> {
  if (s.engine === "postgres") {
    const rows = await s.query(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1`,
    );
    return rows.map((r) => String(r.name));
  }
  const rows = await s.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((r) => String(r.name));
}

/** Row count and md5 of the table's rows in a fixed order (PostgreSQL: row text; MariaDB: row hashes). */
export async function tableChecksum(s: DrillSession, name: string): Promise<{ rows: string; md5: string }> {
  const { schema, table } = splitName(name);
  if (s.engine === "postgres") {
    const ref = schema ? `${pgIdent(schema)}.${pgIdent(table)}` : pgIdent(table);
    const [row] = await s.query(
      `SELECT count(*)::text AS n,
              md5(coalesce(string_agg(md5(t::text), '' ORDER BY t::text COLLATE "C"), '')) AS h
         FROM ${ref} t`,
    );
    return { rows: String(row?.n), md5: String(row?.h) };
  }
  const cols = await s.query(
    `SELECT column_name AS c FROM information_schema.columns
      WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position`,
    [schema ?? null, table],
  );
  if (cols.length === 0) throw new Error(`table ${name} not found`);
  const ref = schema ? `${myIdent(schema)}.${myIdent(table)}` : myIdent(table);
  // QUOTE keeps NULL apart from the string 'NULL' and escapes separators inside values.
  const rowText = `CONCAT_WS(',', ${cols.map((c) => `QUOTE(${myIdent(String(c.c))})`).join(", ")})`;
  const [row] = await s.query(
    `SELECT COUNT(*) AS n, MD5(COALESCE(GROUP_CONCAT(h ORDER BY h SEPARATOR ''), '')) AS h
       FROM (SELECT MD5(${rowText}) AS h FROM ${ref}) x`,
  );
  return { rows: String(row?.n), md5: String(row?.h) };
}

/** The user query's rows, as stable JSON (dates and big numbers as the driver renders them). */
export async function queryResult(s: DrillSession, sql: string): Promise<string> {
  const rows = await s.query(sql);
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** Named values to compare: `rows <t>`, `md5 <t>` for each table, and `query`. */
export async function collectChecks(s: DrillSession, v: DrillValidation): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const tables = v.tables ?? (await listTables(s));
  for (const t of tables) {
    const sum = await tableChecksum(s, t);
    out.set(`rows ${t}`, sum.rows);
    out.set(`md5 ${t}`, sum.md5);
  }
  if (v.query) out.set("query", await queryResult(s, v.query));
  return out;
}

/**
 * Runs the same checks on the restored copy and compares them with `expected` (the source at the restore
 * point). A table missing in the copy is a failed check, not an exception.
 */
export async function compareChecks(restored: DrillSession, expected: Map<string, string>, v: DrillValidation): Promise<DrillCheck[]> {
  const results: DrillCheck[] = [];
  const tables = [...expected.keys()].filter((k) => k.startsWith("rows ")).map((k) => k.slice(5));
  for (const t of tables) {
    let actual: { rows: string; md5: string };
    try {
      actual = await tableChecksum(restored, t);
    } catch (err) {
      const msg = `error: ${(err as Error).message}`;
      actual = { rows: msg, md5: msg };
    }
    for (const [key, value] of [[`rows ${t}`, actual.rows], [`md5 ${t}`, actual.md5]] as const) {
      const want = expected.get(key) ?? "";
      results.push({ name: key, expected: want, actual: value, ok: want === value });
    }
  }
  if (v.query !== undefined) {
    let actual: string;
    try {
      actual = await queryResult(restored, v.query);
    } catch (err) {
      actual = `error: ${(err as Error).message}`;
    }
    const want = expected.get("query") ?? "";
    results.push({ name: "query", expected: want, actual, ok: want === actual });
  }
  return results;
}
