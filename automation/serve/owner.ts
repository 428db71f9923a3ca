/** Who the clones of a pool server belong to (also how a later server finds a killed one's leftovers). */
export const SERVE_OWNER = "dbtk-serve";
