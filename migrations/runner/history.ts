// The schema history table, byte for byte the one Flyway creates (its createMetaDataTable.sql for
// PostgreSQL and MySQL/MariaDB), so Flyway and this runner can take turns on one database.
import type { DbTarget } from "../../core/connection.js";

export const DEFAULT_TABLE = "flyway_schema_history";
export const BASELINE_DESCRIPTION = "<< Flyway Baseline >>";
export const SCHEMA_CREATION_DESCRIPTION = "<< Flyway Schema Creation >>";

export interface HistoryRow {
  installedRank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installedBy: string;
  installedOn: Date;
  executionTime: number;
  success: boolean;
}

/** A row to insert; installed_on is left to the column default (as Flyway does). */
export interface NewRow extends Omit<HistoryRow, "installedOn" | "installedBy"> {
  /** Undefined: the database user (current_user / USER()), as Flyway records it. */
  installedBy: string | undefined;
}

export function quoteIdent(engine: DbTarget["engine"], name: string): string {
  return engine === "postgres" ? `"${name.replace(/"/g, '""')}"` : `\`${name.replace(/`/g, "``")}\``;
}

export function createHistorySql(engine: DbTarget["engine"], schema: string, table: string): string[] {
  const q = (n: string) => quoteIdent(engine, n);
  const full = `${q(schema)}.${q(table)}`;
  if (engine === "postgres") {
    return [
      `CREATE TABLE ${full} (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
)`,
      `ALTER TABLE ${full} ADD CONSTRAINT ${q(`${table}_pk`)} PRIMARY KEY ("installed_rank")`,
      `CREATE INDEX ${q(`${table}_s_idx`)} ON ${full} ("success")`,
    ];
  }
  return [
    `CREATE TABLE ${full} (
    \`installed_rank\` INT NOT NULL,
    \`version\` VARCHAR(50),
    \`description\` VARCHAR(200) NOT NULL,
    \`type\` VARCHAR(20) NOT NULL,
    \`script\` VARCHAR(1000) NOT NULL,
    \`checksum\` INT,
    \`installed_by\` VARCHAR(100) NOT NULL,
    \`installed_on\` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    \`execution_time\` INT NOT NULL,
    \`success\` BOOL NOT NULL,
    CONSTRAINT ${q(`${table}_pk`)} PRIMARY KEY (\`installed_rank\`)
) ENGINE=InnoDB`,
    `CREATE INDEX ${q(`${table}_s_idx`)} ON ${full} (\`success\`)`,
  ];
}

export function selectHistorySql(engine: DbTarget["engine"], fullTable: string): string {
  const q = (n: string) => quoteIdent(engine, n);
  const cols = ["installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "installed_on", "execution_time", "success"];
  return `SELECT ${cols.map(q).join(", ")} FROM ${fullTable} ORDER BY ${q("installed_rank")}`;
}

export function rowFromDb(r: Record<string, unknown>): HistoryRow {
  return {
    installedRank: Number(r.installed_rank),
    version: r.version === null || r.version === undefined ? null : String(r.version),
    description: String(r.description),
    type: String(r.type),
    script: String(r.script),
    checksum: r.checksum === null || r.checksum === undefined ? null : Number(r.checksum),
    installedBy: String(r.installed_by),
    installedOn: r.installed_on instanceof Date ? r.installed_on : new Date(String(r.installed_on)),
    executionTime: Number(r.execution_time),
    success: r.success === true || r.success === 1 || r.success === "1",
  };
}

const INSERT_COLUMNS = ["installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success"];

/** The row's values as SQL, in INSERT_COLUMNS order, execution_time left out (the caller has its own). */
function rowValues(engine: DbTarget["engine"], row: NewRow, literal: (s: string) => string): { before: string[]; success: string } {
  const user = row.installedBy !== undefined ? literal(row.installedBy) : engine === "postgres" ? "current_user" : "SUBSTRING_INDEX(USER(),'@',1)";
  return {
    before: [
      String(row.installedRank),
      row.version === null ? "NULL" : literal(row.version),
      literal(row.description.slice(0, 200)),
      literal(row.type),
      literal(row.script.slice(0, 1000)),
      row.checksum === null ? "NULL" : String(row.checksum),
      user,
    ],
    success: engine === "postgres" ? (row.success ? "true" : "false") : row.success ? "1" : "0",
  };
}

const insertInto = (engine: DbTarget["engine"], fullTable: string) => `INSERT INTO ${fullTable} (${INSERT_COLUMNS.map((c) => quoteIdent(engine, c)).join(", ")})`;

/**
 * INSERT with every value inlined (so it can ride in the same round trip as the migration itself).
 * `literal` must be the engine's literal escaper; `executionTimeSql` overrides the measured time with a
 * server-side expression.
 */
export function insertHistorySql(
  engine: DbTarget["engine"],
  fullTable: string,
  row: NewRow,
  literal: (s: string) => string,
  executionTimeSql?: string,
): string {
  const v = rowValues(engine, row, literal);
  return `${insertInto(engine, fullTable)} VALUES (${[...v.before, executionTimeSql ?? String(Math.round(row.executionTime)), v.success].join(", ")})`;
}

/**
 * PostgreSQL: the history INSERT as a prepared statement `name` (executeRecord runs it). Its execution_time
 * is the time since its last parameter, a float8 epoch; it also notes the clock in the session setting
 * `clockSetting`, where the next migration's time starts.
 */
export function prepareRecord(fullTable: string, name: string, clockSetting: string): string {
  const types = ["int", "varchar", "varchar", "varchar", "varchar", "int", "varchar", "boolean", "float8"];
  // A volatile column is never pruned from a subquery, so the clock is noted even though the INSERT reads only n.
  const clock = `(SELECT n, pg_catalog.set_config('${clockSetting}', n::text, false) FROM (SELECT pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) AS n) a) c`;
  return `PREPARE ${name}(${types.join(", ")}) AS ${insertInto("postgres", fullTable)} SELECT $1, $2, $3, $4, $5, $6, $7, ((c.n - $9) * 1000)::int, $8 FROM ${clock}`;
}

/** PostgreSQL: EXECUTE of prepareRecord's statement for `row`; `startSql` is the float8 start time. */
export function executeRecord(name: string, row: NewRow, literal: (s: string) => string, startSql: string): string {
  const v = rowValues("postgres", row, literal);
  return `EXECUTE ${name}(${[...v.before, v.success, startSql].join(", ")})`;
}
