// Lint that a team can gate CI on (issue #16): a realistic history (fixtures/history, 2021–2025) with one
// new migration on a branch, linted through the real CLI: only the change's findings, CIC outside a
// transaction, new tables exempt, ignore comments and a baseline.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl } from "../../../core/connection.ts";
import { migrate } from "../../../migrations/index.ts";
import { lintMigrations, renderFindings } from "../../../migrations/lint/index.ts";
import { squawkBin } from "../../../migrations/lint/squawk.ts";
import { dbtk as run } from "../adapters/support.ts";
import { startServer, type TestServer } from "../runner/helpers.ts";

const history = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "history");
const dbtk = (args: string[], env: Record<string, string> = {}) => run(args, { GITHUB_ACTIONS: "", ...env });
const work = mkdtempSync(path.join(tmpdir(), "dbtk-lint-change-"));
const repo = path.join(work, "repo");
const dir = path.join(repo, "db", "migrations");

// The change: a new table with a plain index and a NOT NULL column (fine: it is new and empty), a CIC
// outside a transaction (fine), and one real problem: a required column on the busy orders table.
const CHANGE = `CREATE TABLE coupons (
  id bigint PRIMARY KEY,
  code text NOT NULL
);
CREATE INDEX coupons_code_idx ON coupons (code);
ALTER TABLE coupons ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE orders ADD COLUMN coupon_id bigint NOT NULL;
`;

interface Finding {
  file: string;
  line: number;
  rule: string;
  severity: string;
}
const errorsOf = (stdout: string) =>
  (JSON.parse(stdout) as { findings: Finding[] }).findings.filter((f) => f.severity === "error").map((f) => `${path.basename(f.file)}:${f.line} ${f.rule}`);

