// `dbtk check` through the real CLI: exit codes, JSON, and the readable drift diff.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../migrations/index.ts";
import { databaseUrl, type DbTarget } from "../../../core/connection.ts";
import { createScratchDatabase, dropScratchDatabase } from "../../../migrations/check/scratch.ts";
import { withDb } from "../../../migrations/schema/db.ts";
import { dbtk, examples, testPostgres } from "../adapters/support.ts";

let pg: DbTarget;
let live: DbTarget;
let env: Record<string, string>;
const dir = path.join(examples, "flyway");

beforeAll(async () => {
  pg = await testPostgres();
  live = await createScratchDatabase(pg, "dbtk_cli_live");
  env = { DBTK_TEST_SERVER: databaseUrl(pg), LIVE_DB: databaseUrl(live) };
});

afterAll(async () => {
  await dropScratchDatabase(pg, live.database);
});

describe("dbtk check", () => {
  it("passes the round trip for the sample project (exit 0, JSON)", async () => {
    // --migrations is the documented spelling; the drift cases below keep the older --dir alias working.
    const res = await dbtk(["check", "--migrations", dir, "--server-url-env", "DBTK_TEST_SERVER", "--json"], env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      ok: true,
      undo: { done: true, description: "undo V3..V1 with their U files" },
      reapply: { added: [], missing: [], changed: [] },
      afterUndo: { added: [], missing: [], changed: [] },
    });
    expect(res.stderr).toContain("[check] apply all again");
  });

  it("exits 0 without drift and 1 with drift, printing the diff", async () => {
    await migrate({ target: live, dir });
    const clean = await dbtk(["check", "--drift", "--dir", dir, "--url-env", "LIVE_DB", "--server-url-env", "DBTK_TEST_SERVER"], env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`no drift: ${live.database} matches its migrations (at 3)`);

    await withDb(live, (c) => c.query("CREATE INDEX customers_created_idx ON customers (created_at)"));
    const drifted = await dbtk(["check", "--drift", "--dir", dir, "--url-env", "LIVE_DB", "--server-url-env", "DBTK_TEST_SERVER"], env);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(`--- migrations\n+++ live ${live.database}\n1 added, 0 missing, 0 changed`);
    expect(drifted.stdout).toContain("@@ added index public.customers_created_idx");
    expect(drifted.stdout + drifted.stderr).not.toContain(live.password);

    const json = await dbtk(["check", "--drift", "--json", "--dir", dir, "--url-env", "LIVE_DB", "--server-url-env", "DBTK_TEST_SERVER"], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ drift: true, appliedPosition: "3", added: ["index public.customers_created_idx"], missing: [], changed: [] });
  });

  it("refuses --migrations and --dir together", async () => {
    const res = await dbtk(["check", "--migrations", dir, "--dir", dir, "--server-url-env", "DBTK_TEST_SERVER"], env);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/option '--dir <dir>' cannot be used with option '--migrations <dir>'/);
  });

  it("reports a missing server variable by name, exit 2", async () => {
    const res = await dbtk(["check", "--dir", dir, "--server-url-env", "NOT_SET_ANYWHERE"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("$NOT_SET_ANYWHERE (--server-url-env) is not set");
  });
});
