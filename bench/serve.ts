// dbtk serve (IntegreSQL's API over the local PostgreSQL), measured on this machine in one run, with ratios
// against baselines from the same run:
//   hand-out: GET /api/v1/templates/:hash/tests with a warm pool, p50/p95       (goal p50 ≤ 2 ms, p95 ≤ 5 ms)
//     vs an empty HTTP round trip on the same machine (the floor) and a raw CREATE DATABASE … TEMPLATE
//     (what a worker pays without a pool)
//   churn: 16 concurrent workers, each database recreated after use: hand-out p50/p95 while the pool refills
//   16 workers × 100 databases (unlock 9 in 10, recreate 1 in 10): wall time, collisions, leftovers after stop
// Run: npx tsx bench/serve.ts [handouts=500]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startPoolServer } from "../automation/serve/index.ts";
import { startLocalPostgres } from "../core/servers/index.ts";

const N = Number(process.argv[2] ?? 500);
const root = mkdtempSync(path.join(tmpdir(), "dbtk-bench-serve-"));
chmodSync(root, 0o755);
const serversDir = path.join(root, "servers");
mkdirSync(serversDir, { mode: 0o755 });

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const stats = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))} (n=${xs.length})`;
const report = (name: string, value: string) => console.log(`${name}: ${value}`);

interface Got {
  id: number;
  database: { config: { host: string; port: number; username: string; password: string; database: string } };
}

const srv = await startPoolServer({ serversDir, cacheDir: path.join(root, "cache"), port: 0, poolSize: 8, max: 64, parallel: 4 });
const api = async (p: string, method = "GET", body?: unknown): Promise<Response> =>
  fetch(`${srv.url}/api/v1${p}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
const clientFor = (c: Got["database"]["config"]) => new pg.Client({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });

// A template of 25 tables, migrated through the API as a client would.
const init = (await (await api("/templates", "POST", { hash: "bench" })).json()) as Got;
const tpl = clientFor(init.database.config);
await tpl.connect();
for (let t = 0; t < 25; t++) await tpl.query(`create table t${t} (id bigserial primary key, name text not null, note text); create index on t${t} (name)`);
await tpl.query("create table holder (only_one boolean primary key default true, worker int not null)");
await tpl.end();
await api("/templates/bench", "PUT");

// Baseline 1: an empty HTTP round trip through the same client and a node:http server.
const empty = createServer({ keepAlive: true }, (_req, res) => res.writeHead(204).end());
await new Promise<void>((r) => empty.listen(0, "127.0.0.1", r));
const emptyUrl = `http://127.0.0.1:${(empty.address() as AddressInfo).port}/`;
const floor: number[] = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  await (await fetch(emptyUrl)).text();
  floor.push(performance.now() - t0);
}
empty.close();

// Baseline 2: a raw clone on the same server (admin login, no pool).
const pgs = await startLocalPostgres({ rootDir: path.join(serversDir, "postgres") });
const admin = new pg.Client({ host: pgs.host, port: pgs.port, user: pgs.user, password: pgs.password, database: "postgres" });
await admin.connect();
const tplName = (await admin.query<{ n: string }>("select datname as n from pg_database where datname like 'dbtk_tpl_%' limit 1")).rows[0]?.n as string;
const raw: number[] = [];
for (let i = 0; i < 40; i++) {
  const t0 = performance.now();
  await admin.query(`create database bench_raw_${i} template ${tplName}`);
  raw.push(performance.now() - t0);
}
for (let i = 0; i < 40; i++) await admin.query(`drop database bench_raw_${i}`);

// Hand-out with a warm pool: each database given back (unlock) before the next request.
for (let i = 0; i < 20; i++) await (await api("/templates/bench/tests")).json().then((g) => api(`/templates/bench/tests/${(g as Got).id}/unlock`, "POST"));
const handout: number[] = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const got = (await (await api("/templates/bench/tests")).json()) as Got;
  handout.push(performance.now() - t0);
  await api(`/templates/bench/tests/${got.id}/unlock`, "POST");
}
report("empty HTTP round trip (floor)", stats(floor));
report("raw CREATE DATABASE … TEMPLATE (no pool)", stats(raw));
report("hand-out, warm pool", `${stats(handout)}; ${(pct(handout, 50) / pct(floor, 50)).toFixed(1)}× the floor, ${(pct(raw, 50) / pct(handout, 50)).toFixed(0)}× faster than a raw clone`);

// Churn and the 16 × 100 run: unlock 9 in 10, recreate 1 in 10 (after writing to it).
async function workers(count: number, each: number, recreateEvery: number): Promise<{ wall: number; lat: number[]; collisions: number }> {
  const held = new Set<string>();
  const lat: number[] = [];
  let collisions = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, w) => {
      for (let i = 0; i < each; i++) {
        const t1 = performance.now();
        const got = (await (await api("/templates/bench/tests")).json()) as Got;
        lat.push(performance.now() - t1);
        const name = got.database.config.database;
        if (held.has(name)) collisions++;
        held.add(name);
        const write = i % recreateEvery === 0;
        if (write) {
          const c = clientFor(got.database.config);
          await c.connect();
          if ((await c.query("select 1 from holder")).rowCount) collisions++;
          await c.query("insert into holder (worker) values ($1)", [w]);
          await c.end();
        }
        held.delete(name);
        await api(`/templates/bench/tests/${got.id}/${write ? "recreate" : "unlock"}`, "POST");
      }
    }),
  );
  return { wall: performance.now() - t0, lat, collisions };
}
const churn = await workers(16, 10, 1);
report("churn: 16 workers, every database recreated", `hand-out ${stats(churn.lat)}, ${churn.collisions} collisions`);
const big = await workers(16, 100, 10);
report("16 workers × 100 databases", `${(big.wall / 1000).toFixed(1)} s wall, hand-out ${stats(big.lat)}, ${big.collisions} collisions`);

await srv.close();
const left = await admin.query("select datname from pg_database where datname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$'");
const logins = await admin.query("select rolname from pg_roles where rolname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$'");
report("leftovers after stop", `${left.rowCount} databases, ${logins.rowCount} logins`);
await admin.end();
await pgs.stop();
rmSync(root, { recursive: true, force: true });
