// `dbtk run --migrate '<command>' --hash <path>`: any migration tool builds the template once (keyed by the
// hashed paths and the command), later runs clone it without running the tool, a changed file rebuilds. Tools
// from three ecosystems, as their users install them: knex (npm), Alembic (PyPI), goose (Go module proxy).
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dbtk, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("run-migrate");
afterAll(() => sb.cleanup());

const KNEX = path.join(REPO, "node_modules/knex/bin/cli.js");
const CACHE_BIN = path.join(process.env.DBTK_CACHE_DIR ?? path.join(homedir(), ".cache/dbtk"), "bin");
const ALEMBIC = path.join(CACHE_BIN, "alembic");
const GOOSE = path.join(CACHE_BIN, "goose");
const runs = (counter: string) => (existsSync(counter) ? readFileSync(counter, "utf8").trim().split("\n").length : 0);

/** The test command: exits 0 when `table` exists in the run's database. */
function checkTable(engine: "postgres" | "mysql", table: string): string[] {
  const code =
    engine === "postgres"
      ? `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
         const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
         c.connect().then(() => c.query("select count(*) from ${table}")).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(4); });`
      : `const m = require(${JSON.stringify(path.join(REPO, "node_modules/mysql2/promise"))}); const e = process.env;
         m.createConnection({ host: e.MYSQL_HOST, port: +e.MYSQL_PORT, user: e.MYSQL_USER, password: e.MYSQL_PASSWORD, database: e.MYSQL_DATABASE })
           .then(async (c) => { await c.query("select count(*) from ${table}"); await c.end(); }).then(() => process.exit(0), (err) => { console.error(err.message); process.exit(4); });`;
  return ["--", process.execPath, "-e", code];
}

function knexProject(name: string, engine: "postgres" | "mysql"): string {
  const dir = sb.dir(name);
  mkdirSync(path.join(dir, "migrations"), { recursive: true });
  // The project's own knex install, as `npm install knex` would make it.
  symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
  // knex reads its connection from the variables dbtk exports: DATABASE_URL (pg) or MYSQL_* (mysql2).
  writeFileSync(
    path.join(dir, "knexfile.js"),
    engine === "postgres"
      ? `module.exports = { client: "pg", connection: process.env.DATABASE_URL };\n`
      : `const e = process.env;\nmodule.exports = { client: "mysql2", connection: { host: e.MYSQL_HOST, port: +e.MYSQL_PORT, user: e.MYSQL_USER, password: e.MYSQL_PASSWORD, database: e.MYSQL_DATABASE } };\n`,
  );
  writeFileSync(
    path.join(dir, "migrations", "20240101000000_people.js"),
    `exports.up = (k) => k.schema.createTable("people", (t) => { t.increments("id"); t.string("name"); });\nexports.down = (k) => k.schema.dropTable("people");\n`,
  );
  return dir;
}

async function buildsOnceThenClones(engine: "postgres" | "mysql", dir: string, migrate: string, hash: string[], table: string): Promise<void> {
  const counter = path.join(dir, "runs.txt");
  const args = ["run", ...(engine === "mysql" ? ["--engine", "mysql"] : []), "--project", dir, "--migrate", `${migrate} && echo run >> runs.txt`, ...hash.flatMap((h) => ["--hash", h])];
  const first = await dbtk([...args, ...checkTable(engine, table)], sb.env);
  expect(first.stderr).toMatch(/dbtk: migrate [\d.]+ m?s \(built template [0-9a-f]{8}\)/);
  expect(first.code).toBe(0);
  expect(runs(counter)).toBe(1);
  const second = await dbtk([...args, ...checkTable(engine, table)], sb.env);
  expect(second.stderr).toMatch(/template [0-9a-f]{8} reused/);
  expect(second.code).toBe(0);
  expect(runs(counter)).toBe(1);
}

