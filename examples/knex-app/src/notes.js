// A tiny notes store on knex: what the tests exercise against a fresh, migrated database.
export async function addNote(db, title, tags = []) {
  const [row] = await db("notes").insert({ title }).returning("id");
  const id = typeof row === "object" ? row.id : row;
  if (tags.length) await db("tags").insert(tags.map((tag) => ({ note_id: id, tag })));
  return id;
}

export async function pin(db, id) {
  const n = await db("notes").where({ id }).update({ pinned: true });
  if (n !== 1) throw new Error(`no note ${id}`);
}

/** Pinned first, then newest; each with its tags sorted. */
export async function listNotes(db, tag) {
  let q = db("notes").select("id", "title", "pinned").orderBy([{ column: "pinned", order: "desc" }, { column: "id", order: "desc" }]);
  if (tag) q = q.whereIn("id", db("tags").select("note_id").where({ tag }));
  const notes = await q;
  const tags = await db("tags").select("note_id", "tag").orderBy("tag");
  return notes.map((n) => ({ ...n, pinned: Boolean(n.pinned), tags: tags.filter((t) => t.note_id === n.id).map((t) => t.tag) }));
}
