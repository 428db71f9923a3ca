// MySQL/MariaDB snapshot from information_schema, for the connection's current database. Names are
// unqualified and the database's own name is stripped from definitions, so two databases compare.
import { createHash } from "node:crypto";
import type { Db, Row } from "./db.js";
import { addObject, type SchemaSnapshot } from "./types.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function snapshotMysql(db: Db, snap: SchemaSnapshot, exclude: Set<string>): Promise<void> {
  const [cur] = await db.query<{ db: string | null }>("SELECT DATABASE() AS db");
  const dbName = cur?.db;
  if (!dbName) throw new Error("MySQL snapshot: the connection has no current database; put the database name in the URL");
  // `db`.`t` → `t`, in view and routine bodies.
  const strip = (s: string | null) => (s === null ? null : s.split(`\`${dbName}\`.`).join(""));
  const keep = (r: Row, col = "tbl") => !exclude.has(String(r[col]));

  const tables = (
    await db.query(
      `SELECT TABLE_NAME AS tbl, TABLE_TYPE AS type, ENGINE AS engine, TABLE_COLLATION AS coll
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`,
    )
  ).filter((r) => keep(r));
  const kinds = new Map(tables.map((t) => [String(t.tbl), String(t.type)]));
  for (const t of tables) {
    const name = String(t.tbl);
    if (t.type === "BASE TABLE") addObject(snap, "table", name, { engine: str(t.engine), collation: str(t.coll) });
    else if (t.type === "SEQUENCE") addObject(snap, "sequence", name, { engine: str(t.engine) });
  }

  const cols = await db.query(
    `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS col, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS dflt, EXTRA AS extra, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS coll,
            GENERATION_EXPRESSION AS gen
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  for (const c of cols) {
    if (!keep(c) || kinds.get(String(c.tbl)) !== "BASE TABLE") continue;
    addObject(snap, "column", `${String(c.tbl)}.${String(c.col)}`, {
      type: String(c.type),
      nullable: c.nullable === "YES",
      default: str(c.dflt),
      extra: str(c.extra) ?? "",
      charset: str(c.charset),
      collation: str(c.coll),
      generated: str(c.gen) || null,
    });
  }

  const keyCols = await db.query(
    `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_NAME AS rtbl,
            REFERENCED_COLUMN_NAME AS rcol
       FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
  );
  const rules = await db.query(
    `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, UPDATE_RULE AS upd, DELETE_RULE AS del
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
  );
  const checks = await db.query(`SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`);
  const cons = await db.query(
    `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type
       FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE()`,
  );
  for (const c of cons) {
    if (!keep(c)) continue;
    const tbl = String(c.tbl);
    const name = String(c.name);
    const mine = keyCols.filter((k) => k.tbl === tbl && k.name === name);
    const def: { [k: string]: string | string[] | null } = { type: String(c.type).toLowerCase(), columns: mine.map((k) => String(k.col)) };
    if (c.type === "FOREIGN KEY") {
      const rule = rules.find((r) => r.tbl === tbl && r.name === name);
      def.references = `${String(mine[0]?.rtbl)}(${mine.map((k) => String(k.rcol)).join(", ")})`;
      def.onUpdate = str(rule?.upd);
      def.onDelete = str(rule?.del);
    } else if (c.type === "CHECK") {
      // MariaDB's CHECK_CONSTRAINTS has TABLE_NAME; MySQL's names are unique per database.
      const chk = checks.find((k) => k.CONSTRAINT_NAME === name && (k.TABLE_NAME === undefined || k.TABLE_NAME === tbl));
      def.columns = [];
      def.clause = strip(str(chk?.CHECK_CLAUSE));
    }
    addObject(snap, "constraint", `${tbl}.${name}`, def);
  }

  const stats = await db.query(
    `SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE AS nonunique, COLUMN_NAME AS col, SUB_PART AS sub,
            COLLATION AS coll, INDEX_TYPE AS type
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );
  const indexes = new Map<string, Row[]>();
  for (const s of stats) {
    if (!keep(s)) continue;
    const key = `${String(s.tbl)}.${String(s.name)}`;
    indexes.set(key, [...(indexes.get(key) ?? []), s]);
  }
  for (const [key, parts] of indexes) {
    const first = parts[0];
    if (!first) continue;
    const cols2 = parts.map((p) => `${String(p.col)}${p.sub ? `(${String(p.sub)})` : ""}${p.coll === "D" ? " DESC" : ""}`);
    const unique = Number(first.nonunique) === 0 ? "UNIQUE " : "";
    addObject(snap, "index", key, { definition: `${unique}INDEX ${String(first.name)} ON ${String(first.tbl)} USING ${String(first.type)} (${cols2.join(", ")})` });
  }

  const views = await db.query(
    `SELECT TABLE_NAME AS tbl, VIEW_DEFINITION AS def, CHECK_OPTION AS chk, SECURITY_TYPE AS sec
       FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()`,
  );
  for (const v of views) {
    if (keep(v)) addObject(snap, "view", String(v.tbl), { definition: strip(str(v.def)), checkOption: str(v.chk), security: str(v.sec) });
  }

  const params = await db.query(
    `SELECT SPECIFIC_NAME AS name, ROUTINE_TYPE AS rtype, PARAMETER_MODE AS mode, PARAMETER_NAME AS pname, DTD_IDENTIFIER AS type
       FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0
      ORDER BY SPECIFIC_NAME, ORDINAL_POSITION`,
  );
  const routines = await db.query(
    `SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS rtype, DTD_IDENTIFIER AS returns, ROUTINE_DEFINITION AS body,
            IS_DETERMINISTIC AS det, SQL_DATA_ACCESS AS access, SECURITY_TYPE AS sec
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()`,
  );
  for (const r of routines) {
    const args = params
      .filter((p) => p.name === r.name && p.rtype === r.rtype)
      .map((p) => `${p.mode ? `${String(p.mode)} ` : ""}${String(p.pname)} ${String(p.type)}`);
    addObject(snap, "function", `${String(r.name)}(${args.join(", ")})`, {
      kind: String(r.rtype).toLowerCase(),
      returns: str(r.returns),
      deterministic: r.det === "YES",
      dataAccess: str(r.access),
      security: str(r.sec),
      bodySha256: sha256(strip(str(r.body)) ?? ""),
    });
  }

  const triggers = await db.query(
    `SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, EVENT_MANIPULATION AS event, ACTION_TIMING AS timing,
            ACTION_ORIENTATION AS orientation, ACTION_STATEMENT AS stmt
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()`,
  );
  for (const t of triggers) {
    if (!keep(t)) continue;
    addObject(snap, "trigger", `${String(t.tbl)}.${String(t.name)}`, {
      timing: str(t.timing), event: str(t.event), orientation: str(t.orientation), statement: strip(str(t.stmt)),
    });
  }

  await grants(db, snap, keep);
}

