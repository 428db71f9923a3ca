// Restore points on a database of --mb megabytes (default 1024), in one run, each against baselines from
// the same run on the same server:
//   PostgreSQL: dbtk's restore point (CREATE DATABASE … TEMPLATE + grants/settings + metadata) and its
//     restore (a swap: two renames in one transaction, then DROP of the replaced database) vs a raw
//     CREATE DATABASE … TEMPLATE (WAL_LOG, the default, and FILE_COPY). No plain dump/restore baseline:
//     Debian's pg_dump is older than the embedded server 18 and refuses it.
//   MariaDB: dbtk's restore point (SHOW CREATE TABLE + INSERT … SELECT under LOCK TABLES) and its restore
//     (RENAME TABLE across schemas) vs `mariadb-dump --single-transaction | mariadb` into a new schema.
// Run: npx tsx bench/restore-point.ts [--mb 1024]
import { execSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { restoreRestorePoint, takeRestorePoint } from "../automation/restore-point/index.ts";
import type { DbTarget } from "../core/connection.ts";
import { startLocalMariadb, startLocalPostgres, type ServerHandle } from "../core/servers/index.ts";

const i = process.argv.indexOf("--mb");
const MB = i > 0 ? Number(process.argv[i + 1]) : 1024;
const root = mkdtempSync(path.join(tmpdir(), "dbtk-bench-rp-"));
chmodSync(root, 0o755);
const rows: [string, number, string][] = [];
const time = async (label: string, fn: () => Promise<unknown>, base?: number): Promise<number> => {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  rows.push([label, ms, base ? `${(ms / base).toFixed(2)}×` : "1.00×"]);
  console.log(`${label}: ${ms.toFixed(0)} ms${base ? ` (${(ms / base).toFixed(2)}× baseline)` : ""}`);
  return ms;
};
// ~120 bytes a row with its overhead.
const ROWS = Math.round((MB * 1024 * 1024) / 120);

// Stopped in `finally` too: a failed step must not leave a server running on a deleted directory.
const servers: ServerHandle[] = [];
const started = (h: ServerHandle): ServerHandle => (servers.push(h), h);

async function postgres(): Promise<void> {
  const s = started(await startLocalPostgres({ rootDir: path.join(root, "pg") }));
  const admin = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE big");
  const t: DbTarget = { engine: "postgres", host: s.host, port: s.port, user: s.user, password: s.password, database: "big" };
  const c = new pg.Client({ ...t });
  await c.connect();
  await c.query(`CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) || md5((g+1)::text) FROM generate_series(1, ${ROWS}) g; CHECKPOINT`);
  const size = (await c.query<{ s: string }>("SELECT pg_size_pretty(pg_database_size('big')) AS s")).rows[0]?.s;
  await c.end();
  console.log(`PostgreSQL database: ${size}`);
  const base = await time("pg: CREATE DATABASE … TEMPLATE (WAL_LOG)", () => admin.query("CREATE DATABASE raw1 TEMPLATE big STRATEGY WAL_LOG"));
  await time("pg: CREATE DATABASE … TEMPLATE (FILE_COPY)", () => admin.query("CREATE DATABASE raw2 TEMPLATE big STRATEGY FILE_COPY"), base);
  await admin.query("DROP DATABASE raw1; ").then(() => admin.query("DROP DATABASE raw2"));
  let id = "";
  await time("pg: dbtk restore point", async () => (id = (await takeRestorePoint(t, null)).id), base);
  await time("pg: dbtk restore (swap + drop of the replaced)", () => restoreRestorePoint(t, id), base);
  await admin.end();
  await s.stop();
}

async function mariadb(): Promise<void> {
  const s = started(await startLocalMariadb({ rootDir: path.join(root, "maria") }));
  const c = await mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: s.password, multipleStatements: true });
  await c.query("CREATE DATABASE big; CREATE TABLE big.t (id BIGINT PRIMARY KEY, v VARCHAR(64))");
  for (let done = 0; done < ROWS; done += 1_000_000) {
    const n = Math.min(1_000_000, ROWS - done);
    // MariaDB's Sequence engine: seq_1_to_<n> is a table of 1 … n.
    await c.query(`INSERT INTO big.t SELECT seq + ${done}, CONCAT(MD5(seq), MD5(seq + 1)) FROM big.seq_1_to_${n}`);
  }
  const [[sz]] = (await c.query("SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) AS mb FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'big'")) as unknown as [[{ mb: string }]];
  console.log(`MariaDB database: ${sz?.mb} MB`);
  const t: DbTarget = { engine: "mysql", host: s.host, port: s.port, user: s.user, password: s.password, database: "big" };
  const cred = `-h ${s.host} -P ${s.port} -u ${s.user} ${s.password ? `-p${s.password}` : ""}`;
  await c.query("CREATE DATABASE dumped");
  const base = await time("maria: mariadb-dump --single-transaction, piped into mariadb", async () => execSync(`mariadb-dump ${cred} --single-transaction big | mariadb ${cred} dumped`, { shell: "/bin/bash" }));
  let id = "";
  await time("maria: dbtk restore point", async () => (id = (await takeRestorePoint(t, null)).id), base);
  await time("maria: dbtk restore (RENAME TABLE back)", () => restoreRestorePoint(t, id), base);
  await c.end();
  await s.stop();
}

try {
  await postgres();
  await mariadb();
  console.log(`\n| ${MB} MB | ms | × baseline |\n| --- | ---: | ---: |`);
  for (const [l, ms, r] of rows) console.log(`| ${l} | ${ms.toFixed(0)} | ${r} |`);
} finally {
  for (const h of servers) await h.stop().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}
