// Transactional migrations on PostgreSQL, several per round trip: ONE simple query
//   PREPARE <record> AS INSERT history …; BEGIN;
//   <m1>; EXECUTE <record>(…); COMMIT AND CHAIN; <m2>; EXECUTE …; COMMIT AND CHAIN; …;
//   <mN>; EXECUTE …; COMMIT; DEALLOCATE <record>; SELECT <their execution times>
// Each migration keeps its own transaction (COMMIT AND CHAIN commits it and opens the next one, so no BEGIN
// per migration); an error abandons the rest of the string, so the migrations before the failing one stay
// applied and recorded, the failing one is rolled back and nothing after it runs. Every COMMIT in a batch
// is ours (files with their own travel alone), so the runner counts them. Per migration the server runs the
// same statements as a one-transaction-per-round-trip tool (file, INSERT, COMMIT; the CHAIN is its BEGIN),
// with no round trip between them.
// The server holds its replies until its output buffer fills or the query ends, so when the connection has
// been quiet for a moment the lock session reads which history rows have committed: a slow migration in
// the middle of a batch shows as the one running while it runs (an earlier design sent a NOTICE after every
// COMMIT to push the replies out: ~7% of the whole run of 1,000 small files).
// The history INSERT is prepared once per batch (an EXECUTE skips parsing and planning a ten-column INSERT)
// and returns nothing. Its name is new for every batch, so one a failed batch leaves behind (prepared
// statements outlive transactions; a PgBouncer in transaction mode hands the session on) never collides; a
// file that deallocates prepared statements travels alone (batchLength).
import type pg from "pg";
import { failure, type PreparedMigration } from "./executor.js";
import { executeRecord, insertHistorySql, prepareRecord, type NewRow } from "./history.js";
import { APPLIED_MARK, CountingQuery, positionToOffset, serverMessage, type PgError } from "./pg-query.js";

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
  /** Committed history rows from `rank` on (rank, execution_time), read on another session; none: no polling. */
  committedFrom?(rank: number): Promise<{ rank: number; ms: number }[]>;
}

const BEGAN = "dbtk.began";
/** How long the migration session may be quiet before the history is read for progress. */
const QUIET_MS = 200;

const epoch = (ts: string) => `pg_catalog.date_part('epoch', ${ts})`;

/**
 * One migration: BEGIN; <file>; INSERT history … RETURNING <mark>; COMMIT — the mark tells its COMMIT from
 * one the file may have of its own.
 */
function singleText(s: BatchSession, { m, row }: BatchItem): { text: string; starts: number[] } {
  const ms = `((${epoch("clock_timestamp()")} - ${epoch("statement_timestamp()")}) * 1000)::int`;
  const record = row ? `${insertHistorySql("postgres", s.fullTable, row, s.literal, ms)} RETURNING "execution_time" AS "${APPLIED_MARK}";\n` : "";
  const begin = "BEGIN;\n";
  return { text: `${begin}${m.sql}\n;\n${record}COMMIT;\n`, starts: [begin.length] };
}

/**
 * Several, the history INSERT prepared once. A migration's time is measured on the server, from the clock
 * the INSERT before it noted (the first: since the server took the query) — now() is the same for every
 * transaction of one query. Epoch seconds as float8 (µs precision), not timestamptz or numeric: their text
 * forms cost ~3% of a batch of small migrations to parse and print.
 */
function batchText(s: BatchSession, items: readonly BatchItem[], chain: boolean): { text: string; starts: number[] } {
  const name = `dbtk_record_${Math.random().toString(36).slice(2, 10)}`;
  const last = items.length - 1;
  const starts: number[] = [];
  let text = `${prepareRecord(s.fullTable, name, BEGAN)};\nBEGIN;\n`;
  for (const [i, { m, row }] of items.entries()) {
    if (i > 0 && !chain) text += "BEGIN;\n";
    starts.push(text.length);
    const record = row ? `${executeRecord(name, row, s.literal, i === 0 ? epoch("statement_timestamp()") : `current_setting('${BEGAN}')::float8`)};\n` : "";
    text += `${m.sql}\n;\n${record}COMMIT${chain && i < last ? " AND CHAIN" : ""};\n`;
  }
  // The times the rows hold come back with the batch (on a failure the runner reads them on the lock session).
  const ranks = items.flatMap(({ row }) => (row ? [row.installedRank] : []));
  const times = ranks.length
    ? `SELECT "execution_time" AS "${APPLIED_MARK}" FROM ${s.fullTable} WHERE "installed_rank" BETWEEN ${Math.min(...ranks)} AND ${Math.max(...ranks)} ORDER BY "installed_rank";\n`
    : "";
  return { text: `${text}DEALLOCATE ${name};\n${times}`, starts };
}

