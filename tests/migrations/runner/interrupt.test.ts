// An in-flight migration is cancelled on the server when the run is aborted: the library through its
// AbortSignal, `dbtk migrate` and `dbtk run` on SIGTERM (exit 143 within 2 s). Afterwards the statement no
// longer runs and the history is consistent: the cancelled migration is not recorded as applied.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, type DbTarget } from "../../../core/connection.ts";
import { Interrupted } from "../../../core/errors.ts";
import { migrate } from "../../../migrations/index.ts";
import { history, mariadbInstalled, query, repoRoot, requireMariadbInCi, startServer, writeMigrations, type TestServer } from "./helpers.ts";

requireMariadbInCi();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ENGINES = [
  { engine: "postgres" as const, sleepSql: "SELECT pg_sleep(15);", enabled: true },
  { engine: "mysql" as const, sleepSql: "SELECT SLEEP(15);", enabled: mariadbInstalled },
];

/** Sessions other than ours still running the 15 s sleep. */
async function sleepers(t: DbTarget): Promise<number> {
  if (t.engine === "postgres") {
    const rows = await query<{ n: number }>(
      t,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(15)%' AND state = 'active' AND pid <> pg_backend_pid()",
    );
    return rows[0]!.n;
  }
  const rows = await query<{ n: number }>(
    t,
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(15)%' AND ID <> CONNECTION_ID()",
  );
  return Number(rows[0]!.n);
}

async function waitForSleeper(t: DbTarget): Promise<void> {
  for (let i = 0; i < 200 && (await sleepers(t)) === 0; i++) await sleep(25);
}

/** `dbtk <args>`, SIGTERM once the sleep runs on the server for 1 s; the exit, how long it took after the signal, stderr. */
async function terminated(args: string[], env: NodeJS.ProcessEnv, t: DbTarget): Promise<{ code: number | null; ms: number; stderr: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/dbtk.mjs"), ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitForSleeper(t);
  await sleep(1_000);
  const t0 = performance.now();
  child.kill("SIGTERM");
  const code = await exited;
  return { code, ms: performance.now() - t0, stderr };
}

for (const e of ENGINES) {
  describe.runIf(e.enabled)(`interrupting a migration on ${e.engine}`, () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await startServer(e.engine, `interrupt-${e.engine}`);
    });
    afterAll(async () => {
      await srv?.stop();
    });
    const files = () => ({ "V1__a.sql": "CREATE TABLE a (id int);", "V2__slow.sql": e.sleepSql, "V3__b.sql": "CREATE TABLE b (id int);" });

    it("migrate({ signal }): aborted after 1 s, rejects with the reason within 2 s; the statement is cancelled, V2 not recorded", async () => {
      const target = await srv.database();
      const d = writeMigrations(path.join(srv.root, "lib"), files());
      const ac = new AbortController();
      const run = migrate({ target, dir: d, signal: ac.signal });
      await waitForSleeper(target);
      await sleep(1_000);
      const t0 = performance.now();
      ac.abort(new Interrupted("SIGTERM"));
      await expect(run).rejects.toBeInstanceOf(Interrupted);
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(await sleepers(target)).toBe(0);
      expect((await history(target)).filter((r) => r.version !== null).map((r) => [r.version, Boolean(r.success)])).toEqual([["1", true]]);
    });

    it("dbtk migrate: SIGTERM after 1 s exits 143 within 2 s; nothing left running; V2 pending, not failed", async () => {
      const target = await srv.database();
      const d = writeMigrations(path.join(srv.root, "cli"), files());
      const env = { ...process.env, DATABASE_URL: databaseUrl(target) };
      const r = await terminated(["migrate", "--migrations", d], env, target);
      expect(r.code, r.stderr).toBe(143);
      expect(r.ms).toBeLessThan(2_000);
      expect(r.stderr).toMatch(/interrupted: 2 - slow \(V2__slow\.sql\)/);
      expect(await sleepers(target)).toBe(0);
      expect((await history(target)).filter((x) => x.version !== null).map((x) => [x.version, Boolean(x.success)])).toEqual([["1", true]]);
    });
  });
}

describe("interrupting dbtk run while it migrates", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer("postgres", "interrupt-run");
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it("SIGTERM during the built-in migrations exits 143 within 2 s and cancels the statement", async () => {
    const s = srv.server;
    const admin: DbTarget = { engine: "postgres", host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" };
    const d = writeMigrations(path.join(srv.root, "run"), { "V1__slow.sql": "SELECT pg_sleep(15);" });
    const serverUrl = databaseUrl(admin);
    const env = { ...process.env, DBTK_CACHE_DIR: path.join(srv.root, "cache") };
    const r = await terminated(["run", "--target", "server", "--engine", "direct", "--server-url", serverUrl, "--migrations", d, "--", "true"], env, admin);
    expect(r.code, r.stderr).toBe(143);
    expect(r.ms).toBeLessThan(2_000);
    expect(await sleepers(admin)).toBe(0);
  });
});
