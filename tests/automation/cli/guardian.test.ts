// The guardian: SIGKILL the dbtk process (the node process itself) in each phase — command, clone, template
// build, teardown, a refill beside the command — and, with nobody running reap, within 5 s no database, no
// login and no process of the command is left, and the guardian itself is gone. A clean run leaves the pool
// refill to its guardian; a refill cut short is dropped by the next one.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  dbtk,
  guardiansOf,
  inUse,
  mysqlAdmin,
  mysqlLeftovers,
  pgLeftovers,
  REPO,
  running,
  sleep,
  startDbtk,
  until,
  warmSandbox,
  type CliProcess,
  type Leftovers,
} from "../helpers.ts";

const sample = path.join(REPO, "examples/sample-app/migrations");
const { sb, admin } = warmSandbox("guard", ["--migrations", sample]);
const REPEAT = 10;
/** Kill-to-clean times (ms) per phase, printed at the end. */
const figures: Record<string, number[]> = {};

afterAll(async () => {
  for (const [phase, ms] of Object.entries(figures)) {
    const sorted = [...ms].sort((a, b) => a - b);
    process.stderr.write(`guardian ${phase}: kill → clean ${sorted[0]}–${sorted.at(-1)} ms (median ${sorted[Math.floor(sorted.length / 2)]}) over ${ms.length}\n`);
  }
});

async function readPid(file: string, ms = 30_000): Promise<number> {
  await until(() => existsSync(file) && Number(readFileSync(file, "utf8").trim()) > 0, ms, () => `${file} never appeared`);
  return Number(readFileSync(file, "utf8").trim());
}

/** Pids of running (not zombie) processes in group `pgid`. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const n of readdirProc()) {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") out.push(n);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function readdirProc(): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
}

/**
 * A command leading its own group: starts `sleep` in it, writes the group id (the test's cue to kill) at
 * once, waits. The run's start gate holds the command until its guardian knows the group, so a kill right
 * at the cue still finds the guardian told.
 */
function groupCommand(dir: string): { argv: string[]; pgidFile: string } {
  const pgidFile = path.join(dir, "pgid");
  return { argv: ["sh", "-c", `sleep 120 & echo $$ > ${pgidFile}; wait`], pgidFile };
}

interface Killed {
  guardians: number[];
  pgid?: number;
}

/** SIGKILLs `p` once `ready` resolved; returns its guardian and the command's group (if one runs). */
async function kill(p: CliProcess, ready: Promise<unknown>, pgidFile?: string): Promise<Killed> {
  await ready;
  const pgid = pgidFile ? await readPid(pgidFile) : undefined;
  const guardians = guardiansOf(p.child.pid!);
  expect(guardians, "one guardian per run").toHaveLength(1);
  p.child.kill("SIGKILL");
  return { guardians, ...(pgid ? { pgid } : {}) };
}

async function expectClean(phase: string, k: Killed, left: () => Promise<Leftovers>): Promise<void> {
  let last: unknown;
  const ms = await until(
    async () => {
      const l = inUse(await left());
      last = { ...l, group: k.pgid ? groupMembers(k.pgid) : [] };
      return l.databases.length === 0 && l.logins.length === 0 && (!k.pgid || groupMembers(k.pgid).length === 0);
    },
    5000,
    // What the guardians said (runs that set DBTK_GUARDIAN_LOG to killLog), and which guardian is still there.
    () => `${JSON.stringify(last)}; guardian ${k.guardians.join(",")} ${k.guardians.some(running) ? "running" : "gone"}; log: ${existsSync(killLog) ? readFileSync(killLog, "utf8").split("\n").slice(-8).join(" | ") : "none"}`,
  );
  (figures[phase] ??= []).push(ms);
  await until(() => !k.guardians.some(running), 5000 - ms, () => `guardian ${k.guardians.join(",")} still running`);
}

const pgLeft = () => pgLeftovers(admin());
const killLog = path.join(sb.root, "guardian-kills.log");

