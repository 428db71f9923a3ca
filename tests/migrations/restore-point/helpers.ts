// Shared steps of the restore-point tests: the state compared before and after (catalog snapshot, rows,
// history), and a migrations folder whose second migration fails half-way after a non-transactional step.
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { migrate } from "../../../migrations/index.ts";
import { snapshotSchema, snapshotToJson } from "../../../migrations/schema/index.ts";
import { query, startServer, writeMigrations, type TestServer } from "../runner/helpers.ts";

export interface State {
  schema: string;
  rows: unknown[];
  history: unknown[];
}

/** The catalog (migrations/schema), every row of `items`, and the history table, as plain values. */
export async function state(t: DbTarget): Promise<State> {
  const history = await query(t, "SELECT installed_rank, version, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank").catch(() => []);
  return {
    schema: snapshotToJson(await snapshotSchema(t)),
    rows: await query(t, "SELECT * FROM items ORDER BY id"),
    history: history.map((r) => ({ ...r, success: Boolean(r.success) })),
  };
}

export const V1 = {
  postgres: "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);\nINSERT INTO items VALUES (1, 'one'), (2, 'two');\nCREATE VIEW item_names AS SELECT name FROM items;",
  mysql:
    "CREATE TABLE items (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50) NOT NULL, up VARCHAR(50) AS (UPPER(name)) VIRTUAL);\n" +
    "CREATE TABLE tags (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES items(id));\n" +
    "INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two');\nINSERT INTO tags VALUES (10, 1);\n" +
    "CREATE VIEW item_names AS SELECT name FROM items;\n" +
    "CREATE TRIGGER items_bi BEFORE INSERT ON items FOR EACH ROW SET NEW.name = TRIM(NEW.name);\n" +
    "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;",
};

/** Non-transactional first (CREATE INDEX CONCURRENTLY; MariaDB DDL), then a row, then a failing statement. */
export const V2_FAILING = {
  postgres: "CREATE INDEX CONCURRENTLY items_name ON items (name);\nINSERT INTO items VALUES (3, 'three');\nINSERT INTO items VALUES (4, NULL);",
  mysql: "ALTER TABLE items ADD COLUMN extra INT;\nINSERT INTO items (id, name) VALUES (3, 'three');\nINSERT INTO items (id, name) VALUES (4, NULL);",
};

/**
 * A server for the enclosing describe (started in beforeAll, stopped in afterAll), migration folders on
 * it, and `atV1()`: a fresh database at V1 with the folder whose V2 fails half-way.
 */
export function serverForSuite(engine: DbTarget["engine"], prefix: string) {
  let srv: TestServer | undefined;
  beforeAll(async () => {
    srv = await startServer(engine, prefix);
  });
  afterAll(async () => {
    await srv?.stop();
  });
  let n = 0;
  const server = (): TestServer => srv as TestServer;
  const dir = (files: Record<string, string>) => writeMigrations(path.join(server().root, "migrations", String(++n)), files);
  const atV1 = async (): Promise<{ t: DbTarget; d: string }> => {
    const t = await server().database();
    await migrate({ target: t, dir: dir({ "V1__init.sql": V1[engine] }) });
    return { t, d: dir({ "V1__init.sql": V1[engine], "V2__fail_half_way.sql": V2_FAILING[engine] }) };
  };
  return { server, dir, atV1 };
}
