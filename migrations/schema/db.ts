// One small query interface over the pg and mysql2 drivers, for snapshots, history tables and scratch
// databases. Rows come back as plain objects.
import pg from "pg";
import mysql from "mysql2/promise";
import { driverOptions, type DbTarget } from "../../core/connection.js";

export type Row = Record<string, unknown>;

export interface Db {
  readonly target: DbTarget;
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function connect(target: DbTarget): Promise<Db> {
  if (target.engine === "postgres") {
    const client = new pg.Client(driverOptions(target));
    await client.connect();
    return {
      target,
      query: async <T extends Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection({
    ...driverOptions(target),
    // Catalog text columns come back as strings, not Buffers.
    typeCast: true,
    dateStrings: true,
  });
  return {
    target,
    query: async <T extends Row>(sql: string, params: unknown[] = []) => {
      const [rows] = await conn.query(sql, params);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
    close: () => conn.end(),
  };
}

export async function withDb<T>(target: DbTarget, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await connect(target);
  try {
    return await fn(db);
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** True when the table exists in the target's database (current schema search path for PostgreSQL). */
export async function tableExists(db: Db, table: string): Promise<boolean> {
  const rows =
    db.target.engine === "postgres"
      ? await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [table])
      : await db.query(
          "SELECT COUNT(*) AS present FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
          [table],
        );
  const v = rows[0]?.present;
  return v === true || Number(v) > 0;
}
