// Transactional migrations on PostgreSQL, several per round trip: ONE simple query
//   SET client_min_messages = notice; BEGIN; <m1>; INSERT history … RETURNING; COMMIT AND CHAIN;
//   SELECT <flush>; <m2>; INSERT …; COMMIT AND CHAIN; …; <mN>; INSERT …; COMMIT
// Each migration keeps its own transaction (COMMIT AND CHAIN commits it and opens the next one, so no BEGIN
// per migration); an error abandons the rest of the string, so the migrations before the failing one stay
// applied and recorded, the failing one is rolled back and nothing after it runs. The history INSERTs
// return a marked column and the COMMIT after it tells the runner that migration committed. The flush is a
// SELECT that raises a NOTICE, and the server sends a notice at once with everything before it: each commit
// reaches the runner (and its progress line) as it happens, not when the batch ends — a slow migration later
// in the batch included. Per migration the server runs the same four statements as a
// one-transaction-per-round-trip tool (BEGIN, file, INSERT, COMMIT), the flush in place of the BEGIN, with no
// round trip between them.
import type pg from "pg";
import { failure, type PreparedMigration } from "./executor.js";
import { insertHistorySql, type NewRow } from "./history.js";
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

/**
 * Runs `items` (all transactional), each in its own transaction with its history row, in one simple query.
 * `onApplied(i, serverMs)` as each one commits; throws the failing one's MigrationError, those before it
 * applied and reported.
 */
export async function runTransactions(
  s: BatchSession,
  items: readonly BatchItem[],
  onApplied: (index: number, ms: number) => void,
): Promise<void> {
  const chain = s.serverVersion >= 120000;
  // A migration's time: since the server took the query (the first), since the previous one noted the
  // clock in its RETURNING (the rest) — now() is the same for every transaction of one query. Epoch seconds
  // as float8 (µs precision), not timestamptz or numeric: their text forms cost ~3% of a batch of small
  // migrations to parse and print.
  const epoch = (ts: string) => `pg_catalog.date_part('epoch', ${ts})`;
  const since = (i: number) => (i === 0 ? epoch("statement_timestamp()") : `current_setting('${BEGAN}')::float8`);
  const elapsed = (i: number) => `((${epoch("clock_timestamp()")} - ${since(i)}) * 1000)::int`;
  const last = items.length - 1;
  const starts: number[] = [];
  // Our own notices only flush; a migration that raised the level (pg_dump's files do) would hold them back.
  let text = items.length > 1 ? "SET client_min_messages = notice;\nBEGIN;\n" : "BEGIN;\n";
  for (const [i, { m, row }] of items.entries()) {
    if (i > 0) text += `${FLUSH};\n${chain ? "" : "BEGIN;\n"}`;
    starts.push(text.length);
    const note = i < last ? `, set_config('${BEGAN}', ${epoch("clock_timestamp()")}::text, false)` : "";
    const record = row ? `${insertHistorySql("postgres", s.fullTable, row, s.literal, elapsed(i))} RETURNING "execution_time" AS "${APPLIED_MARK}"${note};\n` : "";
    text += `${m.sql}\n;\n${record}COMMIT${chain && i < last ? " AND CHAIN" : ""};\n`;
  }
  // Commands completed before the running migration's own statements (SET and BEGIN, or its FLUSH and BEGIN).
  let begun = items.length > 1 ? 2 : 1;
  let done = 0;
  let ms: number | undefined;
  const q = new CountingQuery(text, {
    onMark: (value) => (ms = Number(value)),
    // Files with a COMMIT of their own travel alone (batchLength), so a COMMIT after the mark is ours.
    onCommit: (completed) => {
      if (ms === undefined && items[done]?.row) return;
      onApplied(done++, ms ?? 0);
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
