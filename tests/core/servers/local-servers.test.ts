import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalMariadb, startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";

const root = mkdtempSync(path.join(tmpdir(), "dbtk-servers-"));
// Servers run as their own OS user when we are root: the directory must be reachable by it.
chmodSync(root, 0o755);
const started: ServerHandle[] = [];

afterAll(async () => {
  for (const s of started) await s.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("local PostgreSQL", () => {
  it("starts once for concurrent callers (told of the init before it runs), tuned for disposable data, and is reused", async () => {
    const rootDir = path.join(root, "pg");
    // The caller hears of the ~1 s initdb before it runs (to load what it needs meanwhile), once, and then the phase.
    const heard: string[] = [];
    const told = { onInitStart: () => heard.push("init start"), onPhase: (p: { phase: string }) => heard.push(p.phase) };
    const [a, b] = await Promise.all([startLocalPostgres({ rootDir, ...told }), startLocalPostgres({ rootDir, ...told })]);
    started.push(a);
    expect(heard).toEqual(["init start", "server init", "server start"]);
    expect(b.port).toBe(a.port);
    expect(b.password).toBe(a.password);
    const client = new pg.Client({ host: a.host, port: a.port, user: a.user, password: a.password, database: "postgres" });
    await client.connect();
    const { rows } = await client.query(
      "select current_setting('fsync') as fsync, current_setting('full_page_writes') as fpw, current_setting('shared_preload_libraries') as spl",
    );
    await client.end();
    expect(rows[0]).toEqual({ fsync: "off", fpw: "off", spl: "pg_stat_statements" });
    const again = await startLocalPostgres({ rootDir, ...told });
    expect(again.port).toBe(a.port);
    expect(heard).toHaveLength(3);
  });

  it("clears what an older, killed start left: admin-password files and half-made staging folders", async () => {
    const rootDir = path.join(root, "pg-leftovers");
    mkdirSync(path.join(rootDir, ".init-999999", "data"), { recursive: true });
    writeFileSync(path.join(rootDir, ".pwfile-999999"), "old-admin-password\n", { mode: 0o600 });
    const s = await startLocalPostgres({ rootDir });
    started.push(s);
    expect(readdirSync(rootDir).filter((f) => f.startsWith(".pwfile") || f.startsWith(".init-"))).toEqual([]);
  });

  it("restarts a stopped server on the same data", async () => {
    const rootDir = path.join(root, "pg2");
    const first = await startLocalPostgres({ rootDir, tuneForDisposable: false });
    const c1 = new pg.Client({ host: first.host, port: first.port, user: first.user, password: first.password, database: "postgres" });
    await c1.connect();
    await c1.query("create database kept");
    await c1.end();
    await first.stop();
    const second = await startLocalPostgres({ rootDir });
    started.push(second);
    const c2 = new pg.Client({ host: second.host, port: second.port, user: second.user, password: second.password, database: "kept" });
    await c2.connect();
    expect((await c2.query("select current_database() as db")).rows[0].db).toBe("kept");
    await c2.end();
  });
});

describe("local MariaDB", () => {
  it("starts with a password admin login over TCP and is reused", async () => {
    const rootDir = path.join(root, "maria");
    const s = await startLocalMariadb({ rootDir });
    started.push(s);
    const conn = await mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: s.password });
    const [rows] = await conn.query("select version() as v");
    await conn.end();
    expect(String((rows as Array<{ v: string }>)[0]?.v)).toMatch(/MariaDB/);
    await expect(
      mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: "wrong" }),
    ).rejects.toThrow(/Access denied/);
    const again = await startLocalMariadb({ rootDir });
    expect(again.port).toBe(s.port);
  });

  it("stops promptly right after a start (a start returns once the server handles signals)", async () => {
    const rootDir = path.join(root, "maria-stop");
    for (let i = 0; i < 3; i++) {
      const s = await startLocalMariadb({ rootDir });
      expect(s.started).toBe(true);
      const t0 = Date.now();
      await s.stop();
      expect(Date.now() - t0).toBeLessThan(10_000);
    }
  });
});

describe("server directory", () => {
  it.runIf(process.getuid?.() === 0)("refuses, naming the fix, a directory the server's OS user cannot reach", async () => {
    const hidden = mkdtempSync(path.join(tmpdir(), "dbtk-private-"));
    try {
      await expect(startLocalPostgres({ rootDir: path.join(hidden, "pg") })).rejects.toThrow(/not reachable by the "postgres" OS user.*options.serversDir/);
    } finally {
      rmSync(hidden, { recursive: true, force: true });
    }
  });
});
