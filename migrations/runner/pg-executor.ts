// PostgreSQL: one connection runs the migrations, a second one only holds a session-level advisory lock
// (the key Flyway uses), so a CREATE INDEX CONCURRENTLY — which waits for every open transaction — never
// waits on the lock holder, and a killed runner's lock dies with its connection.
// A transactional migration travels in ONE simple-query round trip: BEGIN; <file>; INSERT history; COMMIT;
// consecutive ones travel together, up to BATCH_LIMITS, each still its own transaction (pg-batch.ts).
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { driverOptions, type DbTarget } from "../../core/connection.js";
import { javaStringHash } from "./checksum.js";
import { MigrationError } from "./errors.js";
import { failure, statementAt, type Executor, type PreparedMigration } from "./executor.js";
import { runTransactions, type BatchSession } from "./pg-batch.js";
import { positionToOffset, serverMessage, type PgError } from "./pg-query.js";
import {
  createHistorySql,
  insertHistorySql,
  quoteIdent,
  rowFromDb,
  SCHEMA_CREATION_DESCRIPTION,
  selectHistorySql,
  type NewRow,
} from "./history.js";

const FLYWAY_LOCK_BASE = 77431708279161n;

function client(t: DbTarget, name: string): pg.Client {
  return new pg.Client({
    ...driverOptions(t),
    application_name: name,
    connectionTimeoutMillis: 30_000,
  });
}

