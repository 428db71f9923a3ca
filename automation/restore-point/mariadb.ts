// MariaDB/MySQL restore points through SQL, no dump tool: a new schema with every table (SHOW CREATE
// TABLE, then INSERT … SELECT under LOCK TABLES, so the copy is consistent: writers wait, readers do
// not), and the views, routines and triggers kept as statements in a bookkeeping table. A restore moves
// the tables back in one atomic RENAME TABLE across schemas and re-creates the rest.
import mysql from "mysql2/promise";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import { asideRecord, decodeRecord, encodeRecord, listed, newAsideName, newRestorePointId, record, requirePoint } from "./record.js";
import type { RestorePoint, RestorePointOptions, RestoreResult, TakenRestorePoint } from "./types.js";

/** In each restore point (and aside) schema: its record (seq 0) and the non-table objects. */
const BOOK = "__dbtk_restore_point";
const q = (name: string) => `\`${name.replace(/`/g, "``")}\``;

type Conn = mysql.Connection;
type Row = Record<string, unknown>;

async function rows<T = Row>(c: Conn, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await c.query(sql, params);
  return (Array.isArray(r) ? r : []) as T[];
}

async function withConn<T>(target: DbTarget, fn: (c: Conn) => Promise<T>): Promise<T> {
  const { database: _db, ...opts } = driverOptions(target);
  let c: Conn;
  try {
    c = await mysql.createConnection({ ...opts, connectTimeout: 10_000, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  } catch (err) {
    throw new DbtkError(`cannot connect to the MySQL/MariaDB server at ${target.host}:${target.port} (user ${target.user}): ${(err as Error).message}`);
  }
  try {
    await c.query("SET SESSION FOREIGN_KEY_CHECKS = 0");
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

interface Stored {
  seq: number;
  kind: "record" | "view" | "routine" | "trigger" | "table";
  name: string;
  body: string;
  sql_mode: string;
}

async function book(c: Conn, schema: string): Promise<Stored[]> {
  return rows<Stored>(c, `SELECT seq, kind, name, body, sql_mode FROM ${q(schema)}.${q(BOOK)} ORDER BY seq`).catch(() => []);
}

/** A new schema with the character set and collation of `like`. */
async function createLike(c: Conn, name: string, like: string): Promise<void> {
  const [cs] = await rows<{ cs: string; co: string }>(c, "SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [like]);
  await c.query(`CREATE DATABASE IF NOT EXISTS ${q(name)}${cs ? ` CHARACTER SET ${cs.cs} COLLATE ${cs.co}` : ""}`);
}

async function makeSchema(c: Conn, name: string, like: string, rec: string): Promise<void> {
  await createLike(c, name, like);
  await c.query(`CREATE TABLE ${q(name)}.${q(BOOK)} (seq INT PRIMARY KEY, kind VARCHAR(16) NOT NULL, name VARCHAR(64) NOT NULL, body LONGTEXT NOT NULL, sql_mode TEXT NOT NULL)`);
  await c.query(`INSERT INTO ${q(name)}.${q(BOOK)} VALUES (0, 'record', '', ?, '')`, [rec]);
}

const setRecord = (c: Conn, schema: string, rec: string) => c.query(`UPDATE ${q(schema)}.${q(BOOK)} SET body = ? WHERE seq = 0`, [rec]);

async function all(c: Conn, sizes = false): Promise<RestorePoint[]> {
  const schemas = await rows<{ n: string }>(c, "SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbtk\\_rp%' ORDER BY 1");
  const size = new Map<string, number>();
  if (sizes) {
    for (const r of await rows<{ n: string; s: string }>(c, "SELECT TABLE_SCHEMA AS n, SUM(DATA_LENGTH + INDEX_LENGTH) AS s FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'dbtk\\_rp%' GROUP BY TABLE_SCHEMA")) {
      size.set(r.n, Number(r.s));
    }
  }
  const out: RestorePoint[] = [];
  for (const { n } of schemas) {
    const rec = (await book(c, n)).find((s) => s.kind === "record")?.body;
    const p = listed("mysql", n, rec, sizes ? (size.get(n) ?? 0) : undefined);
    if (p) out.push(p);
  }
  return out;
}

export function myList(target: DbTarget, sizes = false): Promise<RestorePoint[]> {
  return withConn(target, (c) => all(c, sizes));
}

interface Objects {
  tables: string[];
  views: string[];
  routines: { name: string; type: string }[];
  triggers: string[];
}

async function objects(c: Conn, schema: string): Promise<Objects> {
  const t = await rows<{ n: string; t: string }>(c, "SELECT TABLE_NAME AS n, TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [schema]);
  const r = await rows<{ n: string; t: string }>(c, "SELECT ROUTINE_NAME AS n, ROUTINE_TYPE AS t FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1", [schema]);
  const g = await rows<{ n: string }>(c, "SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER", [schema]);
  return {
    tables: t.filter((x) => x.t !== "VIEW" && x.n !== BOOK).map((x) => x.n),
    views: t.filter((x) => x.t === "VIEW").map((x) => x.n),
    routines: r.map((x) => ({ name: x.n, type: x.t })),
    triggers: g.map((x) => x.n),
  };
}

/** SHOW CREATE … of one object: its statement and the sql_mode it was made under. */
async function showCreate(c: Conn, what: "VIEW" | "PROCEDURE" | "FUNCTION" | "TRIGGER", schema: string, name: string): Promise<{ body: string; mode: string }> {
  const [r] = await rows(c, `SHOW CREATE ${what} ${q(schema)}.${q(name)}`);
  const key = what === "VIEW" ? "Create View" : what === "TRIGGER" ? "SQL Original Statement" : `Create ${what === "PROCEDURE" ? "Procedure" : "Function"}`;
  return { body: String(r?.[key] ?? ""), mode: String(r?.sql_mode ?? "") };
}

export async function myTake(target: DbTarget, versionBefore: string | null, opts: RestorePointOptions = {}): Promise<TakenRestorePoint> {
  const db = target.database;
  return withConn(target, async (c) => {
    if ((await rows(c, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [db])).length === 0) {
      throw new DbtkError(`database "${db}" does not exist on ${target.host}:${target.port}: nothing to take a restore point of`);
    }
    for (const p of await all(c)) {
      if (p.state === "aside" && p.source === db) {
        opts.onProgress?.(`dropping ${p.id}, left by an interrupted restore of ${db}`);
        await c.query(`DROP DATABASE IF EXISTS ${q(p.id)}`);
      }
    }
    const id = newRestorePointId();
    const started = performance.now();
    const now = new Date();
    opts.onProgress?.(`taking restore point ${id} of ${db} (a copy of every table; writers wait until it is done)`);
    await makeSchema(c, id, db, encodeRecord(record(db, versionBefore, "filling", now)));
    try {
      const o = await objects(c, db);
      await c.query(`USE ${q(id)}`);
      const stored: Omit<Stored, "seq">[] = [];
      for (const t of o.tables) {
        const [r] = await rows(c, `SHOW CREATE TABLE ${q(db)}.${q(t)}`);
        const body = String(r?.["Create Table"] ?? "");
        if (!/^CREATE TABLE/i.test(body)) throw new DbtkError(`restore points cannot copy ${db}.${t} yet (${body.split(" ").slice(0, 2).join(" ")})`);
        await c.query(body);
      }
      for (const v of o.views) stored.push({ kind: "view", name: v, body: (await showCreate(c, "VIEW", db, v)).body, sql_mode: "" });
      for (const r of o.routines) {
        const s = await showCreate(c, r.type === "FUNCTION" ? "FUNCTION" : "PROCEDURE", db, r.name);
        stored.push({ kind: "routine", name: r.name, body: s.body, sql_mode: s.mode });
      }
      for (const g of o.triggers) {
        const s = await showCreate(c, "TRIGGER", db, g);
        stored.push({ kind: "trigger", name: g, body: s.body, sql_mode: s.mode });
      }
      for (const [i, s] of stored.entries()) await c.query(`INSERT INTO ${q(BOOK)} VALUES (?, ?, ?, ?, ?)`, [i + 1, s.kind, s.name, s.body, s.sql_mode]);
      await copyRows(c, db, id, o.tables);
      await opts.onStep?.("copying");
      await setRecord(c, id, encodeRecord(record(db, versionBefore, "ready", now)));
      return { id, engine: "mysql", source: db, createdAt: now.toISOString(), versionBefore, state: "ready", ms: performance.now() - started };
    } catch (err) {
      await c.query(`DROP DATABASE IF EXISTS ${q(id)}`).catch(() => undefined);
      throw err;
    }
  });
}

/** Every row of every table, read under one set of table locks: a consistent copy. */
async function copyRows(c: Conn, from: string, to: string, tables: string[]): Promise<void> {
  if (tables.length === 0) return;
  const cols = await rows<{ t: string; c: string }>(
    c,
    "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY TABLE_NAME, ORDINAL_POSITION",
    [from],
  );
  const byTable = new Map<string, string[]>();
  for (const r of cols) byTable.set(r.t, [...(byTable.get(r.t) ?? []), q(r.c)]);
  await c.query("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
  await c.query(`LOCK TABLES ${tables.flatMap((t) => [`${q(from)}.${q(t)} READ`, `${q(to)}.${q(t)} WRITE`]).join(", ")}`);
  try {
    for (const t of tables) {
      const list = (byTable.get(t) ?? []).join(", ");
      await c.query(`INSERT INTO ${q(to)}.${q(t)} (${list}) SELECT ${list} FROM ${q(from)}.${q(t)}`);
    }
  } finally {
    await c.query("UNLOCK TABLES");
  }
}

/** Drops the views, routines and triggers of `db` and makes those stored in the restore point. */
async function recreate(c: Conn, db: string, stored: Stored[]): Promise<void> {
  const now = await objects(c, db);
  for (const g of now.triggers) await c.query(`DROP TRIGGER IF EXISTS ${q(db)}.${q(g)}`);
  for (const v of now.views) await c.query(`DROP VIEW IF EXISTS ${q(db)}.${q(v)}`);
  for (const r of now.routines) await c.query(`DROP ${r.type === "FUNCTION" ? "FUNCTION" : "PROCEDURE"} IF EXISTS ${q(db)}.${q(r.name)}`);
  await c.query(`USE ${q(db)}`);
  const run = async (s: Stored) => {
    await c.query("SET SESSION sql_mode = ?", [s.sql_mode]);
    await c.query(s.body);
  };
  for (const s of stored.filter((x) => x.kind === "routine")) await run(s);
  // Views may read views: make them in passes until none is left or a pass makes none.
  let views = stored.filter((x) => x.kind === "view");
  while (views.length > 0) {
    const failed: Stored[] = [];
    let last: unknown;
    for (const v of views) await run(v).catch((err: unknown) => (failed.push(v), (last = err)));
    if (failed.length === views.length) throw last;
    views = failed;
  }
  for (const s of stored.filter((x) => x.kind === "trigger")) await run(s);
}

export async function myRestore(target: DbTarget, id: string, opts: RestorePointOptions = {}): Promise<RestoreResult> {
  const db = target.database;
  return withConn(target, async (c) => {
    const listedAll = await all(c);
    const p = requirePoint(listedAll, id, db, true);
    const started = performance.now();
    opts.onProgress?.(`restoring ${db} from ${id} (taken ${p.createdAt}, version ${p.versionBefore ?? "none"})`);
    const stored = await book(c, id);
    // Resuming an interrupted restore: its aside schema names this restore point.
    let aside: string | undefined;
    for (const x of listedAll.filter((l) => l.state === "aside" && l.source === db)) {
      const rec = decodeRecord((await book(c, x.id)).find((s) => s.kind === "record")?.body);
      if (rec?.kind === "restore-aside" && rec.restorePoint === id) aside = x.id;
    }
    const resuming = aside !== undefined;
    if (!aside) {
      aside = newAsideName();
      await makeSchema(c, aside, db, encodeRecord(asideRecord(db, id, new Date())));
    }
    await createLike(c, db, id);
    const current = await objects(c, db);
    const copy = await objects(c, id);
    // A resumed restore whose tables already moved only re-creates the other objects.
    if (!(resuming && copy.tables.length === 0)) {
      // Triggers cannot move across schemas: the current ones go (they are replaced anyway).
      for (const g of current.triggers) await c.query(`DROP TRIGGER IF EXISTS ${q(db)}.${q(g)}`);
      const moves = [...current.tables.map((t) => `${q(db)}.${q(t)} TO ${q(aside!)}.${q(t)}`), ...copy.tables.map((t) => `${q(id)}.${q(t)} TO ${q(db)}.${q(t)}`)];
      if (moves.length > 0) await c.query(`RENAME TABLE ${moves.join(", ")}`);
    }
    // A crash from here leaves the tables in place and the rest to re-create: restoring again finishes it.
    await opts.onStep?.("swapping");
    await recreate(c, db, stored);
    await c.query(`DROP DATABASE ${q(aside)}`);
    await c.query(`DROP DATABASE ${q(id)}`);
    return { id, database: db, createdAt: p.createdAt, versionBefore: p.versionBefore, ms: performance.now() - started };
  });
}

export async function myDrop(target: DbTarget, id: string): Promise<RestorePoint> {
  return withConn(target, async (c) => {
    const p = requirePoint(await all(c), id, target.database, false);
    await c.query(`DROP DATABASE IF EXISTS ${q(id)}`);
    return p;
  });
}
