// Benchmark: the built-in runner against dbmate and Flyway on the same server in the same run.
//   npx tsx bench/migrations.ts [--pg-count 1000] [--my-count 100] [--runs 3]
// PostgreSQL: N small migrations (alternating CREATE TABLE / INSERT) on fresh databases; MariaDB: fewer.
// Every tool runs as its own process (ours: the compiled CLI, `node bin/dbtk.mjs migrate`; run `npm run
// build` first), so start-up counts for all; ours in-process is printed too. Goals (#13): ours ≤ 0.7× dbmate
// and ≤ 0.2× Flyway. The server's own share (PostgreSQL): every file as BEGIN; <file>; COMMIT in ONE query
// from this process, no tool, no history — what no runner keeping a transaction per migration can beat; the
// node floor: the same one query from a node process of its own (start-up, pg, reading the files).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import pg from "pg";
import { cacheDir, dirsFromEnv, startLocalMariadb, startLocalPostgres, type ServerHandle } from "../core/servers/index.ts";
import { databaseUrl, jdbcUrl, type DbTarget } from "../core/connection.ts";
import { migrate } from "../migrations/index.ts";
import { platformBinary } from "../migrations/adapters/platform-binary.ts";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "..");
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const flywayBin = path.join(cacheDir(dirsFromEnv(process.env)), "bin", "flyway");
const dbmateBin = platformBinary("dbmate", "dbmate");
const root = path.join(os.tmpdir(), `dbtk-bench-migrations-${process.pid}`);

function sqlFor(i: number, engine: DbTarget["engine"]): string {
  const text = engine === "postgres" ? "text" : "VARCHAR(100)";
  // Odd steps create a table, even steps insert into the one just created.
  return i % 2 === 1 ? `CREATE TABLE t_${i} (id int primary key, v ${text});\n` : `INSERT INTO t_${i - 1} VALUES (${i}, 'row ${i}');\n`;
}

function writeDirs(n: number, engine: DbTarget["engine"]): { flywayDir: string; dbmateDir: string } {
  const base = path.join(root, engine);
  const flywayDir = path.join(base, "flyway");
  const dbmateDir = path.join(base, "dbmate");
  mkdirSync(flywayDir, { recursive: true });
  mkdirSync(dbmateDir, { recursive: true });
  for (let i = 1; i <= n; i++) {
    const sql = sqlFor(i, engine);
    writeFileSync(path.join(flywayDir, `V${i}__step_${i}.sql`), sql);
    writeFileSync(path.join(dbmateDir, `${String(i).padStart(6, "0")}_step_${i}.sql`), `-- migrate:up\n${sql}\n-- migrate:down\n`);
  }
  return { flywayDir, dbmateDir };
}

const adminOf = (server: ServerHandle) => ({ host: server.host, port: server.port, user: server.user, password: server.password });

async function freshDb(server: ServerHandle, name: string): Promise<DbTarget> {
  const admin = adminOf(server);
  if (server.engine === "postgres") {
    const c = new pg.Client({ ...admin, database: "postgres" });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  } else {
    const c = await mysql.createConnection(admin);
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  }
  return { engine: server.engine, ...admin, database: name };
}

/** The server's work alone: all files, each in its own transaction, in one simple query. */
async function serverFloor(t: DbTarget, n: number): Promise<void> {
  let text = "";
  for (let i = 1; i <= n; i++) text += `BEGIN;\n${sqlFor(i, "postgres")};\nCOMMIT;\n`;
  const c = new pg.Client({ ...t });
  await c.connect();
  await c.query(text);
  await c.end();
}

/**
 * The previous tool's 500 tables are dirty pages and WAL that the checkpointer and the kernel write back
 * later: CHECKPOINT and sync first, or that writeback lands in whichever tool runs next (Flyway's JVM start
 * used to give the tool after it a quiet server that the others did not get).
 */
async function settle(server: ServerHandle): Promise<void> {
  if (server.engine === "postgres") {
    const c = new pg.Client({ ...adminOf(server), database: "postgres" });
    await c.connect();
    await c.query("CHECKPOINT");
    await c.end();
  }
  await run("sync", []);
}

async function count(t: DbTarget, table: string): Promise<number> {
  if (t.engine === "postgres") {
    const c = new pg.Client({ ...t });
    await c.connect();
    const r = await c.query(`SELECT count(*)::int AS n FROM ${table}`);
    await c.end();
    return r.rows[0].n as number;
  }
  const c = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database });
  const [rows] = (await c.query(`SELECT count(*) AS n FROM ${table}`)) as unknown as [{ n: number }[]];
  await c.end();
  return Number(rows[0]?.n);
}

async function timed(label: string, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  process.stderr.write(`  ${label.padEnd(28)} ${(ms / 1000).toFixed(2)} s\n`);
  return ms;
}

const oursAsProcess = (t: DbTarget, dir: string) =>
  run(process.execPath, [path.join(repo, "bin", "dbtk.mjs"), "migrate", "--migrations", dir, "--json"], {
    cwd: repo,
    env: { ...process.env, DATABASE_URL: databaseUrl(t) },
    maxBuffer: 1 << 26,
  });

