// Several transactional migrations per round trip on PostgreSQL (pg-batch.ts): each still its own
// transaction with its own history row; a failure in the middle of a batch leaves those before it applied
// and recorded, names the failing one with the server's error and line, and runs nothing after it; a
// migration that cannot run in a transaction splits the batch and runs alone.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flywayChecksum, migrate, MigrationError, type ProgressEvent } from "../../../migrations/index.ts";
import { BATCH_LIMITS } from "../../../migrations/runner/executor.ts";
import { history, query, startServer, writeMigrations, type TestServer } from "./helpers.ts";

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer("postgres", "batch");
});
afterAll(async () => {
  await srv?.stop();
});
const dir = (name: string) => path.join(srv.root, "migrations", name);

/** V1…Vn, each creating table t<i>; `override` replaces some files' SQL. */
function files(n: number, override: Record<number, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= n; i++) out[`V${i}__step_${i}.sql`] = override[i] ?? `CREATE TABLE t${i} (id int primary key);\nINSERT INTO t${i} VALUES (${i});\n`;
  return out;
}

async function run(name: string, fs: Record<string, string>) {
  const target = await srv.database();
  const events: ProgressEvent[] = [];
  let error: MigrationError | undefined;
  try {
    await migrate({ target, dir: writeMigrations(dir(name), fs), onProgress: (e) => events.push(e) });
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError);
    error = err as MigrationError;
  }
  const tables = (await query<{ t: string }>(target, "SELECT relname::text AS t FROM pg_class WHERE relname ~ '^t[0-9]+$' AND relkind = 'r'")).map((r) => r.t);
  return { target, events, error, tables: new Set(tables) };
}

/** The progress as "apply 3", "applied 3", "failed 4" (versions). */
const steps = (events: ProgressEvent[]) =>
  events.flatMap((e) => ("migration" in e ? [`${e.type} ${e.migration.version}`] : []));

const expectedSteps = (applied: number[], last?: string) => [...applied.flatMap((v) => [`apply ${v}`, `applied ${v}`]), ...(last ? [`apply ${last}`, `failed ${last}`] : [])];

