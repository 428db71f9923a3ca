import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pg from "pg";
import { createProject, createUser } from "../src/tasks.js";

if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set: run these tests through `dbtk run`");
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
after(() => db.end());

describe("users and projects", () => {
  it("keeps emails unique", async () => {
    await createUser(db, { email: "grace@example.com", name: "Grace" });
    await assert.rejects(createUser(db, { email: "grace@example.com", name: "Grace again" }), /users_email_key/);
  });

  it("deleting a user removes their projects", async () => {
    const id = await createUser(db, { email: "linus@example.com", name: "Linus" });
    await createProject(db, id, "kernel");
    await db.query("DELETE FROM users WHERE id = $1", [id]);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM projects WHERE owner_id = $1", [id]);
    assert.equal(rows[0].n, 0);
  });
});
