// `dbtk run --report` on the local PostgreSQL: a planted N+1 loop and a missing index are caught, the
// baseline and time gates fail the run with exit 3 naming the statement, no literal or secret reaches
// any form of the report, and the sample app's run shows one (stderr, JSON, $GITHUB_STEP_SUMMARY).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryReport } from "../../../automation/report/types.ts";
import { dbtk, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("report");
const PG = JSON.stringify(path.join(REPO, "node_modules/pg"));

/** A node command against DATABASE_URL: `body` runs with `c` connected. */
function nodeCmd(body: string): string[] {
  const code = `const pg = require(${PG}); (async () => { const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect(); ${body}; await c.end(); })().catch((e) => { console.error(e.message); process.exit(1); });`;
  return ["--", process.execPath, "-e", code];
}

/** Orders with no index on customer_id; `lookups` reads them one customer at a time (the N+1 loop). */
const app = (lookups: number, extra = ""): string[] =>
  nodeCmd(`
    await c.query("create table customers (id int primary key, name text)");
    await c.query("create table orders (id serial primary key, customer_id int, total numeric)");
    await c.query("insert into customers select i, 'c' || i from generate_series(1, 100) i");
    await c.query("insert into orders (customer_id, total) select i % 100 + 1, i from generate_series(1, 20000) i");
    await c.query("analyze orders");
    const { rows } = await c.query("select id from customers order by id limit " + ${lookups});
    for (const r of rows) await c.query("select name from customers where id = $1", [r.id]);
    for (let i = 1; i <= 3; i++) await c.query("select sum(total) from orders where customer_id = $1", [i]);
    ${extra}`);

async function report(args: string[], env = sb.env): Promise<{ code: number | null; stderr: string; json: QueryReport; raw: string }> {
  const file = path.join(sb.dir("reports"), `${Math.random().toString(36).slice(2)}.json`);
  const r = await dbtk(["run", "--report-json", file, ...args], env);
  const raw = readFileSync(file, "utf8");
  return { code: r.code, stderr: r.stderr, json: JSON.parse(raw) as QueryReport, raw };
}

beforeAll(async () => {
  const r = await dbtk(["run", "--", "true"], sb.env);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(() => sb.cleanup());

describe("dbtk run --report", () => {
  it("catches a planted N+1 loop and a sequential scan of a big table (a missing index), on stderr and in JSON", async () => {
    const { code, stderr, json } = await report(app(80));
    expect(code, stderr).toBe(0);
    expect(json.statementsAvailable).toBe(true);
    const loop = json.statements.find((s) => s.query === "select name from customers where id = $1");
    expect(loop).toMatchObject({ calls: 80, rows: 80 });
    expect(json.findings).toContainEqual(expect.objectContaining({ kind: "n+1", subject: "select name from customers where id = $1" }));
    const scan = json.seqScans.find((s) => s.table === "public.orders");
    expect(scan?.scans).toBeGreaterThanOrEqual(3);
    expect(scan?.rows).toBeGreaterThanOrEqual(20000);
    expect(json.findings).toContainEqual(expect.objectContaining({ kind: "seq-scan", subject: "public.orders" }));
    // The report's own catalog queries never count as the run's.
    expect(json.statements.some((s) => /pg_stat/.test(s.query))).toBe(false);
    expect(json.database.commits).toBeGreaterThanOrEqual(80);
    expect(json.database.cacheHitRatio).toBeGreaterThan(0);
    expect(stderr).toMatch(/^query report$/m);
    expect(stderr).toMatch(/n\+1: select name from customers where id = \$1 — ran 80 times/);
    expect(stderr).toMatch(/seq-scan: public\.orders — \d+ sequential scans of ~\d+ rows/);
  });

  it("never shows literal values or secrets: strings, numbers, dollar-quoted bodies and a password are blanked", async () => {
    const secret = "s3cret-literal-4711";
    const summary = path.join(sb.dir("summary"), "secrets.md");
    const extra = `
      await c.query("select * from customers where name = '${secret}' or id = 987654");
      await c.query("set application_name = '${secret}-app'");
      await c.query("alter role current_user password '${secret}-pw'");
      await c.query("do $body$ begin perform '${secret}-do'; end $body$");
      console.error("password " + process.env.PGPASSWORD);`;
    const r = await report(app(1, extra), { ...sb.env, GITHUB_STEP_SUMMARY: summary });
    expect(r.code, r.stderr).toBe(0);
    const password = /password (\S+)/.exec(r.stderr)?.[1] ?? "";
    expect(password.length).toBeGreaterThan(8);
    const reportText = r.stderr.slice(r.stderr.indexOf("query report"));
    for (const text of [reportText, r.raw, readFileSync(summary, "utf8")]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain("987654");
      expect(text).not.toContain(password);
    }
    expect(r.json.statements.map((s) => s.query)).toContainEqual(expect.stringMatching(/^alter role current_user password (\?|\$1)$/));
  });

  it("--baseline: calls that grew beyond the factor fail the run with exit 3, naming the statement", async () => {
    const base = await report(app(4));
    expect(base.code).toBe(0);
    const baseFile = path.join(sb.dir("reports"), "base.json");
    writeFileSync(baseFile, base.raw);
    const same = await dbtk(["run", "--baseline", baseFile, ...app(4)], sb.env);
    expect(same.code, same.stderr).toBe(0);
    const grown = await dbtk(["run", "--baseline", baseFile, ...app(40)], sb.env);
    expect(grown.code, grown.stderr).toBe(3);
    expect(grown.stderr).toMatch(/GATE calls-grew: select name from customers where id = \$1 — 4 → 40 calls per run/);
    expect(grown.stderr).toMatch(/dbtk: query gate failed \(1\): select name from customers where id = \$1/);
    // A failing command keeps its own exit code.
    const failing = await dbtk(["run", "--baseline", baseFile, ...app(40, "process.exitCode = 5")], sb.env);
    expect(failing.code).toBe(5);
  });

  it("--max-query-ms: a statement slower than the limit fails the run with exit 3", async () => {
    const r = await dbtk(["run", "--max-query-ms", "20", ...nodeCmd("await c.query('select pg_sleep(0.05)'); await c.query('select 1')")], sb.env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/GATE slow: select pg_sleep\(\$1\) — mean \d+\.\d ms > 20 ms/);
    expect(r.stderr).not.toMatch(/GATE slow: select \$1/);
  });

  it("bad flags are usage errors (exit 2) naming the flag, before any database is made", async () => {
    const missing = await dbtk(["run", "--baseline", path.join(sb.root, "nope.json"), "--", "true"], sb.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline: cannot read .*nope\.json as a JSON query report/);
    expect(missing.stderr).not.toMatch(/provision/);
    const ms = await dbtk(["run", "--max-query-ms", "fast", "--", "true"], sb.env);
    expect(ms.code).toBe(2);
    expect(ms.stderr).toMatch(/--max-query-ms fast: not a number of milliseconds/);
  });

  it("the sample app's run shows a report, also as Markdown in $GITHUB_STEP_SUMMARY", async () => {
    const summary = path.join(sb.dir("summary"), "sample.md");
    writeFileSync(summary, "# earlier step\n");
    const r = await dbtk(
      ["run", "--report", "--migrations", "examples/sample-app/migrations", "--", "node", "--test", "examples/sample-app/test/"],
      { ...sb.env, GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^query report\n +calls +total ms +mean ms +rows +share +statement$/m);
    const md = readFileSync(summary, "utf8");
    expect(md).toMatch(/^# earlier step\n### dbtk query report\n/);
    expect(md).toMatch(/^\| calls \| total ms \| mean ms \| rows \| share \| statement \|$/m);
    expect(md).toMatch(/- transactions: \d+ committed/);
  });
});