describe("batched migrations on PostgreSQL", () => {
  it(`applies more than one batch (${BATCH_LIMITS.migrations + 30} files): every row in order with its checksum; progress one migration at a time`, async () => {
    const n = BATCH_LIMITS.migrations + 30;
    // Each file logs its transaction id and statement_timestamp() (when the server received the query).
    const logged = "INSERT INTO log SELECT txid_current(), statement_timestamp();\n";
    const fs = files(n, { 1: `CREATE TABLE log (tx bigint, received timestamptz);\n${logged}` });
    for (let i = 2; i <= n; i++) fs[`V${i}__step_${i}.sql`] += logged;
    fs["V2__step_2.sql"] += "SELECT pg_sleep(1);\n";
    const r = await run("many", fs);
    expect(r.error).toBeUndefined();
    const rows = await history(r.target);
    expect(rows.map((x) => [x.installed_rank, x.version, x.success, x.checksum])).toEqual(
      Array.from({ length: n }, (_, i) => [i + 1, String(i + 1), true, flywayChecksum(fs[`V${i + 1}__step_${i + 1}.sql`]!)]),
    );
    expect(steps(r.events)).toEqual(expectedSteps(Array.from({ length: n }, (_, i) => i + 1)));
    const log = await query<{ txs: number; trips: number }>(r.target, "SELECT count(DISTINCT tx)::int AS txs, count(DISTINCT received)::int AS trips FROM log");
    // One transaction per migration, one query per batch.
    expect(log).toEqual([{ txs: n, trips: 2 }]);
    // Each row's execution_time is its own migration's, not the time since the batch's query arrived.
    const times = (await query<{ ms: number }>(r.target, "SELECT execution_time AS ms FROM flyway_schema_history ORDER BY installed_rank")).map((t) => t.ms);
    expect(times[1]).toBeGreaterThanOrEqual(1000);
    expect(times.filter((ms) => ms >= 1000)).toHaveLength(1);
    // The progress says the times the history holds.
    const reported = r.events.flatMap((e) => (e.type === "applied" ? [e.executionMs] : []));
    expect(reported).toEqual(times);
  });

  it("progress arrives while a slow migration in the middle of a batch runs, not when its batch ends — also after a migration raised client_min_messages (pg_dump's files do)", async () => {
    const n = BATCH_LIMITS.migrations + 5;
    const slow = BATCH_LIMITS.migrations + 3;
    const arrived = new Map<string, number>();
    const fs = files(n, { 1: "SET client_min_messages = warning;\nCREATE TABLE t1 (id int primary key);\n", [slow]: `CREATE TABLE t${slow} (id int);\nSELECT pg_sleep(2.5);\n` });
    const target = await srv.database();
    await migrate({ target, dir: writeMigrations(dir("arrival"), fs), onProgress: (e) => "migration" in e && arrived.set(`${e.type} ${e.migration.version}`, performance.now()) });
    // The one before the slow one was reported while the slow one still ran, in the second batch and in the first.
    expect(arrived.get(`applied ${slow}`)! - arrived.get(`applied ${slow - 1}`)!).toBeGreaterThanOrEqual(1200);
    expect(arrived.get(`apply ${slow}`)! - arrived.get(`applied ${slow - 1}`)!).toBeLessThan(300);
    expect(await history(target)).toHaveLength(n);
  });

  it("a database whose event trigger forbids DROP TABLE (and so every DDL-based flush) takes batches as usual", async () => {
    const target = await srv.database();
    await query(target, "CREATE FUNCTION no_drops() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'drops are not allowed here'; END $$");
    await query(target, "CREATE EVENT TRIGGER no_drops ON ddl_command_start WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION no_drops()");
    const r = await migrate({ target, dir: writeMigrations(dir("no-drops"), files(5)) });
    expect(r.applied).toHaveLength(5);
    expect(await history(target)).toHaveLength(5);
  });

  it("a migration with its own COMMIT and BEGIN runs alone between two batches; every migration applied and recorded", async () => {
    const r = await run("own-commit", files(5, { 3: "CREATE TABLE t3 (id int primary key);\nCOMMIT;\nBEGIN;\nINSERT INTO t3 VALUES (3);\n" }));
    expect(r.error).toBeUndefined();
    expect((await history(r.target)).map((x) => [x.version, x.success])).toEqual([1, 2, 3, 4, 5].map((v) => [String(v), true]));
    expect(r.tables).toEqual(new Set(["t1", "t2", "t3", "t4", "t5"]));
    expect(await query(r.target, "SELECT count(*)::int AS n FROM t3")).toEqual([{ n: 1 }]);
  });


  it("the batch's history INSERT is a prepared statement: a file that drops every prepared statement (DEALLOCATE ALL) and one with prepared statements of its own both apply and are recorded", async () => {
    const own = "CREATE TABLE t3 (id int primary key);\nPREPARE ins(int) AS INSERT INTO t3 VALUES ($1);\nEXECUTE ins(3);\nDEALLOCATE ins;\n";
    const r = await run("deallocate", files(6, { 3: own, 4: "CREATE TABLE t4 (id int primary key);\nDEALLOCATE ALL;\n" }));
    expect(r.error).toBeUndefined();
    const rows = await query<{ v: string; ok: boolean; type: string; by: string; ms: number }>(
      r.target,
      "SELECT version AS v, success AS ok, type, installed_by AS by, execution_time AS ms FROM flyway_schema_history ORDER BY installed_rank",
    );
    expect(rows.map((x) => [x.v, x.ok, x.type, x.by])).toEqual([1, 2, 3, 4, 5, 6].map((v) => [String(v), true, "SQL", r.target.user]));
    expect(rows.every((x) => x.ms >= 0 && x.ms < 60_000)).toBe(true);
    expect(await query(r.target, "SELECT count(*)::int AS n FROM t3")).toEqual([{ n: 1 }]);
  });
  it("a file with its own COMMIT that fails after it is still the one named, with its line", async () => {
    const v3 = "CREATE TABLE t3 (id int primary key);\nCOMMIT;\nBEGIN;\nINSERT INTO t3 VALUES (1);\nINSERT INTO t3 VALUES (1);\n";
    const r = await run("own-commit-fails", files(4, { 3: v3 }));
    expect(r.error?.script).toBe("V3__step_3.sql");
    expect(r.error?.line).toBe(5);
    expect(r.error?.serverMessage).toMatch(/duplicate key value/);
    expect((await history(r.target)).map((x) => x.version)).toEqual(["1", "2"]);
  });

  it("a failure at COMMIT (a deferred constraint) in the middle of a batch: that migration is named and rolled back, earlier ones stay, later ones never run", async () => {
    const v3 = "CREATE TABLE p3 (id int primary key);\nCREATE TABLE t3 (id int primary key, p int REFERENCES p3 DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO t3 VALUES (1, 42);\n";
    const r = await run("deferred", files(5, { 3: v3 }));
    expect(r.error?.script).toBe("V3__step_3.sql");
    expect(r.error?.serverMessage).toMatch(/violates foreign key constraint/);
    expect(r.error?.message).toMatch(/rolled back/);
    expect((await history(r.target)).map((x) => x.version)).toEqual(["1", "2"]);
    expect(r.tables).toEqual(new Set(["t1", "t2"]));
    expect(steps(r.events)).toEqual(expectedSteps([1, 2], "3"));
  });

  it("a runtime error in the middle of a batch: earlier ones applied and recorded, the failing one named with its line, later ones not applied", async () => {
    const r = await run("runtime", files(6, { 4: "CREATE TABLE t4 (id int primary key);\nINSERT INTO t4 VALUES (1);\n\nINSERT INTO t4 VALUES (1);\n" }));
    expect(r.error?.code).toBe("MIGRATION_FAILED");
    expect(r.error?.script).toBe("V4__step_4.sql");
    expect(r.error?.line).toBe(4);
    expect(r.error?.serverMessage).toMatch(/duplicate key value/);
    expect(r.error?.message).toMatch(/rolled back/);
    expect((await history(r.target)).map((x) => x.version)).toEqual(["1", "2", "3"]);
    expect(r.tables).toEqual(new Set(["t1", "t2", "t3"]));
    expect(steps(r.events)).toEqual(expectedSteps([1, 2, 3], "4"));
  });

  it("an error with a position in a later file of the batch points into that file", async () => {
    const r = await run("position", files(5, { 3: "CREATE TABLE t3 (id int);\nSELECT nope FROM t3;\n" }));
    expect(r.error?.script).toBe("V3__step_3.sql");
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toMatch(/^V3__step_3\.sql:2: column "nope" does not exist/);
    expect((await history(r.target)).map((x) => x.version)).toEqual(["1", "2"]);
    expect(r.tables).toEqual(new Set(["t1", "t2"]));
  });

  it("a syntax error in the middle of a batch (the server parses the whole batch first): earlier ones still applied, later ones not", async () => {
    const r = await run("syntax", files(6, { 5: "CREATE TABLE t5 (id int);\n\nSELEC 1;\n" }));
    expect(r.error?.script).toBe("V5__step_5.sql");
    expect(r.error?.line).toBe(3);
    expect(r.error?.message).toMatch(/syntax error at or near "SELEC"/);
    expect((await history(r.target)).map((x) => x.version)).toEqual(["1", "2", "3", "4"]);
    expect(r.tables).toEqual(new Set(["t1", "t2", "t3", "t4"]));
    expect(steps(r.events)).toEqual(expectedSteps([1, 2, 3, 4], "5"));
  });

  it("a migration that cannot run in a transaction, in the middle: it runs alone, the batch resumes after it", async () => {
    const r = await run(
      "cic",
      files(6, { 3: "CREATE TABLE t3 (id int, v text);\n", 4: "CREATE INDEX CONCURRENTLY t3_v ON t3 (v);\n", 5: "-- dbtk:no-transaction\nCREATE TABLE t5 (id int);\n" }),
    );
    expect(r.error).toBeUndefined();
    const plan = r.events.find((e) => e.type === "plan");
    expect(plan?.type === "plan" && plan.pending.map((p) => p.transactional)).toEqual([true, true, true, false, false, true]);
    expect((await history(r.target)).map((x) => [x.installed_rank, x.version, x.success])).toEqual(
      [1, 2, 3, 4, 5, 6].map((v) => [v, String(v), true]),
    );
    expect(await query(r.target, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't3_v'::regclass")).toEqual([{ indisvalid: true }]);
    expect(steps(r.events)).toEqual(expectedSteps([1, 2, 3, 4, 5, 6]));
  });

  it("a failure after a non-transactional one, in the next batch: everything before it stays, nothing after runs", async () => {
    const r = await run("cic-fail", files(6, { 2: "CREATE TABLE t2 (v text);\n", 3: "CREATE INDEX CONCURRENTLY t2_v ON t2 (v);\n", 5: "INSERT INTO missing VALUES (1);\n" }));
    expect(r.error?.script).toBe("V5__step_5.sql");
    expect(r.error?.line).toBe(1);
    expect((await history(r.target)).map((x) => x.version)).toEqual(["1", "2", "3", "4"]);
    expect(r.tables).toEqual(new Set(["t1", "t2", "t4"]));
  });
});
