// Ephemeral databases, measured on this machine in one run (ratios against baselines from the same run):
//   P2  cold start, empty cache: server init + 100 migrations + first database      (goal ≤ 3 s)
//   P1  a fresh pre-migrated database (our clone: login + database + metadata) vs a raw
//       CREATE DATABASE … TEMPLATE on the same server, p50/p95 over N             (goal p50 ≤ 1.2×)
//       + WAL_LOG vs FILE_COPY, and the library's hand-out time with a warm pool   (goal p50 ≤ 5 ms)
//   MySQL clone (DDL replay + INSERT … SELECT) vs creating an empty schema + login
//   P5  32 concurrent `dbtk run`: zero collisions, zero leftovers, wall time
// Run: npx tsx bench/ephemeral.ts [iterations=200] [concurrent=32]
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";

const N = Number(process.argv[2] ?? 200);
const CONCURRENT = Number(process.argv[3] ?? 32);
const REPO = path.resolve(import.meta.dirname, "..");
const root = mkdtempSync(path.join(tmpdir(), "dbtk-bench-eph-"));
chmodSync(root, 0o755);
// The library reads no environment: its calls get the directories; the `dbtk run` processes (P5) get them
// from the environment, as the CLI reads them.
const dirs = { serversDir: path.join(root, "servers"), cacheDir: path.join(root, "cache") };
process.env.DBTK_SERVERS_DIR = dirs.serversDir;
process.env.DBTK_CACHE_DIR = dirs.cacheDir;
mkdirSync(dirs.serversDir, { mode: 0o755 });
const pgRoot = path.join(dirs.serversDir, "postgres");
const myRoot = path.join(dirs.serversDir, "mariadb");
const { localMariadbTarget, localPostgresTarget } = await import("../automation/targets/local.ts");
const { newMeta, templateName } = await import("../automation/targets/meta.ts");
const { applyMigrations, resolveSource, sourceKey } = await import("../automation/driver/migrations.ts");
const { ephemeralDatabases } = await import("../automation/testing.ts");
const { startLocalMariadb, startLocalPostgres } = await import("../core/servers/index.ts");

