// Transactional migrations on PostgreSQL, several per round trip: ONE simple query
//   SET client_min_messages = notice; PREPARE <record> AS INSERT history …; BEGIN;
//   <m1>; EXECUTE <record>(…); COMMIT AND CHAIN; SELECT <flush>, <clock>; <m2>; EXECUTE …; COMMIT AND CHAIN;
//   …; <mN>; EXECUTE …; COMMIT; DEALLOCATE <record>
// Each migration keeps its own transaction (COMMIT AND CHAIN commits it and opens the next one, so no BEGIN
// per migration); an error abandons the rest of the string, so the migrations before the failing one stay
// applied and recorded, the failing one is rolled back and nothing after it runs. Every COMMIT in a batch
// is ours (files with their own travel alone), so the runner counts them. The flush is a SELECT that raises a
// NOTICE, and the server sends a notice at once with everything before it: each commit reaches the runner
// (and its progress line) as it happens, not when the batch ends — a slow migration later in the batch
// included. Per migration the server runs the same four statements as a one-transaction-per-round-trip tool
// (BEGIN, file, INSERT, COMMIT), the flush in place of the BEGIN, with no round trip between them.
// The history INSERT is prepared once per batch (an EXECUTE skips parsing and planning a ten-column INSERT)
// and returns nothing (no row description and row per migration to send and read): ~5% of a batch of
// small files, measured whole-process. Its name is new for every batch, so one a failed batch leaves behind
// (prepared statements outlive transactions; a PgBouncer in transaction mode hands the session on) never
// collides; a file that deallocates prepared statements travels alone (batchLength).
import type pg from "pg";
import { failure, type PreparedMigration } from "./executor.js";
import { executeRecord, insertHistorySql, prepareRecord, type NewRow } from "./history.js";
import { APPLIED_MARK, CountingQuery, FLUSH, positionToOffset, serverMessage, type PgError } from "./pg-query.js";

export interface BatchItem {
  m: PreparedMigration;
  /** The history row (none for callbacks, which run one at a time). */
  row: NewRow | undefined;
}

export interface BatchSession {
  client: pg.Client;
  fullTable: string;
  literal: (s: string) => string;
  /** server_version_num: COMMIT AND CHAIN from 12, else COMMIT and a BEGIN. */
  serverVersion: number;
  signal?: AbortSignal;
}

const BEGAN = "dbtk.began";

const epoch = (ts: string) => `pg_catalog.date_part('epoch', ${ts})`;
const elapsedSince = (start: string) => `((${epoch("clock_timestamp()")} - ${start}) * 1000)::int`;
const noteClock = `pg_catalog.set_config('${BEGAN}', ${epoch("clock_timestamp()")}::text, false)`;

/**
 * One migration: BEGIN; <file>; INSERT history … RETURNING <mark>; COMMIT — the mark tells its COMMIT from
 * one the file may have of its own.
 */
function singleText(s: BatchSession, { m, row }: BatchItem): { text: string; starts: number[] } {
  const record = row ? `${insertHistorySql("postgres", s.fullTable, row, s.literal, elapsedSince(epoch("statement_timestamp()")))} RETURNING "execution_time" AS "${APPLIED_MARK}";\n` : "";
  return { text: `BEGIN;\n${m.sql}\n;\n${record}COMMIT;\n`, starts: [7] };
}

/**
 * Several: the history INSERT prepared once, each migration's time measured on the server from the clock
 * the flush before it noted (the first: since the server took the query) — now() is the same for every
 * transaction of one query. Epoch seconds as float8 (µs precision), not timestamptz or numeric: their text
 * forms cost ~3% of a batch of small migrations to parse and print.
 */
function batchText(s: BatchSession, items: readonly BatchItem[], chain: boolean): { text: string; starts: number[] } {
  const name = `dbtk_record_${Math.random().toString(36).slice(2, 10)}`;
  const last = items.length - 1;
  const starts: number[] = [];
  // Our own notices only flush; a migration that raised the level (pg_dump's files do) would hold them back.
  let text = `SET client_min_messages = notice;\n${prepareRecord(s.fullTable, name, elapsedSince)};\nBEGIN;\n`;
  for (const [i, { m, row }] of items.entries()) {
    if (i > 0) text += `${FLUSH}, ${noteClock};\n${chain ? "" : "BEGIN;\n"}`;
    starts.push(text.length);
    const record = row ? `${executeRecord(name, row, s.literal, i === 0 ? epoch("statement_timestamp()") : `current_setting('${BEGAN}')::float8`)};\n` : "";
    text += `${m.sql}\n;\n${record}COMMIT${chain && i < last ? " AND CHAIN" : ""};\n`;
  }
  return { text: `${text}DEALLOCATE ${name};\n`, starts };
}

/**
 * Runs `items` (all transactional), each in its own transaction with its history row, in one simple query.
 * `onApplied(i, ms)` as each one commits (alone: the server's time; in a batch: since the one before it
 * committed, as the runner saw them); throws the failing one's MigrationError, those before it applied and
 * reported.
 */
export async function runTransactions(
  s: BatchSession,
  items: readonly BatchItem[],
  onApplied: (index: number, ms: number) => void,
): Promise<void> {
  const chain = s.serverVersion >= 120000;
  const { text, starts } = items.length > 1 ? batchText(s, items, chain) : singleText(s, items[0]!);
  const last = items.length - 1;
  // Commands completed before the running migration's own statements (SET, PREPARE and BEGIN, or its FLUSH
  // and BEGIN).
  let begun = items.length > 1 ? 3 : 1;
  let done = 0;
  let ms: number | undefined;
  // Each commit reaches us as it happens (the flush), so a migration's time is the time between two.
  let since = performance.now();
  const q = new CountingQuery(text, {
    onMark: (value) => (ms = Number(value)),
    // In a batch every COMMIT is ours (files with one of their own travel alone, batchLength); a file alone
    // may commit on its own before its history row: ours is the COMMIT after the mark.
    onCommit: (completed) => {
      if (items.length === 1 && ms === undefined && items[0]!.row) return;
      const now = performance.now();
      onApplied(done++, ms ?? now - since);
      since = now;
      ms = undefined;
      begun = completed + (chain ? 1 : 2);
    },
  });
  try {
    await q.run(s.client);
    return;
  } catch (err) {
    await s.client.query("ROLLBACK").catch(() => undefined);
    const e = err as PgError;
    const pos = positionToOffset(text, e.position);
    if (q.completed === 0 && items.length > 1 && !s.signal?.aborted) {
      // The server parses the whole string before running any of it: a syntax error anywhere means
      // nothing ran. Run the ones before the culprit together, then the culprit alone to report it.
      const culprit = pos === undefined ? -1 : starts.findLastIndex((st) => st <= pos);
      if (culprit > 0) await runTransactions(s, items.slice(0, culprit), onApplied);
      const rest = culprit > 0 ? culprit : 0;
      for (let i = rest; i < items.length; i++) {
        await runTransactions(s, [items[i]!], (_, t) => onApplied(i, t));
      }
      return;
    }
    // Past the last COMMIT only when a file travelling alone committed on its own before failing: still it.
    const at = Math.min(done, last);
    const m = items[at]!.m;
    let offset = pos === undefined ? undefined : pos - starts[at]!;
    if (offset === undefined || offset < 0 || offset > m.sql.length) {
      // No position in this file (a runtime error): the statement after the last completed one failed.
      offset = m.statements[q.completed - begun]?.start;
    }
    throw failure(m, offset, serverMessage(e), "rolled-back", err);
  }
}