describe("SIGKILL of dbtk, PostgreSQL: the guardian cleans up", () => {
  it(`during the command (${REPEAT}×): the command's group, the database and its login are gone`, async () => {
    for (let i = 0; i < REPEAT; i++) {
      const cmd = groupCommand(sb.dir(`cmd-${i}`));
      const p = startDbtk(["run", "--migrations", sample, "--", ...cmd.argv], { ...sb.env, DBTK_GUARDIAN_LOG: killLog });
      const k = await kill(p, readPid(cmd.pgidFile), cmd.pgidFile);
      await expectClean("command", k, pgLeft);
      await p.done;
    }
  }, 180_000);

  it(`during provisioning, a clone half made (${REPEAT}×)`, async () => {
    for (let i = 0; i < REPEAT; i++) {
      const p = startDbtk(["run", "--pool", "0", "--migrations", sample, "--", "true"], { ...sb.env, DBTK_PAUSE_AT: "create" });
      const k = await kill(p, p.waitFor("paused at create"));
      await expectClean("provision", k, pgLeft);
      await p.done;
    }
  }, 180_000);

  it("a refill cut short by a kill with no guardian to clean it (3×): the next run's refill drops the half-made clone", async () => {
    for (let i = 0; i < 3; i++) {
      // One clone in the pool, nobody refilling: the paused run takes it, so its next creation is the refill.
      expect((await settledRun(["run", "--pool", "1", "--migrations", sample, "--", "true"], `dead-fill-${i}`)).code).toBe(0);
      const p = startDbtk(["run", "--no-guardian", "--pool", "1", "--migrations", sample, "--", "true"], { ...sb.env, DBTK_PAUSE_AT: "create" });
      await p.waitFor("paused at create");
      const filling = /paused at create of (\S+)/.exec(p.stderr())?.[1] as string;
      const { rows } = await admin().query("select shobj_description(oid, 'pg_authid') as m from pg_roles where rolname = $1", [filling]);
      expect(rows[0]?.m).toContain('"state":"filling"');
      p.child.kill("SIGKILL");
      await p.done;
      // Its maker is gone: not the pool's work in progress any more, a leftover.
      expect(inUse(await pgLeft()).logins).toContain(filling);
      expect((await settledRun(["run", "--pool", "1", "--migrations", sample, "--", "true"], `dead-fill-next-${i}`)).code).toBe(0);
      const left = await pgLeft();
      expect(left.logins).not.toContain(filling);
      // The killed run's own database had no guardian: reap --dead takes it.
      expect((await dbtk(["reap", "--dead"], sb.env)).code).toBe(0);
      expect(inUse(await pgLeft())).toEqual({ databases: [], logins: [] });
    }
  }, 180_000);

  it("a run killed while its guardian refills the pool beside a long command: the run's database goes, the pool is full", async () => {
    const log = path.join(sb.root, "beside.log");
    const cmd = groupCommand(sb.dir("beside"));
    const p = startDbtk(["run", "--pool", "2", "--migrations", sample, "--", ...cmd.argv], { ...sb.env, DBTK_GUARDIAN_LOG: log });
    // The refill starts beside a command still running REFILL_BESIDE_MS after the hand-out.
    const refilled = until(() => existsSync(log) && readFileSync(log, "utf8").includes("refilled the pool"), 30_000, () => "no refill beside the command");
    const k = await kill(p, refilled, cmd.pgidFile);
    await expectClean("refill beside", k, pgLeft);
    await p.done;
    expect((await pgLeft()).pooled).toHaveLength(2);
    expect(readFileSync(log, "utf8")).toMatch(/dropped dbtk_/);
  }, 60_000);

  it(`during teardown, the database dropped but not its login yet (${REPEAT}×)`, async () => {
    for (let i = 0; i < REPEAT; i++) {
      const p = startDbtk(["run", "--pool", "0", "--migrations", sample, "--", "true"], { ...sb.env, DBTK_PAUSE_AT: "drop" });
      await p.waitFor("paused at drop");
      const half = inUse(await pgLeft());
      expect(half.databases).toEqual([]);
      expect(half.logins).toHaveLength(1);
      const k = await kill(p, Promise.resolve());
      await expectClean("teardown", k, pgLeft);
      await p.done;
    }
  }, 180_000);

  it("during a template build (3×): the half-built template goes too", async () => {
    const dir = sb.dir("slow-migrations");
    writeFileSync(path.join(dir, "V1__slow.sql"), "SELECT pg_sleep(30);\nCREATE TABLE t (x int);\n");
    for (let i = 0; i < 3; i++) {
      const p = startDbtk(["run", "--migrations", dir, "--", "true"], sb.env);
      const building = until(
        async () => (await admin().query("select 1 from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()")).rows.length > 0,
        30_000,
        () => "the build never started",
      );
      const k = await kill(p, building);
      const ms = await until(
        async () => (await admin().query("select 1 from pg_database where datname like 'dbtk_tpl_%' and shobj_description(oid, 'pg_database') not like '%\"ready\"%'")).rows.length === 0,
        5000,
        () => "a half-built template is left",
      );
      await expectClean("template build: databases", k, pgLeft);
      (figures["template build: template"] ??= []).push(ms);
      await p.done;
    }
  }, 120_000);
});

