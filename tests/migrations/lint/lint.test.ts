// The safety lint on fixture migrations: squawk (real binary) for PostgreSQL, dbtk's rules for MySQL.
// Findings are checked to the line; SARIF output is validated against the 2.1.0 structure.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { hasErrors, lintMigrations, MYSQL_RULES, renderFindings, toSarif } from "../../../migrations/lint/index.ts";
import { splitStatements } from "../../../migrations/lint/mysql-split.ts";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const at = (f: { file: string; line: number; rule: string; severity: string }) => `${path.basename(f.file)}:${f.line} ${f.severity} ${f.rule}`;

describe("PostgreSQL (squawk)", () => {
  it("reports unsafe statements with file:line, severity and a safe alternative", async () => {
    const r = await lintMigrations({ paths: [path.join(fixtures, "postgres")], engine: "postgres" });
    expect(r.files.map((f) => path.basename(f))).toEqual(["V1__create_accounts.sql", "V2__unsafe_changes.sql"]);
    const errors = r.findings.filter((f) => f.severity === "error").map(at);
    expect(errors).toEqual([
      "V2__unsafe_changes.sql:3 error adding-required-field",
      "V2__unsafe_changes.sql:4 error ban-drop-column",
      "V2__unsafe_changes.sql:5 error require-concurrent-index-creation",
    ]);
    // The index on the table created in the same file is not flagged for blocking writes.
    expect(r.findings.some((f) => f.rule === "require-concurrent-index-creation" && f.file.endsWith("V1__create_accounts.sql"))).toBe(false);
    for (const f of r.findings) expect(f.safeAlternative.length).toBeGreaterThan(10);
    expect(r.findings.find((f) => f.rule === "ban-drop-column")).toMatchObject({ column: 22, source: "squawk" });
    expect(hasErrors(r)).toBe(true);
    expect(renderFindings(r)).toMatch(/V2__unsafe_changes\.sql:4:22: error ban-drop-column: .*\n {4}safe alternative: Stop reading and writing the column/);
  });

  it("skips Flyway undo scripts unless asked, and dbmate down sections always", async () => {
    const withUndo = await lintMigrations({ paths: [path.join(fixtures, "postgres")], includeUndo: true });
    expect(withUndo.findings.filter((f) => f.file.endsWith("U2__unsafe_changes.sql")).map(at)).toContain("U2__unsafe_changes.sql:2 error ban-drop-column");
    const dbmate = await lintMigrations({ paths: [path.join(fixtures, "dbmate")] });
    expect(dbmate.findings).toEqual([]);
    expect(hasErrors(dbmate)).toBe(false);
  });

  it("finds nothing wrong enough to fail in the Flyway sample's forward migrations", async () => {
    const r = await lintMigrations({ paths: [path.join(fixtures, "..", "..", "..", "..", "examples", "migrations", "flyway")] });
    expect(r.files).toHaveLength(3);
    // The sample adds a foreign key and an index to tables it creates in the same file: warnings at most.
    expect(r.findings.filter((f) => f.severity === "error").map(at)).toEqual([]);
  });
});

