// Each adapter runs the real tool on the sample project against a real server; the test then reads
// the catalogs and the tool's own history table.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { getTool, MigrationToolError, type ToolName } from "../../../migrations/adapters/index.ts";
import { createScratchDatabase, dropScratchDatabase } from "../../../migrations/check/scratch.ts";
import { withDb } from "../../../migrations/schema/db.ts";
import { examples, testMariadb, testPostgres, watchCommandLines } from "./support.ts";

let pg: DbTarget;
const created: Array<[DbTarget, string]> = [];

async function scratch(server: DbTarget): Promise<DbTarget> {
  const db = await createScratchDatabase(server, "dbtk_adapter");
  created.push([server, db.database]);
  return db;
}

async function relations(db: DbTarget): Promise<string[]> {
  return withDb(db, async (c) => {
    const rows =
      db.engine === "postgres"
        ? await c.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")
        : await c.query<{ name: string }>("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
    return rows.map((r) => String(r.name)).sort();
  });
}

async function count(db: DbTarget, sql: string): Promise<number> {
  return withDb(db, async (c) => Number((await c.query<{ n: unknown }>(sql))[0]?.n));
}

const SAMPLE = ["customer_order_counts", "customers", "orders"];

// What the tool's real process (after wrappers exec) shows on its command line.
const PROCESS: Record<string, RegExp> = {
  flyway: /^java .*flyway/i,
  liquibase: /^java .*liquibase/i,
  alembic: /bin\/alembic -c /,
  dbmate: /bin\/dbmate --migrations-dir /,
};

const cases: Array<{ tool: ToolName; history: string; historyCount: string; applied: string; undo: boolean }> = [
  { tool: "flyway", history: "flyway_schema_history", historyCount: "SELECT COUNT(*) AS n FROM flyway_schema_history WHERE success", applied: "3", undo: false },
  { tool: "liquibase", history: "databasechangelog", historyCount: "SELECT COUNT(*) AS n FROM databasechangelog", applied: "3", undo: true },
  { tool: "alembic", history: "alembic_version", historyCount: "SELECT COUNT(*) AS n FROM alembic_version WHERE version_num = '0003'", applied: "0003", undo: true },
  { tool: "dbmate", history: "schema_migrations", historyCount: "SELECT COUNT(*) AS n FROM schema_migrations", applied: "20240101000003", undo: true },
];

beforeAll(async () => {
  pg = await testPostgres();
});

afterAll(async () => {
  for (const [server, name] of created) await dropScratchDatabase(server, name);
});

describe.each(cases)("$tool on PostgreSQL", (c) => {
  it("applies the sample project, records it in its history table, and keeps the password off argv", async () => {
    const db = await scratch(pg);
    const tool = getTool(c.tool);
    const watch = watchCommandLines();
    let spawned: string[] = [];
    let direct = "";
    const result = await tool
      .migrate(db, path.join(examples, c.tool), {
        onSpawn: (pid, argv) => {
          spawned = argv;
          // The spawned process itself, read at once (short-lived tools may finish between samples).
          direct = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
        },
      })
      .finally(() => watch.stop());
    const cmdlines = [...(await watch.stop()), direct];

    expect(await relations(db)).toEqual([...SAMPLE, ...(c.tool === "liquibase" ? ["databasechangelog", "databasechangeloglock"] : [c.history])].sort());
    expect(await count(db, c.historyCount)).toBe(c.tool === "alembic" ? 1 : 3);
    expect(await tool.applied?.(db, path.join(examples, c.tool))).toBe(c.applied);

    // The password is in neither the argv we ran, nor any process's command line, nor the output.
    expect(spawned.length).toBeGreaterThan(0);
    expect(result.command).toEqual(spawned);
    expect(spawned.join(" ")).not.toContain(db.password);
    const ours = cmdlines.filter((l) => PROCESS[c.tool]!.test(l));
    expect(ours.length).toBeGreaterThan(0);
    for (const line of cmdlines) expect(line).not.toContain(db.password);
    expect(result.output).not.toContain(db.password);
  });

});

describe.each(cases.filter((c) => c.undo))("$tool undo on PostgreSQL", (c) => {
  it("reverts everything with undoAll", async () => {
    const db = await scratch(pg);
    const tool = getTool(c.tool);
    await tool.migrate(db, path.join(examples, c.tool));
    await tool.undoAll!(db, path.join(examples, c.tool));
    const left = await relations(db);
    for (const t of SAMPLE) expect(left).not.toContain(t);
    expect(await tool.applied?.(db, path.join(examples, c.tool))).toBeUndefined();
  });
});

describe("migrating up to a position", () => {
  it.each(["flyway", "dbmate", "alembic", "liquibase"] as const)("%s stops at the position applied() reported", async (name) => {
    const tool = getTool(name);
    const full = await scratch(pg);
    const project = path.join(examples, name);
    const partial = await scratch(pg);
    const second = { flyway: "2", dbmate: "20240101000002", alembic: "0002", liquibase: "2" }[name];
    await tool.migrate(partial, project, { to: second });
    expect(await tool.applied?.(partial, project)).toBe(second);
    expect(await relations(partial)).not.toContain("customer_order_counts");
    expect(await relations(partial)).toContain("orders");
    await tool.migrate(full, project);
    expect(await relations(full)).toContain("customer_order_counts");
  });
});

describe("on MariaDB", () => {
  it.each(["dbmate", "flyway"] as const)("%s applies the sample project", async (name) => {
    const db = await scratch(await testMariadb());
    const tool = getTool(name);
    const result = await tool.migrate(db, path.join(examples, name));
    expect(await relations(db)).toEqual([...SAMPLE, tool.historyTables[0]!].sort());
    expect(await count(db, `SELECT COUNT(*) AS n FROM ${tool.historyTables[0]}`)).toBe(3);
    expect(result.output).not.toContain(db.password);
  });
});

describe("secrets in failures", () => {
  it("scrubs the password from a failing tool's output and error message", async () => {
    const db = await scratch(pg);
    const err = await getTool("command")
      .migrate(db, examples, { args: ["sh", "-c", 'echo "url=$DATABASE_URL pw=$PGPASSWORD" >&2; exit 3'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationToolError);
    const e = err as MigrationToolError;
    expect(e.result.exitCode).toBe(3);
    expect(e.message).toContain("exit code 3");
    expect(e.message).toContain("pw=****");
    expect(e.message).toContain(`postgres://${db.user}:****@`);
    expect(e.message).not.toContain(db.password);
    expect(e.result.output).not.toContain(db.password);
  });

  it("reports a failing real tool without the password (wrong login)", async () => {
    const db = await scratch(pg);
    const wrong = { ...db, password: `wrong-${db.password.slice(0, 8)}x` };
    const err = (await getTool("dbmate").migrate(wrong, path.join(examples, "dbmate")).catch((e: unknown) => e)) as MigrationToolError;
    expect(err).toBeInstanceOf(MigrationToolError);
    expect(err.message).toMatch(/password authentication failed/);
    expect(err.message).not.toContain(wrong.password);
  });

  it("refuses to put the password on the command line", async () => {
    const db = await scratch(pg);
    await expect(getTool("command").migrate(db, examples, { args: ["echo", `--password=${db.password}`] })).rejects.toThrow(/refusing to put the database password on the command line/);
  });

  it("gives a command-adapter child the connection in its environment", async () => {
    const db = await scratch(pg);
    const res = await getTool("command").migrate(db, examples, {
      args: ["node", "-e", "const u=new URL(process.env.DATABASE_URL);console.log(process.env.PGDATABASE, process.env.PGPASSWORD===decodeURIComponent(u.password))"],
    });
    expect(res.output).toBe(`${db.database} true`);
  });
});
