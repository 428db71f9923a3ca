// `dbtk run --report --engine mysql`: the local MariaDB runs with performance_schema, and the report shows
// the run's own statement digests (no literals) with the N+1 loop and the unindexed reads it planted.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { QueryReport } from "../../../automation/report/types.ts";
import { dbtk, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("report-my");
afterAll(() => sb.cleanup());

describe("dbtk run --report on MariaDB", () => {
  it("reports the run's statements from performance_schema, its N+1 loop and its reads without an index", async () => {
    const file = path.join(sb.dir("out"), "report.json");
    const code = `const m = require(${JSON.stringify(path.join(REPO, "node_modules/mysql2/promise"))});
      (async () => { const c = await m.createConnection(process.env.DATABASE_URL);
        await c.query("create table items (id int primary key, owner int, secret varchar(40))");
        await c.query("insert into items select seq, seq % 50, 'hush-4711' from seq_1_to_3000");
        for (let i = 1; i <= 60; i++) await c.query("select secret from items where id = ?", [i]);
        for (let i = 1; i <= 3; i++) await c.query("select count(*) from items where owner = " + i);
        await c.query("begin"); await c.query("delete from items"); await c.query("rollback");
        await c.end(); })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const r = await dbtk(["run", "--engine", "mysql", "--report-json", file, "--", process.execPath, "-e", code], sb.env);
    expect(r.code, r.stderr).toBe(0);
    const raw = readFileSync(file, "utf8");
    const report = JSON.parse(raw) as QueryReport;
    expect(report).toMatchObject({ engine: "mysql", statementsAvailable: true });
    const loop = report.statements.find((s) => /^SELECT `secret` FROM `items` WHERE `?id`? = \?$/i.test(s.query));
    expect(loop?.calls).toBe(60);
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: "n+1", subject: loop?.query }));
    expect(report.seqScans).toContainEqual(expect.objectContaining({ table: "items" }));
    // 1 create + 1 insert + 63 selects autocommitted, one explicit transaction rolled back.
    expect(report.database.rollbacks).toBe(1);
    expect(report.database.commits).toBeGreaterThanOrEqual(64);
    expect(report.database.cacheHitRatio).toBeGreaterThan(0);
    expect(report.database.cacheHitRatio).toBeLessThanOrEqual(1);
    expect(r.stderr).toMatch(/^\s*transactions: \d+ committed, 1 rolled back, cache hit \d+%.*server-wide/m);
    expect(raw + r.stderr).not.toContain("hush-4711");
    expect(r.stderr).toMatch(/^query report$/m);
  }, 120_000);
});