/** The times the committed history rows of `items` hold, by index, from index `from` on; empty when unreadable. */
async function recordedTimes(s: BatchSession, items: readonly BatchItem[], from: number): Promise<Map<number, number>> {
  const first = items[0]?.row?.installedRank;
  if (first === undefined || !s.committedFrom) return new Map();
  const rows = await s.committedFrom(first + from).catch(() => []);
  return new Map(rows.map((r) => [r.rank - first, r.ms]));
}

/**
 * Reads which of `items` have committed once the migration session has been quiet for QUIET_MS, and again
 * every QUIET_MS to 2 s while it stays quiet (longer when nothing moved), reporting them through `report`
 * (which skips what was reported already). `reported()` is how many were. Returns the function that stops it.
 */
function pollProgress(
  s: BatchSession,
  items: readonly BatchItem[],
  quietSince: () => number,
  reported: () => number,
  report: (upTo: number, ms: (index: number) => number) => void,
): () => Promise<void> {
  if (!s.committedFrom || items[0]?.row === undefined || items.length < 2) return async () => undefined;
  let reading: Promise<void> | undefined;
  let wait = QUIET_MS;
  let last = 0;
  const read = async () => {
    const from = reported();
    const ms = await recordedTimes(s, items, from);
    let upTo = from;
    while (upTo < items.length && ms.has(upTo)) upTo++;
    report(upTo, (i) => ms.get(i) ?? 0);
    wait = upTo > from ? QUIET_MS : Math.min(wait * 2, 2000);
  };
  const timer = setInterval(() => {
    const now = performance.now();
    if (reading || now - quietSince() < QUIET_MS || now - last < wait) return;
    last = now;
    reading = read().finally(() => (reading = undefined));
  }, QUIET_MS / 4);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await reading;
  };
}

/**
 * Runs `items` (all transactional), each in its own transaction with its history row, in one simple query.
 * `onApplied(i, ms)` with the time its history row records, in order, as each one is seen to have committed
 * (at the latest when the query ends); throws the failing one's MigrationError, those before it applied and
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
  // Commands completed before the running migration's own statements (PREPARE and BEGIN, or its BEGIN).
  let begun = items.length > 1 ? 2 : 1;
  let done = 0;
  let reported = 0;
  let ms: number | undefined;
  const started = performance.now();
  const report = (upTo: number, msOf: (index: number) => number) => {
    for (; reported < upTo; reported++) onApplied(reported, msOf(reported));
  };
  const times: number[] = [];
  const q = new CountingQuery(text, {
    onMark: (value) => (items.length > 1 ? times.push(Number(value)) : (ms = Number(value))),
    // In a batch every COMMIT is ours (files with one of their own travel alone, batchLength), reported with
    // its recorded time once read back; a file alone may commit on its own before its history row: ours is
    // the COMMIT after the mark.
    onCommit: (completed) => {
      if (items.length > 1) done++;
      else if (ms !== undefined || !items[0]!.row) report(++done, () => ms ?? performance.now() - started);
      else return;
      begun = completed + (chain ? 0 : 1);
    },
  });
  const stopPolling = pollProgress(s, items, () => Math.max(started, q.lastMessageAt), () => reported, report);
  /** Reports the committed ones not reported yet, with the times their history rows hold. */
  const settle = async () => {
    await stopPolling();
    if (reported >= done) return;
    const recorded = await recordedTimes(s, items, reported);
    report(done, (i) => recorded.get(i) ?? 0);
  };
  try {
    await q.run(s.client);
    await stopPolling();
    report(done, (i) => times[i] ?? 0);
    return;
  } catch (err) {
    await s.client.query("ROLLBACK").catch(() => undefined);
    await settle();
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
