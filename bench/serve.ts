// dbtk serve (IntegreSQL's API over the local PostgreSQL), measured on this machine in one run, with ratios
// against baselines from the same run. The server runs as users run it (`node bin/dbtk.mjs serve`, its own
// process; `npm run build` first), so the bench's client work and GC never land in the server's timings.
//   hand-out: GET /api/v1/templates/:hash/tests with a warm pool, p50/p95 (goal p50 ≤ 2 ms, p95 ≤ 5 ms),
//     interleaved request by request with the floor: the same client asking a bare node:http process for a
//     static JSON answer of the same size (what the machine charges for any HTTP round trip right then);
//     and the server's own view (GET /api/v1/dbtk/status): request event → answer written, and how late
//     its event loop ran; plus a raw CREATE DATABASE … TEMPLATE (what a worker pays without a pool)
//   churn: 16 concurrent workers, each database recreated after use: hand-out p50/p95 while the pool refills
//   16 workers × 100 databases (unlock 9 in 10, recreate 1 in 10): wall time, collisions, leftovers after stop
// Run: nice -n 5 npx tsx bench/serve.ts [handouts=1000]
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startLocalPostgres } from "../core/servers/index.ts";

const N = Number(process.argv[2] ?? 1000);
const repo = path.resolve(import.meta.dirname, "..");
const root = mkdtempSync(path.join(tmpdir(), "dbtk-bench-serve-"));
chmodSync(root, 0o755);
const serversDir = path.join(root, "servers");
mkdirSync(serversDir, { mode: 0o755 });

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const stats = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))} (n=${xs.length})`;
const report = (name: string, value: string) => console.log(`${name}: ${value}`);

interface Config {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}
interface Got {
  id: number;
  database: { config: Config };
}

// One keep-alive connection per concurrent caller, Nagle off: the client adds as little as it can.
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
function call(url: string, method = "GET", body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent, headers: data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("socket", (s) => s.setNoDelay(true));
    req.on("error", reject);
    req.end(data);
  });
}

/** A child process that prints its first line (the URL or port) once it listens. */
async function child(args: string[], env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, args, { cwd: repo, env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout?.setEncoding("utf8");
  const line = await new Promise<string>((resolve, reject) => {
    proc.stdout?.on("data", (c: string) => {
      out += c;
      if (out.includes("\n")) resolve(out.split("\n")[0] as string);
    });
    proc.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code} before listening`)));
  });
  return { proc, line };
}

const env = { ...process.env, DBTK_SERVERS_DIR: serversDir, DBTK_CACHE_DIR: path.join(root, "cache") };
const serve = await child([path.join(repo, "bin", "dbtk.mjs"), "serve", "--port", "0", "--json", "--pool-size", "8", "--max", "64", "-q"], env);
const base = `${(JSON.parse(serve.line) as { url: string }).url}/api/v1`;
const api = async (p: string, method = "GET", body?: unknown) => call(`${base}${p}`, method, body);
const clientFor = (c: Config) => new pg.Client({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });

// A template of 25 tables, migrated through the API as a client would.
const init = JSON.parse((await api("/templates", "POST", { hash: "bench" })).text) as Got;
const tpl = clientFor(init.database.config);
await tpl.connect();
for (let t = 0; t < 25; t++) await tpl.query(`create table t${t} (id bigserial primary key, name text not null, note text); create index on t${t} (name)`);
await tpl.query("create table holder (only_one boolean primary key default true, worker int not null)");
await tpl.end();
await api("/templates/bench", "PUT");

// The floor: a bare node:http process answering a static JSON body of a hand-out's size.
const sample = (await api("/templates/bench/tests")).text;
await api(`/templates/bench/tests/${(JSON.parse(sample) as Got).id}/unlock`, "POST");
// It times itself as the pool server does (request event → answer written): GET /timings reads that back.
const floorSrc = `const body = ${JSON.stringify(sample)}; const took = [];
  const s = require("node:http").createServer({ keepAlive: true, noDelay: true }, (q, r) => {
    const t0 = performance.now(); q.resume();
    if (q.url === "/timings") return r.end(JSON.stringify(took.splice(0)));
    r.writeHead(200, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(body) }).end(body);
    took.push(performance.now() - t0);
  });
  s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
const empty = await child(["-e", floorSrc], env);
const floorUrl = `http://127.0.0.1:${empty.line}/`;

