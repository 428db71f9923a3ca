// MySQL/MariaDB have no template databases: a clone is the template schema's DDL replayed into a new
// schema (tables in foreign-key order, views in dependency order, routines, triggers last) plus its rows
// copied with INSERT … SELECT — all inside the server, in one multi-statement round trip.
import type { Pool, RowDataPacket } from "mysql2/promise";

const q = (name: string): string => "`" + name.replace(/`/g, "``") + "`";

export interface SchemaScript {
  tables: Array<{ name: string; ddl: string; columns: string[] }>;
  views: Array<{ name: string; ddl: string }>;
  routines: Array<{ ddl: string; sqlMode: string }>;
  triggers: Array<{ ddl: string; sqlMode: string }>;
}

async function rows<T>(pool: Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await pool.query<RowDataPacket[]>(sql, params);
  return r as unknown as T[];
}

/** Depth-first topological order; `deps(x)` lists names that must come before x (unknown names ignored). */
function topoSort<T extends { name: string }>(items: T[], deps: (item: T) => string[]): T[] {
  const byName = new Map(items.map((i) => [i.name, i]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (item: T): void => {
    if (done.has(item.name) || visiting.has(item.name)) return; // cycles: FK checks are off anyway
    visiting.add(item.name);
    for (const d of deps(item)) {
      const dep = byName.get(d);
      if (dep && dep !== item) visit(dep);
    }
    visiting.delete(item.name);
    done.add(item.name);
    out.push(item);
  };
  for (const i of items) visit(i);
  return out;
}

/** Reads everything needed to clone `schema` (the template; it does not change once built). */
export async function readSchema(pool: Pool, schema: string): Promise<SchemaScript> {
  const tableRows = await rows<{ TABLE_NAME: string; TABLE_TYPE: string }>(
    pool,
    "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
    [schema],
  );
  const fks = await rows<{ TABLE_NAME: string; REFERENCED_TABLE_NAME: string }>(
    pool,
    "SELECT TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND UNIQUE_CONSTRAINT_SCHEMA = ?",
    [schema, schema],
  );
  const cols = await rows<{ TABLE_NAME: string; COLUMN_NAME: string; EXTRA: string }>(
    pool,
    "SELECT TABLE_NAME, COLUMN_NAME, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
    [schema],
  );
  const tables: SchemaScript["tables"] = [];
  const views: SchemaScript["views"] = [];
  for (const t of tableRows) {
    if (t.TABLE_TYPE === "VIEW") {
      const [v] = await rows<Record<string, string>>(pool, `SHOW CREATE VIEW ${q(schema)}.${q(t.TABLE_NAME)}`);
      views.push({ name: t.TABLE_NAME, ddl: String(v?.["Create View"]) });
    } else {
      const [c] = await rows<Record<string, string>>(pool, `SHOW CREATE TABLE ${q(schema)}.${q(t.TABLE_NAME)}`);
      const columns = cols
        .filter((c2) => c2.TABLE_NAME === t.TABLE_NAME && !/GENERATED/i.test(c2.EXTRA))
        .map((c2) => c2.COLUMN_NAME);
      // Sequences (MariaDB) keep their definition; their state is not copied.
      tables.push({ name: t.TABLE_NAME, ddl: String(c?.["Create Table"] ?? c?.["Create Sequence"] ?? ""), columns: t.TABLE_TYPE === "SEQUENCE" ? [] : columns });
    }
  }
  const fkDeps = (t: { name: string }): string[] => fks.filter((f) => f.TABLE_NAME === t.name).map((f) => f.REFERENCED_TABLE_NAME);
  const qualified = `${q(schema)}.`;
  const viewDeps = (v: { name: string; ddl: string }): string[] =>
    views.filter((o) => o.name !== v.name && v.ddl.includes(qualified + q(o.name))).map((o) => o.name);

  const routines: SchemaScript["routines"] = [];
  for (const r of await rows<{ ROUTINE_NAME: string; ROUTINE_TYPE: string }>(
    pool,
    "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME",
    [schema],
  )) {
    const kind = r.ROUTINE_TYPE === "FUNCTION" ? "Function" : "Procedure";
    const [row] = await rows<Record<string, string>>(pool, `SHOW CREATE ${kind.toUpperCase()} ${q(schema)}.${q(r.ROUTINE_NAME)}`);
    if (row?.[`Create ${kind}`]) routines.push({ ddl: row[`Create ${kind}`] as string, sqlMode: row.sql_mode ?? "" });
  }
  const triggers: SchemaScript["triggers"] = [];
  for (const t of await rows<{ TRIGGER_NAME: string }>(
    pool,
    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER",
    [schema],
  )) {
    const [row] = await rows<Record<string, string>>(pool, `SHOW CREATE TRIGGER ${q(schema)}.${q(t.TRIGGER_NAME)}`);
    if (row?.["SQL Original Statement"]) triggers.push({ ddl: row["SQL Original Statement"], sqlMode: row.sql_mode ?? "" });
  }
  return { tables: topoSort(tables, fkDeps), views: topoSort(views, viewDeps), routines, triggers };
}

const DEFINER_RE = /DEFINER\s*=\s*(`[^`]*`|'[^']*'|[^@\s]+)@(`[^`]*`|'[^']*'|[^\s]+)/i;

/** The multi-statement batch that recreates `script` (read from schema `from`) in schema `to`. */
export function cloneSql(script: SchemaScript, from: string, to: string, definer: string): string {
  const lit = (s: string): string => "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
  const requalify = (ddl: string): string =>
    ddl.split(`${q(from)}.`).join(`${q(to)}.`).replace(DEFINER_RE, `DEFINER=${q(definer)}@'%'`);
  const out = [
    "SET @dbtk_mode = @@SESSION.sql_mode, SESSION foreign_key_checks = 0, SESSION unique_checks = 0",
    `USE ${q(to)}`,
  ];
  for (const t of script.tables) out.push(t.ddl);
  for (const t of script.tables) {
    if (t.columns.length === 0) continue;
    const list = t.columns.map(q).join(", ");
    out.push(`INSERT INTO ${q(to)}.${q(t.name)} (${list}) SELECT ${list} FROM ${q(from)}.${q(t.name)}`);
  }
  for (const v of script.views) out.push(requalify(v.ddl));
  for (const r of [...script.routines, ...script.triggers]) {
    out.push(`SET SESSION sql_mode = ${lit(r.sqlMode)}`, requalify(r.ddl));
  }
  out.push("SET SESSION sql_mode = @dbtk_mode, SESSION foreign_key_checks = 1, SESSION unique_checks = 1");
  return out.join(";\n");
}
