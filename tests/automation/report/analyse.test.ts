// The report's pure parts (scrubbing, findings, the gate, rendering) and a server without
// pg_stat_statements, whose report says how to enable it.
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { buildReport, gate, scrubStatement } from "../../../automation/report/analyse.ts";
import { watchPostgres } from "../../../automation/report/postgres.ts";
import { renderMarkdown, renderText } from "../../../automation/report/render.ts";
import type { QueryReport } from "../../../automation/report/types.ts";
import { startLocalPostgres } from "../../../core/servers/index.ts";
import { sandbox } from "../helpers.ts";

const stmt = (query: string, calls: number, totalMs: number, rows = calls) => ({ query, calls, totalMs, meanMs: totalMs / calls, rows });
const raw = (statements: ReturnType<typeof stmt>[]) => ({ statementsAvailable: true, statements, seqScans: [], unusedIndexes: [], database: {} });

describe("scrubStatement", () => {
  it("blanks strings, numbers and dollar-quoted bodies; keeps placeholders and identifiers", () => {
    expect(scrubStatement("select * from t1 where a = 'x''y' and b = 42 and c = $1 and d = -1.5e3")).toBe("select * from t1 where a = ? and b = ? and c = $1 and d = ?");
    expect(scrubStatement("do $f$ begin perform 'k'; end $f$; select E'a\\'b', $$body$$")).toBe("do ?; select ?, ?");
    expect(scrubStatement("SELECT * FROM `t` WHERE id = ?")).toBe("SELECT * FROM `t` WHERE id = ?");
    expect(scrubStatement("alter role r password 'hunter2'", (s) => s.replaceAll(" r ", " [r] "))).toBe("alter role [r] password ?");
  });
});

describe("buildReport and gate", () => {
  const base = buildReport("postgres", raw([stmt("select a from t where id = $1", 4, 2), stmt("select b from u", 1, 10)]), {}, (s) => s);

  it("merges statements that differ only in a literal, ranks by total time, finds N+1 loops and slow statements", () => {
    const r = buildReport(
      "postgres",
      raw([stmt("select 1 from v where k = 'a'", 30, 3), stmt("select 1 from v where k = 'b'", 30, 3), stmt("select pg_sleep($1)", 1, 150)]),
      {},
      (s) => s,
    );
    expect(r.statements.map((s) => [s.query, s.calls])).toEqual([["select pg_sleep($1)", 1], ["select ? from v where k = ?", 60]]);
    expect(r.statements[0]?.share).toBeCloseTo(150 / 156);
    expect(r.findings.map((f) => f.kind)).toEqual(["slow", "n+1"]);
  });

  it("fails on calls grown beyond the factor and on mean time grown beyond factor and slack; not on noise", () => {
    const same = buildReport("postgres", raw([stmt("select a from t where id = $1", 8, 4), stmt("select b from u", 1, 14)]), {}, (s) => s);
    expect(gate(same, {}, base)).toEqual({ failed: false, violations: [] });
    const worse = buildReport("postgres", raw([stmt("select a from t where id = $1", 40, 20), stmt("select b from u", 1, 50)]), {}, (s) => s);
    const g = gate(worse, {}, base);
    expect(g.failed).toBe(true);
    expect(g.violations.map((v) => [v.kind, v.subject])).toEqual([
      ["mean-grew", "select b from u"],
      ["calls-grew", "select a from t where id = $1"],
    ]);
    expect(gate(worse, { maxQueryMs: 40 }).violations.map((v) => v.kind)).toEqual(["slow"]);
  });

  it("renders the gate's verdict in both forms", () => {
    const r: QueryReport = { ...base, gate: { failed: true, violations: [{ kind: "calls-grew", subject: "select a|b", detail: "4 → 40" }] } };
    expect(renderText(r)).toMatch(/GATE calls-grew: select a\|b — 4 → 40/);
    expect(renderMarkdown(r)).toMatch(/\*\*The query gate failed:\*\*\n\n- calls-grew: `select a\\\|b` — 4 → 40/);
  });
});

describe("a server without pg_stat_statements", () => {
  const sb = sandbox("nostat");
  afterAll(() => sb.cleanup(), 60_000);

  it("reports tables and transactions, and says how to enable statement statistics", async () => {
    const s = await startLocalPostgres({ rootDir: path.join(sb.serversDir, "postgres"), settings: { shared_preload_libraries: "''" } });
    const admin = { engine: "postgres" as const, host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" };
    const c = new pg.Client({ ...admin });
    await c.connect();
    await c.query("create database plain");
    await c.end();
    const run = { ...admin, database: "plain" };
    const w = await watchPostgres(run, admin);
    const rc = new pg.Client({ ...run });
    await rc.connect();
    await rc.query("create table t (n int)");
    await rc.query("insert into t select generate_series(1, 2000)");
    await rc.query("select count(*) from t");
    await rc.end();
    const got = await w.finish({ seqScanMinRows: 1000 });
    await w.close();
    expect(got.statementsAvailable).toBe(false);
    expect(got.note).toMatch(/pg_stat_statements is not enabled on this server: add it to shared_preload_libraries/);
    expect(got.note).toMatch(/CREATE EXTENSION pg_stat_statements/);
    expect(got.seqScans).toEqual([expect.objectContaining({ table: "public.t", scans: 1, rowsRead: 2000 })]);
    const text = renderText(buildReport("postgres", got, {}, (x) => x));
    expect(text).toMatch(/note: pg_stat_statements is not enabled/);
  }, 60_000);
});
