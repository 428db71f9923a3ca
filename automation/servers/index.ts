export { startLocalPostgres, type LocalPostgresOptions } from "./postgres.ts";
export { startLocalMariadb, type LocalMariadbOptions } from "./mariadb.ts";
export type { ServerHandle } from "./types.ts";
export { cacheDir, serversDir } from "./paths.ts";
export { freePort } from "./net.ts";
export { withFileLock } from "./file-lock.ts";
