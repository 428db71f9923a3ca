// The CI checks on real servers with the built-in runner and real tools: a clean project passes, an
// undo that leaves things behind fails with a diff naming them, and drift is found object by object.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../migrations/index.ts";
import { checkDrift, checkRoundTrip, createScratchDatabase, dropScratchDatabase, runnerApplier, toolApplier } from "../../../migrations/check/index.ts";
import type { DbTarget } from "../../../core/connection.ts";
import { withDb } from "../../../migrations/schema/db.ts";
import { diffSummary, renderDiff } from "../../../migrations/schema/index.ts";
import { examples, testMariadb, testPostgres } from "../adapters/support.ts";

let pg: DbTarget;
const work = mkdtempSync(path.join(tmpdir(), "dbtk-check-test-"));
const live: Array<[DbTarget, string]> = [];

/** A copy of the Flyway sample with extra files (name → SQL), or files removed (name → null). */
function project(name: string, files: Record<string, string | null>): string {
  const dir = path.join(work, name);
  cpSync(path.join(examples, "flyway"), dir, { recursive: true });
  for (const [f, sql] of Object.entries(files)) {
    if (sql === null) rmSync(path.join(dir, f));
    else writeFileSync(path.join(dir, f), sql);
  }
  return dir;
}

async function liveDb(server: DbTarget): Promise<DbTarget> {
  const db = await createScratchDatabase(server, "dbtk_live");
  live.push([server, db.database]);
  return db;
}

async function databases(server: DbTarget): Promise<string[]> {
  return withDb(server, async (c) =>
    (server.engine === "postgres"
      ? await c.query<{ n: string }>("SELECT datname AS n FROM pg_database WHERE datname LIKE 'dbtk_check_%'")
      : await c.query<{ n: string }>("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbtk_check_%'")
    ).map((r) => r.n),
  );
}

beforeAll(async () => {
  pg = await testPostgres();
});

afterAll(async () => {
  for (const [server, name] of live) await dropScratchDatabase(server, name);
  rmSync(work, { recursive: true, force: true });
});

describe("apply / undo / re-apply", () => {
  it("a misnamed file is skipped with one warning naming it, as Flyway does; with validateMigrationNaming the check fails", async () => {
    const dir = project("misnamed", { "v4_typo.sql": "CREATE TABLE typo (id int);" });
    const warnings: string[] = [];
    const r = await checkRoundTrip({ applier: runnerApplier({ dir, onWarning: (w) => warnings.push(w) }), server: pg, onProgress: () => undefined });
    expect(r.ok).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/v4_typo\.sql: skipped, its name fits no migration pattern/);
    await expect(
      checkRoundTrip({ applier: runnerApplier({ dir, validateMigrationNaming: true }), server: pg, onProgress: () => undefined }),
    ).rejects.toThrow(/v4_typo\.sql: file name does not fit a migration pattern/);
    expect(await databases(pg)).toEqual([]);
  });

  it("passes for the sample project with the built-in runner, and drops its scratch databases", async () => {
    const lines: string[] = [];
    const r = await checkRoundTrip({ applier: runnerApplier({ dir: path.join(examples, "flyway") }), server: pg, onProgress: (l) => lines.push(l) });
    expect(r.ok).toBe(true);
    expect(r.undo).toEqual({ done: true, description: "undo V3..V1 with their U files" });
    expect(diffSummary(r.reapplyDiff)).toEqual({ added: [], missing: [], changed: [] });
    expect(diffSummary(r.undoDiff!)).toEqual({ added: [], missing: [], changed: [] });
    expect(Object.keys(r.schema.objects)).toContain("view public.customer_order_counts");
    expect(lines.some((l) => l.startsWith("apply all again"))).toBe(true);
    // The scratch database the progress named existed during the run and is gone now.
    const scratch = /on scratch database (\S+)/.exec(lines[0] ?? "")?.[1];
    expect(scratch).toMatch(/^dbtk_check_[0-9a-f]{10}$/);
    expect(await databases(pg)).not.toContain(scratch);
  });

  it("fails when an undo leaves an object behind and the re-apply then differs", async () => {
    const dir = project("leaky", {
      "V4__invoice_numbers.sql": "CREATE SEQUENCE IF NOT EXISTS invoice_numbers START 100;\n",
      // The undo "forgets" to drop the sequence and changes it instead.
      "U4__invoice_numbers.sql": "ALTER SEQUENCE invoice_numbers INCREMENT BY 5;\n",
    });
    const r = await checkRoundTrip({ applier: runnerApplier({ dir }), server: pg });
    expect(r.ok).toBe(false);
    expect(diffSummary(r.undoDiff!)).toEqual({ added: ["sequence public.invoice_numbers"], missing: [], changed: [] });
    expect(diffSummary(r.reapplyDiff)).toEqual({ added: [], missing: [], changed: ["sequence public.invoice_numbers"] });
    expect(renderDiff(r.reapplyDiff)).toContain('- increment: "1"\n+ increment: "5"');
  });

  it("undoes only the newest versions that have U files, and compares with a fresh database at that version", async () => {
    const dir = project("partial", { "U1__create_customers.sql": null });
    const r = await checkRoundTrip({ applier: runnerApplier({ dir }), server: pg });
    expect(r.undo).toEqual({ done: true, description: "undo V3..V2 with their U files (V1 has none: stays applied)" });
    expect(r.ok).toBe(true);
  });

  it("skips the undo when the newest version has no U file", async () => {
    const dir = project("no-undo", { "V4__note.sql": "ALTER TABLE customers ADD COLUMN note text;\n" });
    const r = await checkRoundTrip({ applier: runnerApplier({ dir }), server: pg });
    expect(r.undo).toEqual({ done: false, reason: "no U file for the newest version 4" });
    expect(r.ok).toBe(true);
  });

  it("runs through a tool adapter (Alembic downgrade base)", async () => {
    const r = await checkRoundTrip({ applier: toolApplier("alembic", path.join(examples, "alembic")), server: pg });
    expect(r.undo).toEqual({ done: true, description: "alembic: revert every migration" });
    expect(r.ok).toBe(true);
    expect(Object.keys(r.schema.objects)).toContain("constraint public.orders.orders_total_check");
  });

  it("runs on MariaDB with dbmate", async () => {
    const r = await checkRoundTrip({ applier: toolApplier("dbmate", path.join(examples, "dbmate")), server: await testMariadb() });
    expect(r.ok).toBe(true);
    expect(Object.keys(r.schema.objects)).toContain("table orders");
  });
});