// A raw clone on the same server (admin login, no pool).
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

// Hand-out with a warm pool, each database given back (unlock) before the next request; interleaved with
// the floor request by request, so both meet the same machine.
const status = async () => JSON.parse((await api("/dbtk/status")).text) as { timings: { handout: { n: number }; eventLoopDelay: object } };
for (let i = 0; i < 50; i++) {
  const g = JSON.parse((await api("/templates/bench/tests")).text) as Got;
  await api(`/templates/bench/tests/${g.id}/unlock`, "POST");
  await call(floorUrl);
}
const before = await status();
await call(`${floorUrl}timings`);
const load0 = loadavg()[0] as number;
const floor: number[] = [];
const handout: number[] = [];
for (let i = 0; i < N; i++) {
  let t0 = performance.now();
  await call(floorUrl);
  floor.push(performance.now() - t0);
  t0 = performance.now();
  const got = JSON.parse((await api("/templates/bench/tests")).text) as Got;
  handout.push(performance.now() - t0);
  await api(`/templates/bench/tests/${got.id}/unlock`, "POST");
}
const after = await status();
const floorSide = JSON.parse((await call(`${floorUrl}timings`)).text) as number[];
report("load average", `${load0.toFixed(1)} before the hand-outs, ${loadavg()[0]?.toFixed(1)} after`);
report("static JSON round trip (floor, same client, interleaved)", stats(floor));
report("raw CREATE DATABASE … TEMPLATE (no pool)", stats(raw));
report(
  "hand-out, warm pool",
  `${stats(handout)}; p50 ${(pct(handout, 50) / pct(floor, 50)).toFixed(2)}× / p95 ${(pct(handout, 95) / pct(floor, 95)).toFixed(2)}× the floor ` +
    `(p95 − floor p95 = ${ms(pct(handout, 95) - pct(floor, 95))}), ${(pct(raw, 50) / pct(handout, 50)).toFixed(0)}× faster than a raw clone`,
);
const h = after.timings.handout as unknown as { n: number; p50Ms: number; p95Ms: number; maxMs: number };
report(
  "server side, request event → answer written",
  `hand-out p50 ${ms(h.p50Ms)}, p95 ${ms(h.p95Ms)}, max ${ms(h.maxMs)} (the server's status, its last ${Math.min(h.n, 4096)}); ` +
    `floor server ${stats(floorSide)}, max ${ms(Math.max(...floorSide))}: p95 ${(h.p95Ms / pct(floorSide, 95)).toFixed(1)}× the floor server's`,
);
report("server's event loop delay since start (10 ms sampling)", JSON.stringify(after.timings.eventLoopDelay));
if (after.timings.handout.n - before.timings.handout.n < N) report("warning", "the server counted fewer hand-outs than were made");

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
        const got = JSON.parse((await api("/templates/bench/tests")).text) as Got;
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
/** Waits until the pool holds its 8 ready clones again (each phase starts from a warm pool). */
async function refilled(): Promise<void> {
  type Pool = { ready?: number; making?: number };
  for (let i = 0; i < 600; i++) {
    const t = (JSON.parse((await api("/dbtk/status")).text) as { templates: Pool[] }).templates[0];
    if ((t?.ready ?? 0) >= 8 && t?.making === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const churn = await workers(16, 10, 1);
report("churn: 16 workers, every database recreated", `hand-out ${stats(churn.lat)}, ${churn.collisions} collisions`);
await refilled();
const big = await workers(16, 100, 10);
report("16 workers × 100 databases", `${(big.wall / 1000).toFixed(1)} s wall, hand-out ${stats(big.lat)}, ${big.collisions} collisions`);

agent.destroy();
empty.proc.kill("SIGTERM");
serve.proc.kill("SIGTERM");
await once(serve.proc, "exit");
const left = await admin.query("select datname from pg_database where datname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$'");
const logins = await admin.query("select rolname from pg_roles where rolname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$'");
report("leftovers after stop", `${left.rowCount} databases, ${logins.rowCount} logins`);
await admin.end();
await pgs.stop();
rmSync(root, { recursive: true, force: true });
