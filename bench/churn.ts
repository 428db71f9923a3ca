// Benchmark: clone time under create/destroy churn on the local PostgreSQL (issue #13).
//   npx tsx bench/churn.ts [--cycles 1000] [--strategy auto|wal_log|file_copy] [--raw 50] [--every 5]
// Two fresh servers in a temporary folder, each with the same 25-table template. On the first, `--cycles`
// create/destroy cycles through dbtk's target (clone + login + metadata, then teardown, then the template
// clean-up every run does in the background after its hand-out, untimed). The baseline, a
// raw clone on a server without churn: every `--every`th cycle one plain `CREATE DATABASE … TEMPLATE` on
// the second server (kept, never dropped), so both are sampled under the same machine load. Also `--raw`
// raw clones on the first server before the churn. Prints p50 of the first and last 200 dbtk clones, their
// ratio and the ratio to the raw clone; then what the churn left in the shared catalogs and how many
// checkpoints it requested (the cause hunt).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startLocalPostgres } from "../core/servers/postgres.ts";
import { newMeta } from "../automation/targets/meta.ts";
import { openTarget } from "../automation/targets/registry.ts";
import type { CloneStrategy } from "../automation/targets/sql-postgres.ts";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const cycles = Number(arg("cycles", "1000"));
const rawCount = Number(arg("raw", "50"));
const strategy = arg("strategy", "auto") as CloneStrategy;
const every = Number(arg("every", "5"));
const window = Math.min(200, Math.floor(cycles / 2));

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => performance.now();

const root = mkdtempSync(path.join(tmpdir(), "dbtk-churn-"));
chmodSync(root, 0o755); // the server runs as its own OS user when we are root
const serversDir = path.join(root, "servers");
const server = await startLocalPostgres({ rootDir: path.join(serversDir, "postgres") });
const calm = await startLocalPostgres({ rootDir: path.join(root, "calm") });
const connect = async (s: typeof server, database = "postgres"): Promise<pg.Client> => {
  const c = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database });
  await c.connect();
  return c;
};
const admin = await connect(server);
const calmAdmin = await connect(calm);

/** The 25-table schema (each with a primary key and an index). */
async function schema(c: pg.Client): Promise<void> {
  for (let i = 0; i < 25; i++) {
    await c.query(`create table t${i} (id bigserial primary key, name text not null, created timestamptz default now(), v int)`);
    await c.query(`create index t${i}_name on t${i} (name)`);
  }
}

async function catalogs(): Promise<string> {
  const { rows } = await admin.query<{ relname: string; kb: string; dead: string }>(
    `select c.relname, pg_relation_size(c.oid) / 1024 as kb, coalesce(s.n_dead_tup, 0) as dead
       from pg_class c left join pg_stat_all_tables s on s.relid = c.oid
      where c.relname in ('pg_database', 'pg_authid', 'pg_shdepend', 'pg_shdescription', 'pg_auth_members') order by 1`,
  );
  return rows.map((r) => `${r.relname} ${r.kb} kB (${r.dead} dead)`).join(", ");
}

async function checkpoints(): Promise<number> {
  // pg_stat_checkpointer from PostgreSQL 17; pg_stat_bgwriter before.
  const q = await admin
    .query<{ n: string }>("select num_requested + num_timed as n from pg_stat_checkpointer")
    .catch(() => admin.query<{ n: string }>("select checkpoints_req + checkpoints_timed as n from pg_stat_bgwriter"));
  return Number(q.rows[0]?.n ?? 0);
}

