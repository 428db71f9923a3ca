// A schema snapshot: every object of a database keyed by "<kind> <qualified name>", each with a
// JSON definition that is equal on two databases exactly when the object is the same.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type ObjectKind =
  | "schema"
  | "table"
  | "column"
  | "constraint"
  | "index"
  | "view"
  | "function"
  | "sequence"
  | "trigger"
  | "type"
  | "grant";

export interface SchemaObject {
  kind: ObjectKind;
  /** Qualified name: `schema.table`, `schema.table.column`, `schema.fn(args)`; MySQL names drop the database. */
  name: string;
  def: { [key: string]: Json };
}

export interface SchemaSnapshot {
  engine: "postgres" | "mysql";
  /** Keyed by `<kind> <name>`. */
  objects: Record<string, SchemaObject>;
}

export interface SnapshotOptions {
  /** Table names (unqualified) left out with their columns, constraints, indexes and grants. */
  exclude?: readonly string[];
  /** PostgreSQL: only these schemas (default every non-system schema). */
  schemas?: readonly string[];
}

/** Bookkeeping tables of the supported tools and of the built-in runner. */
export const HISTORY_TABLES: readonly string[] = [
  "flyway_schema_history",
  "databasechangelog",
  "databasechangeloglock",
  "alembic_version",
  "schema_migrations",
];

export function addObject(snap: SchemaSnapshot, kind: ObjectKind, name: string, def: { [key: string]: Json }): void {
  snap.objects[`${kind} ${name}`] = { kind, name, def };
}