describe("drift", () => {
  it("finds no drift on a database migrated by the runner, even part way", async () => {
    const dir = path.join(examples, "flyway");
    const db = await liveDb(pg);
    await migrate({ target: db, dir, targetVersion: "2" });
    const r = await checkDrift({ applier: runnerApplier({ dir }), live: db, server: pg });
    expect(r.appliedPosition).toBe("2");
    expect(r.drift).toBe(false);
  });

  it("reports objects added, missing and changed by hand", async () => {
    const dir = path.join(examples, "flyway");
    const db = await liveDb(pg);
    await migrate({ target: db, dir });
    await withDb(db, async (c) => {
      await c.query("CREATE INDEX customers_created_idx ON customers (created_at)");
      await c.query("DROP VIEW customer_order_counts");
      await c.query("ALTER TABLE customers ALTER COLUMN name TYPE varchar(200)");
    });
    const r = await checkDrift({ applier: runnerApplier({ dir }), live: db, server: pg });
    expect(r.drift).toBe(true);
    expect(diffSummary(r.diff)).toEqual({
      added: ["index public.customers_created_idx"],
      missing: ["view public.customer_order_counts"],
      changed: ["column public.customers.name"],
    });
    expect(renderDiff(r.diff)).toContain("- type: character varying(100)\n+ type: character varying(200)");
  });

  it("works through a tool adapter (dbmate) at the live database's version", async () => {
    const project2 = path.join(examples, "dbmate");
    const db = await liveDb(pg);
    const applier = toolApplier("dbmate", project2);
    await applier.migrate(db, "20240101000002");
    const clean = await checkDrift({ applier, live: db, server: pg });
    expect(clean).toMatchObject({ drift: false, appliedPosition: "20240101000002" });
    await withDb(db, (c) => c.query("ALTER TABLE orders DROP CONSTRAINT orders_total_check"));
    const r = await checkDrift({ applier, live: db, server: pg });
    expect(diffSummary(r.diff)).toEqual({ added: [], missing: ["constraint public.orders.orders_total_check"], changed: [] });
  });
});