async function grants(db: Db, snap: SchemaSnapshot, keep: (r: Row, col?: string) => boolean): Promise<void> {
  const lines = new Map<string, string[]>();
  const add = (on: string, r: Row) => {
    const line = `${String(r.grantee)}: ${String(r.priv)}${r.grantable === "YES" ? " WITH GRANT OPTION" : ""}`;
    lines.set(on, [...(lines.get(on) ?? []), line]);
  };
  for (const r of await db.query(
    `SELECT GRANTEE AS grantee, PRIVILEGE_TYPE AS priv, IS_GRANTABLE AS grantable
       FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE()`,
  )) add("database", r);
  for (const r of await db.query(
    `SELECT TABLE_NAME AS tbl, GRANTEE AS grantee, PRIVILEGE_TYPE AS priv, IS_GRANTABLE AS grantable
       FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE()`,
  )) if (keep(r)) add(`table ${String(r.tbl)}`, r);
  for (const r of await db.query(
    `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS col, GRANTEE AS grantee, PRIVILEGE_TYPE AS priv, IS_GRANTABLE AS grantable
       FROM information_schema.COLUMN_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE()`,
  )) if (keep(r)) add(`column ${String(r.tbl)}.${String(r.col)}`, r);
  for (const [on, privs] of lines) addObject(snap, "grant", on, { privileges: [...new Set(privs)].sort() });
}
