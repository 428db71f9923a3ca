// Snapshots taken from the catalogs of real servers: every object kind shows up with a definition,
// equal schemas give byte-identical JSON, history tables are left out, and the diff names the changes.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTarget } from "../../../core/connection.ts";
import { createScratchDatabase, dropScratchDatabase } from "../../../migrations/check/scratch.ts";
import { withDb } from "../../../migrations/schema/db.ts";
import { diffSchemas, diffSummary, isEmptyDiff, renderDiff, snapshotSchema, snapshotToJson } from "../../../migrations/schema/index.ts";
import { testMariadb, testPostgres } from "../adapters/support.ts";

const role = `dbtk_reader_${randomBytes(4).toString("hex")}`;
const cleanup: Array<() => Promise<void>> = [];

async function scratch(server: DbTarget): Promise<DbTarget> {
  const db = await createScratchDatabase(server, "dbtk_schema");
  cleanup.unshift(() => dropScratchDatabase(server, db.database));
  return db;
}

async function exec(db: DbTarget, statements: string[]): Promise<void> {
  await withDb(db, async (c) => {
    for (const s of statements) await c.query(s);
  });
}

const PG_SCHEMA = [
  "CREATE SCHEMA app",
  "CREATE TYPE app.status AS ENUM ('new', 'paid', 'shipped')",
  "CREATE DOMAIN app.money_amount AS numeric(12,2) NOT NULL CHECK (VALUE >= 0)",
  `CREATE TABLE app.customers (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     email text NOT NULL UNIQUE,
     name text,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE app.orders (
     id bigserial PRIMARY KEY,
     customer_id bigint NOT NULL REFERENCES app.customers (id) ON DELETE CASCADE,
     status app.status NOT NULL DEFAULT 'new',
     total app.money_amount,
     total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED,
     CONSTRAINT orders_total_positive CHECK (total > 0)
   )`,
  "CREATE INDEX orders_open_idx ON app.orders (customer_id) WHERE status <> 'shipped'",
  "CREATE SEQUENCE app.invoice_numbers START 1000 INCREMENT 10",
  "CREATE VIEW app.open_orders AS SELECT id, customer_id FROM app.orders WHERE status <> 'shipped'",
  "CREATE MATERIALIZED VIEW app.order_totals AS SELECT customer_id, sum(total) AS total FROM app.orders GROUP BY customer_id",
  `CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := coalesce(NEW.name, ''); RETURN NEW; END $$`,
  "CREATE TRIGGER customers_touch BEFORE INSERT ON app.customers FOR EACH ROW EXECUTE FUNCTION app.touch()",
  `GRANT USAGE ON SCHEMA app TO ${role}`,
  `GRANT SELECT ON app.open_orders TO ${role}`,
  `GRANT SELECT, INSERT ON app.customers TO ${role}`,
  // Bookkeeping of the migration tools: never part of the snapshot.
  "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text)",
  "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)",
  "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
  "CREATE TABLE databasechangelog (id serial PRIMARY KEY)",
];

