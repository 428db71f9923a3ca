// Reads a tool's own history table, for `applied()` and undo counts; absent table = nothing applied.
import type { DbTarget } from "../../core/connection.js";
import { tableExists, withDb, type Row } from "../schema/db.js";

export async function historyRows<T extends Row>(target: DbTarget, table: string, sql: string): Promise<T[]> {
  return withDb(target, async (db) => ((await tableExists(db, table)) ? db.query<T>(sql) : []));
}
