// Leases, not guesses: `dbtk reap` (plain and --dead) never takes a live run's database, however short its
// TTL; the TTL applies to databases without a live owner; pooled clones go once idle past their TTL.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { expect, it } from "vitest";
import { dbtk, inUse, pgLeftovers, REPO, sleep, until, warmSandbox, type CliResult } from "../helpers.ts";

const sample = path.join(REPO, "examples/sample-app/migrations");
const { sb, admin } = warmSandbox("lease", ["--migrations", sample]);

/** Waits `ms`, then uses its database; exits 9 if that fails (the database was taken from under it). */
const lateUser = (ms: number) => `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
  setTimeout(() => {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query("select count(*) from users")).then(() => c.end()).then(() => process.exit(0), (e) => { console.error("lost: " + e.message); process.exit(9); });
  }, ${ms});`;

it("reap while 8 runs with a 2 s TTL run for 10 s: 0 lost", async () => {
  let running = true;
  const runs = Promise.all(
    Array.from({ length: 8 }, () => dbtk(["run", "--json", "--ttl", "2s", "--migrations", sample, "--", process.execPath, "-e", lateUser(10_000)], sb.env)),
  ).finally(() => (running = false));
  const reaps: CliResult[] = [];
  await sleep(2500); // every run's TTL has passed by now
  for (let i = 0; running; i++) {
    reaps.push(await dbtk(["reap", "--json", ...(i % 2 ? ["--dead"] : [])], sb.env));
    await sleep(500);
  }
  const results = await runs;
  for (const r of results) expect(r.code, r.stderr).toBe(0);
  const ids = results.map((r) => (JSON.parse(r.stdout) as { id: string }).id);
  expect(new Set(ids).size).toBe(8);
  // One reap every ~0.5 s plus its own time (seconds on a loaded machine) over the runs' 10 s.
  expect(reaps.length).toBeGreaterThanOrEqual(4);
  for (const r of reaps) {
    expect(r.code, r.stderr).toBe(0);
    const destroyed = (JSON.parse(r.stdout) as { destroyed: Array<{ id: string }> }).destroyed.map((d) => d.id);
    expect(destroyed.filter((d) => ids.includes(d))).toEqual([]);
  }
  expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
}, 120_000);

it("a live run renews its lease, so a reaper that cannot see the process (another host) keeps it too", async () => {
  const run = dbtk(["run", "--json", "--ttl", "1s", "--migrations", sample, "--", process.execPath, "-e", "setTimeout(() => {}, 3000)"], sb.env);
  await sleep(2000);
  const { rows } = await admin().query<{ n: string; m: string }>(
    "select datname as n, shobj_description(oid, 'pg_database') as m from pg_database where datname not like 'dbtk_tpl_%' and shobj_description(oid, 'pg_database') like '%\"state\":\"ready\"%'",
  );
  expect(rows).toHaveLength(1);
  const meta = JSON.parse(rows[0]!.m) as { createdAt: string; expiresAt: string };
  // Made 2 s ago with a 1 s TTL, yet its expiry is still ahead.
  expect(Date.parse(meta.expiresAt)).toBeGreaterThan(Date.now());
  expect((await run).code).toBe(0);
});

it("the TTL applies where no live owner holds the lease: dbtk up's database goes once expired", async () => {
  const up = await dbtk(["up", "--json", "--ttl", "4s", "--migrations", sample], sb.env);
  const { id, expiresAt } = JSON.parse(up.stdout) as { id: string; expiresAt: string };
  const before = Date.now();
  const early = JSON.parse((await dbtk(["reap", "--json", "--dead"], sb.env)).stdout) as { destroyed: unknown[] };
  // Not expired when the reap began: kept, though no live process owns it (a loaded machine may be too late to tell).
  if (before < Date.parse(expiresAt)) expect(early.destroyed).toEqual([]);
  await sleep(Math.max(0, Date.parse(expiresAt) - Date.now() + 100));
  const r = await dbtk(["reap", "--json"], sb.env);
  expect(JSON.parse(r.stdout).destroyed).toContainEqual(expect.objectContaining({ id, reason: "expired" }));
});

it("pooled clones: dropped by reap once idle past their TTL, never handed out near it, and gone with their template", async () => {
  // The run's guardian tops the pool up and cleans the cache after the run has exited; its log says when.
  const log = path.join(sb.root, "lease-guardian.log");
  expect((await dbtk(["run", "--pool", "2", "--migrations", sample, "--", "true"], { ...sb.env, DBTK_GUARDIAN_LOG: log })).code).toBe(0);
  await until(() => existsSync(log) && readFileSync(log, "utf8").includes("refilled"), 15_000, () => "the guardian never refilled");
  let left = await pgLeftovers(admin());
  const pooled = left.pooled;
  const [nearly, idle] = pooled as [string, string];
  // Instead of waiting out their TTL (an hour): one expired, one 30 s from it (inside the claim margin).
  const expire = async (id: string, at: number) => {
    const { rows } = await admin().query<{ m: string }>("select shobj_description(oid, 'pg_database') as m from pg_database where datname = $1", [id]);
    const text = admin().escapeLiteral(JSON.stringify({ ...JSON.parse(rows[0]!.m), expiresAt: new Date(at).toISOString() }));
    await admin().query(`COMMENT ON DATABASE "${id}" IS ${text}; COMMENT ON ROLE "${id}" IS ${text}`);
  };
  await expire(idle, Date.now() - 1000);
  await expire(nearly, Date.now() + 30_000);
  const r = await dbtk(["reap", "--json"], sb.env);
  expect(JSON.parse(r.stdout).destroyed).toEqual([expect.objectContaining({ id: idle, reason: "expired", state: "pool" })]);
  const run = await dbtk(["run", "--json", "--pool", "0", "--migrations", sample, "--", "true"], sb.env);
  expect(JSON.parse(run.stdout).template.pooled).toBe(false);
  expect((await pgLeftovers(admin())).pooled).toEqual([nearly]);
  // The template aged out: it goes, and its pooled clones with it.
  const later = await dbtk(["reap", "--json"], { ...sb.env, DBTK_TEMPLATE_MAX_AGE: "1ms" });
  expect(JSON.parse(later.stdout).templatesDropped).toHaveLength(1);
  left = await pgLeftovers(admin());
  expect(left.pooled).toEqual([]);
  expect(left.templates).toEqual([]);
  expect(inUse(left)).toEqual({ databases: [], logins: [] });
}, 60_000);