describe("PostgreSQL snapshot", () => {
  let pg: DbTarget;
  let a: DbTarget;
  let b: DbTarget;

  beforeAll(async () => {
    pg = await testPostgres();
    await exec(pg, [`CREATE ROLE ${role}`]);
    cleanup.push(() => exec(pg, [`DROP ROLE IF EXISTS ${role}`]));
    a = await scratch(pg);
    b = await scratch(pg);
    await exec(a, PG_SCHEMA);
    await exec(b, PG_SCHEMA);
  });

  it("captures every object kind with its definition", async () => {
    const s = await snapshotSchema(a);
    const o = s.objects;
    expect(o["schema app"]).toBeDefined();
    expect(o["type app.status"]?.def).toEqual({ kind: "enum", labels: ["new", "paid", "shipped"] });
    expect(o["type app.money_amount"]?.def).toMatchObject({ kind: "domain", base: "numeric(12,2)", notNull: true, checks: ["CHECK (VALUE >= 0::numeric)"] });
    expect(o["table app.customers"]?.def).toMatchObject({ kind: "table" });
    expect(o["column app.customers.id"]?.def).toMatchObject({ type: "bigint", nullable: false, identity: "always" });
    expect(o["column app.customers.created_at"]?.def).toMatchObject({ type: "timestamp with time zone", default: "now()", nullable: false });
    expect(o["column app.orders.total_cents"]?.def).toMatchObject({ generated: "(((total)::numeric * (100)::numeric))::bigint", default: null });
    expect(o["column app.orders.id"]?.def.default).toBe("nextval('app.orders_id_seq'::regclass)");
    expect(o["constraint app.orders.orders_customer_id_fkey"]?.def).toEqual({ type: "foreign key", definition: "FOREIGN KEY (customer_id) REFERENCES app.customers(id) ON DELETE CASCADE" });
    expect(o["constraint app.orders.orders_total_positive"]?.def.type).toBe("check");
    expect(o["constraint app.customers.customers_email_key"]?.def.type).toBe("unique");
    expect(o["constraint app.customers.customers_pkey"]?.def.type).toBe("primary key");
    expect(o["index app.orders_open_idx"]?.def.definition).toBe("CREATE INDEX orders_open_idx ON app.orders USING btree (customer_id) WHERE (status <> 'shipped'::app.status)");
    expect(o["sequence app.invoice_numbers"]?.def).toMatchObject({ start: "1000", increment: "10", ownedBy: null });
    expect(o["sequence app.orders_id_seq"]?.def.ownedBy).toBe("orders");
    expect(String(o["view app.open_orders"]?.def.definition)).toMatch(/SELECT id,\s+customer_id\s+FROM app\.orders/);
    expect(o["view app.order_totals"]?.def.kind).toBe("materialized view");
    expect(o["function app.touch()"]?.def).toMatchObject({ returns: "trigger", language: "plpgsql", volatility: "volatile" });
    expect(String(o["function app.touch()"]?.def.bodySha256)).toMatch(/^[0-9a-f]{64}$/);
    expect(String(o["trigger app.customers.customers_touch"]?.def.definition)).toContain("BEFORE INSERT ON app.customers FOR EACH ROW EXECUTE FUNCTION app.touch()");
    expect(o["grant table app.customers"]?.def.privileges).toEqual([`${role}: INSERT, SELECT`]);
    expect(o["grant view app.open_orders"]?.def.privileges).toEqual([`${role}: SELECT`]);
    expect(o["grant schema app"]?.def.privileges).toEqual([`${role}: USAGE`]);
  });

  it("leaves the migration tools' history tables out, with their keys and sequences", async () => {
    const keys = Object.keys((await snapshotSchema(a)).objects);
    for (const t of ["flyway_schema_history", "schema_migrations", "alembic_version", "databasechangelog"]) {
      expect(keys.filter((k) => k.includes(t))).toEqual([]);
    }
    expect(keys.some((k) => k.includes("alembic_version_pkc") || k.includes("databasechangelog_id_seq"))).toBe(false);
  });

  it("gives byte-identical JSON for the same schema in two databases", async () => {
    const ja = snapshotToJson(await snapshotSchema(a));
    expect(snapshotToJson(await snapshotSchema(b))).toBe(ja);
    expect(snapshotToJson(await snapshotSchema(a))).toBe(ja);
    expect(isEmptyDiff(diffSchemas(await snapshotSchema(a), await snapshotSchema(b)))).toBe(true);
  });

  it("reports added, missing and changed objects with a readable diff", async () => {
    const c = await scratch(pg);
    await exec(c, PG_SCHEMA);
    await exec(c, [
      "ALTER TABLE app.customers ADD COLUMN phone text",
      "DROP INDEX app.orders_open_idx",
      `CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      "CREATE OR REPLACE VIEW app.open_orders AS SELECT id, customer_id FROM app.orders WHERE status = 'new'",
      `REVOKE INSERT ON app.customers FROM ${role}`,
    ]);
    const d = diffSchemas(await snapshotSchema(a), await snapshotSchema(c));
    expect(diffSummary(d)).toEqual({
      added: ["column app.customers.phone"],
      missing: ["index app.orders_open_idx"],
      changed: ["function app.touch()", "grant table app.customers", "view app.open_orders"],
    });
    const text = renderDiff(d, { expectedLabel: "migrations", actualLabel: "live" });
    expect(text).toContain("--- migrations\n+++ live\n1 added, 1 missing, 1 changed".replace("1 changed", "3 changed"));
    expect(text).toContain("@@ added column app.customers.phone (in live, not in migrations) @@\n");
    expect(text).toContain("@@ missing index app.orders_open_idx (in migrations, not in live) @@\n- definition: CREATE INDEX orders_open_idx");
    expect(text).toContain(`@@ changed grant table app.customers @@\n  privileges:\n-   - "${role}: INSERT, SELECT"\n+   - "${role}: SELECT"\n`);
    expect(text).toMatch(/@@ changed view app\.open_orders @@[\s\S]*- [\s\S]*<> 'shipped'[\s\S]*\+ [\s\S]*= 'new'/);
  });
});

describe("MySQL/MariaDB snapshot", () => {
  let my: DbTarget;
  const schema = [
    `CREATE TABLE customers (
       id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
       email VARCHAR(255) NOT NULL,
       name VARCHAR(100) NULL DEFAULT 'anon',
       UNIQUE KEY customers_email_key (email)
     ) ENGINE=InnoDB`,
    `CREATE TABLE orders (
       id BIGINT NOT NULL PRIMARY KEY,
       customer_id BIGINT NOT NULL,
       total DECIMAL(10,2) NOT NULL,
       CONSTRAINT orders_total_check CHECK (total >= 0),
       CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
       KEY orders_customer_total_idx (customer_id, total DESC)
     ) ENGINE=InnoDB`,
    "CREATE VIEW big_orders AS SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100",
    "CREATE PROCEDURE add_order(IN p_id BIGINT, IN p_customer BIGINT) INSERT INTO orders (id, customer_id, total) VALUES (p_id, p_customer, 0)",
    "CREATE TRIGGER customers_name BEFORE INSERT ON customers FOR EACH ROW SET NEW.name = COALESCE(NEW.name, 'anon')",
    "CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY)",
  ];

  beforeAll(async () => {
    my = await testMariadb();
  });

  it("captures tables, columns, constraints, indexes, views, routines and triggers", async () => {
    const db = await scratch(my);
    await exec(db, schema);
    const o = (await snapshotSchema(db)).objects;
    expect(o["table customers"]?.def.engine).toBe("InnoDB");
    expect(o["column customers.id"]?.def).toMatchObject({ type: "bigint(20)", nullable: false, extra: "auto_increment" });
    expect(o["column customers.name"]?.def).toMatchObject({ nullable: true, default: "'anon'" });
    expect(o["constraint orders.orders_customer_fk"]?.def).toEqual({ type: "foreign key", columns: ["customer_id"], references: "customers(id)", onUpdate: "RESTRICT", onDelete: "CASCADE" });
    expect(o["constraint orders.orders_total_check"]?.def).toEqual({ type: "check", columns: [], clause: "`total` >= 0" });
    expect(o["index orders.orders_customer_total_idx"]?.def.definition).toBe("INDEX orders_customer_total_idx ON orders USING BTREE (customer_id, total DESC)");
    expect(o["index customers.customers_email_key"]?.def.definition).toBe("UNIQUE INDEX customers_email_key ON customers USING BTREE (email)");
    expect(String(o["view big_orders"]?.def.definition)).not.toContain(db.database);
    expect(o["function add_order(IN p_id bigint(20), IN p_customer bigint(20))"]?.def.kind).toBe("procedure");
    expect(o["trigger customers.customers_name"]?.def).toMatchObject({ timing: "BEFORE", event: "INSERT" });
    expect(Object.keys(o).some((k) => k.includes("schema_migrations"))).toBe(false);
  });

  it("gives identical JSON for two databases and reports a changed column", async () => {
    const [x, y] = [await scratch(my), await scratch(my)];
    await exec(x, schema);
    await exec(y, schema);
    expect(snapshotToJson(await snapshotSchema(y))).toBe(snapshotToJson(await snapshotSchema(x)));
    await exec(y, ["ALTER TABLE customers MODIFY name VARCHAR(200) NULL DEFAULT 'anon'"]);
    const d = diffSchemas(await snapshotSchema(x), await snapshotSchema(y));
    expect(diffSummary(d)).toEqual({ added: [], missing: [], changed: ["column customers.name"] });
    expect(renderDiff(d)).toContain("- type: varchar(100)\n+ type: varchar(200)");
  });
});

afterAll(async () => {
  for (const f of cleanup) await f().catch(() => undefined);
});
