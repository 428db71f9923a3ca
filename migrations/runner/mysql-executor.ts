// MySQL/MariaDB: DDL commits implicitly, so a failed migration cannot be rolled back — it is recorded
// with success = false (as Flyway does) and later runs refuse until `repair`. The runner's lock is a
// GET_LOCK named like Flyway's, held by a dedicated session so it dies with the process.
import mysql from "mysql2/promise";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import { javaStringHash } from "./checksum.js";
import { MigrationError } from "./errors.js";
import { failure, type Executor } from "./executor.js";
import {
  createHistorySql,
  insertHistorySql,
  quoteIdent,
  rowFromDb,
  SCHEMA_CREATION_DESCRIPTION,
  selectHistorySql,
  type NewRow,
} from "./history.js";

interface MyError extends Error {
  errno?: number;
  code?: string;
  sqlMessage?: string;
}

/**
 * Statements a ROLLBACK undoes: plain data statements. Everything else may commit implicitly (DDL, grants,
 * LOCK TABLES, a CALL that does either: https://dev.mysql.com/doc/refman/8.4/en/implicit-commit.html).
 */
const rollsBack = (s: { words: readonly string[] }) => ["INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH", "DO"].includes(s.words[0] ?? "");

const ER_NO_SUCH_TABLE = 1146;
const ER_BAD_DB_ERROR = 1049;

async function connect(t: DbTarget, multipleStatements = false): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({
    ...driverOptions(t),
    // The runner's own statements around a migration's (START TRANSACTION, the history row, COMMIT) ride with
    // them in one round trip; a migration's statements are still sent one by one, so an error names its line.
    multipleStatements,
    connectTimeout: 30_000,
    // Routines, views and triggers keep the session's collation_connection: use the one MariaDB Connector/J
    // (Flyway) sessions have, so objects made by either tool are identical (mysql2 defaults to unicode_ci).
    charset: "UTF8MB4_GENERAL_CI",
    // Keep server values as they are (dates of the history table are read, never written back).
    dateStrings: false,
    supportBigNumbers: true,
  });
  conn.on("error", () => undefined);
  return conn;
}

