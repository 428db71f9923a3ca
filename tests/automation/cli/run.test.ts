// `dbtk run` as users call it (node bin/dbtk.mjs …): provision, migrate, run, tear down; exit codes,
// progress lines, the JSON summary, signals, and bad input that leaves nothing behind.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbtk, inUse, pgAdmin, pgLeftovers, REPO, sandbox, startDbtk } from "../helpers.ts";

const sb = sandbox("run");
const sample = path.join(REPO, "examples/sample-app/migrations");
let admin: pg.Client;

/** A node one-liner as the command (no shell quoting games). */
const nodeCmd = (code: string) => ["--", process.execPath, "-e", code];

beforeAll(async () => {
  // The first run starts the sandbox's server and builds the sample's template.
  const r = await dbtk(["run", "--migrations", sample, ...nodeCmd("")], sb.env);
  expect(r.stderr).toMatch(/built template/);
  expect(r.code).toBe(0);
  admin = await pgAdmin(sb);
});

afterAll(async () => {
  await admin?.end();
  await sb.cleanup();
});

async function nothingInUse(): Promise<void> {
  const left = inUse(await pgLeftovers(admin));
  expect(left).toEqual({ databases: [], logins: [] });
}

describe("the README's first command", () => {
  it("npx dbtk run --migrations examples/sample-app/migrations -- node --test examples/sample-app/test/", async () => {
    const child = spawn("npx dbtk run --migrations examples/sample-app/migrations -- node --test examples/sample-app/test/", {
      cwd: REPO,
      env: sb.env,
      shell: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once("close", r));
    expect(err).toMatch(/^dbtk: provision [\d.]+ m?s/m);
    expect(code).toBe(0);
    expect(out).toMatch(/# pass 5\b/);
    expect(out).toMatch(/# fail 0\b/);
    await nothingInUse();
  });
});

describe("run", () => {
  it("passes the connection in DATABASE_URL and PG* variables, prints one line per phase, and returns the command's exit code", async () => {
    const envFile = path.join(sb.dir("run-env"), "env.json");
    const code = `
      const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
      const keys = ["DATABASE_URL","PGHOST","PGPORT","PGUSER","PGPASSWORD","PGDATABASE"];
      require("fs").writeFileSync(${JSON.stringify(envFile)}, JSON.stringify(Object.fromEntries(keys.map(k => [k, process.env[k]]))));
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      c.connect().then(() => c.query("select count(*)::int as n from flyway_schema_history where success"))
        .then(r => c.end().then(() => process.exit(r.rows[0].n === 3 ? 7 : 1)));`;
    const r = await dbtk(["run", "--migrations", sample, ...nodeCmd(code)], sb.env);
    expect(r.code).toBe(7);
    const env = JSON.parse(readFileSync(envFile, "utf8")) as Record<string, string>;
    expect(env.DATABASE_URL).toBe(`postgres://${env.PGUSER}:${encodeURIComponent(env.PGPASSWORD ?? "")}@${env.PGHOST}:${env.PGPORT}/${env.PGDATABASE}`);
    expect(env.PGDATABASE).toMatch(/^dbtk_[0-9a-z]{8,}_[0-9a-z]{10}$/);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^dbtk: migrate [\d.]+ m?s \(3 migrations, template [0-9a-f]{8} reused\)$/),
      expect.stringMatching(new RegExp(`^dbtk: provision [\\d.]+ m?s \\(${env.PGDATABASE} on local, (pre-made clone|clone) in [\\d.]+ m?s\\)$`)),
      "dbtk: env DATABASE_URL JDBC_DATABASE_URL JDBC_DATABASE_USERNAME JDBC_DATABASE_PASSWORD PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE",
      expect.stringMatching(/^dbtk: test exit 7 in \d+(\.\d)? m?s$/),
      expect.stringMatching(/^dbtk: teardown [\d.]+ m?s$/),
    ]);
    expect(r.stderr + r.stdout).not.toContain(env.PGPASSWORD);
    await nothingInUse();
  });

  it("--json prints a summary on stdout without the password; the command's own stdout goes to stderr", async () => {
    const pwFile = path.join(sb.dir("run-json"), "pw");
    const r = await dbtk(["run", "--json", "--migrations", sample, ...nodeCmd(`require("fs").writeFileSync(${JSON.stringify(pwFile)}, process.env.PGPASSWORD); console.log("hello from the command")`)], sb.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("hello from the command");
    const s = JSON.parse(r.stdout) as Record<string, unknown> & { connection: { url: string }; timings: Record<string, number> };
    expect(s).toMatchObject({ target: "local", engine: "postgres", exitCode: 0, migrations: 3, tornDown: true });
    expect(s.connection.url).toMatch(/^postgres:\/\/dbtk_\w+:\*\*\*\*@127\.0\.0\.1:\d+\/dbtk_\w+$/);
    expect(Object.keys(s.timings).sort()).toEqual(["command", "migrate", "provision", "teardown"]);
    expect(Date.parse(String(s.expiresAt)) - Date.parse(String(s.createdAt))).toBe(30 * 60_000);
    const pw = readFileSync(pwFile, "utf8");
    expect(pw.length).toBeGreaterThan(16);
    expect(r.stdout + r.stderr).not.toContain(pw);
  });

  it("--no-template migrates in place (and still tears down)", async () => {
    const r = await dbtk(["run", "--no-template", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^dbtk: provision [\d.]+ m?s \(dbtk_\w+ on local\)\ndbtk: migrate [\d.]+ m?s \(3 migrations\)$/m);
    await nothingInUse();
  });

  it("--show-secrets puts the password in the JSON summary (and only then)", async () => {
    const pwFile = path.join(sb.dir("run-shown"), "pw");
    const r = await dbtk(["run", "--json", "--show-secrets", "--migrations", sample, ...nodeCmd(`require("fs").writeFileSync(${JSON.stringify(pwFile)}, process.env.PGPASSWORD)`)], sb.env);
    expect(r.code).toBe(0);
    const pw = readFileSync(pwFile, "utf8");
    const s = JSON.parse(r.stdout) as { connection: { password: string; url: string } };
    expect(s.connection.password).toBe(pw);
    expect(s.connection.url).toContain(`:${encodeURIComponent(pw)}@`);
    expect(r.stderr).not.toContain(pw);
  });

  it("--tool dbmate --project DIR: the team's tool builds the template; the next run reuses it", async () => {
    const project = sb.dir("dbmate-project");
    const dir = path.join(project, "db", "migrations");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "20240101000000_people.sql"), "-- migrate:up\nCREATE TABLE people (id serial primary key, name text);\n-- migrate:down\nDROP TABLE people;\n");
    const check = nodeCmd(`const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      c.connect().then(() => c.query("select count(*)::int as n from people")).then(() => c.end()).then(() => process.exit(0), () => process.exit(4));`);
    const first = await dbtk(["run", "--tool", "dbmate", "--project", project, ...check], sb.env);
    expect(first.stderr).toMatch(/dbtk: migrate [\d.]+ m?s \(built template [0-9a-f]{8}\)/);
    expect(first.code).toBe(0);
    const second = await dbtk(["run", "--tool", "dbmate", "--project", project, ...check], sb.env);
    expect(second.stderr).toMatch(/template [0-9a-f]{8} reused/);
    expect(second.code).toBe(0);
    const noProject = await dbtk(["run", "--tool", "dbmate", ...check], sb.env);
    expect(noProject.stderr).toContain("--tool dbmate needs --project DIR");
    const badTool = await dbtk(["run", "--tool", "rails", "--project", project, ...check], sb.env);
    expect(badTool.stderr).toContain("--tool rails: unknown migration tool; use one of flyway, liquibase, alembic, dbmate, command");
    await nothingInUse();
  });

  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${sig} is forwarded to the command, then the database is torn down; exit ${code}`, async () => {
      const marker = path.join(sb.dir(`sig-${sig}`), "got");
      const p = startDbtk(
        ["run", "--migrations", sample, ...nodeCmd(`process.on(${JSON.stringify(sig)}, () => { require("fs").writeFileSync(${JSON.stringify(marker)}, "yes"); process.exit(0); }); console.log("ready"); setInterval(() => {}, 1000);`)],
        sb.env,
      );
      await p.waitFor("ready", "stdout");
      p.child.kill(sig);
      const r = await p.done;
      expect(r.code).toBe(code);
      expect(readFileSync(marker, "utf8")).toBe("yes");
      expect(r.stderr).toMatch(new RegExp(`dbtk: ${sig}: forwarding to the command, then tearing down`));
      expect(r.stderr).toMatch(/dbtk: teardown [\d.]+ m?s/);
      await nothingInUse();
    });
  }

  it("SIGTERM during provisioning still tears down what was made; exit 143", async () => {
    const p = startDbtk(["run", "--no-template", "--migrations", slowMigrations(), ...nodeCmd("")], sb.env);
    await waitForQuery("pg_sleep");
    p.child.kill("SIGTERM");
    const r = await p.done;
    expect(r.code).toBe(143);
    await nothingInUse();
  });
});

function slowMigrations(): string {
  const dir = sb.dir("slow");
  writeFileSync(path.join(dir, "V1__slow.sql"), "SELECT pg_sleep(3);\nCREATE TABLE t (x int);\n");
  return dir;
}

async function waitForQuery(text: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { rows } = await admin.query("select 1 from pg_stat_activity where query like $1 and pid <> pg_backend_pid()", [`%${text}%`]);
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no session ran ${text}`);
}

