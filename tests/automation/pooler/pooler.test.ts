// `dbtk run --pooler pgbouncer`: the command reaches its database through a real PgBouncer (Debian's, from
// tools/install-pgbouncer.sh). A session-state bug that passes on a direct connection fails behind it in
// transaction mode (and passes in session mode); the report carries its figures; bad flags and a missing
// binary are clear errors; the pooler and its password file are gone after the run, and after a SIGKILL of
// dbtk (the guardian's job).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryReport } from "../../../automation/report/types.ts";
import { BIN as DBTK_BIN, dbtk, REPO, running, sandbox, startDbtk, until } from "../helpers.ts";

const BIN = path.join(process.env.DBTK_CACHE_DIR ?? path.join(homedir(), ".cache/dbtk"), "bin", "pgbouncer");
// The test command installs it; only a developer's machine without it skips.
const ready = existsSync(BIN) || process.env.CI === "true";
const sb = sandbox("pooler");
const env = { ...sb.env, DBTK_PGBOUNCER_BIN: BIN };
const PG = JSON.stringify(path.join(REPO, "node_modules/pg"));

/**
 * Sets a session variable and prepares a statement on one connection, then relies on both after another
 * client's transaction took the server connection they were made on: fine on a session of its own, lost
 * behind a transaction-mode pooler.
 */
const sessionState = (marker = ""): string[] => [
  "--",
  process.execPath,
  "-e",
  `const pg = require(${PG});
  (async () => {
    ${marker ? `require("fs").writeFileSync(${JSON.stringify(marker)}, process.env.PGPORT); await new Promise((r) => setTimeout(r, 60000));` : ""}
    const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const b = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await a.connect(); await b.connect();
    await a.query("set app.tenant = 'acme'");
    await a.query("prepare lookup as select current_setting('app.tenant', true) as t");
    await b.query("begin"); await b.query("select 1");
    const r = await a.query("execute lookup");
    await b.query("commit");
    if (r.rows[0].t !== "acme") throw new Error("app.tenant is " + JSON.stringify(r.rows[0].t));
    await a.end(); await b.end();
  })().catch((e) => { console.error("session-state bug: " + e.message); process.exit(1); });`,
];

