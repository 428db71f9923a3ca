// The runner's pure parts: file names, versions, checksums (pinned to values real Flyway 13.12 computed),
// the statement splitter, placeholders and the no-transaction rules.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { flywayChecksum, loadMigrations, MigrationError, parseMigrationName, splitSql } from "../../../migrations/index.ts";
import { BATCH_LIMITS, batchLength, type PreparedMigration } from "../../../migrations/runner/executor.ts";
import { replacePlaceholders } from "../../../migrations/runner/placeholders.ts";
import { cannotRunInTransaction } from "../../../migrations/runner/transaction-rules.ts";
import { compareVersions, parseVersion } from "../../../migrations/runner/version.ts";
import { tempDir, writeMigrations } from "./helpers.ts";

const root = tempDir("dbtk-runner-unit-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("file names and versions", () => {
  it("parses the three Flyway patterns, description with spaces, version with _ as .", () => {
    expect(parseMigrationName("V1_2__add_users_table.sql")).toMatchObject({ kind: "versioned", description: "add users table", version: { text: "1.2" } });
    expect(parseMigrationName("U3__drop_it.sql")).toMatchObject({ kind: "undo", version: { text: "3" } });
    expect(parseMigrationName("R__views.sql")).toMatchObject({ kind: "repeatable", description: "views" });
    expect(parseMigrationName("v1__lower.sql")).toBeUndefined();
    expect(parseMigrationName("V1_init.sql")).toBeUndefined();
    expect(parseMigrationName("Vx__bad.sql")).toBeUndefined();
  });

  it("compares versions numerically, trailing zeros ignored", () => {
    const v = (s: string) => parseVersion(s)!;
    expect(compareVersions(v("1.10"), v("1.9"))).toBe(1);
    expect(compareVersions(v("2"), v("10"))).toBe(-1);
    expect(compareVersions(v("1.0"), v("1"))).toBe(0);
    expect(compareVersions(v("1.2.3"), v("1.2"))).toBe(1);
    expect(compareVersions(v("20260101120000"), v("20251231235959"))).toBe(1);
  });

  it("sorts files by version and names a file that fits no pattern", () => {
    const dir = writeMigrations(path.join(root, "sort"), {
      "V1.9__a.sql": "",
      "V1.10__b.sql": "",
      "V1_11__c.sql": "",
      "sub/V2__d.sql": "",
      "R__z.sql": "",
      "README.md": "not sql",
      "V3__x.sql.conf": "executeInTransaction=false",
    });
    const set = loadMigrations(dir);
    expect(set.versioned.map((f) => f.script)).toEqual(["V1.9__a.sql", "V1.10__b.sql", "V1_11__c.sql", "sub/V2__d.sql"]);
    expect(set.versioned[2]!.version!.text).toBe("1.11");
    writeFileSync(path.join(dir, "2024_init.sql"), "select 1;");
    // Skipped with a warning, as Flyway does; an error with validateMigrationNaming.
    const warnings: string[] = [];
    expect(loadMigrations(dir, { onWarning: (m) => warnings.push(m) }).versioned).toHaveLength(4);
    expect(warnings).toEqual([expect.stringMatching(/^2024_init\.sql: skipped, its name fits no migration pattern: name it V<version>__/)]);
    expect(() => loadMigrations(dir, { validateMigrationNaming: true })).toThrow(/2024_init\.sql: file name does not fit a migration pattern/);
  });

  it("rejects duplicate versions, naming both files", () => {
    const dir = writeMigrations(path.join(root, "dup"), { "V1__a.sql": "", "V1.0__b.sql": "" });
    expect(() => loadMigrations(dir)).toThrow(/two migrations have version 1: V1\.0__b\.sql and V1__a\.sql; give one of them a new version/);
    expect(() => loadMigrations(dir)).toThrow(MigrationError);
  });

  it("reads the no-transaction marker and Flyway's .sql.conf", () => {
    const dir = writeMigrations(path.join(root, "notx"), {
      "V1__a.sql": "-- dbtk:no-transaction\nVACUUM;",
      "V2__b.sql": "select 1;",
      "V2__b.sql.conf": "executeInTransaction=false\n",
      "V3__c.sql": "select 1; -- not a marker: dbtk:no-transaction",
    });
    expect(loadMigrations(dir).versioned.map((f) => f.noTransaction)).toEqual([true, true, false]);
  });
});

