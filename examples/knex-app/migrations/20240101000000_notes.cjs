exports.up = (knex) =>
  knex.schema.createTable("notes", (t) => {
    t.increments("id");
    t.string("title", 200).notNullable();
    t.boolean("pinned").notNullable().defaultTo(false);
    t.timestamp("created_at").notNullable().defaultTo(knex.fn.now());
  });

exports.down = (knex) => knex.schema.dropTable("notes");
