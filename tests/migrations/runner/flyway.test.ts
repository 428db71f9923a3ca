// Interoperability with the real Flyway (13.12 engine, tools/install-flyway.sh), both ways, on PostgreSQL
// and MariaDB: a team can switch between Flyway and this runner on one database.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { baseline, flywayChecksum, info, migrate, validate } from "../../../migrations/index.ts";
import {
  ensureFlyway,
  flyway,
  flywayInfo,
  mariadbInstalled,
  query,
  requireMariadbInCi,
  startServer,
  writeMigrations,
  type TestServer,
} from "./helpers.ts";

requireMariadbInCi();
beforeAll(ensureFlyway, 600_000);

/** Files that exercise checksums (BOM, CRLF, CR, non-ASCII), placeholders, subfolders and repeatables. */
function sampleFiles(engine: DbTarget["engine"]): Record<string, string> {
  const text = engine === "postgres" ? "text" : "VARCHAR(100)";
  return {
    "V1__create_people.sql": `\uFEFFCREATE TABLE people (\r\n  id INT PRIMARY KEY,\r\n  name ${text}\r\n);\r\n`,
    "V1.1__seed_people.sql": "-- naïve café ☕ 😀\rINSERT INTO people VALUES (1, '${greeting}');\rINSERT INTO people VALUES (2, 'zwei');",
    "sub/V2__add_city.sql": `ALTER TABLE people ADD COLUMN city ${text};\n`,
    "R__people_view.sql": "CREATE OR REPLACE VIEW people_names AS SELECT name FROM people;",
  };
}
const placeholders = { greeting: "hello" };

function engineSuite(engine: DbTarget["engine"]) {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer(engine, `fw-${engine}`);
  });
  afterAll(async () => {
    await srv?.stop();
  });
  const dir = (name: string) => path.join(srv.root, "migrations", name);

  it("this runner applies; flyway validate and info accept the result with nothing pending", async () => {
    const target = await srv.database();
    const files = sampleFiles(engine);
    const d = writeMigrations(dir("ours-first"), files);
    expect((await migrate({ target, dir: d, placeholders })).applied).toHaveLength(4);
    const v = await flyway(target, d, ["validate"], placeholders);
    expect(v.stderr + v.stdout).toContain("Successfully validated");
    expect(v.code).toBe(0);
    const fi = await flywayInfo(target, d, placeholders);
    expect(fi.migrations.map((m) => [m.script, m.state])).toEqual([
      ["V1__create_people.sql", "Success"],
      ["V1.1__seed_people.sql", "Success"],
      ["sub/V2__add_city.sql", "Success"],
      ["R__people_view.sql", "Success"],
    ]);
    // Flyway's checksums of the files are the ones this runner computed and stored.
    for (const m of fi.migrations) expect(m.checksum).toBe(flywayChecksum(files[m.script]!));
    const again = await flyway(target, d, ["migrate"], placeholders);
    expect(again.stdout).toContain("Successfully applied 0 migrations");
  });

  it("Flyway applies; this runner validates it and applies only what is new; Flyway accepts the result", async () => {
    const target = await srv.database();
    const files = sampleFiles(engine);
    const d = writeMigrations(dir("flyway-first"), files);
    const fm = await flyway(target, d, ["migrate"], placeholders);
    expect(fm.stdout).toContain("Successfully applied 4 migrations");
    expect(await validate({ target, dir: d })).toEqual({ ok: true, problems: [], pending: 0 });
    expect((await info({ target, dir: d })).migrations.every((m) => m.state === "Success")).toBe(true);

    writeMigrations(d, {
      ...files,
      "V3__add_age.sql": "ALTER TABLE people ADD COLUMN age INT;",
      "R__people_view.sql": "CREATE OR REPLACE VIEW people_names AS SELECT name, city FROM people;",
    });
    const r = await migrate({ target, dir: d, placeholders });
    expect(r.applied.map((m) => m.script)).toEqual(["V3__add_age.sql", "R__people_view.sql"]);
    expect((await flyway(target, d, ["validate"], placeholders)).code).toBe(0);
    const fi = await flywayInfo(target, d, placeholders);
    expect(fi.migrations.filter((m) => m.state === "Pending")).toEqual([]);
    expect(fi.migrations.map((m) => m.state)).toEqual(["Success", "Success", "Success", "Superseded", "Success", "Success"]);
  });

  it("creates the same history table as Flyway", async () => {
    const [ours, theirs] = [await srv.database(), await srv.database()];
    const d = writeMigrations(dir("ddl"), { "V1__a.sql": "CREATE TABLE a (id INT);" });
    await migrate({ target: ours, dir: d });
    await flyway(theirs, d, ["migrate"]);
    expect(await tableShape(ours)).toEqual(await tableShape(theirs));
  });

  it("Flyway reads a baseline written by this runner, and this runner reads Flyway's repair", async () => {
    const target = await srv.database();
    const d = writeMigrations(dir("baseline"), {
      "V1__a.sql": "CREATE TABLE a (id INT);",
      "V2__b.sql": "CREATE TABLE b (id INT);",
      "V3__c.sql": "CREATE TABLE c (id INT);",
    });
    await query(target, "CREATE TABLE a (id INT)");
    await baseline({ target, dir: d, baselineVersion: "1" });
    const states = (await flywayInfo(target, d)).migrations.map((m) => [m.version, m.state]);
    expect(states).toEqual([
      ["1", "Ignored (Baseline)"],
      ["1", "Baseline"],
      ["2", "Pending"],
      ["3", "Pending"],
    ]);
    expect((await info({ target, dir: d })).migrations.map((m) => [m.version, m.state]).sort()).toEqual(states.sort());
    expect((await flyway(target, d, ["migrate"])).stdout).toContain("Successfully applied 2 migrations");
    // Flyway's repair marks a deleted file with a DELETE row; this runner honours it.
    writeMigrations(d, { "V1__a.sql": "CREATE TABLE a (id INT);", "V3__c.sql": "CREATE TABLE c (id INT);" });
    expect((await validate({ target, dir: d })).problems).toMatchObject([{ kind: "missing", script: "V2__b.sql" }]);
    expect((await flyway(target, d, ["repair"])).code).toBe(0);
    expect(await validate({ target, dir: d })).toMatchObject({ ok: true });
    expect((await info({ target, dir: d })).migrations.find((m) => m.version === "2")?.state).toBe("Deleted");
  });
}