describe("SIGKILL of dbtk, MariaDB", () => {
  it("during the command (5×): the command's group, the schema and its user are gone", async () => {
    const mig = sb.dir("mysql-migrations");
    writeFileSync(path.join(mig, "V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(40));\n");
    const mysql = ["--engine", "mysql", "--migrations", mig];
    const warm = await dbtk(["run", ...mysql, "--", "true"], sb.env);
    expect(warm.code, warm.stderr).toBe(0);
    const my = await mysqlAdmin(sb);
    try {
      for (let i = 0; i < 5; i++) {
        const cmd = groupCommand(sb.dir(`my-${i}`));
        const p = startDbtk(["run", ...mysql, "--", ...cmd.argv], { ...sb.env, DBTK_GUARDIAN_LOG: killLog });
        const k = await kill(p, readPid(cmd.pgidFile), cmd.pgidFile);
        await expectClean("mariadb command", k, () => mysqlLeftovers(my));
        await p.done;
      }
    } finally {
      await my.end();
    }
  }, 180_000);
});

it("a clean run tells its guardian it is done: the guardian only refills the pool (after the run has exited), then exits", async () => {
  const cmd = groupCommand(sb.dir("clean"));
  const log = path.join(sb.root, "guardian.log");
  const p = startDbtk(["run", "--migrations", sample, "--", "sh", "-c", `echo $$ > ${cmd.pgidFile}; sleep 0.5`], { ...sb.env, DBTK_GUARDIAN_LOG: log });
  await readPid(cmd.pgidFile);
  const guardians = guardiansOf(p.child.pid!);
  expect(guardians).toHaveLength(1);
  // Secrets reach it only over its pipe: neither its argv nor its environment holds the admin() password.
  const adminPassword = (JSON.parse(readFileSync(path.join(sb.serversDir, "postgres", "server.json"), "utf8")) as { password: string }).password;
  for (const f of ["cmdline", "environ"]) expect(readFileSync(`/proc/${guardians[0]}/${f}`, "utf8")).not.toContain(adminPassword);
  expect(readFileSync(`/proc/${guardians[0]}/environ`, "utf8")).not.toMatch(/DATABASE_URL|PGPASSWORD|DBTK_/);
  expect((await p.done).code).toBe(0);
  await until(() => !guardians.some(running), 10_000, () => "guardian still running");
  // Its log: the refill it was left, no clean-up.
  expect(readFileSync(log, "utf8")).toMatch(/^\S+ guardian \d+: refilled the pool of template [0-9a-f]{16}: [12] clones? made in \d+ ms\n$/);
  const left = await pgLeft();
  expect(inUse(left)).toEqual({ databases: [], logins: [] });
  expect(left.pooled).toHaveLength(2);
  expect(left.filling).toEqual([]);
});

/** A run whose guardian has finished the refill it was left (its log says so) when this resolves. */
async function settledRun(args: string[], name: string): Promise<Awaited<ReturnType<typeof dbtk>>> {
  const log = path.join(sb.dir("logs"), `${name}.log`);
  const r = await dbtk(args, { ...sb.env, DBTK_GUARDIAN_LOG: log });
  if (r.code === 0) await until(() => existsSync(log) && readFileSync(log, "utf8").includes("refill"), 15_000, () => `${name}: the guardian never refilled`);
  return r;
}
