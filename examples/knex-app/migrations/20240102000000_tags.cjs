exports.up = (knex) =>
  knex.schema.createTable("tags", (t) => {
    t.integer("note_id").unsigned().notNullable().references("notes.id").onDelete("CASCADE");
    t.string("tag", 50).notNullable();
    t.primary(["note_id", "tag"]);
  });

exports.down = (knex) => knex.schema.dropTable("tags");