/** Cancels whatever `pid` runs, from a session of its own (the busy one cannot be used). */
async function cancelBackend(t: DbTarget, pid: number): Promise<void> {
  const c = client(t, "dbtk-migrate-cancel");
  c.on("error", () => undefined);
  try {
    await c.connect();
    await c.query("SELECT pg_cancel_backend($1)", [pid]);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function openPostgres(
  t: DbTarget,
  opts: { schema?: string; table: string; withLock: boolean; signal?: AbortSignal },
): Promise<Executor> {
  const main = client(t, "dbtk-migrate");
  const locker = opts.withLock ? client(t, "dbtk-migrate-lock") : undefined;
  // A dead connection must not crash the process; the pending query reports the error.
  main.on("error", () => undefined);
  locker?.on("error", () => undefined);
  await Promise.all([main.connect(), locker?.connect()]);

  // One round trip: search_path, who/where we are, and (PG 14+) let the server notice a dead client
  // mid-statement so a killed runner's transaction ends promptly.
  const setPath = opts.schema ? `SET search_path TO ${quoteIdent("postgres", opts.schema)};` : "";
  const probe = await main.query(
    `${setPath}SELECT current_schema() AS schema, current_user AS "user", current_setting('server_version_num')::int AS version,
       pg_backend_pid() AS pid,
       CASE WHEN current_setting('server_version_num')::int >= 140000
            THEN set_config('client_connection_check_interval', '1000', false) END AS checked`,
  );
  const results = Array.isArray(probe) ? probe : [probe];
  const info = results[results.length - 1]!.rows[0] as { schema: string | null; user: string; version: number; pid: number };
  // An abort cancels the statement in flight; the runner then rolls back and rejects.
  const onAbort = () => void cancelBackend(t, info.pid).catch(() => undefined);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const schema = opts.schema ?? info.schema ?? "public";
  const fullTable = `${quoteIdent("postgres", schema)}.${quoteIdent("postgres", opts.table)}`;
  const literal = (s: string) => main.escapeLiteral(s);
  const session: BatchSession = {
    client: main,
    fullTable,
    literal,
    serverVersion: info.version,
    ...(opts.signal ? { signal: opts.signal } : {}),
    // Progress of a batch, read on the lock session while the migration session works (pg-batch.ts).
    ...(locker
      ? {
          committedFrom: async (rank: number) =>
            (await locker.query<{ rank: number; ms: number }>(`SELECT installed_rank AS rank, execution_time AS ms FROM ${fullTable} WHERE installed_rank >= $1 ORDER BY installed_rank`, [rank])).rows,
        }
      : {}),
  };
  let locked = false;

  const exec: Executor = {
    engine: "postgres",
    schema,
    fullTable,
    user: info.user,
    serverVersion: info.version,

    async lock(timeoutMs, onWait) {
      if (!locker) throw new Error("opened without a lock session");
      // Flyway: 77431708279161 + String.hashCode() of the quoted table name.
      const key = (FLYWAY_LOCK_BASE + BigInt(javaStringHash(fullTable))).toString();
      // Poll with try-lock instead of blocking in pg_advisory_lock(): a blocked SELECT keeps a snapshot
      // open, and CREATE INDEX CONCURRENTLY in the lock holder's migration would wait for it forever.
      const deadline = Date.now() + timeoutMs;
      let delay = 25;
      for (let attempt = 0; ; attempt++) {
        const got = await locker.query(`SELECT pg_try_advisory_lock(${key}) AS ok`);
        if (got.rows[0]?.ok === true) {
          locked = true;
          return;
        }
        if (Date.now() >= deadline) {
          throw new MigrationError(
            "LOCK_TIMEOUT",
            `another runner holds the migration lock on ${fullTable}${timeoutMs > 0 ? ` (waited ${Math.round(timeoutMs / 1000)} s)` : ""}: wait for it to finish, or raise the lock timeout`,
          );
        }
        if (attempt === 0) onWait();
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), undefined, opts.signal ? { signal: opts.signal } : {});
        delay = Math.min(delay * 2, 500);
      }
    },

    async readHistory() {
      try {
        const r = await main.query(selectHistorySql("postgres", fullTable));
        return r.rows.map(rowFromDb);
      } catch (err) {
        if ((err as PgError).code === "42P01" || (err as PgError).code === "3F000") return undefined;
        throw err;
      }
    },

    async createHistory() {
      const exists = await main.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      const stmts: string[] = [];
      if (exists.rowCount === 0) stmts.push(`CREATE SCHEMA ${quoteIdent("postgres", schema)}`);
      stmts.push(...createHistorySql("postgres", schema, opts.table));
      if (exists.rowCount === 0) {
        const row: NewRow = {
          installedRank: 0,
          version: null,
          description: SCHEMA_CREATION_DESCRIPTION,
          type: "SCHEMA",
          script: `"${schema}"`,
          checksum: null,
          installedBy: undefined,
          executionTime: 0,
          success: true,
        };
        stmts.push(insertHistorySql("postgres", fullTable, row, literal));
      }
      await exec.transaction(stmts);
    },

    async apply(m, row) {
      if (!m.transactional) return applyOutside(m, row);
      const started = performance.now();
      await runTransactions(session, [{ m, row }], () => undefined);
      return performance.now() - started;
    },

    async applyBatch(items, onApplied) {
      await runTransactions(session, items, onApplied);
    },

    async insertRow(row) {
      await main.query(insertHistorySql("postgres", fullTable, row, literal));
    },

    async transaction(statements) {
      await main.query(`BEGIN;\n${statements.join(";\n")};\nCOMMIT`).catch(async (err: unknown) => {
        await main.query("ROLLBACK").catch(() => undefined);
        throw err;
      });
    },

    literal,

    async close() {
      opts.signal?.removeEventListener("abort", onAbort);
      // Closing the lock session releases the lock; an explicit unlock first keeps logs quiet.
      if (locker && locked) await locker.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
      await Promise.all([main.end().catch(() => undefined), locker?.end().catch(() => undefined)]);
    },
  };

  async function applyOutside(m: PreparedMigration, row: NewRow | undefined): Promise<number> {
    const started = performance.now();
    for (const [i, stmt] of m.statements.entries()) {
      try {
        if (opts.signal?.aborted) throw new Error("interrupted before this statement");
        await main.query(stmt.text);
      } catch (err) {
        const e = err as PgError;
        const pos = positionToOffset(stmt.text, e.position);
        const offset = stmt.start + (pos ?? 0);
        const ms = performance.now() - started;
        // Interrupted before anything ran: nothing to record. Otherwise earlier statements stay applied.
        const changed = i > 0 || !opts.signal?.aborted;
        if (row && changed) await exec.insertRow({ ...row, executionTime: ms, success: false }).catch(() => undefined);
        throw failure(m, statementAt(m, offset) ? offset : stmt.start, serverMessage(e), "outside-transaction", err);
      }
    }
    const ms = performance.now() - started;
    if (row) await exec.insertRow({ ...row, executionTime: ms });
    return ms;
  }

  return exec;
}