describe("MySQL/MariaDB rules", () => {
  it("flags each unsafe change at its line and leaves safe ones alone", async () => {
    const r = await lintMigrations({ paths: [path.join(fixtures, "mysql")], engine: "mysql" });
    expect(r.findings.map(at)).toEqual([
      "V2__changes.sql:4 error mysql-add-not-null-column-without-default",
      "V2__changes.sql:6 error mysql-drop-column",
      "V2__changes.sql:8 error mysql-change-column-type",
      "V2__changes.sql:9 error mysql-rename-column",
      "V2__changes.sql:10 error mysql-rename-column",
      "V2__changes.sql:11 warning mysql-index-not-online",
      "V2__changes.sql:14 warning mysql-add-foreign-key",
      "V2__changes.sql:16 error mysql-rename-table",
      "V2__changes.sql:17 error mysql-drop-table",
      "V2__changes.sql:18 error mysql-truncate-table",
      "V2__changes.sql:25 error mysql-rename-table",
    ]);
    expect(r.findings[0]).toMatchObject({ column: 3, message: expect.stringContaining("column status"), source: "dbtk" });
    expect(r.findings[0]!.safeAlternative).toBe(MYSQL_RULES["mysql-add-not-null-column-without-default"]!.safeAlternative);
  });

  it("exempts changes to a table created earlier in the same change, across files", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dbtk-lint-mysql-change-"));
    try {
      writeFileSync(path.join(dir, "V1__old.sql"), "CREATE TABLE orders (id INT PRIMARY KEY);\n");
      writeFileSync(path.join(dir, "V2__table.sql"), "CREATE TABLE `coupons` (id INT PRIMARY KEY, code VARCHAR(20));\n");
      writeFileSync(
        path.join(dir, "V3__changes.sql"),
        "CREATE INDEX coupons_code ON coupons (code);\nALTER TABLE coupons ADD COLUMN pct INT NOT NULL, MODIFY code VARCHAR(40);\nCREATE INDEX orders_x ON orders (id);\n",
      );
      const only = new Set(["V2__table.sql", "V3__changes.sql"].map((f) => path.join(dir, f)));
      const r = await lintMigrations({ paths: [dir], engine: "mysql", only });
      expect(r.findings.map(at)).toEqual(["V3__changes.sql:3 warning mysql-index-not-online"]);
      expect(r.skipped.map((f) => `${at(f)}: ${f.reason.split(" (")[0]}`)).toEqual([
        "V3__changes.sql:1 warning mysql-index-not-online: table coupons is created in this change",
        "V3__changes.sql:2 error mysql-add-not-null-column-without-default: table coupons is created in this change",
        "V3__changes.sql:2 error mysql-change-column-type: table coupons is created in this change",
      ]);
      // Linted in full, each file is its own change: V3's statements on coupons are reported.
      expect((await lintMigrations({ paths: [dir], engine: "mysql" })).findings).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits on DELIMITER and ignores keywords in strings and comments", () => {
    const sql = "SELECT 'a;b'; -- DROP TABLE x;\nDELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END//\nDELIMITER ;\nSELECT `x;y`;";
    const stmts = splitStatements(sql).map((s) => s.text.replace(/\s+/g, " "));
    expect(stmts).toEqual(["SELECT ' ';", "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "SELECT `x;y`"].map((s) => s.replace(/;$/, "")));
  });
});

// The parts of SARIF 2.1.0 (sarifv2.1.0 schema) that code-scanning consumers read.
const Level = z.enum(["none", "note", "warning", "error"]);
const Sarif = z.object({
  $schema: z.string().url(),
  version: z.literal("2.1.0"),
  runs: z.array(
    z.object({
      tool: z.object({
        driver: z.object({
          name: z.string().min(1),
          informationUri: z.string().url().optional(),
          rules: z.array(z.object({ id: z.string(), shortDescription: z.object({ text: z.string() }), help: z.object({ text: z.string() }).optional(), defaultConfiguration: z.object({ level: Level }).optional() })),
        }),
      }),
      results: z.array(
        z.object({
          ruleId: z.string(),
          ruleIndex: z.number().int().nonnegative(),
          level: Level,
          message: z.object({ text: z.string().min(1) }),
          locations: z.array(
            z.object({
              physicalLocation: z.object({
                artifactLocation: z.object({ uri: z.string().min(1) }),
                region: z.object({ startLine: z.number().int().positive(), startColumn: z.number().int().positive().optional() }),
              }),
            }),
          ).min(1),
        }),
      ),
    }),
  ).length(1),
});

describe("SARIF", () => {
  it("is valid SARIF 2.1.0 whose results point at their rules and lines", async () => {
    const r = await lintMigrations({ paths: [path.join(fixtures, "mysql")], engine: "mysql" });
    const sarif = JSON.parse(JSON.stringify(toSarif(r))) as unknown;
    const parsed = Sarif.parse(sarif);
    const run = parsed.runs[0]!;
    expect(new Set(run.tool.driver.rules.map((x) => x.id)).size).toBe(run.tool.driver.rules.length);
    expect(run.results).toHaveLength(r.findings.length);
    for (const [i, res] of run.results.entries()) {
      expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(res.locations[0]!.physicalLocation.region.startLine).toBe(r.findings[i]!.line);
      expect(res.locations[0]!.physicalLocation.artifactLocation.uri).not.toContain("\\");
    }
    expect(run.results.find((x) => x.ruleId === "mysql-drop-table")?.level).toBe("error");
    expect(run.results.find((x) => x.ruleId === "mysql-add-foreign-key")?.level).toBe("warning");
  });
});