describe("bad input: a clear message, non-zero exit, nothing left behind", () => {
  it("unknown target", async () => {
    const r = await dbtk(["run", "--target", "nope", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown target "nope": use one of local, local-mariadb, server, aws, gcp, azure');
    await nothingInUse();
  });

  it("missing migrations folder", async () => {
    const r = await dbtk(["run", "--migrations", "no/such/dir", ...nodeCmd("")], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--migrations no\/such\/dir: no such folder \(looked at .*no\/such\/dir\); give the folder that holds your migrations/);
    await nothingInUse();
  });

  it("a failing migration names the file; no database and no template remain", async () => {
    const dir = sb.dir("failing");
    copyFileSync(path.join(sample, "V1__create_users.sql"), path.join(dir, "V1__create_users.sql"));
    writeFileSync(path.join(dir, "V2__broken.sql"), "CREATE TABLE broken (id int REFERENCES nowhere (id));\n");
    for (const extra of [[], ["--no-template"]]) {
      const before = (await pgLeftovers(admin)).templates;
      const r = await dbtk(["run", ...extra, "--migrations", dir, ...nodeCmd("process.exit(0)")], sb.env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/V2__broken\.sql/);
      expect(r.stderr).toMatch(/nowhere/);
      expect(r.stderr).not.toMatch(/test exit/);
      await nothingInUse();
      expect((await pgLeftovers(admin)).templates).toEqual(before);
    }
  });

  it("a command that is not found: exit 127, database torn down", async () => {
    const r = await dbtk(["run", "--migrations", sample, "--", "no-such-command-xyz", "--flag"], sb.env);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain("command not found: no-such-command-xyz. Check the command after `--` (is it installed and on PATH?)");
    expect(r.stderr).toMatch(/dbtk: teardown [\d.]+ m?s/);
    await nothingInUse();
  });

  it("an unreachable server, without echoing its password", async () => {
    const r = await dbtk(
      ["run", "--target", "server", "--engine", "direct", "--server-url", "postgres://admin:s3cret-Pa55@127.0.0.1:1/postgres", "--migrations", sample, ...nodeCmd("")],
      sb.env,
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot connect to the PostgreSQL server at 127\.0\.0\.1:1 \(user admin\): ECONNREFUSED.*--server-url or DBTK_SERVER_URL/);
    expect(r.stderr + r.stdout).not.toContain("s3cret-Pa55");
  });

  it("server without a URL, a bad URL, a bad --ttl, a bad --engine", async () => {
    const noUrl = await dbtk(["run", "--target", "server", ...nodeCmd("")], sb.env);
    expect(noUrl.stderr).toMatch(/target server needs the admin URL of an existing server: pass --server-url .* or set DBTK_SERVER_URL/);
    const badUrl = await dbtk(["run", "--target", "server", "--engine", "direct", "--server-url", "redis://x:hunter22@h/", ...nodeCmd("")], sb.env);
    expect(badUrl.stderr).toMatch(/--server-url has the scheme "redis"; use postgres:\/\/ .* or mysql:\/\//);
    expect(badUrl.stderr).not.toContain("hunter22");
    const ttl = await dbtk(["run", "--ttl", "soon", ...nodeCmd("")], sb.env);
    expect(ttl.stderr).toMatch(/--ttl: "soon" is not a duration/);
    const engine = await dbtk(["run", "--engine", "oracle", ...nodeCmd("")], sb.env);
    expect(engine.stderr).toMatch(/--engine oracle: unknown; use postgres, mysql/);
    for (const r of [noUrl, badUrl, ttl, engine]) expect(r.code).not.toBe(0);
    await nothingInUse();
  });
});
