// Runs against the database dbtk hands out — from the repository root:
//   npx dbtk run --project examples/knex-app --migrate 'npx knex migrate:latest --knexfile knexfile.cjs' \
//     --hash migrations --hash knexfile.cjs -- node --test examples/knex-app/test/
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, beforeEach, describe, it } from "node:test";
import knex from "knex";
import { addNote, listNotes, pin } from "../src/notes.js";

if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set: run these tests through `dbtk run`");
const db = knex(createRequire(import.meta.url)("../knexfile.cjs"));
after(() => db.destroy());

describe("notes", () => {
  beforeEach(async () => {
    await db("tags").del();
    await db("notes").del();
  });

  it("lists pinned notes first, then the newest", async () => {
    const a = await addNote(db, "first");
    const b = await addNote(db, "second");
    await pin(db, a);
    assert.deepEqual((await listNotes(db)).map((n) => n.id), [a, b]);
  });

  it("filters by tag and returns each note's tags", async () => {
    const a = await addNote(db, "groceries", ["home", "todo"]);
    await addNote(db, "taxes", ["work"]);
    assert.deepEqual(await listNotes(db, "todo"), [{ id: a, title: "groceries", pinned: false, tags: ["home", "todo"] }]);
  });

  it("refuses to pin a note that does not exist", async () => {
    await assert.rejects(pin(db, 999_999), /no note 999999/);
  });

  it("drops a note's tags with it", async () => {
    const a = await addNote(db, "old", ["x"]);
    await db("notes").where({ id: a }).del();
    assert.equal((await db("tags").count({ n: "*" }))[0].n, db.client.config.client === "pg" ? "0" : 0);
  });
});
