// `dbtk tool`: the real CLI runs a real tool with the URL from the environment.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, type DbTarget } from "../../../core/connection.ts";
import { createScratchDatabase, dropScratchDatabase } from "../../../migrations/check/scratch.ts";
import { withDb } from "../../../migrations/schema/db.ts";
import { dbtk, examples, testPostgres } from "./support.ts";

let pg: DbTarget;
let db: DbTarget;

beforeAll(async () => {
  pg = await testPostgres();
  db = await createScratchDatabase(pg, "dbtk_cli_tool");
});

afterAll(async () => {
  await dropScratchDatabase(pg, db.database);
});

const tables = () =>
  withDb(db, async (c) => (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.t));

describe("dbtk tool", () => {
  it("migrates, reports the position and undoes with dbmate", async () => {
    const env = { APP_DB: databaseUrl(db) };
    const project = path.join(examples, "dbmate");
    const up = await dbtk(["tool", "dbmate", "--project", project, "--url-env", "APP_DB"], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("Applied: 20240101000003_add_customer_name.sql");
    expect(await tables()).toEqual(["customers", "orders", "schema_migrations"]);
    const pos = await dbtk(["tool", "dbmate", "--project", project, "--url-env", "APP_DB", "--applied"], env);
    expect(pos.stdout.trim()).toBe("20240101000003");
    const down = await dbtk(["tool", "dbmate", "--project", project, "--url-env", "APP_DB", "--undo-all"], env);
    expect(down.code).toBe(0);
    expect(await tables()).toEqual(["schema_migrations"]);
  });

  it("fails with the password scrubbed when the command fails", async () => {
    const res = await dbtk(["tool", "command", "--project", examples, "--", "sh", "-c", 'echo "leak $PGPASSWORD"; exit 4'], { DATABASE_URL: databaseUrl(db) });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("exit code 4");
    expect(res.stderr).toContain("leak ****");
    expect(res.stderr + res.stdout).not.toContain(db.password);
  });

  it("names the variable to set when there is no URL: a usage error, exit 2", async () => {
    const res = await dbtk(["tool", "dbmate", "--project", examples]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("no database URL: set $DATABASE_URL");
  });

  it("rejects an unknown tool with the list of known ones, exit 2", async () => {
    const res = await dbtk(["tool", "sqitch", "--project", examples], { DATABASE_URL: databaseUrl(db) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown migration tool "sqitch": use one of flyway, liquibase, alembic, dbmate, command');
  });
});
