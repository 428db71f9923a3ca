// Transactional migrations on PostgreSQL, several per round trip: ONE simple query
//   BEGIN; <m1>; INSERT history … RETURNING; COMMIT; SELECT <8 kB>; BEGIN; <m2>; …; COMMIT
// (the 8 kB row makes the server send what it has, so each history row arrives as its migration commits)
// Each migration keeps its own transaction: an explicit COMMIT inside a simple query commits there, and an
// error abandons the rest of the string, so the migrations before the failing one stay applied and
// recorded, the failing one is rolled back and nothing after it runs. The history INSERTs return a marked
// column, so the runner learns which migrations committed as their rows arrive.
import type pg from "pg";
import { failure, type PreparedMigration } from "./executor.js";
import { insertHistorySql, type NewRow } from "./history.js";
import { APPLIED_MARK, CountingQuery, FLUSH, positionToOffset, serverMessage, type PgError } from "./pg-query.js";

export interface BatchItem {
  m: PreparedMigration;
  /** The history row (none for callbacks, which run one at a time). */
  row: NewRow | undefined;
}

/**
 * Runs `items` (all transactional), each in its own transaction with its history row, in one simple query.
 * `onApplied(i, serverMs)` as each one's row comes back; throws the failing one's MigrationError, those
 * before it applied and reported.
 */
export async function runTransactions(
  client: pg.Client,
  fullTable: string,
  literal: (s: string) => string,
  items: readonly BatchItem[],
  onApplied: (index: number, ms: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  // Each transaction notes when it began: now() cannot tell, it is the same for every transaction of one
  // query (the time the server received it). The history row gets the time since then.
  const began = "SELECT set_config('dbtk.began', clock_timestamp()::text, true)";
  const elapsed = "round(extract(epoch from clock_timestamp() - coalesce(nullif(current_setting('dbtk.began', true), '')::timestamptz, now())) * 1000)::int";
  const starts: number[] = [];
  let text = "";
  for (const [i, { m, row }] of items.entries()) {
    if (i > 0) text += `${FLUSH};\n`;
    text += `BEGIN;\n${began};\n`;
    starts.push(text.length);
    const record = row ? `${insertHistorySql("postgres", fullTable, row, literal, elapsed)} RETURNING "execution_time" AS "${APPLIED_MARK}";\n` : "";
    text += `${m.sql}\n;\n${record}COMMIT;\n`;
  }
  // Commands completed when each migration's own statements began (after its BEGIN and SELECT).
  let begun = 2;
  let done = 0;
  const q = new CountingQuery(text, (value, completed) => {
    onApplied(done++, Number(value));
    begun = completed + 5; // its INSERT and COMMIT, the FLUSH, the next BEGIN and SELECT
  });
  try {
    await q.run(client);
    return;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    const e = err as PgError;
    const pos = positionToOffset(text, e.position);
    if (q.completed === 0 && items.length > 1 && !signal?.aborted) {
      // The server parses the whole string before running any of it: a syntax error anywhere means
      // nothing ran. Run the ones before the culprit together, then the culprit alone to report it.
      const culprit = pos === undefined ? -1 : starts.findLastIndex((s) => s <= pos);
      if (culprit > 0) await runTransactions(client, fullTable, literal, items.slice(0, culprit), onApplied, signal);
      const rest = culprit > 0 ? culprit : 0;
      for (let i = rest; i < items.length; i++) {
        await runTransactions(client, fullTable, literal, [items[i]!], (_, ms) => onApplied(i, ms), signal);
      }
      return;
    }
    const f = items[done];
    if (!f) throw err; // every migration committed: the failure is past the last COMMIT (cannot happen)
    const m = f.m;
    let offset = pos === undefined ? undefined : pos - starts[done]!;
    if (offset === undefined || offset < 0 || offset > m.sql.length) {
      // No position in this file (a runtime error): the statement after the last completed one failed.
      offset = m.statements[q.completed - begun]?.start;
    }
    throw failure(m, offset, serverMessage(e), "rolled-back", err);
  }
}