async function git(...args: string[]) {
  await execa("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo });
}

beforeAll(async () => {
  cpSync(history, dir, { recursive: true });
  await git("init", "-q", "-b", "main");
  await git("add", ".");
  await git("commit", "-q", "-m", "history");
  await git("checkout", "-q", "-b", "feature");
  writeFileSync(path.join(dir, "V16__2026_11_coupons.sql"), CHANGE);
  await git("add", ".");
  await git("commit", "-q", "-m", "coupons");
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("dbtk lint on a change", () => {
  it("--since reports only the new file's findings", async () => {
    const whole = await dbtk(["lint", dir, "--json"]);
    const since = await dbtk(["lint", dir, "--since", "main", "--json"]);
    expect(since.code).toBe(1);
    expect((JSON.parse(since.stdout) as { files: string[] }).files.map((f) => path.basename(f))).toEqual(["V16__2026_11_coupons.sql"]);
    expect(errorsOf(since.stdout)).toEqual(["V16__2026_11_coupons.sql:7 adding-required-field"]);
    expect(errorsOf(whole.stdout).length).toBeGreaterThan(5);
    // Uncommitted and untracked files count as changed too.
    writeFileSync(path.join(dir, "V17__wip.sql"), "ALTER TABLE users DROP COLUMN email;\n");
    const wip = await dbtk(["lint", dir, "--since", "main", "--json"]);
    rmSync(path.join(dir, "V17__wip.sql"));
    expect(errorsOf(wip.stdout)).toEqual(["V16__2026_11_coupons.sql:7 adding-required-field", "V17__wip.sql:1 ban-drop-column"]);
  });

  it("does not report CREATE INDEX CONCURRENTLY as in a transaction: the runner runs it outside one", async () => {
    // V7 says `-- dbtk:no-transaction`; V13 has no marker, the runner's statement rule decides.
    const r = await lintMigrations({ paths: [dir] });
    expect(r.files.some((f) => f.endsWith("V13__2024_06_orders_created_index.sql"))).toBe(true);
    expect(r.findings.filter((f) => f.rule === "ban-concurrent-index-creation-in-transaction")).toEqual([]);
    // Squawk itself reports V13 when told every file runs in a transaction (what the lint used to say).
    const v13 = path.join(dir, "V13__2024_06_orders_created_index.sql");
    const told = await execa(squawkBin(), ["--reporter", "json", "--assume-in-transaction"], { input: readFileSync(v13, "utf8"), reject: false });
    expect(told.stdout).toContain("ban-concurrent-index-creation-in-transaction");
    // A file the runner wraps in a transaction is still linted as such.
    const inTx = await lintMigrations({ paths: [path.join(dir, "V2__2021_03_create_orders.sql")] });
    expect(inTx.findings.map((f) => f.rule)).toContain("require-lock-timeout");
  });

  it("exempts an index on a table the same change creates, and --explain says why", async () => {
    // V16 creates coupons and indexes it at once: not reported (squawk knows that within a file).
    const since = await dbtk(["lint", dir, "--since", "main", "--explain"]);
    expect(since.stdout).not.toMatch(/V16__2026_11_coupons\.sql:[56]:\d+: error/);
    // Across the files of one change: the table in one file, its index in the next.
    const split = path.join(work, "split");
    cpSync(history, split, { recursive: true });
    writeFileSync(path.join(split, "V16__invoices.sql"), "CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, order_id bigint NOT NULL);\n");
    writeFileSync(
      path.join(split, "V17__invoice_index.sql"),
      "CREATE INDEX invoices_order_idx ON public.invoices (order_id);\nALTER TABLE invoices ADD COLUMN paid boolean NOT NULL;\nCREATE INDEX orders_amount_idx ON orders (amount_cents);\n",
    );
    const only = new Set(["V16__invoices.sql", "V17__invoice_index.sql"].map((f) => path.join(split, f)));
    const r = await lintMigrations({ paths: [split], only });
    const errors = r.findings.filter((f) => f.severity === "error").map((f) => `${path.basename(f.file)}:${f.line} ${f.rule}`);
    expect(errors).toEqual(["V17__invoice_index.sql:3 require-concurrent-index-creation"]);
    expect(r.skipped.map((f) => `${path.basename(f.file)}:${f.line} ${f.rule}`)).toEqual([
      "V17__invoice_index.sql:1 require-concurrent-index-creation",
      "V17__invoice_index.sql:2 adding-required-field",
    ]);
    expect(renderFindings(r, { explain: true })).toMatch(/V17__invoice_index\.sql:1:1: skipped require-concurrent-index-creation: table invoices is created in this change \(.*V16__invoices\.sql:1\)/);
    // The whole history is not one change: the same files linted in full report both.
    const full = await lintMigrations({ paths: [split] });
    expect(full.findings.filter((f) => f.file.endsWith("V17__invoice_index.sql") && f.severity === "error")).toHaveLength(3);
  });

  it("ignore comments silence exactly the rules they name", async () => {
    const d = path.join(work, "ignores");
    cpSync(history, d, { recursive: true });
    writeFileSync(
      path.join(d, "V16__ignored.sql"),
      [
        "-- dbtk:lint-ignore adding-required-field",
        "ALTER TABLE orders ADD COLUMN a bigint NOT NULL;",
        "ALTER TABLE orders ADD COLUMN b bigint NOT NULL; -- dbtk:lint-ignore ban-drop-column",
        "-- squawk-ignore adding-required-field",
        "ALTER TABLE orders ADD COLUMN c bigint NOT NULL;",
        "ALTER TABLE orders ADD COLUMN d bigint NOT NULL; -- dbtk:lint-ignore adding-required-field, renaming-column",
        "ALTER TABLE orders ADD COLUMN e bigint NOT NULL;",
        "",
      ].join("\n"),
    );
    const r = await lintMigrations({ paths: [path.join(d, "V16__ignored.sql")] });
    // b: the comment names another rule; e: a trailing comment covers only its own statement.
    expect(r.findings.filter((f) => f.rule === "adding-required-field").map((f) => f.line)).toEqual([3, 7]);
    expect(r.skipped.map((f) => `${f.line} ${f.rule}`)).toEqual(["2 adding-required-field", "6 adding-required-field"]);
  });

  it("a baseline accepts the recorded findings by statement, not line, and only new ones fail", async () => {
    const d = path.join(work, "baselined");
    cpSync(history, d, { recursive: true });
    const baseline = path.join(work, "lint-baseline.json");
    const write = await dbtk(["lint", d, "--write-baseline", baseline]);
    expect(write.code).toBe(0);
    const recorded = JSON.parse(readFileSync(baseline, "utf8")) as { findings: Array<{ file: string; rule: string }> };
    expect(recorded.findings.length).toBeGreaterThan(20);
    expect(recorded.findings[0]!.file).toMatch(/^baselined\/V/);
    expect((await dbtk(["lint", d, "--baseline", baseline])).code).toBe(0);
    // Lines move (a comment on top), a new statement arrives: only it is reported.
    const v11 = path.join(d, "V11__2023_09_product_stock.sql");
    writeFileSync(v11, `-- stock is counted by the warehouse job\n\n${readFileSync(v11, "utf8")}ALTER TABLE users ADD COLUMN tier int NOT NULL;\n`);
    const after = await dbtk(["lint", d, "--baseline", baseline, "--json"]);
    expect(after.code).toBe(1);
    expect(errorsOf(after.stdout)).toEqual(["V11__2023_09_product_stock.sql:4 adding-required-field"]);
  });

  it("prints GitHub annotations when GITHUB_ACTIONS=true", async () => {
    const r = await dbtk(["lint", dir, "--since", "main"], { GITHUB_ACTIONS: "true" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=.*V16__2026_11_coupons\.sql,line=7,col=\d+,title=adding-required-field \(dbtk lint\)::/m);
    expect((await dbtk(["lint", dir, "--since", "main", "--format", "github"])).stdout).toContain("::error file=");
    // The CI recipes write SARIF to a file: in a GitHub job the annotations still reach the log.
    const sarif = path.join(work, "lint.sarif");
    const both = await dbtk(["lint", dir, "--since", "main", "--sarif", "-o", sarif], { GITHUB_ACTIONS: "true" });
    expect(both.stdout).toMatch(/^::error file=.*line=7,/m);
    expect((JSON.parse(readFileSync(sarif, "utf8")) as { version: string }).version).toBe("2.1.0");
  });
});

describe("dbtk lint --pending", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer("postgres", "lint");
  }, 120_000);
  afterAll(async () => srv?.stop());

  it("lints only what the database has not applied: the same as --since", async () => {
    const target = await srv.database();
    await migrate({ target, dir, targetVersion: "15" });
    const pending = await dbtk(["lint", dir, "--pending", "--json"], { DATABASE_URL: databaseUrl(target) });
    expect(pending.stderr).toBe("");
    const since = await dbtk(["lint", dir, "--since", "main", "--json"]);
    expect(errorsOf(pending.stdout)).toEqual(["V16__2026_11_coupons.sql:7 adding-required-field"]);
    expect(JSON.parse(pending.stdout).findings).toEqual(JSON.parse(since.stdout).findings);
    expect((await dbtk(["lint", dir, "--pending"])).stderr).toContain("--pending needs a database");
  }, 120_000);
});