try {
  const target = await openTarget("local", { serversDir, strategy });
  const tpl = target.templates!;
  const key = "churn0000000000a";
  await tpl.ensure(key, async (conn) => {
    const c = new pg.Client({ ...conn, user: conn.user, database: conn.database });
    await c.connect();
    await schema(c);
    await c.end();
    return 25;
  });
  await calmAdmin.query("create database calm_tpl");
  const calmTpl = await connect(calm, "calm_tpl");
  await schema(calmTpl);
  await calmTpl.end();
  const { rows } = await admin.query<{ fsync: string; v: string }>("select current_setting('fsync') as fsync, current_setting('server_version') as v");
  // The raw clones use what dbtk's `auto` picks (FILE_COPY without fsync, else WAL_LOG).
  const chosen = strategy === "auto" ? (rows[0]?.fsync === "off" ? "file_copy" : "wal_log") : strategy;
  const strategyClause = ` STRATEGY ${chosen.toUpperCase()}`;
  console.log(`PostgreSQL ${rows[0]?.v}, fsync=${rows[0]?.fsync}, strategy ${strategy} (${chosen}); ${cycles} cycles`);

  const raw: number[] = [];
  for (let i = 0; i < rawCount; i++) {
    const t0 = now();
    await admin.query(`CREATE DATABASE churn_raw_${i} TEMPLATE dbtk_tpl_${key}${strategyClause}`);
    raw.push(now() - t0);
  }

  const ck0 = await checkpoints();
  const before = await catalogs();
  const calmRaw: Array<{ cycle: number; ms: number }> = [];
  const create: number[] = [];
  const destroy: number[] = [];
  const t0 = now();
  for (let i = 0; i < cycles; i++) {
    const meta = newMeta({ target: "local", ttlMs: 600_000, owner: "churn" });
    const c0 = now();
    const db = await target.create({ ...meta, engine: "postgres", template: key });
    const c1 = now();
    await target.destroy(db.id);
    create.push(c1 - c0);
    destroy.push(now() - c1);
    await tpl.gc({ maxAgeMs: 86_400_000, maxBytes: 1e12, keep: [key] });
    if (i % every === 0) {
      const r0 = now();
      await calmAdmin.query(`CREATE DATABASE calm_${i} TEMPLATE calm_tpl${strategyClause}`);
      calmRaw.push({ cycle: i, ms: now() - r0 });
    }
    if ((i + 1) % 200 === 0) console.log(`  ${i + 1}: clone p50 ${p50(create.slice(-200)).toFixed(1)} ms, destroy p50 ${p50(destroy.slice(-200)).toFixed(1)} ms`);
  }
  const total = now() - t0;
  const first = p50(create.slice(0, window));
  const last = p50(create.slice(-window));
  // The load of a shared machine changes over minutes: each window is compared with the raw clones made
  // during that same window too.
  const rawIn = (from: number, to: number): number => p50(calmRaw.filter((r) => r.cycle >= from && r.cycle < to).map((r) => r.ms));
  const rawFirst = rawIn(0, window);
  const rawLast = rawIn(cycles - window, cycles);
  console.log(`raw clone, before the churn (p50 of ${rawCount})              ${p50(raw).toFixed(1)} ms`);
  console.log(`raw clone, server without churn, first / last window   ${rawFirst.toFixed(1)} / ${rawLast.toFixed(1)} ms`);
  console.log(`dbtk clone, first ${window} (p50)            ${first.toFixed(1)} ms   ${(first / rawFirst).toFixed(2)}× raw in the same window`);
  console.log(
    `dbtk clone, last ${window} (p50)             ${last.toFixed(1)} ms   ${(last / first).toFixed(2)}× first, ${(last / rawLast).toFixed(2)}× raw in the same window`,
  );
  console.log(`dbtk destroy, first / last ${window} (p50)   ${p50(destroy.slice(0, window)).toFixed(1)} / ${p50(destroy.slice(-window)).toFixed(1)} ms`);
  console.log(`${cycles} cycles in ${(total / 1000).toFixed(1)} s; checkpoints requested during the churn: ${(await checkpoints()) - ck0}`);
  console.log(`shared catalogs before: ${before}`);
  console.log(`shared catalogs after:  ${await catalogs()}`);
  await target.close();
} finally {
  await admin.end();
  await calmAdmin.end();
  await server.stop();
  await calm.stop();
  rmSync(root, { recursive: true, force: true });
}