async function tableShape(t: DbTarget): Promise<unknown> {
  if (t.engine === "postgres") {
    const columns = await query(
      t,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = 'flyway_schema_history' ORDER BY ordinal_position`,
    );
    const indexes = await query(t, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'flyway_schema_history' ORDER BY indexname");
    const constraints = await query(t, "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'flyway_schema_history'::regclass ORDER BY conname");
    return { columns, indexes, constraints };
  }
  const [row] = await query<Record<string, string>>(t, "SHOW CREATE TABLE flyway_schema_history");
  return row?.["Create Table"];
}

describe("Flyway interoperability on PostgreSQL", () => engineSuite("postgres"));
describe.skipIf(!mariadbInstalled)("Flyway interoperability on MariaDB", () => engineSuite("mysql"));

describe("checksums against the real Flyway", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer("postgres", "fw-sum");
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it("match for awkward files (pending, read from flyway info)", async () => {
    const target = await srv.database();
    const files: Record<string, string> = {
      "V1__empty.sql": "",
      "V2__no_newline.sql": "SELECT 1",
      "V3__blank_lines.sql": "\n\n\nSELECT 1;\n\n\n",
      "V4__mixed_endings.sql": "SELECT 1;\r\nSELECT 2;\nSELECT 3;\rSELECT 4;",
      "V5__unicode.sql": "SELECT 'Ærøskøbing – 東京 – 🚀';\n",
      "V6__bom_crlf.sql": "\uFEFFSELECT 1;\r\n",
      "V7__tabs_and_spaces.sql": "\tSELECT  1 ;  \t\n",
    };
    const d = writeMigrations(path.join(srv.root, "sums"), files);
    const fi = await flywayInfo(target, d);
    expect(fi.migrations).toHaveLength(7);
    for (const m of fi.migrations) expect([m.script, m.checksum]).toEqual([m.script, flywayChecksum(files[m.script]!)]);
  });
});
