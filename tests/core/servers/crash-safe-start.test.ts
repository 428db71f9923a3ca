// A start SIGKILLed half-way (during initdb / install-db, or while the server process is starting) must
// leave nothing the next start trips on: exactly one server on the data directory afterwards, working,
// and no admin-password file or half-made data directory left behind.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalMariadb, mariadbdsOn, stopLocalMariadb } from "../../../core/servers/mariadb.ts";
import { postmastersOn, startLocalPostgres, stopLocalPostgres } from "../../../core/servers/postgres.ts";
import { processesOnDataDir } from "../../../core/servers/procs.ts";

const REPO = path.resolve(import.meta.dirname, "../../..");
const root = mkdtempSync(path.join(tmpdir(), "dbtk-crash-"));
chmodSync(root, 0o755);
const mariadbInstalled = ["/usr/sbin/mariadbd", "/usr/bin/mariadbd"].some((p) => existsSync(p));
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child process that starts the server under `rootDir` (and would print its port). */
function starter(engine: "postgres" | "mysql", rootDir: string): ChildProcess {
  const script = path.join(root, `start-${engine}.mts`);
  const mod = path.join(REPO, engine === "postgres" ? "core/servers/postgres.ts" : "core/servers/mariadb.ts");
  const fn = engine === "postgres" ? "startLocalPostgres" : "startLocalMariadb";
  writeFileSync(script, `import { ${fn} } from ${JSON.stringify(mod)};\nconst s = await ${fn}({ rootDir: process.argv[2] });\nconsole.log("port", s.port);\n`);
  // node itself runs the script (tsx as a loader): the tsx binary would run it in a child that a kill misses.
  return spawn(process.execPath, ["--import", "tsx", script, rootDir], { cwd: REPO, stdio: "ignore" });
}

/** Polls until `found()` is true; fails after `ms`. */
async function until(found: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!found()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) throw new Error("the starter finished before it could be killed");
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

/** Files or folders anywhere under `dir` whose name starts with one of `prefixes`. */
function leftovers(dir: string, prefixes: string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => prefixes.some((p) => path.basename(f).startsWith(p)));
}

describe("local PostgreSQL start killed half-way", () => {
  const cases = [
    { when: "during initdb", delays: [0, 60, 150], at: (r: string) => processesOnDataDir(r, { within: true, program: /^initdb$/ }).length > 0 },
    // The postmaster is up within ~100 ms: kill at once, or just after.
    { when: "while the postmaster starts", delays: [0, 0, 15], at: (r: string) => postmastersOn(path.join(r, "data")).length > 0 },
  ];
  for (const c of cases) {
    it(`SIGKILL ${c.when}, ${c.delays.length} times: the next start leaves one working postmaster and no password file`, async () => {
      for (const [round, delay] of c.delays.entries()) {
        const rootDir = path.join(root, `pg-${c.when.replace(/\W+/g, "-")}-${round}`);
        cleanups.push(() => stopLocalPostgres(rootDir));
        const child = starter("postgres", rootDir);
        await until(() => c.at(rootDir), `${c.when} (round ${round})`);
        await sleep(delay);
        await killHard(child);
        // A postmaster the killed start left running is adopted (it answers with the recorded login), not doubled.
        const orphans = postmastersOn(path.join(rootDir, "data"));

        const s = await startLocalPostgres({ rootDir });
        if (orphans.length > 0) expect(postmastersOn(path.join(rootDir, "data"))).toEqual(orphans);
        const everyPostgres = processesOnDataDir(rootDir, { within: true, program: /^postgres$/ });
        expect(postmastersOn(path.join(rootDir, "data"))).toHaveLength(1);
        expect(everyPostgres).toHaveLength(1);
        const client = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: "postgres" });
        await client.connect();
        expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
        await client.end();
        expect(leftovers(rootDir, [".pwfile", ".init-"])).toEqual([]);
        await s.stop();
        expect(postmastersOn(path.join(rootDir, "data"))).toEqual([]);
      }
    });
  }
});

describe.runIf(mariadbInstalled)("local MariaDB start killed half-way", () => {
  const cases = [
    { when: "during install-db", delays: [0, 150, 400], at: (r: string) => readdirSync(r).some((f) => f.startsWith(".init-")) && processesOnDataDir(r, { within: true }).length > 0 },
    { when: "while mariadbd starts", delays: [0, 50], at: (r: string) => mariadbdsOn(path.join(r, "data")).length > 0 },
  ];
  for (const c of cases) {
    it(`SIGKILL ${c.when}, ${c.delays.length} times: the next start leaves one working mariadbd`, async () => {
      for (const [round, delay] of c.delays.entries()) {
        const rootDir = path.join(root, `my-${c.when.replace(/\W+/g, "-")}-${round}`);
        cleanups.push(() => stopLocalMariadb(rootDir));
        const child = starter("mysql", rootDir);
        await until(() => existsSync(rootDir) && c.at(rootDir), `${c.when} (round ${round})`);
        await sleep(delay);
        await killHard(child);
        const orphans = mariadbdsOn(path.join(rootDir, "data"));

        const s = await startLocalMariadb({ rootDir });
        if (orphans.length > 0 && c.when.startsWith("while")) expect(mariadbdsOn(path.join(rootDir, "data"))).toEqual(orphans);
        expect(mariadbdsOn(path.join(rootDir, "data"))).toHaveLength(1);
        expect(processesOnDataDir(rootDir, { within: true })).toHaveLength(1);
        const conn = await mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: s.password });
        const [rows] = await conn.query("SELECT 1 AS one");
        await conn.end();
        expect(rows).toEqual([{ one: 1 }]);
        expect(leftovers(rootDir, [".init-"])).toEqual([]);
        await s.stop();
        expect(mariadbdsOn(path.join(rootDir, "data"))).toEqual([]);
      }
    });
  }
});