describe("checksums", () => {
  // Pinned: these values were produced by Flyway 13.12.0 (flyway info) for the same bytes.
  it.each([
    ["\uFEFFCREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1);\r\n", -279898995],
    ["CREATE TABLE b (id int);\n\n-- comment\nINSERT INTO b VALUES (${x});\n", 1644040370],
    ["CREATE OR REPLACE VIEW v AS SELECT 1 AS x;", -861875769],
    ["", 0],
    ["select 1;\n", -690524359],
    ["select 2;\n", -33932038],
  ])("checksum of %j is %d", (text, expected) => {
    expect(flywayChecksum(text)).toBe(expected);
  });

  it("ignores the line-ending style and a BOM", () => {
    const lf = "CREATE TABLE t (\n  id int\n);\n";
    expect(flywayChecksum(lf.replace(/\n/g, "\r\n"))).toBe(flywayChecksum(lf));
    expect(flywayChecksum(lf.replace(/\n/g, "\r"))).toBe(flywayChecksum(lf));
    expect(flywayChecksum(`\uFEFF${lf}`)).toBe(flywayChecksum(lf));
    expect(flywayChecksum(lf.replace("id", "ID"))).not.toBe(flywayChecksum(lf));
  });
});

describe("splitter", () => {
  const texts = (sql: string, d: "postgres" | "mysql" = "postgres") => splitSql(sql, d).map((s) => s.text);

  it("keeps semicolons inside quotes, dollar quotes, identifiers and comments", () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s;');",
      'CREATE TABLE "we;ird" (x int);',
      "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;",
      "DO $$ BEGIN PERFORM 1; END $$;",
      "SELECT E'\\';' AS x; -- trailing; comment",
      "/* block; /* nested; */ still comment; */ SELECT 2",
    ].join("\n");
    expect(texts(sql)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;')",
      'CREATE TABLE "we;ird" (x int)',
      "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql",
      "DO $$ BEGIN PERFORM 1; END $$",
      "SELECT E'\\';' AS x",
      "SELECT 2",
    ]);
  });

  it("reports statement lines and first words", () => {
    const s = splitSql("-- header\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n  VACUUM t;", "postgres");
    expect(s.map((x) => x.line)).toEqual([3, 5]);
    expect(s[0]!.words.slice(0, 3)).toEqual(["CREATE", "INDEX", "CONCURRENTLY"]);
  });

  it("keeps BEGIN ATOMIC bodies (PostgreSQL) and routine bodies (MySQL) whole", () => {
    expect(texts("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT 3")).toHaveLength(2);
    const proc = [
      "CREATE PROCEDURE p() BEGIN",
      "  DECLARE i INT DEFAULT 0;",
      "  IF i = 0 THEN SET i = 1; END IF;",
      "  WHILE i < 3 DO SET i = i + 1; END WHILE;",
      "  CASE i WHEN 3 THEN SELECT 'x;y'; ELSE BEGIN END; END CASE;",
      "END;",
      "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;",
      "# hash comment;",
      "SELECT `a;b`, \"c\\\";d\" FROM t",
    ].join("\n");
    const s = splitSql(proc, "mysql");
    expect(s).toHaveLength(3);
    expect(s[0]!.text.endsWith("END")).toBe(true);
    expect(s[1]!.line).toBe(7);
  });

  it("understands the mysql client's DELIMITER", () => {
    const s = splitSql("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;", "mysql");
    expect(s.map((x) => x.text)).toEqual(["CREATE PROCEDURE p() BEGIN SELECT 1; END", "SELECT 2"]);
  });

  it("fails on an unterminated string or comment, at its offset", () => {
    expect(() => splitSql("SELECT 1;\nSELECT 'oops", "postgres")).toThrow(/unterminated string/);
    expect(() => splitSql("SELECT $x$ never closed", "postgres")).toThrow(/dollar-quoted/);
    expect(() => splitSql("/* open", "mysql")).toThrow(/unterminated \/\* comment/);
  });
});

