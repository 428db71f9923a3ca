// P6: one ephemeral database (database + its own login) through the real Pulumi engine (stack up +
// destroy, dynamic provider) beside the fast path on the same local PostgreSQL (CREATE DATABASE … TEMPLATE
// clone + CREATE ROLE, then DROP … WITH (FORCE)). Prints both times per iteration, medians and the ratio.
// Needs tools/install-pulumi.sh. Run: npx tsx bench/engine.ts [iterations]
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createStackTarget } from "../automation/engine/index.ts";
import { startLocalPostgres } from "../core/servers/index.ts";
import { newMeta, newPassword } from "../automation/targets/meta.ts";

const ITERATIONS = Number(process.argv[2] ?? process.env.BENCH_ITERATIONS ?? 3);
const TEMPLATE = "dbtk_bench_tpl";

const root = mkdtempSync(path.join(tmpdir(), "dbtk-bench-engine-"));
chmodSync(root, 0o755);
const server = await startLocalPostgres({ rootDir: path.join(root, "pg") });
const url = `postgres://${server.user}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/postgres`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();

// A small migrated template, as the fast path clones one.
await admin.query(`CREATE DATABASE ${TEMPLATE}`);
const tpl = new pg.Client({ connectionString: url.replace(/\/postgres$/, `/${TEMPLATE}`) });
await tpl.connect();
for (let i = 0; i < 10; i++) await tpl.query(`create table t${i} (id bigint primary key, name text not null, created timestamptz default now())`);
await tpl.end();

async function fastPath(): Promise<{ up: number; down: number }> {
  const id = newMeta({ target: "server", ttlMs: 3_600_000 }).id;
  const t0 = performance.now();
  await admin.query(`CREATE ROLE "${id}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${newPassword()}'`);
  await admin.query(`CREATE DATABASE "${id}" TEMPLATE ${TEMPLATE} OWNER "${id}" STRATEGY FILE_COPY`);
  await admin.query(`REVOKE ALL ON DATABASE "${id}" FROM PUBLIC`);
  const t1 = performance.now();
  await admin.query(`DROP DATABASE "${id}" WITH (FORCE)`);
  await admin.query(`DROP ROLE "${id}"`);
  return { up: t1 - t0, down: performance.now() - t1 };
}

const target = createStackTarget({ kind: "server", engine: "postgres", serverUrl: url, stateDir: path.join(root, "state") });
async function enginePath(): Promise<{ up: number; down: number }> {
  const meta = newMeta({ target: "server", ttlMs: 3_600_000 });
  const t0 = performance.now();
  await target.create({ ...meta, engine: "postgres" });
  const t1 = performance.now();
  await target.destroy(meta.id);
  return { up: t1 - t0, down: performance.now() - t1 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const ms = (x: number) => `${x.toFixed(0).padStart(7)} ms`;

try {
  await fastPath(); // warm the server's caches
  const fast: number[] = [];
  const engine: number[] = [];
  console.log(`P6 ephemeral database: Pulumi engine vs direct clone, ${ITERATIONS} iterations (PostgreSQL ${server.port})`);
  console.log(`${"iteration".padEnd(10)} ${"engine up".padStart(10)} ${"engine down".padStart(12)} ${"clone up".padStart(10)} ${"clone down".padStart(11)}`);
  for (let i = 0; i < ITERATIONS; i++) {
    const e = await enginePath();
    const f = await fastPath();
    engine.push(e.up + e.down);
    fast.push(f.up + f.down);
    console.log(`${String(i + 1).padEnd(10)} ${ms(e.up)} ${ms(e.down).padStart(12)} ${ms(f.up)} ${ms(f.down).padStart(11)}`);
  }
  const me = median(engine);
  const mf = median(fast);
  console.log(`median up+down: engine ${me.toFixed(0)} ms, clone ${mf.toFixed(1)} ms, ratio engine/clone ${(me / mf).toFixed(0)}x`);
} finally {
  await target.close();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`).catch(() => undefined);
  await admin.end();
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
