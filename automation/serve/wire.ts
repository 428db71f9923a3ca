// What the pool server and its clients share: IntegreSQL's connection config as it travels in JSON, and the
// owner recorded on the server's clones.

/** `database.config` in IntegreSQL's answers. */
export interface ConnectionConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

/** Who the clones of a pool server belong to (also how a later server finds a killed one's leftovers). */
export const SERVE_OWNER = "dbtk-serve";
