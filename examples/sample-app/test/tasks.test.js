// Runs against the database in DATABASE_URL — e.g. a fresh one from
//   npx dbtk run --migrations examples/sample-app/migrations -- node --test examples/sample-app/test/
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { addTask, completeTask, createProject, createUser, openTasks } from "../src/tasks.js";

if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set: run these tests through `dbtk run`");
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
after(() => db.end());

describe("tasks", () => {
  let ada;
  let project;
  before(async () => {
    ada = await createUser(db, { email: "ada@example.com", name: "Ada" });
    project = await createProject(db, ada, "engine");
  });

  it("lists open tasks oldest first with their assignee", async () => {
    const first = await addTask(db, project, "design", ada);
    const second = await addTask(db, project, "build");
    assert.deepEqual(await openTasks(db, project), [
      { id: first, title: "design", assignee: "Ada" },
      { id: second, title: "build", assignee: null },
    ]);
  });

  it("completes a task once", async () => {
    const id = await addTask(db, project, "test");
    assert.equal(await completeTask(db, id), true);
    assert.equal(await completeTask(db, id), false);
    assert.ok(!(await openTasks(db, project)).some((t) => t.id === id));
  });

  it("refuses an empty title (CHECK constraint from V3)", async () => {
    await assert.rejects(addTask(db, project, ""), /tasks_title_check/);
  });
});
