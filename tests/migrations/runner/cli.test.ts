// `dbtk migrate|info|validate|undo|baseline|repair` as a user runs them: exit codes, progress on stderr,
// JSON on stdout, errors naming file and line — and the password never printed.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, type DbTarget } from "../../../core/connection.ts";
import { history, query, repoRoot, startServer, writeMigrations, type TestServer } from "./helpers.ts";

const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function dbtk(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const r = await exec(process.execPath, [path.join(repoRoot, "bin/dbtk.mjs"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer("postgres", "cli");
});
afterAll(async () => {
  await srv?.stop();
});

function expectNoSecret(run: Run, t: DbTarget): void {
  expect(run.stdout).not.toContain(t.password);
  expect(run.stderr).not.toContain(t.password);
}

describe("dbtk migrate commands", () => {
  it("migrate --json: progress on stderr, the result on stdout; info --json shows the states", async () => {
    const target = await srv.database();
    const d = writeMigrations(path.join(srv.root, "cli-ok"), {
      "V1__t.sql": "CREATE TABLE ${name} (id int);",
      "V2__u.sql": "CREATE TABLE u (id int);",
      "U2__u.sql": "DROP TABLE u;",
    });
    const env = { DATABASE_URL: databaseUrl(target) };
    const dry = await dbtk(["migrate", "--dir", d, "--placeholder", "name=things", "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would apply 2 migration\(s\)/);
    expect(await query(target, "SELECT to_regclass('flyway_schema_history') AS h")).toEqual([{ h: null }]);

    const run = await dbtk(["migrate", "--dir", d, "--placeholder", "name=things", "--json"], env);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { ok: boolean; currentVersion: string; applied: { script: string }[] };
    expect(out).toMatchObject({ ok: true, currentVersion: "2", applied: [{ script: "V1__t.sql" }, { script: "V2__u.sql" }] });
    expect(run.stderr).toMatch(/dbtk: applying 1 - t \(V1__t\.sql\)/);
    expectNoSecret(run, target);
    expect(await query(target, "SELECT to_regclass('things')::text AS t")).toEqual([{ t: "things" }]);

    const undone = await dbtk(["undo", "--dir", d, "--url", databaseUrl(target)]);
    expect(undone.code).toBe(0);
    const i = await dbtk(["info", "--dir", d, "--json"], env);
    const states = (JSON.parse(i.stdout) as { migrations: { version: string; state: string }[] }).migrations.map((m) => `${m.version}:${m.state}`);
    expect(states).toEqual(["1:Success", "2:Undone", "2:Success", "2:Pending"]);
    const table = await dbtk(["info", "--dir", d], env);
    expect(table.stdout).toMatch(/\| Versioned +\| 2 +\| u +\| SQL +\| +\| Pending +\|/);
  });

  it("a failing migration exits 1 with file:line and the server's message, never the password", async () => {
    const target = await srv.database();
    const d = writeMigrations(path.join(srv.root, "cli-fail"), { "V1__ok.sql": "SELECT 1;", "V2__bad.sql": "SELECT 1;\n\nCREATE TABLE t (id nosuchtype);\n" });
    const env = { DATABASE_URL: databaseUrl(target) };
    const run = await dbtk(["migrate", "--dir", d], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/dbtk: V2__bad\.sql:3: type "nosuchtype" does not exist/);
    expect(run.stderr).toMatch(/fix the file and migrate again/);
    expectNoSecret(run, target);
    const json = await dbtk(["migrate", "--dir", d, "--json"], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "MIGRATION_FAILED", script: "V2__bad.sql", line: 3 } });
    expect((await history(target)).map((r) => r.version)).toEqual(["1"]);
  });

  it("validate exits 1 naming an edited file; repair then makes it pass", async () => {
    const target = await srv.database();
    const dirPath = path.join(srv.root, "cli-validate");
    writeMigrations(dirPath, { "V1__a.sql": "CREATE TABLE a (id int);" });
    const env = { DATABASE_URL: databaseUrl(target) };
    expect((await dbtk(["migrate", "--dir", dirPath], env)).code).toBe(0);
    writeMigrations(dirPath, { "V1__a.sql": "CREATE TABLE a (id bigint);" });
    const v = await dbtk(["validate", "--dir", dirPath], env);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/V1__a\.sql was edited after it was applied/);
    expect((await dbtk(["migrate", "--dir", dirPath], env)).code).toBe(1);
    expect((await dbtk(["repair", "--dir", dirPath], env)).stdout).toMatch(/realigned checksum: V1__a\.sql/);
    expect((await dbtk(["validate", "--dir", dirPath, "--json"], env)).code).toBe(0);
  });

  it("--migrations and the older --dir name the same directory; both at once is refused; help shows --migrations", async () => {
    const target = await srv.database();
    const d = writeMigrations(path.join(srv.root, "cli-flags"), { "V1__only.sql": "CREATE TABLE only_one (id int);" });
    const env = { DATABASE_URL: databaseUrl(target) };
    for (const flag of ["--migrations", "--dir"]) {
      const r = await dbtk(["migrate", flag, d, "--dry-run", "--json"], env);
      expect(r.code, `${flag}: ${r.stderr}`).toBe(0);
      expect((JSON.parse(r.stdout) as { plan: { script: string }[] }).plan.map((p) => p.script), flag).toEqual(["V1__only.sql"]);
    }
    const both = await dbtk(["migrate", "--migrations", d, "--dir", d], env);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/option '--dir <dir>' cannot be used with option '--migrations <dir>'/);
    const help = await dbtk(["migrate", "--help"]);
    expect(help.stdout).toMatch(/--migrations <dir> +migrations directory \(default: "\.\/migrations"\)/);
    expect(help.stdout).not.toMatch(/--dir\b/);
  });

  it("connection errors show the redacted URL; a missing URL says how to give one", async () => {
    const target = await srv.database();
    const wrong = { ...target, password: "not-the-password-123" };
    const empty = writeMigrations(path.join(srv.root, "cli-empty"), {});
    const run = await dbtk(["info", "--dir", empty, "--url", databaseUrl(wrong)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`postgres://${target.user}:****@${target.host}:${target.port}/${target.database}`);
    expect(run.stderr).not.toContain("not-the-password-123");
    const none = await dbtk(["migrate", "--dir", empty], { DATABASE_URL: "" });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/set DATABASE_URL to postgres:\/\/.* \(or pass --url\)/);
  });
});
