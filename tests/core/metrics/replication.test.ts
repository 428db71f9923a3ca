// Replication metrics with a real standby: a primary (WAL archiving, durability on) and a streaming standby
// made from its base backup (pg_backup_start / copy / pg_backup_stop, standby.signal, a replication slot).
// The primary's scrape has the standby's replay lag and WAL bytes behind; the standby's says it is a replica.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { appendFile, lchown, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recoveryCriticalSettings, sourceTarget, startArchivingPostgres, takeBaseBackup, type PitrSource } from "../../../automation/drill/pg-pitr.ts";
import type { DbTarget } from "../../../core/connection.ts";
import { createScraper, exposition } from "../../../core/metrics/index.ts";
import { freePort } from "../../../core/servers/net.ts";
import { pgProcessOptions, postgresBinaries } from "../../../core/servers/postgres.ts";
import { parseExposition } from "./support.ts";

const run = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), "dbtk-metrics-repl-"));
chmodSync(root, 0o755);
let src: PitrSource;
let standby: DbTarget;
let stopStandby = async () => undefined as void;

async function sql(t: DbTarget, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client(t);
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  src = await startArchivingPostgres(path.join(root, "primary"));
  const primary = sourceTarget(src, "postgres");
  await sql(primary, "select pg_create_physical_replication_slot('standby1', true)");
  const c = new pg.Client(primary);
  await c.connect();
  const critical = await recoveryCriticalSettings(c);
  await c.end();
  // Reachable by the server's OS user (when root): made here, before the backup makes its data directory.
  mkdirSync(path.join(root, "standby"), { mode: 0o755 });
  const dataDir = path.join(root, "standby", "data");
  await takeBaseBackup(src, dataDir, "standby1");
  const port = await freePort();
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const conninfo = `host=127.0.0.1 port=${primary.port} user=${primary.user} password=${primary.password} application_name=standby1`;
  await appendFile(
    path.join(dataDir, "postgresql.auto.conf"),
    [`primary_conninfo = ${q(conninfo)}`, "primary_slot_name = 'standby1'", "archive_mode = 'off'", ...Object.entries(critical).map(([k, v]) => `${k} = ${q(v)}`), ""].join("\n"),
  );
  await writeFile(path.join(dataDir, "standby.signal"), "");
  const log = path.join(root, "standby", "server.log");
  await writeFile(log, "");
  for (const f of ["standby.signal", "postgresql.auto.conf"].map((n) => path.join(dataDir, n)).concat(log)) {
    if (src.user) await lchown(f, src.user.uid, src.user.gid);
  }
  const standbyRoot = path.join(root, "standby");
  const { pg_ctl } = await postgresBinaries(standbyRoot, src.user);
  const opts = pgProcessOptions(src.user, standbyRoot);
  await run(pg_ctl, ["start", "-D", dataDir, "-w", "-t", "60", "-l", log, "-o", `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`], opts).catch(
    (err: Error) => {
      throw new Error(`standby did not start: ${err.message}\n${readFileSync(log, "utf8").slice(-2000)}`);
    },
  );
  stopStandby = async () => void (await run(pg_ctl, ["stop", "-D", dataDir, "-m", "immediate", "-w"], opts).catch(() => undefined));
  standby = { ...primary, port };
  // Streaming once the standby has connected and caught up to the primary's current position.
  await sql(primary, "create table t (i int); insert into t select generate_series(1, 1000)");
  for (let i = 0; i < 300; i++) {
    const { rows } = await sql(primary, "select state, replay_lsn = pg_current_wal_lsn() as caught from pg_stat_replication where application_name = 'standby1'");
    if (rows[0]?.state === "streaming" && rows[0]?.caught) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the standby did not start streaming within 30 s");
});

afterAll(async () => {
  await stopStandby();
  await src?.server.stop();
  rmSync(root, { recursive: true, force: true });
});

async function scrape(t: DbTarget) {
  const scraper = await createScraper(t);
  try {
    const s = await scraper.scrape();
    expect(s.error).toBeUndefined();
    return parseExposition(await exposition(s.families));
  } finally {
    await scraper.close();
  }
}

describe("replication metrics", () => {
  it("the primary serves each standby's replay lag and WAL bytes behind", async () => {
    const m = await scrape(sourceTarget(src, "postgres"));
    expect(m.get("pg_replication_is_replica")?.metrics[0]?.value).toBe("0");
    expect(m.get("pg_stat_replication_replicas")?.metrics[0]?.value).toBe("1");
    const lag = m.get("pg_stat_replication_replay_lag_seconds")!.metrics;
    expect(lag).toHaveLength(1);
    expect(lag[0]!.labels).toMatchObject({ application_name: "standby1", client_addr: "127.0.0.1", state: "streaming" });
    expect(Number(lag[0]!.value)).toBeGreaterThanOrEqual(0);
    const bytes = m.get("pg_stat_replication_lag_bytes")!.metrics;
    expect(bytes.map((b) => b.labels?.application_name)).toEqual(["standby1"]);
    expect(Number(bytes[0]!.value)).toBeGreaterThanOrEqual(0);
  });

  it("the standby says it is one, with its replay delay", async () => {
    const m = await scrape(standby);
    expect(m.get("pg_replication_is_replica")?.metrics[0]?.value).toBe("1");
    expect(Number(m.get("pg_replication_replica_lag_seconds")?.metrics[0]?.value)).toBeGreaterThanOrEqual(0);
    expect(m.get("pg_stat_replication_replicas")?.metrics[0]?.value).toBe("0");
    // Read-only, but every statistics view still answers.
    expect(Number(m.get("pg_stat_database_xact_commit_total")?.metrics.find((s) => s.labels?.datname === "postgres")?.value)).toBeGreaterThan(0);
  });
});