describe("placeholders", () => {
  it("replaces ${name} and maps offsets back to the original file", () => {
    const sql = "SELECT '${long}';\nSELECT bad syntax;";
    const r = replacePlaceholders(sql, { long: "a much longer value than the name" }, "V1__x.sql");
    expect(r.sql).toContain("a much longer value");
    const bad = r.sql.indexOf("bad");
    expect(r.toOriginal(bad)).toBe(sql.indexOf("bad"));
    expect(r.toOriginal(r.sql.indexOf("much"))).toBe(sql.indexOf("${long}"));
  });

  it("names file, line and placeholder when a value is missing", () => {
    expect(() => replacePlaceholders("SELECT 1;\n\nSELECT ${nope};", {}, "V7__p.sql")).toThrow(
      /V7__p\.sql:3: no value for placeholder \$\{nope\}/,
    );
  });
});

describe("no-transaction rules", () => {
  const words = (sql: string) => splitSql(sql, "postgres")[0]!.words;
  it.each([
    ["CREATE INDEX CONCURRENTLY i ON t (a)", true],
    ["create unique index concurrently if not exists i on t (a)", true],
    ["DROP INDEX CONCURRENTLY i", true],
    ["REINDEX (VERBOSE) TABLE CONCURRENTLY t", true],
    ["VACUUM ANALYZE t", true],
    ["ALTER SYSTEM SET work_mem = '8MB'", true],
    ["CREATE DATABASE x", true],
    ["CREATE INDEX i ON t (a)", false],
    ["ALTER TYPE mood ADD VALUE 'meh'", false],
    ["SELECT 'VACUUM'", false],
  ])("%s → %s", (sql, expected) => {
    expect(cannotRunInTransaction(words(sql), 180000)).toBe(expected);
  });

  it("ALTER TYPE … ADD VALUE only before PostgreSQL 12", () => {
    expect(cannotRunInTransaction(words("ALTER TYPE mood ADD VALUE 'meh'"), 110000)).toBe(true);
  });
});

describe("batches (several transactional migrations per round trip)", () => {
  const p = (transactional: boolean, chars = 10, first = "CREATE") =>
    ({ sql: "x".repeat(chars), transactional, statements: [{ words: [first, "TABLE"] }] }) as unknown as PreparedMigration;

  it("takes consecutive transactional migrations, up to the count limit; a non-transactional one ends a batch and travels alone", () => {
    const list = [...Array.from({ length: BATCH_LIMITS.migrations + 5 }, () => p(true)), p(false), p(true)];
    expect(batchLength(list, 0)).toBe(BATCH_LIMITS.migrations);
    expect(batchLength(list, BATCH_LIMITS.migrations)).toBe(5);
    expect(batchLength(list, BATCH_LIMITS.migrations + 5)).toBe(1);
    expect(batchLength(list, BATCH_LIMITS.migrations + 6)).toBe(1);
  });

  it("a file that commits or begins a transaction of its own travels alone (its COMMIT would end the batch's transaction)", () => {
    for (const word of ["COMMIT", "BEGIN", "START", "END", "ROLLBACK", "ABORT"]) {
      const list = [p(true), p(true), p(true, 10, word), p(true), p(true)];
      expect(batchLength(list, 0)).toBe(2);
      expect(batchLength(list, 2)).toBe(1);
      expect(batchLength(list, 3)).toBe(2);
    }
  });

  it("stops before the text passes the size limit; a file bigger than the limit travels alone", () => {
    const big = BATCH_LIMITS.chars;
    expect(batchLength([p(true, big / 2), p(true, big / 2), p(true, 1)], 0)).toBe(2);
    expect(batchLength([p(true, big + 1), p(true)], 0)).toBe(1);
    expect(batchLength([p(true), p(true, big)], 0)).toBe(1);
  });
});
