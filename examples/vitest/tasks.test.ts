// Two ways to use disposable databases in tests:
//  - the one database global-setup.ts made for the whole run (inject("databaseUrl")), and
//  - a fresh, migrated database per test from the pool (a clone of the same template: milliseconds).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ephemeralDatabases, withTestDatabase, type EphemeralDatabases } from "dbtk/testing";
import { addTask, completeTask, createProject, createUser, openTasks } from "../sample-app/src/tasks.js";

describe("with the run's shared database", () => {
  const db = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
  afterAll(() => db.end());

  it("is migrated", async () => {
    const { rows } = await db.query("select count(*)::int as n from flyway_schema_history where success");
    expect(rows[0].n).toBe(3);
  });
});

describe("with a fresh database per test", () => {
  let dbs: EphemeralDatabases;
  beforeAll(async () => {
    dbs = await ephemeralDatabases({ migrations: inject("migrations") });
  });
  afterAll(() => dbs.close());

  it("completes a task", () =>
    withTestDatabase(dbs, async (fresh) => {
      const db = new pg.Client({ connectionString: fresh.url });
      await db.connect();
      const ada = await createUser(db, { email: "ada@example.com", name: "Ada" });
      const project = await createProject(db, ada, "engine");
      const task = await addTask(db, project, "design", ada);
      expect(await completeTask(db, task)).toBe(true);
      expect(await openTasks(db, project)).toEqual([]);
      await db.end();
    }));

  it("starts empty again: the previous test's rows are not here", () =>
    withTestDatabase(dbs, async (fresh) => {
      const db = new pg.Client({ connectionString: fresh.url });
      await db.connect();
      const { rows } = await db.query("select count(*)::int as n from users");
      expect(rows[0].n).toBe(0);
      // The same email as the previous test: no unique violation in a fresh database.
      await createUser(db, { email: "ada@example.com", name: "Ada" });
      await db.end();
    }));
});
