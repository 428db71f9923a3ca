// `dbtk server status|stop` through the real CLI, the server start shown as a progress phase of `dbtk run`,
// and a stale lock in the servers directory (a pid reused after a cache restore) blocking nothing.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { identify } from "../../../core/process.ts";
import { postmastersOn } from "../../../core/servers/postgres.ts";
import { dbtk, sandbox } from "../../automation/helpers.ts";

const sb = sandbox("server-cli");
afterAll(() => sb.cleanup());

interface Status {
  name: string;
  engine: string;
  running: boolean;
  initialised: boolean;
  pid?: number;
  port?: number;
  version?: string;
  uptimeSeconds?: number;
  answering?: boolean;
}

async function status(...args: string[]): Promise<Status[]> {
  const r = await dbtk(["server", "status", "--json", ...args], sb.env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { servers: Status[] }).servers;
}

const dataDir = () => path.join(sb.serversDir, "postgres", "data");

describe("dbtk server", () => {
  it("status before anything ran: not created; a bad --engine is a usage error (exit 2)", async () => {
    expect((await status()).map((s) => [s.name, s.running, s.initialised])).toEqual([
      ["postgres", false, false],
      ["mariadb", false, false],
    ]);
    const text = await dbtk(["server", "status"], sb.env);
    expect(text.stdout).toMatch(/^postgres +not created/m);
    const bad = await dbtk(["server", "status", "--engine", "oracle"], sb.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--engine oracle: unknown; use postgres or mysql/);
  });

  it("dbtk run shows the server's init and start as phases when it had to start it, and not when it was running", async () => {
    const first = await dbtk(["run", "--", "true"], sb.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^dbtk: server init \d+(\.\d)? m?s \(PostgreSQL data directory .*\)$/m);
    expect(first.stderr).toMatch(/^dbtk: server start \d+(\.\d)? m?s \(PostgreSQL on 127\.0\.0\.1:\d+\)$/m);
    const second = await dbtk(["run", "--", "true"], sb.env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/server (start|init)/);
  });

  it("status shows pid, port, version and uptime; --engine filters", async () => {
    const [pg] = await status("--engine", "postgres");
    expect(pg).toMatchObject({ name: "postgres", engine: "postgres", running: true, answering: true });
    expect(pg!.pid).toBe(postmastersOn(dataDir())[0]);
    expect(pg!.port).toBeGreaterThan(0);
    expect(pg!.version).toMatch(/^PostgreSQL \d+\.\d+/);
    expect(pg!.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect((await status("--engine", "mysql")).map((s) => s.name)).toEqual(["mariadb"]);
    const text = await dbtk(["server", "status", "--engine", "postgres"], sb.env);
    expect(text.stdout).toMatch(new RegExp(`^postgres +running  pid ${pg!.pid}  port ${pg!.port}  PostgreSQL \\S+  up \\S+ m?s  `, "m"));
  });

  it("a lock left with a reused pid (a restored cache) does not hold up dbtk ls", async () => {
    const lock = path.join(sb.serversDir, "postgres", ".lock");
    writeFileSync(lock, JSON.stringify({ ...identify(1), start: (identify(1).start ?? 0) + 999, since: "2026-01-01T00:00:00.000Z" }));
    const t0 = Date.now();
    const ls = await dbtk(["ls"], sb.env);
    expect(ls.code, ls.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("stop stops the server cleanly; status then says stopped; stop again is a no-op", async () => {
    const pid = postmastersOn(dataDir())[0];
    const r = await dbtk(["server", "stop", "--engine", "postgres"], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^postgres: stopped \\(pid ${pid}, \\d+(\\.\\d)? m?s\\)$`, "m"));
    expect(postmastersOn(dataDir())).toEqual([]);
    const [pg] = await status("--engine", "postgres");
    expect(pg).toMatchObject({ running: false, initialised: true });
    const again = await dbtk(["server", "stop", "--json"], sb.env);
    expect(JSON.parse(again.stdout)).toMatchObject({ servers: [{ name: "postgres", stopped: false }, { name: "mariadb", stopped: false }] });
  });
});
