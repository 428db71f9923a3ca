// The MariaDB dump-and-restore drill on a real local MariaDB (Debian's mariadbd, mariadb-dump).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession, tableChecksum, type DrillSession } from "../../../automation/drill/checks.ts";
import { runLocalMariadbDrill } from "../../../automation/drill/local-mariadb.ts";
import { startLocalMariadb, type ServerHandle } from "../../../core/servers/index.ts";
import type { DbTarget } from "../../../core/connection.ts";

const root = mkdtempSync(path.join(tmpdir(), "dbtk-drill-maria-"));
chmodSync(root, 0o755);
let server: ServerHandle;
let admin: DrillSession;
let source: DbTarget;

beforeAll(async () => {
  server = await startLocalMariadb({ rootDir: path.join(root, "maria") });
  const base = { engine: "mysql" as const, host: server.host, port: server.port, user: server.user, password: server.password };
  admin = await openSession({ ...base, database: "mysql" });
  await admin.query("CREATE DATABASE shop");
  source = { ...base, database: "shop" };
  const s = await openSession(source);
  await s.query("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40), avatar BLOB, note TEXT)");
  await s.query("INSERT INTO customers VALUES (1, 'ada', X'00ff10', NULL), (2, NULL, NULL, 'a,b'), (3, 'b''c', '', 'NULL')");
  await s.close();
});

afterAll(async () => {
  await admin?.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("runLocalMariadbDrill", () => {
  it("dumps, restores into a scratch database, matches the source at the snapshot, drops the scratch", async () => {
    const report = await runLocalMariadbDrill({ source, validation: { query: "SELECT COUNT(*) AS n, SUM(id) AS s FROM customers" } });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.method).toBe("logical-dump");
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ["rows written before the dump present", true],
      ["rows written after the dump absent", true],
      ["rows customers", true],
      ["md5 customers", true],
      ["rows dbtk_drill_marker", true],
      ["md5 dbtk_drill_marker", true],
      ["query", true],
    ]);
    expect(report.checks.find((c) => c.name === "rows customers")!.actual).toBe("3");
    expect(report.rtoSeconds).toBeGreaterThan(0);
    expect(report.rpoSeconds).toBeGreaterThanOrEqual(0);
    const dbs = await admin.query("SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE 'dbtk\\_drill\\_%'");
    expect(dbs).toEqual([]);
    // The source kept the rows written after the snapshot.
    const s = await openSession(source);
    const phases = await s.query("SELECT phase, COUNT(*) AS n FROM dbtk_drill_marker GROUP BY phase ORDER BY phase");
    await s.close();
    expect(phases).toEqual([{ phase: "after", n: 2 }, { phase: "before", n: 3 }]);
  });

  it("checksums tell NULL from the string 'NULL' and see a changed blob", async () => {
    const s = await openSession(source);
    await s.query("CREATE TABLE pairs_a (a VARCHAR(8), b VARCHAR(8))");
    await s.query("CREATE TABLE pairs_b (a VARCHAR(8), b VARCHAR(8))");
    await s.query("INSERT INTO pairs_a VALUES ('x', NULL)");
    await s.query("INSERT INTO pairs_b VALUES (NULL, 'x')");
    const a = await tableChecksum(s, "pairs_a");
    const b = await tableChecksum(s, "pairs_b");
    const before = await tableChecksum(s, "customers");
    await s.query("UPDATE customers SET avatar = X'00ff11' WHERE id = 1");
    const after = await tableChecksum(s, "customers");
    await s.query("DROP TABLE pairs_a, pairs_b");
    await s.close();
    expect(a.rows).toBe(b.rows);
    expect(a.md5).not.toBe(b.md5);
    expect(after.md5).not.toBe(before.md5);
  });

  it("starts its own local server and database when no source is given", async () => {
    const report = await runLocalMariadbDrill({ rootDir: path.join(root, "own") });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    await (await startLocalMariadb({ rootDir: path.join(root, "own") })).stop();
  });
});
