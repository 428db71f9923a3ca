// Crash safety and the other commands: SIGKILL the driver in each phase with no guardian (what a crashed
// machine leaves) and prove `reap` leaves nothing; up / ls / down / reap; and no output stream of any
// command shows a password unless --show-secrets. (guardian.test.ts: the same kills with the guardian.)
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dbtk, inUse, pgAdminUrl, pgLeftovers, REPO, sleep, startDbtk, warmSandbox, type CliResult } from "../helpers.ts";

const sample = path.join(REPO, "examples/sample-app/migrations");
const { sb, admin } = warmSandbox("life", ["--migrations", sample]);
const nodeCmd = (code: string) => ["--", process.execPath, "-e", code];

async function waitForQuery(text: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { rows } = await admin().query("select 1 from pg_stat_activity where query like $1 and pid <> pg_backend_pid()", [`%${text}%`]);
    if (rows.length) return;
    await sleep(50);
  }
  throw new Error(`no session ran ${text}`);
}

async function reapAll(): Promise<CliResult> {
  const r = await dbtk(["reap", "--json"], sb.env);
  expect(r.code).toBe(0);
  return r;
}

/** Nothing but finished templates and (at most pool-size) ready pooled clones per template. */
async function onlyCachePolicyLeft(): Promise<void> {
  const left = await pgLeftovers(admin());
  expect(inUse(left)).toEqual({ databases: [], logins: [] });
  const { rows } = await admin().query<{ n: string; m: string }>(
    "select datname as n, shobj_description(oid, 'pg_database') as m from pg_database where datname like 'dbtk_tpl_%'",
  );
  for (const r of rows) expect(JSON.parse(r.m)).toMatchObject({ state: "ready" });
  // Every template login belongs to a template that exists.
  expect(left.templateLogins.filter((l) => !left.templates.includes(l))).toEqual([]);
  expect(left.pooled.length).toBeLessThanOrEqual(2 * left.templates.length);
}