const results: Array<[string, string]> = [];
const report = (name: string, value: string) => {
  results.push([name, value]);
  console.log(`${name}: ${value}`);
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const stats = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))} (n=${xs.length})`;

/** 100 migrations: 25 tables, each created, indexed, altered and seeded in its own file. */
function hundredMigrations(dir: string, engine: "postgres" | "mysql"): void {
  mkdirSync(dir, { recursive: true });
  const id = engine === "postgres" ? "BIGSERIAL PRIMARY KEY" : "BIGINT PRIMARY KEY AUTO_INCREMENT";
  let v = 1;
  for (let t = 0; t < 25; t++) {
    const ref = t > 0 ? `, parent_id BIGINT REFERENCES t${t - 1} (id)` : "";
    const files: Array<[string, string]> = [
      [`create_t${t}`, `CREATE TABLE t${t} (id ${id}, name VARCHAR(80) NOT NULL${ref});\n`],
      [`index_t${t}`, `CREATE INDEX t${t}_name ON t${t} (name);\n`],
      [`alter_t${t}`, `ALTER TABLE t${t} ADD COLUMN note VARCHAR(200);\n`],
      [`seed_t${t}`, `INSERT INTO t${t} (name) VALUES ('a'), ('b'), ('c');\n`],
    ];
    for (const [name, sql] of files) writeFileSync(path.join(dir, `V${v++}__${name}.sql`), sql);
  }
}

// ---- P2: cold start ----------------------------------------------------------------------------
const pgMigrations = path.join(root, "pg-migrations");
hundredMigrations(pgMigrations, "postgres");
const c0 = performance.now();
const target = await localPostgresTarget(dirs);
const cStarted = performance.now();
const source = resolveSource({ migrations: pgMigrations });
const tpl = target.templates!;
const key = (await sourceKey(source, await tpl.version!())) as string;
let migrated = 0;
await tpl.ensure(key, async (conn) => (migrated = (await applyMigrations(source, conn)) ?? 0));
const cMigrated = performance.now();
const first = await target.create({ ...newMeta({ target: "local", ttlMs: 600_000 }), engine: "postgres", template: key });
const cDone = performance.now();
await target.destroy(first.id);
report(
  "P2 cold start (initdb + start, 100 migrations, first clone)",
  `${ms(cDone - c0)} = server ${ms(cStarted - c0)} + template ${ms(cMigrated - cStarted)} (${migrated} migrations) + clone ${ms(cDone - cMigrated)}; goal ≤ 3000 ms`,
);

// ---- P1: clone vs raw CREATE DATABASE … TEMPLATE -------------------------------------------------
const server = await startLocalPostgres({ rootDir: pgRoot });
const admin = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: "postgres" });
await admin.connect();
const tplName = templateName(key);
async function raw(strategy: string, i: number): Promise<number> {
  const t0 = performance.now();
  await admin.query(`CREATE DATABASE bench_raw_${i} TEMPLATE ${tplName} STRATEGY ${strategy}`);
  const t = performance.now() - t0;
  await admin.query(`DROP DATABASE bench_raw_${i}`);
  return t;
}
async function ours(): Promise<number> {
  const meta = newMeta({ target: "local", ttlMs: 600_000 });
  const t0 = performance.now();
  await target.create({ ...meta, engine: "postgres", template: key });
  const t = performance.now() - t0;
  await target.destroy(meta.id);
  return t;
}
for (let i = 0; i < 5; i++) {
  await raw("FILE_COPY", i);
  await ours();
}
const rawTimes: number[] = [];
const ourTimes: number[] = [];
for (let i = 0; i < N; i++) {
  // Interleaved, so drift in the machine's load hits both the same.
  rawTimes.push(await raw("FILE_COPY", i));
  ourTimes.push(await ours());
}
report("P1 raw CREATE DATABASE … TEMPLATE (FILE_COPY)", stats(rawTimes));
report("P1 dbtk clone (login + database + metadata)", stats(ourTimes));
report("P1 ratio p50 (goal ≤ 1.2)", (pct(ourTimes, 50) / pct(rawTimes, 50)).toFixed(2));
const M = Math.min(N, 60);
const wal: number[] = [];
const fc: number[] = [];
for (let i = 0; i < M; i++) {
  wal.push(await raw("WAL_LOG", i));
  fc.push(await raw("FILE_COPY", i));
}
report("P1 strategy on this server (fsync off): WAL_LOG", stats(wal));
report("P1 strategy on this server (fsync off): FILE_COPY", stats(fc));

// Warm pool hand-out through the library API.
const dbs = await ephemeralDatabases({ ...dirs, migrations: pgMigrations, poolSize: 2 });
const handout: number[] = [];
const waitSpares = async () => {
  for (let i = 0; i < 400; i++) {
    const { rows } = await admin.query("select count(*)::int as n from pg_database where datname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$'");
    if (rows[0].n >= 2) return;
    await new Promise((r) => setTimeout(r, 5));
  }
};
for (let i = 0; i < N; i++) {
  await waitSpares();
  const t0 = performance.now();
  const db = await dbs.acquire();
  handout.push(performance.now() - t0);
  await db.release();
}
await dbs.close();
report("P1 warm-pool hand-out (library acquire)", `${stats(handout)}; goal p50 ≤ 5 ms`);
await admin.end();

// ---- MySQL clone ---------------------------------------------------------------------------------
const myTarget = await localMariadbTarget(dirs);
const myMigrations = path.join(root, "my-migrations");
hundredMigrations(myMigrations, "mysql");
const mySource = resolveSource({ migrations: myMigrations });
const myKey = (await sourceKey(mySource, await myTarget.templates!.version!())) as string;
const m0 = performance.now();
await myTarget.templates!.ensure(myKey, (conn) => applyMigrations(mySource, conn));
report("MySQL template build (100 migrations)", ms(performance.now() - m0));
const my = await startLocalMariadb({ rootDir: myRoot });
const myAdmin = await mysql.createConnection({ host: my.host, port: my.port, user: my.user, password: my.password });
const myClone: number[] = [];
const myEmpty: number[] = [];
const MY = Math.min(N, 30);
for (let i = 0; i < MY; i++) {
  const meta = newMeta({ target: "local-mariadb", ttlMs: 600_000 });
  let t0 = performance.now();
  await myTarget.create({ ...meta, engine: "mysql", template: myKey });
  myClone.push(performance.now() - t0);
  await myTarget.destroy(meta.id);
  t0 = performance.now();
  await myAdmin.query(`CREATE DATABASE bench_empty_${i}`);
  myEmpty.push(performance.now() - t0);
  await myAdmin.query(`DROP DATABASE bench_empty_${i}`);
}
report("MySQL clone of a 25-table template (DDL replay + rows)", stats(myClone));
report("MySQL baseline: CREATE DATABASE (empty)", stats(myEmpty));
await myAdmin.end();
await myTarget.close();

// ---- P5: concurrent runs -------------------------------------------------------------------------
function run(): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO, "bin/dbtk.mjs"), "run", "--json", "--migrations", path.join(REPO, "examples/sample-app/migrations"), "--", process.execPath, "-e", ""],
      { cwd: REPO, env: process.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("close", (code) => resolve({ code, out, err }));
  });
}
await run(); // builds the sample's template, as a CI cache would already hold it
const w0 = performance.now();
const runs = await Promise.all(Array.from({ length: CONCURRENT }, run));
const wall = performance.now() - w0;
const ids = runs.map((r) => {
  try {
    return (JSON.parse(r.out) as { id: string }).id;
  } catch {
    return undefined;
  }
});
const admin2 = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: "postgres" });
await admin2.connect();
const { rows: left } = await admin2.query(
  "select datname from pg_database where datname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$' and coalesce(shobj_description(oid, 'pg_database'), '') not like '%\"state\":\"pool\"%'",
);
const { rows: leftRoles } = await admin2.query(
  "select r.rolname from pg_roles r where r.rolname ~ '^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$' and coalesce(shobj_description(r.oid, 'pg_authid'), '') not like '%\"state\":\"pool\"%'",
);
await admin2.end();
const failed = runs.filter((r) => r.code !== 0).length;
for (const r of runs.filter((x) => x.code !== 0)) console.error(`P5 failed run (exit ${r.code}):\n${r.err.split("\n").slice(-6).join("\n")}`);
report(
  `P5 ${CONCURRENT} concurrent dbtk run`,
  `wall ${ms(wall)}; failures ${failed}; distinct ids ${new Set(ids.filter(Boolean)).size}/${CONCURRENT} (collisions ${CONCURRENT - new Set(ids).size}); leftovers ${left.length} databases, ${leftRoles.length} logins`,
);
await target.close();

console.log("\n== summary ==");
for (const [k, v] of results) console.log(`${k.padEnd(58)} ${v}`);
await (await startLocalPostgres({ rootDir: pgRoot })).stop();
await (await startLocalMariadb({ rootDir: myRoot })).stop();
rmSync(root, { recursive: true, force: true });