/** No history, no checks: node's start-up, pg, the files read, one query (bench/migrations-node-floor.mjs). */
const nodeFloor = (t: DbTarget, dir: string) =>
  run(process.execPath, [path.join(repo, "bench", "migrations-node-floor.mjs"), dir], { env: { ...process.env, DATABASE_URL: databaseUrl(t) } });

const dbmate = (t: DbTarget, dir: string) => {
  const url = t.engine === "postgres" ? `${databaseUrl(t)}?sslmode=disable` : databaseUrl(t);
  return run(dbmateBin, ["--migrations-dir", dir, "--no-dump-schema", "migrate"], { env: { ...process.env, DATABASE_URL: url }, maxBuffer: 1 << 26 });
};

const flyway = (t: DbTarget, dir: string) =>
  run(flywayBin, ["migrate"], {
    env: { ...process.env, FLYWAY_URL: jdbcUrl(t), FLYWAY_USER: t.user, FLYWAY_PASSWORD: t.password, FLYWAY_LOCATIONS: `filesystem:${dir}` },
    maxBuffer: 1 << 26,
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function suite(server: ServerHandle, n: number, runs: number): Promise<string[]> {
  const engine = server.engine;
  process.stderr.write(`${engine}: ${n} migrations, ${runs} run(s) per tool, median reported\n`);
  const { flywayDir, dbmateDir } = writeDirs(n, engine);
  // Warm the server (first DDL after start-up is slow) before anything is timed.
  await migrate({ target: await freshDb(server, "bench_warmup"), dir: flywayDir });
  type Tool = [name: string, historyTable: string, run: (t: DbTarget) => Promise<unknown>];
  const tools: Tool[] = [
    ["dbtk", "flyway_schema_history", (t) => oursAsProcess(t, flywayDir)],
    ["dbtk in-process", "flyway_schema_history", (t) => migrate({ target: t, dir: flywayDir })],
    ["dbmate", "schema_migrations", (t) => dbmate(t, dbmateDir)],
  ];
  if (existsSync(flywayBin)) tools.push(["flyway", "flyway_schema_history", (t) => flyway(t, flywayDir)]);
  if (engine === "postgres") tools.push(["server floor", "", (t) => serverFloor(t, n)], ["node floor", "", (t) => nodeFloor(t, flywayDir)]);
  const times = new Map<string, number[]>();
  // Interleaved, so a noisy neighbour slows every tool alike; the order turns each round, so no tool always
  // follows the same one; each starts on a settled server.
  for (let run = 0; run < runs; run++) {
    for (const [name, table, fn] of [...tools.slice(run % tools.length), ...tools.slice(0, run % tools.length)]) {
      const t = await freshDb(server, `bench_${name.replace(/\W/g, "_")}`);
      await settle(server);
      const ms = await timed(`${name} #${run + 1}`, () => fn(t));
      const rows = table ? await count(t, table) : n;
      if (rows !== n) throw new Error(`${name} recorded ${rows} of ${n} migrations on ${engine}`);
      times.set(name, [...(times.get(name) ?? []), ms]);
    }
  }
  const m = (name: string) => (times.has(name) ? median(times.get(name)!) : undefined);
  const s = (ms: number | undefined) => (ms === undefined ? "n/a" : `${(ms / 1000).toFixed(2)} s`);
  const r = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}x` : "n/a");
  return [
    `${engine} (${n} migrations): dbtk ${s(m("dbtk"))} (in-process ${s(m("dbtk in-process"))}), dbmate ${s(m("dbmate"))}, flyway ${existsSync(flywayBin) ? s(m("flyway")) : "not installed"}`,
    `  ratios: dbtk/dbmate ${r(m("dbtk"), m("dbmate"))} (goal <= 0.7), dbtk/flyway ${r(m("dbtk"), m("flyway"))} (goal <= 0.2); in-process dbtk/dbmate ${r(m("dbtk in-process"), m("dbmate"))}`,
    ...(times.has("server floor")
      ? [
          `  server floor ${s(m("server floor"))}: dbtk/floor ${r(m("dbtk"), m("server floor"))}, in-process/floor ${r(m("dbtk in-process"), m("server floor"))}, dbmate/floor ${r(m("dbmate"), m("server floor"))}`,
          `  node floor ${s(m("node floor"))} (a node process, pg, one query, no history): node floor/dbmate ${r(m("node floor"), m("dbmate"))}, dbtk/node floor ${r(m("dbtk"), m("node floor"))}`,
        ]
      : []),
  ];
}

async function main(): Promise<void> {
  if (!existsSync(flywayBin)) process.stderr.write(`flyway not found at ${flywayBin}: run tools/install-flyway.sh for the Flyway column\n`);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const lines: string[] = [];
  const pgServer = await startLocalPostgres({ rootDir: path.join(root, "pg-server") });
  try {
    lines.push(...(await suite(pgServer, arg("--pg-count", 1000), arg("--runs", 3))));
  } finally {
    await pgServer.stop();
  }
  const mariadb = ["/usr/sbin/mariadbd", "/usr/bin/mariadbd"].some((p) => existsSync(p));
  if (mariadb) {
    const myServer = await startLocalMariadb({ rootDir: path.join(root, "my-server") });
    try {
      lines.push(...(await suite(myServer, arg("--my-count", 100), arg("--runs", 3))));
    } finally {
      await myServer.stop();
    }
  } else lines.push("mariadb: not installed (tools/install-mariadb.sh), skipped");
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