/** KILL QUERY on each connection, from a session of its own (the busy ones cannot be used). */
async function killQueries(t: DbTarget, threadIds: number[]): Promise<void> {
  const conn = await connect(t);
  try {
    for (const id of threadIds) await conn.query("KILL QUERY ?", [id]).catch(() => undefined);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

export async function openMysql(
  t: DbTarget,
  opts: { schema?: string; table: string; withLock: boolean; signal?: AbortSignal },
): Promise<Executor> {
  const [main, locker] = await Promise.all([connect(t, true), opts.withLock ? connect(t) : undefined]);
  // An abort kills the statement in flight (and a GET_LOCK wait); the runner then rolls back and rejects.
  const onAbort = () => void killQueries(t, [main.threadId, ...(locker ? [locker.threadId] : [])]).catch(() => undefined);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const schema = opts.schema ?? t.database;
  const fullTable = `${quoteIdent("mysql", schema)}.${quoteIdent("mysql", opts.table)}`;
  const [who] = (await main.query("SELECT SUBSTRING_INDEX(USER(),'@',1) AS user")) as unknown as [{ user: string }[]];
  const literal = (s: string) => main.escape(s);
  let locked = false;
  const lockName = `Flyway-${javaStringHash(fullTable)}`;

  const exec: Executor = {
    engine: "mysql",
    schema,
    fullTable,
    user: who[0]?.user ?? t.user,
    serverVersion: 0,

    async lock(timeoutMs, onWait) {
      if (!locker) throw new Error("opened without a lock session");
      const tryLock = async (seconds: number) => {
        const [rows] = (await locker.query("SELECT GET_LOCK(?, ?) AS ok", [lockName, seconds])) as unknown as [{ ok: number | null }[]];
        return rows[0]?.ok === 1;
      };
      if (await tryLock(0)) {
        locked = true;
        return;
      }
      if (timeoutMs <= 0) throw new MigrationError("LOCK_TIMEOUT", `another runner holds the migration lock on ${fullTable}`);
      onWait();
      if (await tryLock(Math.max(1, Math.ceil(timeoutMs / 1000)))) {
        locked = true;
        return;
      }
      throw new MigrationError(
        "LOCK_TIMEOUT",
        `another runner held the migration lock on ${fullTable} for ${Math.round(timeoutMs / 1000)} s: wait for it to finish, or raise the lock timeout`,
      );
    },

    async readHistory() {
      try {
        const [rows] = await main.query(selectHistorySql("mysql", fullTable));
        return (rows as Record<string, unknown>[]).map(rowFromDb);
      } catch (err) {
        const errno = (err as MyError).errno;
        if (errno === ER_NO_SUCH_TABLE || errno === ER_BAD_DB_ERROR) return undefined;
        throw err;
      }
    },

    async createHistory() {
      const [found] = (await main.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [schema])) as unknown as [unknown[]];
      if (found.length === 0) await main.query(`CREATE DATABASE ${quoteIdent("mysql", schema)}`);
      for (const sql of createHistorySql("mysql", schema, opts.table)) await main.query(sql);
      if (found.length === 0) {
        await exec.insertRow({
          installedRank: 0,
          version: null,
          description: SCHEMA_CREATION_DESCRIPTION,
          type: "SCHEMA",
          script: `\`${schema}\``,
          checksum: null,
          installedBy: undefined,
          executionTime: 0,
          success: true,
        });
      }
      if (schema !== t.database) await main.query(`USE ${quoteIdent("mysql", schema)}`);
    },

    async apply(m, row) {
      const started = performance.now();
      // On the first statement's line, so the server's "at line N" still counts from the statement.
      const begin = (i: number) => (m.transactional && i === 0 ? "START TRANSACTION; " : "");
      if (m.transactional && m.statements.length === 0) await main.query("START TRANSACTION");
      for (const [i, stmt] of m.statements.entries()) {
        try {
          if (opts.signal?.aborted) throw new Error("interrupted before this statement");
          await main.query(begin(i) + stmt.text);
          // A killed SLEEP() returns 1 instead of failing: the abort itself says the statement was cut short.
          if (opts.signal?.aborted) throw new Error("interrupted");
        } catch (err) {
          const e = err as MyError;
          const message = e.sqlMessage ?? e.message;
          // Syntax errors say "… at line N", counted from the statement's first line.
          const rel = /at line (\d+)\s*$/.exec(message);
          let offset = stmt.start;
          if (rel) {
            let skip = Number(rel[1]) - 1;
            let i = 0;
            while (skip > 0 && i < stmt.text.length) {
              if (stmt.text[i] === "\n") skip--;
              i++;
            }
            offset = stmt.start + i;
          }
          if (m.transactional) await main.query("ROLLBACK").catch(() => undefined);
          const ms = performance.now() - started;
          // Interrupted before anything ran: nothing to record. Otherwise earlier DDL may stay applied.
          const changed = i > 0 || !opts.signal?.aborted;
          if (row && changed) await exec.insertRow({ ...row, executionTime: ms, success: false }).catch(() => undefined);
          throw failure(m, offset, `${e.code ? `${e.code}: ` : ""}${message}`, m.transactional && m.statements.every(rollsBack) ? "mysql-rolled-back" : "mysql-ddl", err);
        }
      }
      const ms = performance.now() - started;
      const record = row ? insertHistorySql("mysql", fullTable, { ...row, executionTime: ms }, literal) : "";
      const end = [record, m.transactional ? "COMMIT" : ""].filter(Boolean).join("; ");
      if (end) await main.query(end);
      return ms;
    },

    async insertRow(row: NewRow) {
      await main.query(insertHistorySql("mysql", fullTable, row, literal));
    },

    async transaction(statements) {
      await main.query("START TRANSACTION");
      try {
        for (const s of statements) await main.query(s);
        await main.query("COMMIT");
      } catch (err) {
        await main.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    },

    literal,

    async close() {
      opts.signal?.removeEventListener("abort", onAbort);
      if (locker && locked) await locker.query("SELECT RELEASE_LOCK(?)", [lockName]).catch(() => undefined);
      await Promise.all([main.end().catch(() => undefined), locker?.end().catch(() => undefined)]);
    },
  };
  if (schema !== t.database) await main.query(`USE ${quoteIdent("mysql", schema)}`).catch(() => undefined);
  return exec;
}