describe("SIGKILL in each phase without a guardian, then reap", () => {
  it("provision: a login and a half-made database are found and destroyed once expired", async () => {
    const p = startDbtk(["run", "--no-guardian", "--ttl", "1s", "--pool", "0", "--migrations", sample, ...nodeCmd("")], { ...sb.env, DBTK_PAUSE_AT: "create" });
    await p.waitFor("paused at create");
    const half = inUse(await pgLeftovers(admin()));
    expect(half.logins).toHaveLength(1);
    p.child.kill("SIGKILL");
    await p.done;
    await sleep(1100);
    const r = await reapAll();
    expect(JSON.parse(r.stdout).destroyed).toEqual([expect.objectContaining({ id: half.logins[0], reason: "expired" })]);
    await onlyCachePolicyLeft();
  });

  it("migrate: a half-built template (and its build session) is removed; nothing else remains", async () => {
    const dir = sb.dir("slow-migrations");
    writeFileSync(path.join(dir, "V1__slow.sql"), "SELECT pg_sleep(30);\nCREATE TABLE t (x int);\n");
    const p = startDbtk(["run", "--no-guardian", "--ttl", "1s", "--migrations", dir, ...nodeCmd("")], sb.env);
    await waitForQuery("pg_sleep(30)");
    expect((await pgLeftovers(admin())).templates.length).toBeGreaterThan(0);
    p.child.kill("SIGKILL");
    await p.done;
    await sleep(1100);
    const r = await reapAll();
    expect(JSON.parse(r.stdout).templatesDropped).toHaveLength(1);
    await onlyCachePolicyLeft();
    const { rows } = await admin().query("select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()");
    expect(rows[0].n).toBe(0);
  });

  it("command: the database of a killed run goes with `reap --dead` at once, or with `reap` after its expiry", async () => {
    for (const mode of ["dead", "expired"] as const) {
      const pidFile = path.join(sb.dir(`cmd-${mode}`), "pid");
      const p = startDbtk(
        ["run", "--no-guardian", "--ttl", mode === "dead" ? "1h" : "1s", "--migrations", sample, ...nodeCmd(`require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.log("ready"); setInterval(() => {}, 1000)`)],
        sb.env,
      );
      await p.waitFor("ready", "stdout");
      p.child.kill("SIGKILL");
      // The orphaned command (ours: we started it) still holds the driver's stdout; end it too.
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      await p.done;
      const id = inUse(await pgLeftovers(admin())).databases[0];
      expect(id).toBeDefined();
      if (mode === "dead") {
        const kept = await reapAll();
        // Unexpired: plain reap keeps it (it may remove a pool clone the killed run was making).
        const destroyed = JSON.parse(kept.stdout).destroyed as Array<{ id: string; reason: string }>;
        expect(destroyed.map((d) => d.id)).not.toContain(id);
        for (const d of destroyed) expect(["maker gone", "orphan"]).toContain(d.reason);
        const r = await dbtk(["reap", "--dead", "--json"], sb.env);
        expect(JSON.parse(r.stdout).destroyed).toEqual([expect.objectContaining({ id, reason: "run gone" })]);
      } else {
        await sleep(1100);
        const dry = await dbtk(["reap", "--dry-run", "--json"], sb.env);
        const would = JSON.parse(dry.stdout).destroyed as Array<{ id: string; reason: string }>;
        // Besides the run's database: at most a pool clone the killed run was making in the background.
        expect(would).toContainEqual(expect.objectContaining({ id, reason: "expired" }));
        for (const w of would.filter((x) => x.id !== id)) expect(["maker gone", "orphan"]).toContain(w.reason);
        expect(inUse(await pgLeftovers(admin())).databases).toContain(id); // a dry run destroys nothing
        await reapAll();
      }
      await onlyCachePolicyLeft();
    }
  });

  it("teardown: the login left without its database is listed as an orphan, and reap removes it at once", async () => {
    const p = startDbtk(["run", "--no-guardian", "--ttl", "1h", "--pool", "0", "--migrations", sample, ...nodeCmd("")], { ...sb.env, DBTK_PAUSE_AT: "drop" });
    await p.waitFor("paused at drop");
    p.child.kill("SIGKILL");
    await p.done;
    const half = inUse(await pgLeftovers(admin()));
    expect(half.databases).toEqual([]);
    expect(half.logins).toHaveLength(1);
    const id = half.logins[0] as string;
    const ls = await dbtk(["ls"], sb.env);
    expect(ls.stdout).toMatch(new RegExp(`^${id}\\s+orphan\\s+`, "m"));
    expect(JSON.parse((await dbtk(["ls", "--json"], sb.env)).stdout).databases).toContainEqual(expect.objectContaining({ id, state: "orphan" }));
    const r = await reapAll();
    expect(JSON.parse(r.stdout).destroyed).toContainEqual(expect.objectContaining({ id, reason: "orphan" }));
    await onlyCachePolicyLeft();
  });
});

