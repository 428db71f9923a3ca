export { startLocalPostgres, type LocalPostgresOptions } from "./postgres.js";
export { startLocalMariadb, type LocalMariadbOptions } from "./mariadb.js";
export type { ServerHandle } from "./types.js";
export { cacheDir, serversDir, dirsFromEnv, type Env, type ToolkitDirs } from "./paths.js";
export { freePort } from "./net.js";
export { withFileLock } from "./file-lock.js";
