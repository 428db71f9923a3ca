// IntegreSQL's published clients against `dbtk serve`, driving the flow they drive against IntegreSQL:
// `@devoxa/integresql-client` (npm) and `integresql-client-python` (PyPI, installed by
// tools/install-integresql-client.sh, which the test command runs: never skipped).
import { IntegreSQLClient, IntegreSQLApiClientError } from "@devoxa/integresql-client";
import { execa } from "execa";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, resolveSource } from "../../../automation/driver/migrations.ts";
import { startPoolServer, type PoolServer } from "../../../automation/serve/index.ts";
import { cacheDir, dirsFromEnv } from "../../../core/servers/paths.ts";
import { pgAdmin, pgLeftovers, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("serve-clients");
const dirs = { serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache") };
const MIGRATIONS = "examples/sample-app/migrations";
const PYTHON = path.join(cacheDir(dirsFromEnv(process.env)), "bin", "integresql-python");
let srv: PoolServer;

async function tables(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ t: string }>("select tablename as t from pg_tables where schemaname = 'public' order by 1");
    return rows.map((r) => r.t);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  srv = await startPoolServer({ ...dirs, port: 0, poolSize: 2 });
});

afterAll(async () => {
  await srv?.close();
  const admin = await pgAdmin(sb);
  // Whatever the clients did, stopping the server leaves no test database or login behind.
  expect((await pgLeftovers(admin)).databases).toEqual([]);
  await admin.end();
  await sb.cleanup();
});

describe("dbtk serve with IntegreSQL's clients", () => {
  it("@devoxa/integresql-client: parallel workers initialize one template (migrated once), then each gets its own database", async () => {
    const source = resolveSource({ migrations: path.join(REPO, MIGRATIONS) });
    let migrations = 0;
    // As vitest/jest workers do: each process makes a client, hashes the migrations, initializes the template.
    const workers = Array.from({ length: 4 }, () => new IntegreSQLClient({ url: srv.url }));
    const hash = await workers[0]!.hashFiles([`${MIGRATIONS}/**/*`]);
    await Promise.all(
      workers.map((client) =>
        client.initializeTemplate(hash, async (config) => {
          migrations++;
          await applyMigrations(source, { engine: "postgres", host: config.host, port: config.port, user: config.username, password: config.password, database: config.database });
        }),
      ),
    );
    expect(migrations).toBe(1);
    const configs = await Promise.all(workers.map((client) => client.getTestDatabase(hash)));
    expect(new Set(configs.map((c) => c.database)).size).toBe(4);
    const url = workers[0]!.databaseConfigToConnectionUrl(configs[0]!);
    expect(await tables(url)).toEqual(["flyway_schema_history", "projects", "tasks", "users"]);

    // The low-level API: give one back (the deprecated DELETE the client sends), recreate another.
    const api = workers[0]!.api;
    const got = await api.getTestDatabase(hash);
    expect(got.database.templateHash).toBe(hash);
    expect(await api.reuseTestDatabase(hash, got.id)).toBeNull();
    expect(await api.recreateTestDatabase(hash, got.id)).toBeNull();
    // Errors reach the client as IntegreSQL's do: status and a JSON body naming the problem.
    const err = await api.getTestDatabase("never-initialized").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegreSQLApiClientError);
    expect((err as IntegreSQLApiClientError).responseStatus).toBe(404);
    expect(JSON.parse((err as IntegreSQLApiClientError).responseText).message).toMatch(/template never-initialized not found/);
    expect(await api.discardTemplate(hash)).toBeNull();
  });

  it("integresql-client-python: initialize, migrate, finalize, test databases; a second run reuses the template", async () => {
    const env = { ...process.env, INTEGRESQL_CLIENT_BASE_URL: `${srv.url}/api` };
    const script = path.join(REPO, "tests/automation/serve/fixtures/integresql_flow.py");
    const dir = path.join(REPO, MIGRATIONS);
    const first = JSON.parse((await execa(PYTHON, [script, dir], { env })).stdout) as {
      migrated: boolean;
      hash: string;
      databases: Array<{ id: number; name: string; users: number }>;
    };
    expect(first.migrated).toBe(true);
    expect(first.databases.map((d) => d.users)).toEqual([1, 0]);
    expect(first.databases[0]!.name).not.toBe(first.databases[1]!.name);
    const second = JSON.parse((await execa(PYTHON, [script, dir], { env })).stdout) as typeof first;
    expect(second.migrated).toBe(false);
    expect(second.hash).toBe(first.hash);
    // The database given back unmodified by the first run may be handed out again; the one written to never.
    expect(second.databases.map((d) => d.name)).not.toContain(first.databases[0]!.name);
    expect(srv.status().templates.find((t) => t.hash === first.hash)).toMatchObject({ state: "ready", handedOut: 4 });
  });
});