describe("up, ls, down", () => {
  it("up leaves a database for later, ls shows it with owner and expiry, down removes it", async () => {
    const envFile = path.join(sb.dir("up"), ".env.dbtk");
    const up = await dbtk(["up", "--ttl", "10m", "--owner", "ci-job-42", "--migrations", sample, "--save-env", envFile], sb.env);
    expect(up.code).toBe(0);
    const id = /^DBTK_ID=(\S+)$/m.exec(up.stdout)?.[1] as string;
    expect(id).toMatch(/^dbtk_/);
    expect(up.stdout).toMatch(/^PGPASSWORD=\*\*\*\*$/m);
    expect(up.stdout).toMatch(new RegExp(`^DATABASE_URL='?postgres://${id}:\\*\\*\\*\\*@127\\.0\\.0\\.1:\\d+/${id}'?$`, "m"));
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const password = /^PGPASSWORD=(\S+)$/m.exec(readFileSync(envFile, "utf8"))?.[1] as string;
    expect(password.length).toBeGreaterThan(16);
    const ls = await dbtk(["ls", "--json"], sb.env);
    const listed = JSON.parse(ls.stdout).databases.find((d: { id: string }) => d.id === id);
    expect(listed).toMatchObject({ owner: "ci-job-42", state: "ready", expired: false });
    expect(listed.pid).toBeUndefined();
    expect(Date.parse(listed.expiresAt) - Date.parse(listed.createdAt)).toBe(600_000);
    const text = await dbtk(["ls"], sb.env);
    expect(text.stdout).toMatch(new RegExp(`^${id}\\s+ready\\s+ci-job-42\\s+`, "m"));
    const down = await dbtk(["down", id], sb.env);
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(new RegExp(`dbtk: down ${id} [\\d.]+ m?s`));
    expect(inUse(await pgLeftovers(admin())).databases).not.toContain(id);
    const again = await dbtk(["down", id], sb.env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("not found on local (nothing to do)");
    for (const r of [up, ls, text, down, again]) expect(r.stdout + r.stderr).not.toContain(password);
  });

  it("down refuses what is not an id", async () => {
    const r = await dbtk(["down", "postgres"], sb.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"postgres" is not an ephemeral database id');
  });
});

describe("secrets", () => {
  it("no output of run/up/ls/reap/down shows a password (the database's or the admin()'s) unless --show-secrets", async () => {
    const adminUrl = pgAdminUrl(sb);
    const adminPassword = decodeURIComponent(new URL(adminUrl).password);
    const server = ["--target", "server", "--engine", "direct", "--server-url", adminUrl];
    const outputs: CliResult[] = [];
    const pwFile = path.join(sb.dir("secrets"), "pw");
    for (const target of [[], server]) {
      const run = await dbtk(["run", "--json", ...target, "--migrations", sample, ...nodeCmd(`require("fs").appendFileSync(${JSON.stringify(pwFile)}, process.env.PGPASSWORD + "\\n")`)], sb.env);
      expect(run.code).toBe(0);
      const upJson = await dbtk(["up", "--json", ...target, "--migrations", sample], sb.env);
      const upText = await dbtk(["up", ...target, "--migrations", sample], sb.env);
      const shown = await dbtk(["up", "--json", "--show-secrets", ...target, "--migrations", sample], sb.env);
      const shownConn = JSON.parse(shown.stdout);
      const hidden = JSON.parse(upJson.stdout);
      expect(hidden.connection.password).toBe("****");
      expect(shownConn.connection.password).not.toBe("****");
      expect(shownConn.connection.url).toContain(encodeURIComponent(shownConn.connection.password));
      writeFileSync(pwFile, `${readFileSync(pwFile, "utf8")}${shownConn.connection.password}\n`);
      const ls = await dbtk(["ls", "--json", "--templates", ...target], sb.env);
      const reap = await dbtk(["reap", "--json", ...target], sb.env);
      const ids = [hidden.id, shownConn.id, /^DBTK_ID=(\S+)$/m.exec(upText.stdout)?.[1]];
      const down = await dbtk(["down", "--json", ...target, ...ids], sb.env);
      expect(down.code).toBe(0);
      outputs.push(run, upJson, upText, ls, reap, down);
      const secretOfShown = shownConn.connection.password as string;
      for (const o of [run, upJson, upText, ls, reap, down]) expect(o.stdout + o.stderr).not.toContain(secretOfShown);
    }
    const passwords = readFileSync(pwFile, "utf8").trim().split("\n");
    expect(passwords.length).toBe(4);
    for (const o of outputs) {
      for (const pw of [...passwords, adminPassword, encodeURIComponent(adminPassword)]) {
        expect(o.stdout + o.stderr).not.toContain(pw);
      }
    }
    expect(inUse(await pgLeftovers(admin()))).toEqual({ databases: [], logins: [] });
  });
});