/** Running pgbouncer processes started by dbtk (their config lives in a dbtk-pgbouncer-* folder). */
function poolers(): Array<{ pid: number; ini: string }> {
  const out: Array<{ pid: number; ini: string }> = [];
  for (const n of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const argv = readFileSync(`/proc/${n}/cmdline`, "utf8").split("\0");
      const ini = argv.find((a) => /\/dbtk-pgbouncer-[^/]+\/pgbouncer\.ini$/.test(a));
      if (ini && running(Number(n))) out.push({ pid: Number(n), ini });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const onPort = (port: string) => poolers().filter((p) => existsSync(p.ini) && readFileSync(p.ini, "utf8").includes(`listen_port = ${port}\n`));

beforeAll(async () => {
  if (!ready) return;
  const r = await dbtk(["run", "--", "true"], env);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(() => sb.cleanup());

describe.skipIf(!ready)("dbtk run --pooler pgbouncer", () => {
  it("a session-state bug passes on a direct connection and fails behind the pooler in transaction mode", async () => {
    const direct = await dbtk(["run", ...sessionState()], env);
    expect(direct.code, direct.stderr).toBe(0);
    const before = poolers().length;
    const pooled = await dbtk(["run", "--pooler", "pgbouncer", ...sessionState()], env);
    expect(pooled.code).toBe(1);
    expect(pooled.stderr).toMatch(/^dbtk: pooler pgbouncer \(transaction mode\) on 127\.0\.0\.1:\d+ in [\d.]+ m?s$/m);
    expect(pooled.stderr).toMatch(/session-state bug: prepared statement "lookup" does not exist|session-state bug: app\.tenant is/);
    const session = await dbtk(["run", "--pooler", "pgbouncer", "--pooler-mode", "session", ...sessionState()], env);
    expect(session.code, session.stderr).toBe(0);
    // Stopped at teardown, its folder (with the password file) removed.
    expect(poolers().length).toBe(before);
  });

  it("dbtk migrate behind the pooler in transaction mode: batches (one query each, the history INSERT prepared in it) apply and record every migration; a second migrate finds nothing to do", async () => {
    const dir = sb.dir("pooled-migrations");
    for (let i = 1; i <= 130; i++) writeFileSync(path.join(dir, `V${i}__step_${i}.sql`), `CREATE TABLE t${i} (id int primary key);\nINSERT INTO t${i} VALUES (${i});\n`);
    const out = sb.dir("pooled-out");
    const migrate = (file: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(DBTK_BIN)} migrate --migrations ${JSON.stringify(dir)} --json > ${JSON.stringify(path.join(out, file))}`;
    const r = await dbtk(["run", "--pooler", "pgbouncer", "--", "sh", "-c", `${migrate("first.json")} && ${migrate("second.json")}`], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pooler pgbouncer \(transaction mode\)/);
    const first = JSON.parse(readFileSync(path.join(out, "first.json"), "utf8")) as { applied: { version: string }[]; currentVersion: string };
    expect(first.applied.map((m) => m.version)).toEqual(Array.from({ length: 130 }, (_, i) => String(i + 1)));
    expect(JSON.parse(readFileSync(path.join(out, "second.json"), "utf8"))).toMatchObject({ applied: [], currentVersion: "130" });
  });

  it("the query report carries the pooler's figures", async () => {
    const file = path.join(sb.dir("out"), "pooled.json");
    const r = await dbtk(["run", "--pooler", "pgbouncer", "--pooler-mode", "session", "--report-json", file, ...sessionState()], env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(file, "utf8")) as QueryReport;
    expect(report.pooler).toMatchObject({ kind: "pgbouncer", mode: "session", clients: 2, waiting: 0 });
    // set, prepare, execute (each its own), and the other client's begin…commit.
    expect(report.pooler?.transactions).toBe(4);
    expect(report.pooler?.servers).toBeGreaterThanOrEqual(1);
    expect(r.stderr).toMatch(/pooler: pgbouncer \(session mode\): 4 transactions, \d+ queries, 2 client connections on \d+ server connections/);
  });

  it("bad flags are usage errors (exit 2) naming the flag; a missing binary says how to install it; nothing is made", async () => {
    const mode = await dbtk(["run", "--pooler", "pgbouncer", "--pooler-mode", "statement", "--", "true"], env);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/--pooler-mode: unknown pooler mode "statement"; use session or transaction/);
    const kind = await dbtk(["run", "--pooler", "odyssey", "--", "true"], env);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/--pooler: unknown pooler "odyssey"; use pgbouncer/);
    const alone = await dbtk(["run", "--pooler-mode", "session", "--", "true"], env);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--pooler-mode: needs --pooler pgbouncer/);
    const missing = await dbtk(["run", "--pooler", "pgbouncer", "--", "true"], { ...env, DBTK_PGBOUNCER_BIN: path.join(sb.root, "no", "pgbouncer") });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`pgbouncer is not installed (looked for ${path.join(sb.root, "no", "pgbouncer")}): run tools/install-pgbouncer.sh, or set DBTK_PGBOUNCER_BIN`);
    for (const r of [mode, kind, alone, missing]) expect(r.stderr).not.toMatch(/provision/);
  });

  it("a SIGKILLed dbtk's pooler is killed by the guardian and its folder removed", async () => {
    const marker = path.join(sb.dir("kill"), "port");
    const p = startDbtk(["run", "--pooler", "pgbouncer", ...sessionState(marker)], env);
    await until(() => existsSync(marker) && readFileSync(marker, "utf8").length > 0, 30_000, () => `no port written: ${p.stderr()}`);
    const [pooler] = onPort(readFileSync(marker, "utf8"));
    expect(pooler, p.stderr()).toBeDefined();
    // The login's password reaches PgBouncer in a file only its owner reads.
    expect(statSync(path.join(path.dirname(pooler!.ini), "users.txt")).mode & 0o777).toBe(0o600);
    p.child.kill("SIGKILL");
    await p.done;
    await until(() => !running(pooler!.pid), 10_000, () => `pgbouncer ${pooler!.pid} still runs`);
    await until(() => !existsSync(path.dirname(pooler!.ini)), 5_000, () => `${path.dirname(pooler!.ini)} left behind`);
  });
});