describe("--migrate", () => {
  it("knex on PostgreSQL: built once, then cloned; a changed migration rebuilds; a file outside --hash does not", async () => {
    const dir = knexProject("knex-pg", "postgres");
    await buildsOnceThenClones("postgres", dir, `node ${KNEX} migrate:latest --knexfile knexfile.js`, ["migrations", "knexfile.js"], "people");
    writeFileSync(path.join(dir, "notes.md"), "not part of the schema\n");
    const args = ["run", "--project", dir, "--migrate", `node ${KNEX} migrate:latest --knexfile knexfile.js && echo run >> runs.txt`, "--hash", "migrations", "--hash", "knexfile.js"];
    const same = await dbtk([...args, ...checkTable("postgres", "people")], sb.env);
    expect(same.stderr).toMatch(/reused/);
    writeFileSync(
      path.join(dir, "migrations", "20240102000000_pets.js"),
      `exports.up = (k) => k.schema.createTable("pets", (t) => { t.increments("id"); });\nexports.down = (k) => k.schema.dropTable("pets");\n`,
    );
    const rebuilt = await dbtk([...args, ...checkTable("postgres", "pets")], sb.env);
    expect(rebuilt.stderr).toMatch(/built template/);
    expect(rebuilt.code).toBe(0);
    expect(runs(path.join(dir, "runs.txt"))).toBe(2);
  });

  it("knex on MariaDB, with the MYSQL_* variables", async () => {
    const dir = knexProject("knex-my", "mysql");
    await buildsOnceThenClones("mysql", dir, `node ${KNEX} migrate:latest --knexfile knexfile.js`, ["migrations"], "people");
  });

  // Never skipped: the test command installs Alembic (tools/install-alembic.sh).
  it("Alembic (tools/install-alembic.sh) on PostgreSQL", async () => {
    expect(existsSync(ALEMBIC), `${ALEMBIC} missing: run tools/install-alembic.sh`).toBe(true);
    const dir = sb.dir("alembic");
    mkdirSync(path.join(dir, "versions"), { recursive: true });
    writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = .\n");
    writeFileSync(
      path.join(dir, "env.py"),
      `import os\nfrom alembic import context\nfrom sqlalchemy import create_engine\n` +
        `url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql+psycopg://", 1)\n` +
        `with create_engine(url).connect() as conn:\n    context.configure(connection=conn)\n    with context.begin_transaction():\n        context.run_migrations()\n`,
    );
    writeFileSync(
      path.join(dir, "versions", "0001_people.py"),
      `revision = "0001"\ndown_revision = None\nfrom alembic import op\nimport sqlalchemy as sa\n` +
        `def upgrade():\n    op.create_table("people", sa.Column("id", sa.Integer, primary_key=True))\n`,
    );
    await buildsOnceThenClones("postgres", dir, `${ALEMBIC} upgrade head`, ["versions", "env.py"], "people");
  });

  // Never skipped: the test command builds goose from the Go module proxy (tools/install-goose.sh).
  it.each([["postgres"], ["mysql"]] as const)("goose (tools/install-goose.sh) on %s, its own SQL format and version table", async (engine) => {
    expect(existsSync(GOOSE), `${GOOSE} missing: run tools/install-goose.sh`).toBe(true);
    const dir = sb.dir(`goose-${engine}`);
    mkdirSync(path.join(dir, "db"), { recursive: true });
    writeFileSync(
      path.join(dir, "db", "00001_people.sql"),
      "-- +goose Up\nCREATE TABLE people (id int primary key, name text);\n-- +goose Down\nDROP TABLE people;\n",
    );
    // goose takes a driver and a DSN: the URL as exported for PostgreSQL, go-sql-driver's form from MYSQL_*.
    const dsn = engine === "postgres" ? '"$DATABASE_URL"' : '"$MYSQL_USER:$MYSQL_PASSWORD@tcp($MYSQL_HOST:$MYSQL_PORT)/$MYSQL_DATABASE"';
    await buildsOnceThenClones(engine, dir, `${GOOSE} -dir db ${engine} ${dsn} up`, ["db"], "people");
  });

  it("refuses --migrate with --migrations, --hash without --migrate, a missing --hash path", async () => {
    const both = await dbtk(["run", "--migrate", "true", "--migrations", "x", "--", "true"], sb.env);
    expect(both.stderr).toContain("--migrate is exclusive with --migrations and --tool");
    const lone = await dbtk(["run", "--hash", "x", "--", "true"], sb.env);
    expect(lone.stderr).toContain("--hash goes with --migrate");
    const missing = await dbtk(["run", "--migrate", "true", "--hash", "no/such", "--", "true"], sb.env);
    expect(missing.stderr).toMatch(/--hash no\/such: no such file or folder/);
    for (const r of [both, lone, missing]) expect(r.code).not.toBe(0);
  });
});

describe("examples/knex-app", () => {
  const migrate = ["--project", "examples/knex-app", "--migrate", "npx knex migrate:latest --knexfile knexfile.cjs", "--hash", "migrations", "--hash", "knexfile.cjs"];
  const suite = ["--", process.execPath, "--test", "examples/knex-app/test/"];

  it.each([["postgres"], ["mysql"]] as const)("its suite passes through dbtk run --migrate on %s, built once then cloned", async (engine) => {
    const eng = engine === "mysql" ? ["--engine", "mysql"] : [];
    const first = await dbtk(["run", ...eng, ...migrate, ...suite], sb.env);
    expect(first.stderr).toMatch(/built template/);
    expect(first.stdout).toMatch(/# pass 4\b/);
    expect(first.code).toBe(0);
    const second = await dbtk(["run", ...eng, ...migrate, ...suite], sb.env);
    expect(second.stderr).toMatch(/template [0-9a-f]{8} reused/);
    expect(second.stdout).toMatch(/# fail 0\b/);
    expect(second.code).toBe(0);
  });
});
