// Concurrent runs (separate processes): distinct databases, one template build, nothing left over — also
// when a third of them are SIGKILLed at random moments (their guardians clean up).
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { expect, it } from "vitest";
import { dbtk, guardiansOf, inUse, pgLeftovers, REPO, running, sleep, startDbtk, until, warmSandbox } from "../helpers.ts";

const { sb, admin } = warmSandbox("conc");
const sample = path.join(REPO, "examples/sample-app/migrations");

it("8 concurrent runs on a new template: one build, 8 distinct databases, zero leftovers", async () => {
  const dir = sb.dir("migrations");
  for (const f of readdirSync(sample)) copyFileSync(path.join(sample, f), path.join(dir, f));
  const code = `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query("insert into users (email, name) values ('same@example.com', 'Same')")).then(() => c.end()).then(() => process.exit(0), () => process.exit(9));`;
  const runs = await Promise.all(Array.from({ length: 8 }, () => dbtk(["run", "--json", "--migrations", dir, "--", process.execPath, "-e", code], sb.env)));
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  const summaries = runs.map((r) => JSON.parse(r.stdout) as { id: string; template: { built: boolean } });
  expect(new Set(summaries.map((s) => s.id)).size).toBe(8);
  expect(summaries.filter((s) => s.template.built)).toHaveLength(1);
  expect(runs.filter((r) => /built template/.test(r.stderr))).toHaveLength(1);
  const left = await pgLeftovers(admin());
  expect(inUse(left)).toEqual({ databases: [], logins: [] });
  expect(left.templates).toHaveLength(1);
  expect(left.pooled.length).toBeLessThanOrEqual(2);
});

/** Running (not zombie) processes in group `pgid`. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const n of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") out.push(Number(n));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

it("32 concurrent runs on a new template, a third SIGKILLed at random moments: 0 collisions, 0 leftovers after 10 s", async () => {
  const dir = sb.dir("migrations-kill");
  for (const f of readdirSync(sample)) copyFileSync(path.join(sample, f), path.join(dir, f));
  // A different template key from the test above: the runs race on a new build, which a kill may hit.
  copyFileSync(path.join(sample, readdirSync(sample)[0] as string), path.join(dir, "V999__again.sql.txt"));
  const seen = sb.dir("seen-kill");
  // Records its database and its group, inserts the row every run inserts (a shared database would refuse
  // the second), then works a little.
  const code = (i: number) => `const fs = require("fs"), pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
    fs.writeFileSync(${JSON.stringify(seen)} + "/pgid-${i}", String(process.pid));
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query("insert into users (email, name) values ('same@example.com', 'Same')"))
      .then(() => fs.writeFileSync(${JSON.stringify(seen)} + "/db-${i}", process.env.PGDATABASE))
      .then(() => new Promise((r) => setTimeout(r, ${Math.round(Math.random() * 1500)}))).then(() => c.end()).then(() => process.exit(0), () => process.exit(9));`;
  const killed = new Set(Array.from({ length: 32 }, (_, i) => i).filter((i) => i % 3 === 0));
  const guardians: number[] = [];
  const runs = Array.from({ length: 32 }, (_, i) => {
    const p = startDbtk(["run", "--json", "--migrations", dir, "--", process.execPath, "-e", code(i)], sb.env);
    if (killed.has(i)) {
      // Anywhere from start-up through provisioning, the template build and the command.
      void sleep(Math.random() * 4000).then(() => {
        guardians.push(...guardiansOf(p.child.pid!));
        p.child.kill("SIGKILL");
      });
    }
    return p.done;
  });
  const results = await Promise.all(runs);
  const t0 = Date.now();
  for (const [i, r] of results.entries()) {
    if (killed.has(i)) expect(r.signal === "SIGKILL" || r.code === 0, r.stderr).toBe(true);
    else expect(r.code, r.stderr).toBe(0);
  }
  const dbs = results.map((_, i) => path.join(seen, `db-${i}`)).filter(existsSync).map((f) => readFileSync(f, "utf8"));
  expect(dbs.length).toBeGreaterThanOrEqual(32 - killed.size);
  expect(new Set(dbs).size, "each run had a database of its own").toBe(dbs.length);
  const groups = results
    .map((_, i) => path.join(seen, `pgid-${i}`))
    .filter(existsSync)
    .map((f) => Number(readFileSync(f, "utf8")));
  let last = "";
  const ms = await until(
    async () => {
      const left = await pgLeftovers(admin());
      const { rows } = await admin().query("select datname from pg_database where datname like 'dbtk_tpl_%' and shobj_description(oid, 'pg_database') not like '%\"ready\"%'");
      const procs = groups.flatMap(groupMembers);
      last = JSON.stringify({ inUse: inUse(left), building: rows, procs, guardians: guardians.filter(running) });
      return inUse(left).databases.length === 0 && inUse(left).logins.length === 0 && rows.length === 0 && procs.length === 0 && !guardians.some(running);
    },
    10_000,
    () => last,
  );
  process.stderr.write(`32 runs, ${killed.size} killed: clean ${ms} ms after the last one ended\n`);
  const left = await pgLeftovers(admin());
  expect(left.templateLogins.filter((l) => !left.templates.includes(l))).toEqual([]);
  expect(left.pooled.length).toBeLessThanOrEqual(2 * left.templates.length);
}, 180_000);
